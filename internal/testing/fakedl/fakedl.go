// Package fakedl imitates go.dev/dl on 127.0.0.1 for tests: a JSON index of
// releases, file URLs that redirect to a second host (as go.dev redirects
// to dl.google.com), Range support, and faults injected per request.
package fakedl

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A Request is what the server saw, for assertions.
type Request struct {
	Host    string // "main" (the index host) or "mirror" (the file host)
	Path    string
	Range   string
	IfRange string
}

// Server is the fake download site. URL is the index base, ending in /dl/,
// as GOMSI_SOURCE takes it.
type Server struct {
	URL       string
	MirrorURL string

	main, mirror *httptest.Server

	mu          sync.Mutex
	index       []release
	files       map[string]content // by file name
	faults      map[string][]Fault // by file name, consumed in order
	indexFaults []Fault
	requests    []Request
}

type release struct {
	Version string `json:"version"`
	Stable  bool   `json:"stable"`
	Files   []file `json:"files"`
}

type file struct {
	Filename string `json:"filename"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	Version  string `json:"version"`
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	Kind     string `json:"kind"`
}

type content struct {
	data []byte // or
	path string
	mod  time.Time
}

// New starts the two hosts over HTTP; Close stops them.
func New() *Server { return start(false) }

// NewTLS starts the two hosts over HTTPS, with httptest's certificate
// (Certificate returns it), which clients do not trust by default.
func NewTLS() *Server { return start(true) }

func start(tls bool) *Server {
	s := &Server{files: map[string]content{}, faults: map[string][]Fault{}}
	newServer := func(h http.HandlerFunc) *httptest.Server {
		srv := httptest.NewUnstartedServer(h)
		// Refused handshakes are what TLS tests are about, not news.
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		if tls {
			srv.StartTLS()
		} else {
			srv.Start()
		}
		return srv
	}
	s.mirror = newServer(s.serveMirror)
	s.main = newServer(s.serveMain)
	s.URL = s.main.URL + "/dl/"
	s.MirrorURL = s.mirror.URL + "/files/"
	return s
}

// Certificate is the TLS certificate of both hosts (NewTLS only).
func (s *Server) Certificate() *x509.Certificate { return s.main.Certificate() }

// Close stops the servers.
func (s *Server) Close() {
	s.main.CloseClientConnections()
	s.mirror.CloseClientConnections()
	s.main.Close()
	s.mirror.Close()
}

// AddZip lists data as the Windows zip of version for arch. The release
// also gets the source, Linux and MSI entries the real index has (they
// point nowhere).
func (s *Server) AddZip(version string, stable bool, arch string, data []byte) string {
	sum := sha256.Sum256(data)
	return s.add(version, stable, arch, content{data: data, mod: time.Unix(1700000000, 0)}, fmt.Sprintf("%x", sum), int64(len(data)))
}

// AddZipFile is AddZip for a file on disk, served from there (the 75 MB
// fixture is not copied into memory).
func (s *Server) AddZipFile(version string, stable bool, arch, filePath string) (string, error) {
	f, err := os.Open(filePath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", err
	}
	return s.add(version, stable, arch, content{path: filePath, mod: time.Unix(1700000000, 0)}, fmt.Sprintf("%x", h.Sum(nil)), n), nil
}

func (s *Server) add(version string, stable bool, arch string, c content, sum string, size int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := version + ".windows-" + arch + ".zip"
	s.files[name] = c
	i := slices.IndexFunc(s.index, func(r release) bool { return r.Version == version })
	if i < 0 {
		s.index = append(s.index, release{Version: version, Stable: stable, Files: []file{
			{Filename: version + ".src.tar.gz", Version: version, SHA256: strings.Repeat("1", 64), Size: 1, Kind: "source"},
			{Filename: version + ".linux-amd64.tar.gz", OS: "linux", Arch: "amd64", Version: version, SHA256: strings.Repeat("2", 64), Size: 1, Kind: "archive"},
		}})
		i = len(s.index) - 1
	}
	s.index[i].Files = append(s.index[i].Files,
		file{Filename: version + ".windows-" + arch + ".msi", OS: "windows", Arch: arch, Version: version, SHA256: strings.Repeat("3", 64), Size: 1, Kind: "installer"},
		file{Filename: name, OS: "windows", Arch: arch, Version: version, SHA256: sum, Size: size, Kind: "archive"})
	return name
}

// SetSHA256 makes the index claim another SHA-256 for a file.
func (s *Server) SetSHA256(filename, sum string) {
	s.editFile(filename, func(f *file) { f.SHA256 = sum })
}

// SetSize makes the index claim another size for a file.
func (s *Server) SetSize(filename string, size int64) {
	s.editFile(filename, func(f *file) { f.Size = size })
}

func (s *Server) editFile(filename string, edit func(*file)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.index {
		for j := range s.index[i].Files {
			if s.index[i].Files[j].Filename == filename {
				edit(&s.index[i].Files[j])
			}
		}
	}
}

// Fail queues faults for the next requests of a file on the mirror.
func (s *Server) Fail(filename string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[filename] = append(s.faults[filename], faults...)
}

// FailIndex queues faults for the next index requests.
func (s *Server) FailIndex(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.indexFaults = append(s.indexFaults, faults...)
}

// Requests returns the requests seen so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) record(host string, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Host: host, Path: r.URL.Path, Range: r.Header.Get("Range"), IfRange: r.Header.Get("If-Range")})
}

func next(q *[]Fault) Fault {
	if len(*q) == 0 {
		return Fault{}
	}
	f := (*q)[0]
	*q = (*q)[1:]
	return f
}

func (s *Server) serveMain(w http.ResponseWriter, r *http.Request) {
	s.record("main", r)
	name, ok := strings.CutPrefix(r.URL.Path, "/dl/")
	switch {
	case !ok:
		http.NotFound(w, r)
	case name == "" && r.URL.Query().Get("mode") == "json":
		s.mu.Lock()
		fault := next(&s.indexFaults)
		// The real index lists the newest release first.
		idx := slices.Clone(s.index)
		s.mu.Unlock()
		slices.Reverse(idx)
		data, err := json.MarshalIndent(idx, "", " ")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		serve(w, r, fault, "index.json", time.Time{}, bytes.NewReader(data))
	case name == "":
		io.WriteString(w, "<html>the download page</html>")
	default:
		http.Redirect(w, r, s.MirrorURL+name, http.StatusFound)
	}
}

func (s *Server) serveMirror(w http.ResponseWriter, r *http.Request) {
	s.record("mirror", r)
	name := path.Base(r.URL.Path)
	s.mu.Lock()
	c, ok := s.files[name]
	q := s.faults[name]
	fault := next(&q)
	s.faults[name] = q
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	var rs io.ReadSeeker
	if c.path != "" {
		f, err := os.Open(c.path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		rs = f
	} else {
		rs = bytes.NewReader(c.data)
	}
	w.Header().Set("ETag", strconv.Quote(fmt.Sprintf("%x", sha256.Sum256([]byte(name)))[:18]))
	serve(w, r, fault, name, c.mod, rs)
}
