package dist

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// flushServer serves a 1000-byte body in 100-byte flushed pieces and
// counts its requests.
func flushServer(t *testing.T, calls *atomic.Int32) (*httptest.Server, string) {
	body := strings.Repeat("0123456789", 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Length", "1000")
		for i := 0; i < len(body); i += 100 {
			io.WriteString(w, body[i:i+100])
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(srv.Close)
	return srv, body
}

func TestDownloadSyncsWhileWriting(t *testing.T) {
	var calls, syncs atomic.Int32
	srv, body := flushServer(t, &calls)
	f, err := os.CreateTemp(t.TempDir(), "dl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := testDownloader(3)
	d.flushEvery = 100
	d.syncFile = func(f *os.File) error { syncs.Add(1); return f.Sync() }
	if _, _, err := d.downloadTo(context.Background(), srv.URL+"/go.zip", f, "go.zip", 1000); err != nil {
		t.Fatal(err)
	}
	if syncs.Load() == 0 {
		t.Error("no fsync while the download was written: the final fsync waits for the whole file")
	}
	if got, _ := os.ReadFile(f.Name()); string(got) != body {
		t.Errorf("file holds %d bytes, want the 1000 served", len(got))
	}
}

func TestDownloadFailsOnFailedBackgroundSync(t *testing.T) {
	// Linux reports a failed writeback to one fsync only: if the background
	// one swallowed it, the final fsync could succeed over lost data.
	var calls atomic.Int32
	srv, _ := flushServer(t, &calls)
	f, err := os.CreateTemp(t.TempDir(), "dl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := testDownloader(3)
	d.flushEvery = 100
	failed := false
	d.syncFile = func(f *os.File) error {
		if !failed {
			failed = true
			return &os.PathError{Op: "sync", Path: f.Name(), Err: errors.New("input/output error")}
		}
		return f.Sync()
	}
	_, _, err = d.downloadTo(context.Background(), srv.URL+"/go.zip", f, "go.zip", 1000)
	if err == nil || !strings.Contains(err.Error(), "sync "+f.Name()+": input/output error") {
		t.Fatalf("error = %v, want the failed sync naming the file", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d requests: a local disk failure must not be retried", n)
	}
}
