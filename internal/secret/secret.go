// Package secret holds values that must never be printed: signing
// passwords, API tokens, credentials. They come only from the environment
// (package config reads them), never from gomsi.yaml.
package secret

import (
	"fmt"
	"log/slog"
)

// Redacted is what a set String prints instead of its value.
const Redacted = "[REDACTED]"

// String is a secret text. Printed in any way (fmt verbs, %#v included,
// JSON, YAML, text, slog) it shows Redacted when set and nothing when empty;
// only Reveal returns the value, at the one place that needs it.
//
// The value sits behind a pointer: fmt prints an unexported field of a
// struct by reflection, without its methods, and would show a string.
type String struct{ p *string }

// New wraps a secret value.
func New(value string) String {
	if value == "" {
		return String{}
	}
	return String{&value}
}

// Reveal returns the value, for the one place that uses it (an HTTP
// header, a key file's decryption); never for a message.
func (s String) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsEmpty reports whether the secret is unset.
func (s String) IsEmpty() bool { return s.p == nil }

// String returns Redacted, or "" when the secret is unset.
func (s String) String() string {
	if s.p == nil {
		return ""
	}
	return Redacted
}

// GoString keeps %#v from showing the value.
func (s String) GoString() string { return fmt.Sprintf("secret.String(%q)", s.String()) }

// Format prints String for every verb, so that no verb (%x, %d, %+v)
// reaches the value.
func (s String) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.String())
	case 'v':
		if f.Flag('#') {
			fmt.Fprint(f, s.GoString())
			return
		}
		fmt.Fprint(f, s.String())
	default:
		fmt.Fprint(f, s.String())
	}
}

// MarshalText, MarshalJSON and MarshalYAML write the redaction.
func (s String) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MarshalJSON writes the redaction as a JSON string.
func (s String) MarshalJSON() ([]byte, error) { return fmt.Appendf(nil, "%q", s.String()), nil }

// MarshalYAML writes the redaction.
func (s String) MarshalYAML() (any, error) { return s.String(), nil }

// LogValue keeps log/slog from showing the value.
func (s String) LogValue() slog.Value { return slog.StringValue(s.String()) }
