package wxs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// condition evaluates the expression of an <?if?> or <?elseif?> as WiX
// v3's Preprocessor.EvaluateExpression does, quirks included, since a
// source means what candle makes of it:
//
//   - an atom is a variable ($(var.X), true when defined), or a comparison
//     of two values (variables, quoted strings, or bare words, which are
//     literals): =, != and ~= (case-insensitive) compare strings, <, <=, >
//     and >= compare 32-bit integers (other values are an error); there is
//     no <> operator;
//   - an undefined variable is an error, as in candle;
//   - "not", "and", "or" (any case) and parentheses combine atoms, read
//     from left to right: "and" and "or" have the same precedence ("A or B
//     and C" is "(A or B) and C"), but what follows a "not" (up to a
//     closing parenthesis) is evaluated first, and then combined with what
//     came before it: "A and not B or C" is "A and ((not B) or C)";
//   - every operand is evaluated (no short cut), so an undefined variable
//     right of a false "and" is still an error.
func (p *parser) condition(pos Pos, expr string) (bool, error) {
	if len(expr) > maxExpressionBytes {
		return false, fmt.Errorf("the expression is longer than %d KiB", maxExpressionBytes>>10)
	}
	ev := &evaluator{p: p, pos: pos}
	rest := expr
	return ev.recurse(&rest, opAnd, true)
}

type operation int

const (
	opAnd operation = iota
	opOr
	opNot
)

type evaluator struct {
	p     *parser
	pos   Pos
	depth int
}

// recurse is EvaluateExpressionRecurse: it evaluates the first operand of
// *expr (a parenthesised expression, "not" and what follows, or an atom),
// combines it with prev by op, and goes on with the rest after "and" or
// "or", consuming *expr.
func (ev *evaluator) recurse(expr *string, op operation, prev bool) (bool, error) {
	ev.depth++
	defer func() { ev.depth-- }()
	if ev.depth > maxExpressionDepth {
		return false, fmt.Errorf("the expression nests deeper than %d", maxExpressionDepth)
	}
	*expr = strings.TrimSpace(*expr)
	if *expr == "" {
		return false, errors.New("an operand is missing (empty subexpression)")
	}
	var value bool
	var err error
	switch {
	case strings.HasPrefix(*expr, "("):
		sub, end, err := parenthesised(*expr)
		if err != nil {
			return false, err
		}
		if value, err = ev.recurse(&sub, opAnd, true); err != nil {
			return false, err
		}
		*expr = strings.TrimSpace((*expr)[end:])
	case keyword(*expr, "not"):
		*expr = strings.TrimSpace((*expr)[3:])
		if *expr == "" {
			return false, errors.New(`"not" needs an operand`)
		}
		if value, err = ev.recurse(expr, opNot, true); err != nil {
			return false, err
		}
	default:
		if value, err = ev.atom(expr); err != nil {
			return false, err
		}
	}
	switch op {
	case opAnd:
		value = value && prev
	case opOr:
		value = value || prev
	case opNot:
		value = !value
	}
	rest := strings.TrimSpace(*expr)
	switch {
	case rest == "":
		return value, nil
	case keyword(rest, "and"):
		*expr = rest[3:]
		return ev.recurse(expr, opAnd, value)
	case keyword(rest, "or"):
		*expr = rest[2:]
		return ev.recurse(expr, opOr, value)
	}
	return false, fmt.Errorf("%q: want and, or, or the end of the expression", clip(rest))
}

// keyword reports whether s starts with the keyword (any case) followed by
// a space or "(".
func keyword(s, word string) bool {
	n := len(word)
	return len(s) > n && strings.EqualFold(s[:n], word) && (s[n] == ' ' || s[n] == '(')
}

// parenthesised is GetParenthesisExpression: the text inside the
// parenthesis s starts with, and the index after its closing one.
// Parentheses inside quotes do not count.
func parenthesised(s string) (string, int, error) {
	// Both indexes only grow, so each counts the quotes before it as it
	// goes.
	closeQuotes, openQuotes := quoteCounter{s: s}, quoteCounter{s: s}
	open, closing := 0, 1
	for open != -1 && open < closing {
		i := strings.IndexByte(s[closing:], ')')
		if i < 0 {
			return "", 0, errors.New("unmatched parenthesis")
		}
		closing += i
		if !closeQuotes.inside(closing) {
			for {
				open++
				j := strings.IndexByte(s[open:closing], '(')
				if j < 0 {
					open = -1
					break
				}
				open += j
				if !openQuotes.inside(open) {
					break
				}
			}
		}
		closing++
	}
	return s[1 : closing-1], closing, nil
}

// quoteCounter tells whether an index of s is inside double quotes (an odd
// number of them before it), for indexes that only grow.
type quoteCounter struct {
	s          string
	pos, count int
}

func (q *quoteCounter) inside(i int) bool {
	for ; q.pos < i; q.pos++ {
		if q.s[q.pos] == '"' {
			q.count++
		}
	}
	return q.count%2 == 1
}

// atom is EvaluateAtomicExpression: a variable alone, or a comparison.
func (ev *evaluator) atom(expr *string) (bool, error) {
	startsWithVariable := strings.HasPrefix(*expr, "$(")
	left, leftOK, err := ev.operand(expr)
	if err != nil {
		return false, err
	}
	op, literal, err := ev.token(expr)
	if err != nil {
		return false, err
	}
	if literal && isComparison(strings.TrimSpace(op)) {
		return false, fmt.Errorf("%q: an operator in quotes", op)
	}
	if literal || !isComparison(op) {
		// not an operator: put it back; the atom is the operand alone
		if literal {
			op = `"` + op + `"`
		}
		*expr = strings.TrimSpace(op + " " + *expr)
		switch {
		case !leftOK:
			return false, nil
		case startsWithVariable:
			return true, nil
		}
		return false, fmt.Errorf("%q is a literal where a variable or a comparison belongs", clip(left))
	}
	right, rightOK, err := ev.operand(expr)
	if err != nil {
		return false, err
	}
	if !leftOK || !rightOK {
		return false, errors.New("a variable is missing")
	}
	left, right = strings.TrimSpace(left), strings.TrimSpace(right)
	switch op {
	case "=":
		return left == right, nil
	case "!=":
		return left != right, nil
	case "~=":
		return strings.EqualFold(left, right), nil
	}
	r, err1 := strconv.ParseInt(right, 10, 32)
	l, err2 := strconv.ParseInt(left, 10, 32)
	if err1 != nil || err2 != nil {
		return false, fmt.Errorf("%q %s %q: %s compares integers", clip(left), op, clip(right), op)
	}
	switch op {
	case "<":
		return l < r, nil
	case "<=":
		return l <= r, nil
	case ">":
		return l > r, nil
	}
	return l >= r, nil
}

func isComparison(op string) bool {
	switch op {
	case "=", "!=", "<", "<=", ">", ">=", "~=":
		return true
	}
	return false
}

// operand is the next token as a value (GetNameValuePair with
// EvaluateVariable): a quoted string, preprocessed; a variable, resolved;
// or a bare word, taken literally. ok is false for a variable with an
// empty prefix, which candle takes as undefined here.
func (ev *evaluator) operand(expr *string) (value string, ok bool, err error) {
	tok, literal, err := ev.token(expr)
	if err != nil || literal {
		return tok, true, err
	}
	switch {
	case strings.HasPrefix(tok, "$("):
		v, err := ev.p.expand(ev.pos, tok)
		if errors.Is(err, errNoPrefix) {
			return "", false, nil
		}
		return v, err == nil, err
	case strings.ContainsAny(tok, "()"):
		return "", false, fmt.Errorf("%q: unmatched parenthesis", clip(tok))
	case strings.Contains(tok, `"`):
		return "", false, fmt.Errorf("%q: unmatched quotes", clip(tok))
	}
	return tok, true, nil
}

// token is GetNextToken: a quoted string (preprocessed, literal is true), a
// $(...) reference up to its matching parenthesis, or a word up to the next
// space or operator, or an operator.
func (ev *evaluator) token(expr *string) (tok string, literal bool, err error) {
	s := strings.TrimSpace(*expr)
	switch {
	case s == "":
		*expr = ""
		return "", false, nil
	case s[0] == '"':
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", false, fmt.Errorf("%s: unmatched quotes", clip(s))
		}
		end++
		*expr = strings.TrimSpace(s[end+1:])
		v, err := ev.p.expand(ev.pos, s[1:end])
		return v, true, err
	case strings.HasPrefix(s, "$("):
		open := 1
		for i := 2; i < len(s); i++ {
			switch s[i] {
			case '(':
				open++
			case ')':
				open--
			}
			if open == 0 {
				*expr = strings.TrimSpace(s[i+1:])
				return s[:i+1], false, nil
			}
		}
		return "", false, fmt.Errorf("%s: unmatched parenthesis", clip(s))
	}
	cut := len(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '=' || c == '<' || c == '>' || (c == '!' || c == '~') && i+1 < len(s) && s[i+1] == '=' {
			cut = i
			break
		}
	}
	if cut == 0 {
		cut = 1
		if len(s) > 1 && s[1] == '=' && strings.IndexByte("<>!~", s[0]) >= 0 {
			cut = 2
		}
	}
	*expr = strings.TrimSpace(s[cut:])
	return strings.TrimSpace(s[:cut]), false, nil
}
