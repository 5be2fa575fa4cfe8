package secret

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const value = "hunter2-s3cr3t"

// holder has the secret in an exported and an unexported field: fmt prints
// unexported fields by reflection, without calling their methods.
type holder struct {
	Token  String
	hidden String
	Name   string
}

func TestStringNeverPrintsItsValue(t *testing.T) {
	s := New(value)
	h := holder{Token: s, hidden: s, Name: "visible"}
	var printed []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10s", "%-20v"} {
		printed = append(printed, fmt.Sprintf(verb, s), fmt.Sprintf(verb, h), fmt.Sprintf(verb, &h), fmt.Sprintf(verb, []String{s}))
	}
	printed = append(printed, fmt.Sprint(s), fmt.Sprintln(s, h), s.String(), s.GoString())
	wrapped := fmt.Errorf("sign: password %v: %w", s, errors.New("wrong"))
	printed = append(printed, wrapped.Error(), fmt.Errorf("outer: %w", wrapped).Error())
	for _, v := range []any{s, h, &h, map[string]String{"k": s}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		printed = append(printed, string(b))
		y, err := yaml.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		printed = append(printed, string(y))
	}
	var log strings.Builder
	slog.New(slog.NewTextHandler(&log, nil)).Info("signing", "password", s, "holder", h)
	slog.New(slog.NewJSONHandler(&log, nil)).Info("signing", "password", s)
	printed = append(printed, log.String())
	for _, p := range printed {
		if strings.Contains(p, value) {
			t.Errorf("printed the value: %s", p)
		}
	}
	for _, want := range []string{fmt.Sprintf("%v", s), fmt.Sprintf("%s", s), fmt.Sprintf("%+v", h)} {
		if !strings.Contains(want, Redacted) {
			t.Errorf("%q does not show %s", want, Redacted)
		}
	}
	if got := fmt.Sprintf("%q", s); got != `"`+Redacted+`"` {
		t.Errorf("%%q = %s", got)
	}
	if got := fmt.Sprintf("%#v", s); got != `secret.String("`+Redacted+`")` {
		t.Errorf("%%#v = %s", got)
	}
	if b, _ := json.Marshal(s); string(b) != `"`+Redacted+`"` {
		t.Errorf("json = %s", b)
	}
	if y, _ := yaml.Marshal(h); !strings.Contains(string(y), "token: '"+Redacted+"'") {
		t.Errorf("yaml = %s", y)
	}
}

func TestRevealAndEmpty(t *testing.T) {
	if got := New(value).Reveal(); got != value {
		t.Errorf("Reveal = %q", got)
	}
	var zero String
	if !zero.IsEmpty() || !New("").IsEmpty() || New(value).IsEmpty() {
		t.Error("IsEmpty wrong")
	}
	if zero.Reveal() != "" || fmt.Sprint(zero) != "" {
		t.Errorf("the empty secret prints %q", fmt.Sprint(zero))
	}
}
