package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		" 120 ":                         2 * time.Minute,
		"-3":                            0,
		"soon":                          0,
		"Tue, 24 Nov 2026 12:00:30 GMT": 30 * time.Second,
		"Tue, 24 Nov 2026 11:00:00 GMT": 0, // in the past
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBackoff(t *testing.T) {
	for _, jitter := range []float64{0, 0.5, 0.999} {
		d := &downloader{jitter: func() float64 { return jitter }}
		prev := time.Duration(0)
		for n := 1; n <= 10; n++ {
			got := d.backoff(n)
			full := min(backoffBase<<min(n-1, 10), backoffMax)
			if got < full/2 || got > full {
				t.Errorf("jitter %v: backoff(%d) = %v, want within [%v, %v]", jitter, n, got, full/2, full)
			}
			if got < prev {
				t.Errorf("jitter %v: backoff(%d) = %v shrank from %v", jitter, n, got, prev)
			}
			prev = got
		}
	}
}

func TestRetryable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&statusError{code: 500}, true},
		{&statusError{code: 503}, true},
		{&statusError{code: 429}, true},
		{&statusError{code: 404}, false},
		{&statusError{code: 403}, false},
		{&statusError{code: 407}, false},
		{fmt.Errorf("fetch: %w", &statusError{code: 502}), true},
		{io.ErrUnexpectedEOF, true},
		{permanent(errors.New("x")), false},
		{&localError{errors.New("disk full")}, false},
	} {
		if got := retryable(tc.err); got != tc.want {
			t.Errorf("retryable(%v) = %v", tc.err, got)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://go.dev/dl/?mode=json&include=all":             "https://go.dev/dl/?mode=json&include=all",
		"https://user:pass@proxy.corp/goproxy":                 "https://xxxxx@proxy.corp/goproxy",
		"https://t0ken@proxy.corp/":                            "https://xxxxx@proxy.corp/",
		"https://cdn.example/go.zip?X-Signature=abc&Expires=1": "https://cdn.example/go.zip?Expires=xxxxx&X-Signature=xxxxx",
		"https://user:pa ss@bad host/":                         "https://xxxxx@bad host/",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRangeStartAndValidator(t *testing.T) {
	for in, want := range map[string]int64{"bytes 100-199/200": 100, "bytes 0-9/*": 0} {
		if got, ok := rangeStart(in); !ok || got != want {
			t.Errorf("rangeStart(%q) = %d, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "bytes */200", "items 1-2/3", "bytes -5-9/10"} {
		if _, ok := rangeStart(bad); ok {
			t.Errorf("rangeStart(%q) accepted", bad)
		}
	}
	h := http.Header{}
	h.Set("Last-Modified", "Tue, 24 Nov 2026 12:00:00 GMT")
	h.Set("ETag", `W/"weak"`)
	if v := validator(h); v != "Tue, 24 Nov 2026 12:00:00 GMT" {
		t.Errorf("validator with a weak ETag = %q, want Last-Modified (If-Range needs a strong validator)", v)
	}
	h.Set("ETag", `"strong"`)
	if v := validator(h); v != `"strong"` {
		t.Errorf("validator = %q", v)
	}
}

// testDownloader downloads from srv without waiting between attempts.
func testDownloader(attempts int) *downloader {
	return &downloader{
		client:   &http.Client{},
		attempts: attempts,
		idle:     5 * time.Second,
		sleep:    func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		jitter:   func() float64 { return 0 },
		logf:     func(string, ...any) {},
		meter:    func(string, int64) meter { return nopMeter{} },
	}
}

func TestDownloadRefusesMoreThanPromised(t *testing.T) {
	// A server that streams forever (no Content-Length) must not fill the disk.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 1000 && r.Context().Err() == nil; i++ {
			w.Write(make([]byte, 1024))
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	f, err := os.CreateTemp(t.TempDir(), "dl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, n, err := testDownloader(3).downloadTo(context.Background(), srv.URL+"/go.zip", f, "go.zip", 4096)
	if err == nil || !strings.Contains(err.Error(), "the server sends more than the 4096 bytes the index promises") {
		t.Fatalf("error = %v", err)
	}
	if n > 4096 {
		t.Errorf("wrote %d bytes past the promised size", n)
	}
}

func TestDownloadRefusesWrongContentLength(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "0123456789")
	}))
	defer srv.Close()
	f, err := os.CreateTemp(t.TempDir(), "dl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, _, err = testDownloader(3).downloadTo(context.Background(), srv.URL+"/go.zip", f, "go.zip", 75)
	if err == nil || !strings.Contains(err.Error(), "the server sends 10 bytes but the index says the file has 75") {
		t.Fatalf("error = %v", err)
	}
}

func TestDownloadBadContentRangeRestarts(t *testing.T) {
	// A server that answers a resume with the wrong range: the download
	// starts over instead of splicing the wrong bytes in.
	body := strings.Repeat("0123456789", 100)
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch calls {
		case 1:
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, body[:300])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		case 2:
			w.Header().Set("Content-Range", "bytes 0-999/1000")
			w.WriteHeader(http.StatusPartialContent)
			io.WriteString(w, body)
		default:
			io.WriteString(w, body)
		}
	}))
	defer srv.Close()
	f, err := os.CreateTemp(t.TempDir(), "dl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var log strings.Builder
	d := testDownloader(5)
	d.logf = func(format string, args ...any) { fmt.Fprintf(&log, format+"\n", args...) }
	_, n, err := d.downloadTo(context.Background(), srv.URL+"/go.zip", f, "go.zip", 1000)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f.Name())
	if n != 1000 || string(got) != body {
		t.Errorf("wrote %d bytes, content ok: %v", n, string(got) == body)
	}
	mustContain(t, "log", log.String(), `resume at byte 300 answered with Content-Range "bytes 0-999/1000"; starting again`)
}
