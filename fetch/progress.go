package fetch

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/gomsi/gomsi/dist"
)

// A meter shows how a download advances. set is called with the bytes
// written so far (it may go back to 0 when a download restarts); done or
// abort ends it.
type meter interface {
	set(written int64)
	done()
	abort()
}

type nopMeter struct{}

func (nopMeter) set(int64) {}
func (nopMeter) done()     {}
func (nopMeter) abort()    {}

// isTerminal reports whether w is a terminal, where a redrawn bar is
// readable; CI logs get plain periodic lines instead.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

const (
	barEvery  = 200 * time.Millisecond
	lineEvery = 10 * time.Second
)

// progressMeter reports on w: a bar redrawn in place when tty, else a line
// every lineEvery. It is not safe for concurrent use; each download has its
// own.
type progressMeter struct {
	w       io.Writer
	tty     bool
	name    string
	total   int64 // -1 if unknown
	now     func() time.Time
	start   time.Time
	last    time.Time // of the last report
	written int64
	drawn   bool // a bar is on screen and needs a newline at the end
}

func newProgressMeter(w io.Writer, tty bool, now func() time.Time, name string, total int64) *progressMeter {
	t := now()
	return &progressMeter{w: w, tty: tty, name: name, total: total, now: now, start: t, last: t}
}

func (m *progressMeter) set(written int64) {
	m.written = written
	t := m.now()
	every := lineEvery
	if m.tty {
		every = barEvery
	}
	if t.Sub(m.last) < every {
		return
	}
	m.last = t
	if m.tty {
		fmt.Fprintf(m.w, "\r%s\x1b[K", m.status(t))
		m.drawn = true
		return
	}
	fmt.Fprintf(m.w, "download %s\n", m.status(t))
}

// abort ends the bar's line; the error says the rest.
func (m *progressMeter) abort() {
	if m.drawn {
		fmt.Fprintln(m.w)
	}
}

func (m *progressMeter) done() {
	t := m.now()
	if m.drawn {
		fmt.Fprintf(m.w, "\r%s\x1b[K\n", m.status(t))
	}
	elapsed := t.Sub(m.start)
	fmt.Fprintf(m.w, "downloaded %s: %s in %s (%s)\n", m.name, dist.FormatSize(m.written), elapsed.Round(time.Millisecond), rate(m.written, elapsed))
}

// status is one report: name, size, percentage, rate and ETA.
func (m *progressMeter) status(t time.Time) string {
	elapsed := t.Sub(m.start)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", m.name, dist.FormatSize(m.written))
	if m.total > 0 {
		pct := float64(m.written) * 100 / float64(m.total)
		fmt.Fprintf(&b, " of %s (%.0f%%)", dist.FormatSize(m.total), pct)
		if m.tty {
			const width = 20
			fill := int(pct / 100 * width)
			fill = max(0, min(fill, width))
			fmt.Fprintf(&b, " [%s%s]", strings.Repeat("=", fill), strings.Repeat(" ", width-fill))
		}
	}
	fmt.Fprintf(&b, ", %s", rate(m.written, elapsed))
	if m.total > 0 && m.written > 0 && elapsed > 0 {
		left := time.Duration(float64(elapsed) * float64(m.total-m.written) / float64(m.written))
		fmt.Fprintf(&b, ", ETA %s", left.Round(time.Second))
	}
	return b.String()
}

func rate(n int64, d time.Duration) string {
	if d <= 0 {
		return "-- MiB/s"
	}
	return dist.FormatSize(int64(float64(n)/d.Seconds())) + "/s"
}
