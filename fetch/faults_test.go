package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/fakedl"
)

func TestFetchRetriesServerErrors(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: 500}, fakedl.Fault{Status: 503})
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Error("wrong content after retries")
	}
	// Jitter 0: half of 1s, then half of 2s.
	if s := r.slept(); len(s) != 2 || s[0] != 500e6 || s[1] != 1e9 {
		t.Errorf("slept %v, want [500ms 1s] (exponential backoff)", s)
	}
	mustContain(t, "log", r.log.String(), "500 Internal Server Error; retrying in 500ms", "503 Service Unavailable; retrying in 1s")
}

func TestFetchHonoursRetryAfter(t *testing.T) {
	srv, _ := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: 429, RetryAfter: "7"})
	r := newRig(t, indexSource(srv))
	if _, err := r.Fetch(context.Background(), "1.26.8", "amd64"); err != nil {
		t.Fatal(err)
	}
	if s := r.slept(); len(s) != 1 || s[0] != 7e9 {
		t.Errorf("slept %v, want [7s] from Retry-After", s)
	}
	mustContain(t, "log", r.log.String(), "429 Too Many Requests; retrying in 7s")
}

func TestFetchRetryAfterTooLong(t *testing.T) {
	srv, _ := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: 503, RetryAfter: "86400"})
	r := newRig(t, indexSource(srv))
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "503 Service Unavailable", "asks to retry after 24h0m0s; giving up")
	assertNoZip(t, r.cache)
}

func TestFetchGivesUpAfterAttempts(t *testing.T) {
	srv, _ := newDL(t)
	for range 5 {
		srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: 502})
	}
	r := newRig(t, indexSource(srv), func(o *Options) { o.Attempts = 3 })
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "fetch go1.26.8.windows-amd64.zip: GET "+srv.URL+"go1.26.8.windows-amd64.zip (redirected to "+srv.MirrorURL+"go1.26.8.windows-amd64.zip): 502 Bad Gateway", "gave up after 3 attempts; GOMSI_RETRIES")
	if s := r.slept(); len(s) != 2 {
		t.Errorf("slept %v, want 2 waits for 3 attempts", s)
	}
	assertNoZip(t, r.cache)
}

// TestFetch4xxFailsAtOnce: a 4xx other than 429 is not retried; the error
// names the URL, the status and what to do about it.
func TestFetch4xxFailsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   func(srv *fakedl.Server) string
	}{
		{404, func(srv *fakedl.Server) string {
			return "GET " + srv.URL + "go1.26.8.windows-amd64.zip (redirected to " + srv.MirrorURL + "go1.26.8.windows-amd64.zip): 404 Not Found (the source does not have this file)"
		}},
		{401, func(*fakedl.Server) string {
			return "401 Unauthorized (check the credentials for the source, in its URL or in ~/.netrc, or for the HTTP proxy)"
		}},
	} {
		srv, _ := newDL(t)
		srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Status: tc.status})
		r := newRig(t, indexSource(srv))
		_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
		if err == nil {
			t.Fatalf("%d: no error", tc.status)
		}
		mustContain(t, "error", err.Error(), tc.want(srv))
		if s := r.slept(); len(s) != 0 {
			t.Errorf("a %d was retried (slept %v)", tc.status, s)
		}
		assertNoZip(t, r.cache)
	}
}

func TestFetchResumesDroppedConnection(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{DropAfter: 3000})
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Fatal("resumed download differs from the file")
	}
	var ranges []string
	for _, req := range srv.Requests() {
		if req.Host == "mirror" {
			ranges = append(ranges, req.Range+"|"+req.IfRange)
		}
	}
	if len(ranges) != 2 || ranges[0] != "|" || !strings.HasPrefix(ranges[1], "bytes=3000-|\"") {
		t.Errorf("mirror requests (Range|If-Range) = %q, want a plain GET, then bytes=3000- with the ETag", ranges)
	}
	mustContain(t, "log", r.log.String(), "connection closed mid-body", "resuming "+srv.URL+"go1.26.8.windows-amd64.zip at 2.9 KiB")
	assertNoTemp(t, r.cache)
}

func TestFetchResumesTruncatedBody(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{TruncateAfter: 2000})
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Fatal("content differs")
	}
	mustContain(t, "log", r.log.String(), fmt.Sprintf("body ended after 2000 of %d bytes", len(zips["amd64"])))
	last := srv.Requests()[len(srv.Requests())-1]
	if last.Range != "bytes=2000-" {
		t.Errorf("last request Range %q, want bytes=2000-", last.Range)
	}
}

func TestFetchTruncatedEveryTimeFails(t *testing.T) {
	srv, _ := newDL(t)
	// The same 1000 bytes each time: the server never gets further.
	for range 3 {
		srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{TruncateAfter: 1000, NoRange: true})
	}
	r := newRig(t, indexSource(srv), func(o *Options) { o.Attempts = 3 })
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "body ended after 1000 of", "gave up after 3 attempts")
	assertNoZip(t, r.cache)
}

func TestFetchRestartsWhenServerCannotResume(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{DropAfter: 3000}, fakedl.Fault{NoRange: true})
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Fatal("content differs after a restart")
	}
	mustContain(t, "log", r.log.String(), "the server cannot resume; downloading from the start")
}

func TestFetchChecksumMismatchDeletesDownload(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Corrupt: true})
	r := newRig(t, indexSource(srv))
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("a corrupted download was accepted")
	}
	corrupted := slices.Clone(zips["amd64"])
	corrupted[len(corrupted)/2] ^= 0xff
	got := fmt.Sprintf("%x", sha256.Sum256(corrupted))
	want := fmt.Sprintf("%x", sha256.Sum256(zips["amd64"]))
	mustContain(t, "error", err.Error(), "fetch go1.26.8.windows-amd64.zip: SHA-256 mismatch: the download has "+got+" but the index says "+want, "the download was deleted")
	assertNoZip(t, r.cache)
	if s := r.slept(); len(s) != 0 {
		t.Errorf("a checksum mismatch was retried (slept %v)", s)
	}
}

func TestFetchIndexWithWrongChecksum(t *testing.T) {
	srv, _ := newDL(t)
	srv.SetSHA256("go1.26.8.windows-arm64.zip", strings.Repeat("ab", 32))
	r := newRig(t, indexSource(srv))
	_, err := r.Fetch(context.Background(), "1.26.8", "arm64")
	if err == nil {
		t.Fatal("no error")
	}
	mustContain(t, "error", err.Error(), "SHA-256 mismatch", "the index says "+strings.Repeat("ab", 32))
	assertNoZip(t, r.cache)
}

func TestFetchIdleTimeout(t *testing.T) {
	srv, _ := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{StallAfter: 1000, Stall: 10e9})
	r := newRig(t, indexSource(srv), func(o *Options) { o.IdleTimeout = 200e6; o.Attempts = 1 })
	_, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("a stalled download did not time out")
	}
	mustContain(t, "error", err.Error(), "GET "+srv.URL+"go1.26.8.windows-amd64.zip (redirected to "+srv.MirrorURL+"go1.26.8.windows-amd64.zip): no data for 200ms (idle timeout; raise GOMSI_IDLE_TIMEOUT")
	assertNoZip(t, r.cache)
}

func TestFetchIdleTimeoutThenResume(t *testing.T) {
	srv, zips := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{StallAfter: 1000, Stall: 10e9})
	r := newRig(t, indexSource(srv), func(o *Options) { o.IdleTimeout = 200e6 })
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Fatal("content differs")
	}
	if last := srv.Requests()[len(srv.Requests())-1]; last.Range != "bytes=1000-" {
		t.Errorf("the retry after the stall asked for %q, want bytes=1000-", last.Range)
	}
}

func TestFetchSlowButMovingIsNotKilled(t *testing.T) {
	srv, zips := newDL(t)
	// About 23 pieces 100ms apart: over 2 seconds in all, twice the 1s idle
	// timeout, but never idle for long (a tenth of it, margin for a busy CI).
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{Trickle: 100e6})
	r := newRig(t, indexSource(srv), func(o *Options) { o.IdleTimeout = 1e9; o.Attempts = 1 })
	got, err := r.Fetch(context.Background(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, got.Path), zips["amd64"]) {
		t.Fatal("content differs")
	}
}

func TestFetchCancelled(t *testing.T) {
	srv, _ := newDL(t)
	srv.Fail("go1.26.8.windows-amd64.zip", fakedl.Fault{StallAfter: 1000, Stall: 10e9})
	ctx, cancel := context.WithCancel(context.Background())
	r := newRig(t, indexSource(srv), func(o *Options) {
		o.Log = writerFunc(func(p []byte) (int, error) {
			if bytes.Contains(p, []byte("downloading")) {
				go cancel() // the user presses Ctrl-C mid-download
			}
			return len(p), nil
		})
	})
	_, err := r.Fetch(ctx, "1.26.8", "amd64")
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("error = %v, want context canceled", err)
	}
	if s := r.slept(); len(s) != 0 {
		t.Errorf("a cancelled download was retried (slept %v)", s)
	}
	assertNoZip(t, r.cache)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
