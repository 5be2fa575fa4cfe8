package fetch

import (
	"strings"
	"testing"
	"time"
)

// fakeClock advances only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *fakeClock               { return &fakeClock{time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)} }
func mb(n float64) int64                 { return int64(n * (1 << 20)) }
func lines(s string) []string            { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }
func (c *fakeClock) step(m meter, d time.Duration, written int64) {
	c.add(d)
	m.set(written)
}

func TestProgressLinesWhenNotATerminal(t *testing.T) {
	var out strings.Builder
	c := newClock()
	m := newProgressMeter(&out, false, c.now, "go1.26.8.windows-amd64.zip", mb(80))
	c.step(m, 3*time.Second, mb(10)) // too soon for a line
	c.step(m, 7*time.Second, mb(20)) // 10s: a line
	c.step(m, 5*time.Second, mb(30))
	c.step(m, 5*time.Second, mb(40)) // 20s: a line
	c.add(20 * time.Second)
	m.set(mb(80))
	m.done()
	got := lines(out.String())
	want := []string{
		"download go1.26.8.windows-amd64.zip: 20.0 MiB of 80.0 MiB (25%), 2.0 MiB/s, ETA 30s",
		"download go1.26.8.windows-amd64.zip: 40.0 MiB of 80.0 MiB (50%), 2.0 MiB/s, ETA 20s",
		"download go1.26.8.windows-amd64.zip: 80.0 MiB of 80.0 MiB (100%), 2.0 MiB/s, ETA 0s",
		"downloaded go1.26.8.windows-amd64.zip: 80.0 MiB in 40s (2.0 MiB/s)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("progress lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(out.String(), "\r") {
		t.Error("a carriage return in a CI log")
	}
}

func TestProgressBarOnTerminal(t *testing.T) {
	var out strings.Builder
	c := newClock()
	m := newProgressMeter(&out, true, c.now, "go.zip", mb(100))
	c.step(m, 100*time.Millisecond, mb(1)) // under the redraw interval
	c.step(m, 150*time.Millisecond, mb(50))
	c.step(m, time.Second, mb(100))
	m.done()
	s := out.String()
	if n := strings.Count(s, "\r"); n != 3 {
		t.Errorf("%d redraws, want 3 (two updates and the final one):\n%q", n, s)
	}
	mustContain(t, "bar", s, "go.zip: 50.0 MiB of 100.0 MiB (50%) [==========          ], 200.0 MiB/s, ETA 0s\x1b[K",
		"(100%) [====================]", "\ndownloaded go.zip: 100.0 MiB in 1.25s (80.0 MiB/s)\n")
}

func TestProgressUnknownSizeAndAbort(t *testing.T) {
	var out strings.Builder
	c := newClock()
	m := newProgressMeter(&out, true, c.now, "mod.zip", -1)
	c.step(m, time.Second, mb(5))
	m.abort()
	s := out.String()
	if !strings.Contains(s, "\rmod.zip: 5.0 MiB, 5.0 MiB/s\x1b[K\n") || strings.Contains(s, "downloaded") || strings.Contains(s, "ETA") {
		t.Errorf("output %q", s)
	}
}
