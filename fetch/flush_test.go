package fetch

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

// flushRig serves a 1000-byte body in 100-byte flushed pieces, counting
// requests, and returns a downloader that fsyncs every 100 bytes with
// sync, and the empty file to download into.
type flushRig struct {
	url   string
	body  string
	calls atomic.Int32
	d     *downloader
	f     *os.File
}

func newFlushRig(t *testing.T, sync func(*os.File) error) *flushRig {
	r := &flushRig{body: strings.Repeat("0123456789", 100)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.calls.Add(1)
		w.Header().Set("Content-Length", "1000")
		for i := 0; i < len(r.body); i += 100 {
			io.WriteString(w, r.body[i:i+100])
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(srv.Close)
	r.url = srv.URL + "/go.zip"
	f, err := os.CreateTemp(t.TempDir(), "dl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r.f = f
	r.d = testDownloader(3)
	r.d.flushEvery, r.d.syncFile = 100, sync
	return r
}

func (r *flushRig) download() error {
	_, _, err := r.d.downloadTo(context.Background(), r.url, r.f, "go.zip", 1000)
	return err
}

func TestDownloadSyncsWhileWriting(t *testing.T) {
	var syncs atomic.Int32
	r := newFlushRig(t, func(f *os.File) error { syncs.Add(1); return f.Sync() })
	if err := r.download(); err != nil {
		t.Fatal(err)
	}
	if syncs.Load() == 0 {
		t.Error("no fsync while the download was written: the final fsync waits for the whole file")
	}
	if got, _ := os.ReadFile(r.f.Name()); string(got) != r.body {
		t.Errorf("file holds %d bytes, want the 1000 served", len(got))
	}
}

func TestDownloadFailsOnFailedBackgroundSync(t *testing.T) {
	// Linux reports a failed writeback to one fsync only: if the background
	// one swallowed it, the final fsync could succeed over lost data.
	failed := false
	r := newFlushRig(t, func(f *os.File) error {
		if !failed {
			failed = true
			return &os.PathError{Op: "sync", Path: f.Name(), Err: errors.New("input/output error")}
		}
		return f.Sync()
	})
	err := r.download()
	if err == nil || !strings.Contains(err.Error(), "sync "+r.f.Name()+": input/output error") {
		t.Fatalf("error = %v, want the failed sync naming the file", err)
	}
	if n := r.calls.Load(); n != 1 {
		t.Errorf("%d requests: a local disk failure must not be retried", n)
	}
}
