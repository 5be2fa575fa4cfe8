// Package fakeproxy runs a Go module proxy serving golang.org/toolchain and
// a checksum database with a real signed tree (x/mod/sumdb's server), both
// on 127.0.0.1, for tests of the proxy source.
package fakeproxy

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/sumdb/note"
)

const modPath = "golang.org/toolchain"

// Server is a module proxy (URL) and a checksum database (SumDBURL).
type Server struct {
	URL      string // proxy base, no trailing slash
	SumDBURL string // database base, no trailing slash
	Name     string // database name
	// GOSUMDB names the database with its key and direct URL.
	GOSUMDB string
	// VerifierKey is the database's public key (name+hash+key).
	VerifierKey string

	proxy, db *httptest.Server
	dir       string

	mu         sync.Mutex
	genuine    map[string][]byte // module version -> zip the database vouches for
	served     map[string][]byte // module version -> zip the proxy serves, if different
	unsigned   map[string]bool   // module versions the database does not know
	h1         map[string]string // module version -> hash of the genuine zip
	proxySumDB bool
	requests   []string
}

// New starts the proxy and the database. dir holds temporary files.
func New(dir string) (*Server, error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "sum.test")
	if err != nil {
		return nil, err
	}
	s := &Server{Name: "sum.test", VerifierKey: vkey, dir: dir, genuine: map[string][]byte{}, served: map[string][]byte{}, unsigned: map[string]bool{}, h1: map[string]string{}}
	ops := sumdb.NewTestServer(skey, s.gosum)
	s.db = httptest.NewServer(s.logged("sumdb", sumdb.NewServer(ops)))
	s.proxy = httptest.NewServer(s.logged("proxy", http.HandlerFunc(s.serveProxy)))
	s.URL = s.proxy.URL
	s.SumDBURL = s.db.URL
	s.GOSUMDB = vkey + " " + s.db.URL
	return s, nil
}

// Close stops both servers.
func (s *Server) Close() {
	s.proxy.Close()
	s.db.Close()
}

// Add publishes a module version (v0.0.1-go1.26.8.windows-amd64) with its
// zip. The database hashes it now, so that lookups answer at once as the
// real one does (hashing the 75 MB fixture takes seconds under -race).
func (s *Server) Add(modVersion string, zip []byte) error {
	h1, err := s.H1(modVersion, zip)
	if err != nil {
		return fmt.Errorf("hash %s: %w", modVersion, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.genuine[modVersion] = zip
	s.h1[modVersion] = h1
	return nil
}

// AddUnsigned publishes a module version that the database does not know,
// as for a proxy that serves private builds.
func (s *Server) AddUnsigned(modVersion string, zip []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.genuine[modVersion] = zip
	s.unsigned[modVersion] = true
}

// Tamper makes the proxy serve zip for modVersion while the database keeps
// vouching for the genuine one.
func (s *Server) Tamper(modVersion string, zip []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.served[modVersion] = zip
}

// ProxySumDB makes the proxy also serve the database under
// /sumdb/<name>/, as proxy.golang.org and corporate mirrors do.
func (s *Server) ProxySumDB(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.proxySumDB = on
}

// Requests lists "proxy /path" and "sumdb /path" lines in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) logged(name string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, name+" "+r.URL.Path)
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// H1 returns the module hash of a zip, as the database records it.
func (s *Server) H1(modVersion string, zip []byte) (string, error) {
	f, err := os.CreateTemp(s.dir, "h1-*.zip")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(zip)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	return dirhash.HashZip(f.Name(), dirhash.Hash1)
}

// gosum computes the go.sum lines the database signs for a module version.
func (s *Server) gosum(path, vers string) ([]byte, error) {
	s.mu.Lock()
	h1, ok := s.h1[vers]
	unsigned := s.unsigned[vers]
	s.mu.Unlock()
	if path != modPath || !ok || unsigned {
		return nil, fs.ErrNotExist // the server answers 404 (it checks with os.IsNotExist, which does not unwrap)
	}
	modH1, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(goMod)), nil
	})
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "%s %s %s\n%s %s/go.mod %s\n", path, vers, h1, path, vers, modH1), nil
}

const goMod = "module golang.org/toolchain\n"

var fixedTime = time.Unix(1700000000, 0)

func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	proxySumDB := s.proxySumDB
	s.mu.Unlock()
	if rest, ok := strings.CutPrefix(r.URL.Path, "/sumdb/"+s.Name+"/"); ok {
		if !proxySumDB {
			http.NotFound(w, r)
			return
		}
		if rest == "supported" {
			w.WriteHeader(http.StatusOK)
			return
		}
		// Forward to the database, as a caching proxy would.
		resp, err := http.Get(s.db.URL + "/" + rest)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/"+modPath+"/@v/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	var vs []string
	for v := range s.genuine {
		vs = append(vs, v)
	}
	ext := filepath.Ext(rest)
	vers := strings.TrimSuffix(rest, ext)
	zip, ok := s.genuine[vers]
	if t, tampered := s.served[vers]; tampered {
		zip = t
	}
	s.mu.Unlock()
	if rest == "list" {
		slices.Sort(vs)
		io.WriteString(w, strings.Join(vs, "\n")+"\n")
		return
	}
	if !ok {
		http.Error(w, "not found: unknown revision "+vers, http.StatusNotFound)
		return
	}
	switch ext {
	case ".info":
		fmt.Fprintf(w, `{"Version":%q,"Time":"2026-08-28T16:20:00Z"}`+"\n", vers)
	case ".mod":
		io.WriteString(w, goMod)
	case ".zip":
		http.ServeContent(w, r, rest, fixedTime, bytes.NewReader(zip))
	default:
		http.NotFound(w, r)
	}
}
