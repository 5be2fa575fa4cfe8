package wxs

import (
	"strings"
	"testing"
)

// TestConditionExpressions: <?if?> expressions evaluate as in WiX v3's
// Preprocessor.EvaluateExpression (the values were worked through its
// source by hand), including where wixl differs.
func TestConditionExpressions(t *testing.T) {
	p := &parser{arch: "x64", vars: map[string]string{"A": "1", "B": "good var", "C": "3", "Empty": "", "Ten": "10", "Spaced": " 7 "}, opts: Options{Getenv: fakeEnv}}
	for expr, want := range map[string]bool{
		`$(var.A)`:                      true, // defined
		`$(var.Empty)`:                  true, // defined, though empty
		`$(var.C) = 3`:                  true,
		`$(var.C) = "3"`:                true,
		`$(var.C)=3`:                    true,
		`$(var.C)!=3`:                   false,
		`$(var.C) = 6`:                  false,
		`$(var.B) = "good VAR"`:         false, // = is case-sensitive
		`$(var.B) ~= "good VAR"`:        true,
		`$(var.B)~="GOOD var"`:          true,
		`"x" = "x"`:                     true,
		`x = x`:                         true, // bare words are literals
		`"a b" = "a b"`:                 true,
		`$(var.Spaced) = 7`:             true, // values are trimmed
		`$(var.Spaced) = " 7"`:          true,
		`22 < 21`:                       false, // wixl says true
		`3 < 10`:                        true,  // integers, not strings
		`3 < $(var.C)`:                  false,
		`$(var.Ten) > 9`:                true,
		`$(var.Ten) >= 10`:              true,
		`$(var.Ten) <= 9`:               false,
		`-1 < 0`:                        true,
		`+5 = 5`:                        false, // = compares text
		`+5 >= 5`:                       true,
		`not "x" = "y"`:                 true,
		`NOT $(var.A) = 1`:              false,
		`not($(var.A) = 2)`:             true,
		`$(var.A) and not $(var.C) = 3`: false,
		`$(var.A) Or ($(var.B) And $(var.C) >= 3)`:   true,
		`$(var.A) = 1 AND $(var.C) = 3`:              true,
		`(($(var.A)))`:                               true,
		`(($(var.A)) and $(var.B) = "good var")`:     true,
		`("a)" = "a)")`:                              true, // parentheses in quotes
		`("(" = "(") and ")" = ")"`:                  true,
		`1 = 1 or 1 = 1 and 1 = 2`:                   false, // left to right: (T or T) and F
		`1 = 2 and 1 = 2 or 1 = 1`:                   true,  // (F and F) or T
		`1 = 2 and not 1 = 2 or 1 = 1`:               false, // F and ((not F) or T)
		`not 1 = 2 and 1 = 2`:                        false, // (not F) and F
		`$(var.A) =`:                                 false, // compares with ""
		`$(env.HOME) = /home/u`:                      true,
		`$(sys.BUILDARCH) = x64`:                     true,
		`$(.X)`:                                      false, // candle takes it as undefined
		`$(env.ProgramFiles(x86)) = "C:\PF86"`:       true,
		`$(var.A) = 1 or $(var.A) = 2 or 1 = 1`:      true,
		`$(var.A) = 2 or ($(var.A) = 3 or 1 = 2)`:    false,
		`1 = 2 or not (1 = 2 or 1 = 2) and $(var.A)`: true,
	} {
		got, err := p.condition(Pos{File: "c.wxs", Line: 1}, expr)
		if err != nil || got != want {
			t.Errorf("%s: %v (%v), want %v", expr, got, err, want)
		}
	}
}

// TestConditionErrors: what WiX v3 refuses in an expression is an error
// here too, with a reason.
func TestConditionErrors(t *testing.T) {
	p := &parser{arch: "x86", vars: map[string]string{"A": "1"}}
	for expr, want := range map[string]string{
		`$(var.Nope)`:             "undefined preprocessor variable $(var.Nope)",
		`$(var.Nope) = 1`:         "undefined preprocessor variable",
		`1 = 2 and $(var.Nope)`:   "undefined preprocessor variable", // no short cut
		`$(env.NOPE) = 1`:         "environment variable NOPE",
		`$(var.A) <> 2`:           `compares integers`, // no <> operator: "<" then ">"
		`a < b`:                   `"a" < "b": < compares integers`,
		`2147483648 > 1`:          "compares integers", // beyond 32 bits
		``:                        "an operand is missing",
		`$(var.A) and`:            `"and": want and, or`, // as candle: "and" needs something after it
		`not`:                     `"not" is a literal where a variable or a comparison belongs`,
		`"x"`:                     "is a literal where a variable",
		`x`:                       "is a literal where a variable",
		`$(var.A) "="`:            "an operator in quotes",
		`$(.X) = 1`:               "a variable is missing",
		`"a" = "b" garbage`:       `"garbage": want and, or, or the end`,
		`"a = b`:                  "unmatched quotes",
		`(1 = 1`:                  "unmatched parenthesis",
		`$(var.A = 1`:             "unmatched parenthesis",
		`a) = 1`:                  "unmatched parenthesis",
		`a" = 1`:                  "unmatched quotes",
		`not `:                    "is a literal",
		`1 = 1 xor 1 = 1`:         `"xor 1 = 1": want and, or`,
		`$(var.A) = 1 and (1 = )`: "",
	} {
		_, err := p.condition(Pos{File: "c.wxs", Line: 1}, expr)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", expr, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", expr, err, want)
		}
	}
}
