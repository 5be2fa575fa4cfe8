package cfb_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/cfb"
)

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk on fire")
	}
	n := min(len(p), f.n)
	f.n -= n
	return n, nil
}

func TestBadInput(t *testing.T) {
	newWriter := func(t *testing.T) *cfb.Writer {
		f, err := os.Create(filepath.Join(t.TempDir(), "x"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		w, err := cfb.NewWriter(f)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	cases := []struct {
		name    string
		add     func(w *cfb.Writer) error
		wantErr string
	}{
		{"long name", func(w *cfb.Writer) error {
			return w.AddStream(strings.Repeat("a", 32), 1, strings.NewReader("x"))
		}, "limit is 31"},
		{"slash", func(w *cfb.Writer) error { return w.AddStream("a/b", 1, strings.NewReader("x")) }, "may not contain"},
		{"empty name", func(w *cfb.Writer) error { return w.AddStream("", 1, strings.NewReader("x")) }, "empty stream name"},
		{"duplicate ignoring case", func(w *cfb.Writer) error {
			if err := w.AddStream("Name", 1, strings.NewReader("x")); err != nil {
				return err
			}
			return w.AddStream("NAME", 1, strings.NewReader("x"))
		}, `"Name" already exists`},
		{"short small reader", func(w *cfb.Writer) error { return w.AddStream("s", 10, strings.NewReader("abc")) }, "read 3 of 10"},
		{"short big reader", func(w *cfb.Writer) error { return w.AddStream("b", 10000, payload(1, 9000)) }, "read 9000 of 10000"},
		{"long reader", func(w *cfb.Writer) error { return w.AddStream("l", 5000, payload(1, 5001)) }, "more bytes than the declared size"},
		{"failing reader", func(w *cfb.Writer) error { return w.AddStream("f", 8000, &failingReader{n: 5000}) }, "disk on fire"},
		{"negative size", func(w *cfb.Writer) error { return w.AddStream("n", -1, strings.NewReader("")) }, "outside"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.add(newWriter(t))
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, c.wantErr)
			}
		})
	}
	t.Run("unusable after a failed big stream", func(t *testing.T) {
		w := newWriter(t)
		if err := w.AddStream("b", 10000, payload(1, 9000)); err == nil {
			t.Fatal("short reader accepted")
		}
		if err := w.AddStream("c", 10, payload(1, 10)); err == nil {
			t.Error("writer accepted a stream after a half-written one")
		}
		if err := w.Close(); err == nil {
			t.Error("Close succeeded on a half-written file")
		}
	})
	t.Run("add after close", func(t *testing.T) {
		w := newWriter(t)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.AddStream("late", 1, strings.NewReader("x")); err == nil || !strings.Contains(err.Error(), "closed") {
			t.Errorf("err = %v", err)
		}
	})
}
