package fakedl

import (
	"io"
	"net/http"
	"slices"
	"time"
)

// A Fault is how the server misbehaves on one request. The zero Fault
// serves the request correctly.
type Fault struct {
	Status     int    // answer with this status and no file
	RetryAfter string // Retry-After header sent with Status

	DropAfter     int64         // send this many body bytes (Content-Length promises all), then cut the connection
	TruncateAfter int64         // send this many body bytes without Content-Length, then end the response cleanly
	StallAfter    int64         // send this many body bytes, then go silent for Stall
	Stall         time.Duration // with StallAfter
	Corrupt       bool          // flip one byte of the body
	Trickle       time.Duration // send the body in 1 kB pieces this far apart: slow but moving
	NoRange       bool          // ignore Range, as servers without resume do
}

// serve answers with content, misbehaving as fault says.
func serve(w http.ResponseWriter, r *http.Request, fault Fault, name string, mod time.Time, rs io.ReadSeeker) {
	if fault.Status != 0 {
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		http.Error(w, http.StatusText(fault.Status), fault.Status)
		return
	}
	if fault.NoRange {
		r.Header.Del("Range")
		w.Header().Del("ETag")
	} else if fault.TruncateAfter == 0 {
		w.Header().Set("Accept-Ranges", "bytes")
	}
	if fault.TruncateAfter > 0 {
		// No Content-Length: the client can only tell by the size it expects.
		w.WriteHeader(http.StatusOK)
		io.CopyN(w, rs, fault.TruncateAfter)
		return
	}
	if !fault.Corrupt && fault.DropAfter == 0 && fault.StallAfter == 0 && fault.Trickle == 0 {
		http.ServeContent(w, r, name, mod, rs) // keeps sendfile, for benchmarks
		return
	}
	http.ServeContent(&faultWriter{ResponseWriter: w, fault: fault, ctx: r}, r, name, mod, rs)
}

// faultWriter passes the body through until the fault's byte count, then
// cuts the connection or stalls.
type faultWriter struct {
	http.ResponseWriter
	fault   Fault
	ctx     *http.Request
	written int64
	flipped bool
}

func (w *faultWriter) Write(p []byte) (int, error) {
	if w.fault.Trickle > 0 {
		return w.trickle(p)
	}
	if w.fault.Corrupt && !w.flipped && len(p) > 0 {
		p = slices.Clone(p)
		p[len(p)/2] ^= 0xff
		w.flipped = true
	}
	limit := w.fault.DropAfter
	if w.fault.StallAfter > 0 {
		limit = w.fault.StallAfter
	}
	if limit == 0 || w.written+int64(len(p)) <= limit {
		w.written += int64(len(p))
		return w.ResponseWriter.Write(p)
	}
	n, _ := w.ResponseWriter.Write(p[:limit-w.written])
	w.written += int64(n)
	w.ResponseWriter.(http.Flusher).Flush()
	if w.fault.StallAfter > 0 {
		select {
		case <-time.After(w.fault.Stall):
		case <-w.ctx.Context().Done():
		}
	}
	panic(http.ErrAbortHandler) // closes the connection mid-body
}

func (w *faultWriter) trickle(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), 1024)
		m, err := w.ResponseWriter.Write(p[:k])
		n += m
		if err != nil {
			return n, err
		}
		w.ResponseWriter.(http.Flusher).Flush()
		p = p[k:]
		select {
		case <-time.After(w.fault.Trickle):
		case <-w.ctx.Context().Done():
			return n, w.ctx.Context().Err()
		}
	}
	return n, nil
}
