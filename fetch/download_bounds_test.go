package fetch

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/fakedl"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/gomsi/gomsi/dist"
)

// endless writes zeros until the client goes away, without a
// Content-Length: a proxy or mirror gone wrong.
func endless(w http.ResponseWriter, r *http.Request) {
	buf := make([]byte, 32<<10)
	for r.Context().Err() == nil {
		if _, err := w.Write(buf); err != nil {
			return
		}
	}
}

// moduleProxy serves golang.org/toolchain's version list and answers zip
// requests with zip.
func moduleProxy(t *testing.T, zip http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/@v/list"):
			fmt.Fprintln(w, "v0.0.1-go1.26.8.windows-amd64")
		case strings.HasSuffix(r.URL.Path, ".zip"):
			zip(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestZipCapIsTheGoCommands(t *testing.T) {
	for _, want := range []int64{500 << 20, modzip.MaxZipFile} {
		if maxZipDownload != want {
			t.Errorf("maxZipDownload = %d, want the go command's %d", maxZipDownload, want)
		}
	}
}

// TestFetchModuleCapsTheZip: a module zip stops at the cap, whether the
// proxy streams forever or announces too much, with an error naming the
// URL and the cap; the partial file is gone. (The cap is lowered to
// 256 kB here; it is the go command's 500 MiB.) Before, an endless zip
// filled the cache.
func TestFetchModuleCapsTheZip(t *testing.T) {
	good, err := fakedl.ModuleZip(fakedl.DistZip("go1.26.8 amd64"), "v0.0.1-go1.26.8.windows-amd64")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		serve http.HandlerFunc
		want  string
	}{
		{"endless body", endless, "the download passes 256.0 KiB, the most gomsi accepts for a zip"},
		{"endless after a valid zip", func(w http.ResponseWriter, r *http.Request) {
			w.Write(good)
			endless(w, r)
		}, "the download passes 256.0 KiB"},
		{"announces 1 GiB", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(1<<30))
			w.WriteHeader(http.StatusOK)
			w.Write(make([]byte, 1000))
		}, "the download passes 256.0 KiB"},
		{"fits", func(w http.ResponseWriter, r *http.Request) { w.Write(good) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := moduleProxy(t, tc.serve)
			r := newRig(t, Source{Kind: SourceProxy, URL: srv.URL}, withSumDB("off"))
			r.maxZip = 256 << 10
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			_, err := r.Fetch(ctx, "1.26.8", "amd64")
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("fetched past the cap")
			}
			mustContain(t, "error", err.Error(), tc.want, srv.URL+"/golang.org/toolchain/@v/v0.0.1-go1.26.8.windows-amd64.zip", "partial file removed")
			if ctx.Err() != nil {
				t.Error("stopped by the test's timeout, not by the cap")
			}
			if files := cacheFiles(t, r.cache); len(files) > 0 {
				t.Errorf("left in the cache: %v", files)
			}
		})
	}
}

// TestFetchIndexedRefusesOversizedIndexEntry: an index that claims a zip
// larger than the cap is refused before anything is downloaded.
func TestFetchIndexedRefusesOversizedIndexEntry(t *testing.T) {
	for _, size := range []int64{maxZipDownload + 1, 1 << 40, 1<<63 - 1} {
		srv, _ := newDL(t)
		srv.SetSize("go1.26.8.windows-amd64.zip", size)
		r := newRig(t, indexSource(srv))
		_, err := r.Fetch(t.Context(), "1.26.8", "amd64")
		if err == nil {
			t.Fatalf("size %d: fetched", size)
		}
		mustContain(t, "error", err.Error(), fmt.Sprintf("the index says it has %d bytes, more than the 500.0 MiB", size))
		for _, req := range srv.Requests() {
			if req.Host == "mirror" {
				t.Errorf("size %d: the zip was requested: %+v", size, req)
			}
		}
	}
}

// TestGetBytesCap: an index, version list or checksum database answer
// stops at its cap, naming the URL and the cap.
func TestGetBytesCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(endless))
	defer srv.Close()
	for _, limit := range []int64{1 << 10, maxSupportedBody, 1 << 20} {
		_, err := testDownloader(3).getBytes(t.Context(), srv.URL+"/index.json", limit)
		if err == nil {
			t.Fatal("read an endless answer")
		}
		mustContain(t, "error", err.Error(), "GET "+srv.URL+"/index.json: the response passes "+dist.FormatSize(limit))
	}
}

// TestRetriesEndWhateverTheProgress: a server that ignores Range and drops
// a little later each time makes progress on every try; before, each one
// reset the count and fetch retried as long as the server wished.
func TestRetriesEndWhateverTheProgress(t *testing.T) {
	for _, retries := range []int{0, 2, 4} {
		srv, _ := newDL(t)
		var faults []fakedl.Fault
		for i := range 60 {
			faults = append(faults, fakedl.Fault{NoRange: true, DropAfter: int64(200 * (i + 1))})
		}
		srv.Fail("go1.26.8.windows-amd64.zip", faults...)
		r := newRig(t, indexSource(srv), func(o *Options) { o.Attempts = retries + 1 })
		_, err := r.Fetch(t.Context(), "1.26.8", "amd64")
		want := retryTotalFactor * (retries + 1)
		if err == nil {
			t.Fatalf("GOMSI_RETRIES=%d: fetched after %d requests", retries, len(zipRequests(srv)))
		}
		if retries > 0 { // with no retries, the first failure ends it
			mustContain(t, "error", err.Error(), fmt.Sprintf("gave up after %d attempts in all", want))
		}
		if n := len(zipRequests(srv)); n != want && retries > 0 || retries == 0 && n != 1 {
			t.Errorf("GOMSI_RETRIES=%d: %d requests, want %d", retries, n, want)
		}
		assertNoTemp(t, r.cache)
	}
}

// TestRetriesEndInTime: whatever the count allows, no retry starts an hour
// after the request's first try (here each try takes 25 minutes).
func TestRetriesEndInTime(t *testing.T) {
	srv, _ := newDL(t)
	var faults []fakedl.Fault
	for i := range 60 {
		faults = append(faults, fakedl.Fault{NoRange: true, DropAfter: int64(200 * (i + 1))})
	}
	srv.Fail("go1.26.8.windows-amd64.zip", faults...)
	var mu sync.Mutex
	clock := time.Date(2026, 8, 28, 12, 0, 0, 0, time.UTC)
	r := newRig(t, indexSource(srv), func(o *Options) {
		o.Attempts = 101
		o.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			clock = clock.Add(25 * time.Minute / 2) // read twice per try
			return clock
		}
	})
	_, err := r.Fetch(t.Context(), "1.26.8", "amd64")
	if err == nil {
		t.Fatal("fetched")
	}
	mustContain(t, "error", err.Error(), "no retry starts more than 1h0m0s after a request's first attempt")
	if n := len(zipRequests(srv)); n > 4 {
		t.Errorf("%d requests in what the clock says was %d minutes", n, n*25)
	}
}

// TestRetriesStillFinishAMovingDownload: within the budget, a download
// that fails but moves is still retried to the end.
func TestRetriesStillFinishAMovingDownload(t *testing.T) {
	srv, zips := newDL(t)
	var faults []fakedl.Fault
	for range 8 { // more than GOMSI_RETRIES, fewer than the total
		faults = append(faults, fakedl.Fault{DropAfter: 500})
	}
	srv.Fail("go1.26.8.windows-amd64.zip", faults...)
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(t.Context(), "1.26.8", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if data := readFile(t, got.Path); !bytes.Equal(data, zips["amd64"]) {
		t.Error("the resumed download differs from the zip")
	}
}

func zipRequests(srv *fakedl.Server) []fakedl.Request {
	var out []fakedl.Request
	for _, r := range srv.Requests() {
		if r.Host == "mirror" {
			out = append(out, r)
		}
	}
	return out
}

// rawHTTP answers every connection with resp, byte for byte: net/http's
// server cannot send a reason phrase of its own.
func rawHTTP(t *testing.T, resp string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				http.ReadRequest(br)
				c.Write([]byte(resp))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// TestServerTextIsEscaped: control characters a server sends (in a reason
// phrase, an index's file names or arches, a proxy's list, a module zip's
// file names) never reach a log or an error raw.
func TestServerTextIsEscaped(t *testing.T) {
	hostile := "\x1b[2J\x1b[31mred\x07\u202eexe.txt\rforged"
	t.Run("reason phrase", func(t *testing.T) {
		u := rawHTTP(t, "HTTP/1.1 503 Busy "+hostile+"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		var log strings.Builder
		d := testDownloader(2)
		d.logf = func(format string, args ...any) { fmt.Fprintf(&log, format+"\n", args...) }
		_, err := d.getBytes(t.Context(), u+"/index.json", 1<<10)
		if err == nil {
			t.Fatal("no error")
		}
		for what, s := range map[string]string{"error": err.Error(), "log": log.String()} {
			if strings.ContainsAny(s, "\x1b\x07\r\u202e") {
				t.Errorf("%s holds raw control characters: %q", what, s)
			}
			mustContain(t, what, s, `Busy \x1b[2J\x1b[31mred\a\u202eexe.txt\rforged`)
		}
	})
	t.Run("index", func(t *testing.T) {
		for _, f := range []string{
			`{"filename": "go1.26.8.windows-amd64.zip\nforged log line", "os": "windows", "arch": "amd64", "sha256": "` + strings.Repeat("a", 64) + `", "kind": "archive"}`,
			`{"filename": "go\u001b[31m.zip", "os": "linux", "arch": "amd64", "kind": "source"}`,
			`{"filename": "go.zip", "os": "windows", "arch": "amd64\u001b[2J", "sha256": "` + strings.Repeat("a", 64) + `", "kind": "archive"}`,
			`{"filename": "go\u202e.zip", "os": "windows", "arch": "amd64", "sha256": "` + strings.Repeat("a", 64) + `", "kind": "archive"}`,
		} {
			_, err := parseIndex([]byte(`[{"version": "go1.26.8", "stable": true, "files": [` + f + `]}]`))
			if err == nil {
				t.Errorf("index file %s accepted", f)
				continue
			}
			if strings.ContainsAny(err.Error(), "\n\x1b\u202e") {
				t.Errorf("error holds raw control characters: %q", err)
			}
		}
	})
	t.Run("proxy list", func(t *testing.T) {
		for _, line := range []string{"v0.0.1-go1.26.8.windows-amd64\x1b[2J", "v0.0.1-go1.26.8.windows-AMD64", "v0.0.1-go1.26.8.windows-am d64"} {
			if _, _, ok := parseToolchainVersion(line); ok {
				t.Errorf("%q accepted", line)
			}
		}
	})
	t.Run("module zip", func(t *testing.T) {
		mv := module.Version{Path: toolchainModule, Version: "v0.0.1-go1.26.8.windows-amd64"}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create(mv.Path + "@" + mv.Version + "/src/" + hostile + ".go")
		w.Write([]byte("package x"))
		zw.Close()
		p := filepath.Join(t.TempDir(), "m.zip")
		os.WriteFile(p, buf.Bytes(), 0o644)
		err := checkModuleZip(p, mv, "", "", "")
		if err == nil {
			t.Fatal("accepted")
		}
		if strings.ContainsAny(err.Error(), "\x1b\x07\r\u202e") {
			t.Errorf("error holds raw control characters: %q", err)
		}
	})
	t.Run("checksum database messages", func(t *testing.T) {
		r := newRig(t, Source{Kind: SourceProxy, URL: "http://127.0.0.1:1"})
		ops := &sumOps{f: r.Fetcher}
		ops.Log("note " + hostile)
		ops.SecurityError("bad " + hostile)
		for what, s := range map[string]string{"log": r.log.String(), "security": ops.securityMsg()} {
			if strings.ContainsAny(s, "\x1b\x07\r\u202e") {
				t.Errorf("%s holds raw control characters: %q", what, s)
			}
		}
	})
}
