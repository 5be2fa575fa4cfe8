package fetch

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	modzip "golang.org/x/mod/zip"

	"github.com/gomsi/gomsi/dist"
)

// downloader does GETs that survive flaky networks: bounded retries with
// exponential backoff and jitter, Retry-After, resume with Range, and an idle
// timeout instead of an overall one, so a slow but moving download is never
// killed.
type downloader struct {
	client   *http.Client
	attempts int           // tries per request, at least 1
	idle     time.Duration // longest wait for the next byte
	sleep    func(context.Context, time.Duration) error
	jitter   func() float64   // uniform in [0, 1)
	now      func() time.Time // for the retry window; nil means time.Now
	logf     func(format string, args ...any)
	meter    func(name string, total int64) meter

	flushEvery int64                // bytes between background fsyncs; 0 means defaultFlushEvery
	syncFile   func(*os.File) error // nil means (*os.File).Sync; tests make it fail
}

const copyBufSize = 1 << 20

// Caps on what one response may bring, so that a server cannot fill the
// disk or the memory: a zip whose size no index gives stops at the go
// command's cap on module zips; a go.dev/dl zip stops at its index's size,
// and an index claiming more than the same cap is refused (Go's zips are
// about 75 MB); documents are read into memory up to a few MB.
const (
	maxZipDownload   = modzip.MaxZipFile // 500 MiB
	maxIndexBytes    = 64 << 20          // the go.dev/dl JSON index of every release: a few MB
	maxListBytes     = 16 << 20          // a module proxy's version list
	maxSumDBBytes    = 16 << 20          // a checksum database's tile or lookup
	maxSupportedBody = 1 << 10           // a proxy's answer to /sumdb/<name>/supported
)

// getBytes downloads a small document (index, version list, checksum
// database tile) into memory.
func (d *downloader) getBytes(ctx context.Context, rawURL string, limit int64) ([]byte, error) {
	var data []byte
	err := d.retry(ctx, func(ctx context.Context) (bool, error) {
		resp, err := d.get(ctx, rawURL, nil)
		if err != nil {
			return false, err
		}
		defer resp.stop()
		if resp.StatusCode != http.StatusOK {
			return false, newStatusError(rawURL, resp.Response)
		}
		data, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
		if err != nil {
			return false, d.bodyError(resp.ctx, describeURL(rawURL, resp.Response), err)
		}
		if int64(len(data)) > limit {
			return false, permanent(fmt.Errorf("GET %s: the response passes %s, the most gomsi reads for it: refused", describeURL(rawURL, resp.Response), dist.FormatSize(limit)))
		}
		return false, nil
	})
	return data, err
}

// A transfer is a file download that may take several attempts; what it
// has written so far survives between attempts so the next one can resume.
type transfer struct {
	url       string
	f         *os.File
	size      int64 // expected size, -1 if unknown
	limit     int64 // most bytes accepted when the size is unknown, -1 for no cap
	h         hash.Hash
	written   int64
	flush     *flusher
	best      int64  // the most ever written: progress is going past it
	validator string // ETag or Last-Modified of what was written, for If-Range
	meter     meter
}

// downloadTo downloads rawURL into f (empty, opened for writing) and returns
// its SHA-256 and size. size is the expected size, or -1. Most of f is on
// disk when it returns, so the caller's final fsync is short.
func (d *downloader) downloadTo(ctx context.Context, rawURL string, f *os.File, name string, size int64) (sum string, n int64, err error) {
	return d.download(ctx, &transfer{url: rawURL, f: f, size: size, limit: -1}, name)
}

// downloadAtMost is downloadTo for a file of unknown size, which fails
// permanently at the first byte past limit; the caller removes f.
func (d *downloader) downloadAtMost(ctx context.Context, rawURL string, f *os.File, name string, limit int64) (sum string, n int64, err error) {
	return d.download(ctx, &transfer{url: rawURL, f: f, size: -1, limit: limit}, name)
}

func (d *downloader) download(ctx context.Context, t *transfer, name string) (sum string, n int64, err error) {
	f := t.f
	t.h, t.meter = sha256.New(), d.meter(name, t.size)
	sync, every := f.Sync, d.flushEvery
	if d.syncFile != nil {
		sync = func() error { return d.syncFile(f) }
	}
	if every <= 0 {
		every = defaultFlushEvery
	}
	t.flush = newFlusher(sync, every)
	err = d.retry(ctx, func(ctx context.Context) (bool, error) { return d.attempt(ctx, t) })
	if serr := t.flush.stop(); serr != nil && err == nil {
		err = &localError{serr}
	}
	if err != nil {
		t.meter.abort()
		return "", t.written, err
	}
	t.meter.done()
	return fmt.Sprintf("%x", t.h.Sum(nil)), t.written, nil
}

// attempt makes one request for the rest of t. It reports whether the
// download got further than ever before, so the retry loop can tell a
// moving download from a failing one (a server that always breaks at the
// same byte and cannot resume is failing).
func (d *downloader) attempt(ctx context.Context, t *transfer) (bool, error) {
	err := d.attemptOnce(ctx, t)
	progressed := t.written > t.best
	t.best = max(t.best, t.written)
	return progressed, err
}

func (d *downloader) attemptOnce(ctx context.Context, t *transfer) error {
	hdr := http.Header{}
	// Range offsets count encoded bytes; never let a server gzip the zip.
	hdr.Set("Accept-Encoding", "identity")
	if t.written > 0 {
		hdr.Set("Range", fmt.Sprintf("bytes=%d-", t.written))
		if t.validator != "" {
			hdr.Set("If-Range", t.validator) // a changed file comes back whole (200)
		}
	}
	resp, err := d.get(ctx, t.url, hdr)
	if err != nil {
		return err
	}
	defer resp.stop()
	switch at := t.written; {
	case resp.StatusCode == http.StatusPartialContent && at > 0:
		if start, ok := rangeStart(resp.Header.Get("Content-Range")); !ok || start != at {
			if err := t.restart(); err != nil {
				return err
			}
			return fmt.Errorf("GET %s: resume at byte %d answered with Content-Range %q; starting again", redactURL(t.url), at, resp.Header.Get("Content-Range"))
		}
		d.logf("resuming %s at %s", redactURL(t.url), dist.FormatSize(t.written))
	case resp.StatusCode == http.StatusOK:
		if t.written > 0 {
			d.logf("%s: the server cannot resume; downloading from the start", redactURL(t.url))
			if err := t.restart(); err != nil {
				return err
			}
		}
		t.validator = validator(resp.Header)
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && at > 0:
		if err := t.restart(); err != nil {
			return err
		}
		return fmt.Errorf("GET %s: the server refused to resume at byte %d; starting again", redactURL(t.url), at)
	default:
		return newStatusError(t.url, resp.Response)
	}
	where := describeURL(t.url, resp.Response)
	if t.size >= 0 && resp.ContentLength >= 0 && t.written+resp.ContentLength != t.size {
		return permanent(fmt.Errorf("GET %s: the server sends %d bytes but the index says the file has %d", redactURL(t.url), t.written+resp.ContentLength, t.size))
	}
	if t.limit >= 0 && resp.ContentLength >= 0 && t.written+resp.ContentLength > t.limit {
		return t.overLimit(where)
	}
	if err := t.copyFrom(resp.Body, where); err != nil {
		var le *localError
		var pe *permanentError
		if !errors.As(err, &le) && !errors.As(err, &pe) {
			err = d.bodyError(resp.ctx, where, err)
		}
		return err
	}
	if t.size >= 0 && t.written < t.size {
		// A clean end before the promised size: a body without
		// Content-Length that stopped early. Resume it.
		return fmt.Errorf("GET %s: body ended after %d of %d bytes", where, t.written, t.size)
	}
	return nil
}

// copyFrom appends r to the file and the hash. It refuses to grow past the
// expected size, so a misbehaving server cannot fill the disk.
func (t *transfer) copyFrom(r io.Reader, where string) error {
	buf := make([]byte, copyBufSize)
	for {
		m, rerr := r.Read(buf)
		if m > 0 {
			if t.size >= 0 && t.written+int64(m) > t.size {
				return permanent(fmt.Errorf("GET %s: the server sends more than the %d bytes the index promises", where, t.size))
			}
			if t.limit >= 0 && t.written+int64(m) > t.limit {
				return t.overLimit(where)
			}
			if _, err := t.f.Write(buf[:m]); err != nil {
				return &localError{fmt.Errorf("write %s: %w", t.f.Name(), err)}
			}
			t.h.Write(buf[:m])
			t.written += int64(m)
			t.meter.set(t.written)
			t.flush.wrote(t.written)
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

func (t *transfer) overLimit(where string) error {
	return permanent(fmt.Errorf("GET %s: the download passes %s, the most gomsi accepts for a zip (the go command's cap on module zips): refused, and the partial file removed", where, dist.FormatSize(t.limit)))
}

// restart discards what was written, for a server that cannot resume.
func (t *transfer) restart() error {
	if err := t.f.Truncate(0); err != nil {
		return &localError{fmt.Errorf("truncate %s: %w", t.f.Name(), err)}
	}
	if _, err := t.f.Seek(0, io.SeekStart); err != nil {
		return &localError{fmt.Errorf("seek %s: %w", t.f.Name(), err)}
	}
	t.h.Reset()
	t.written = 0
	t.flush.restart()
	t.validator = ""
	t.meter.set(0)
	return nil
}

// A response carries the request's context, whose cause tells an idle
// timeout from other errors.
type response struct {
	*http.Response
	ctx  context.Context
	stop func() // closes the body and releases the timer
}

// get sends a GET guarded by the idle timeout: the request is cancelled
// when no byte arrives for d.idle, from the dial to the end of the body.
func (d *downloader) get(parent context.Context, rawURL string, hdr http.Header) (*response, error) {
	ctx, cancel := context.WithCancelCause(parent)
	timer := time.AfterFunc(d.idle, func() { cancel(errIdle) })
	stop := func() { timer.Stop(); cancel(nil) }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		stop()
		return nil, permanent(fmt.Errorf("GET %s: %w", redactURL(rawURL), err))
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", "gomsi")
	resp, err := d.client.Do(req)
	if err != nil {
		err = d.readError(ctx, rawURL, err)
		stop()
		return nil, err
	}
	timer.Reset(d.idle)
	resp.Body = &idleBody{ReadCloser: resp.Body, timer: timer, idle: d.idle}
	return &response{resp, ctx, func() { resp.Body.Close(); stop() }}, nil
}

// idleBody pushes the idle deadline back on every read that brings data.
type idleBody struct {
	io.ReadCloser
	timer *time.Timer
	idle  time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.timer.Reset(b.idle)
	}
	return n, err
}

var errIdle = errors.New("idle timeout")

// readError turns an error of http.Client.Do into what the user should
// read. net/http names the URL (with redirects, the last one).
func (d *downloader) readError(ctx context.Context, rawURL string, err error) error {
	if errors.Is(context.Cause(ctx), errIdle) || ctx.Err() != nil {
		return d.bodyError(ctx, redactURL(rawURL), err)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// net/http says Get "url": the same "GET url:" as our other messages.
		err = fmt.Errorf("GET %s: %w", redactURL(ue.URL), ue.Err)
	}
	if hint := tlsHint(err); hint != "" {
		return permanent(fmt.Errorf("%w (%s)", err, hint))
	}
	return err
}

// bodyError explains a failure while reading from where (a redacted URL).
func (d *downloader) bodyError(ctx context.Context, where string, err error) error {
	switch {
	case errors.Is(context.Cause(ctx), errIdle):
		return fmt.Errorf("GET %s: no data for %s (idle timeout; raise GOMSI_IDLE_TIMEOUT for a very slow network or proxy)", where, d.idle)
	case ctx.Err() != nil:
		return permanent(fmt.Errorf("GET %s: %w", where, context.Cause(ctx)))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("GET %s: connection closed mid-body: %w", where, err)
	}
	return fmt.Errorf("GET %s: %w", where, redactURLError(err))
}
