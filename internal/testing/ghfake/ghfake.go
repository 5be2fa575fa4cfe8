// Package ghfake is a local stand-in for the part of GitHub's REST API that
// publishing a release uses: releases by tag and by list, create and edit,
// assets listed with Link-header pagination, uploads to the upload host with
// ?name= and Content-Length, downloads redirected to a separate storage host,
// deletes, and GitHub's error answers (404, 401, 422 already_exists, primary
// and secondary rate limits with their real headers, 502). The JSON it sends
// follows recorded GitHub answers, trimmed to the fields clients read.
//
// It checks what a real server would reject (missing or wrong token, no
// Content-Length on an upload, a token sent to the storage host) and keeps
// every uploaded byte so tests can compare.
package ghfake

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure a Server. The zero value is usable except for Token.
type Options struct {
	Token string // the only token accepted (as "Bearer <t>" or "token <t>")
	Owner string // repository owner; default "acme"
	Repo  string // repository name; default "go-msi"
	// PageCap caps per_page like GitHub's 100; set it low to force pagination.
	PageCap int
	// NoDigests leaves out the assets' "digest" field, as GitHub Enterprise
	// Server and assets older than June 2025 do, so clients must download.
	NoDigests bool
	// DiscardBodies keeps only the size and digest of uploads (benchmarks).
	DiscardBodies bool
	// Now is the server's clock, used for rate-limit windows; default time.Now.
	Now func() time.Time
	// Quota is the requests allowed per rate-limit window (default 5000);
	// past it the API answers 403 with X-RateLimit-Remaining 0 until the
	// window resets. Window is the window length (default one hour).
	Quota  int
	Window time.Duration
	// Listener, if set, is where the API serves (e.g. a fixed port); the
	// storage host always gets its own port, as a different host would.
	Listener net.Listener
}

// Request is one request the server saw.
type Request struct {
	Host   string // "api", "uploads" or "storage"
	Method string
	Path   string
	Query  string
	Status int
}

func (r Request) String() string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	return fmt.Sprintf("%s %s -> %d", r.Host, s, r.Status)
}

// Server is a fake GitHub. Use New, then APIURL and UploadURL.
type Server struct {
	opts    Options
	api     *httptest.Server
	storage *httptest.Server

	mu       sync.Mutex
	nextID   int64
	releases []*release
	requests []Request
	faults   []*Fault
	problems []string
	used     int       // requests in the current rate-limit window
	reset    time.Time // end of the current window
}

type release struct {
	ID         int64
	Tag        string
	Name       string
	Body       string
	Draft      bool
	Prerelease bool
	Created    time.Time
	Published  time.Time
	Assets     []*asset
}

type asset struct {
	ID          int64
	Name        string
	Label       string
	State       string
	ContentType string
	Size        int
	Digest      string
	Data        []byte
	Created     time.Time
}

// New starts a server; Close stops it.
func New(opts Options) *Server {
	if opts.Owner == "" {
		opts.Owner = "acme"
	}
	if opts.Repo == "" {
		opts.Repo = "go-msi"
	}
	if opts.PageCap <= 0 {
		opts.PageCap = 100
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Quota <= 0 {
		opts.Quota = 5000
	}
	if opts.Window <= 0 {
		opts.Window = time.Hour
	}
	s := &Server{opts: opts, nextID: 1000}
	s.storage = httptest.NewServer(http.HandlerFunc(s.serveStorage))
	s.api = httptest.NewUnstartedServer(http.HandlerFunc(s.serveAPI))
	if opts.Listener != nil {
		s.api.Listener.Close()
		s.api.Listener = opts.Listener
	}
	s.api.Start()
	return s
}

// Close stops both hosts.
func (s *Server) Close() {
	s.api.Close()
	s.storage.Close()
}

// APIURL is the base to give a client as its GitHub Enterprise API URL
// (go-github adds api/v3/).
func (s *Server) APIURL() string { return s.api.URL + "/" }

// UploadURL is the base for uploads (go-github adds api/uploads/).
func (s *Server) UploadURL() string { return s.api.URL + "/" }

// Requests returns every request seen so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Writes returns the requests that were not GET or HEAD.
func (s *Server) Writes() []Request {
	var w []Request
	for _, r := range s.Requests() {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w = append(w, r)
		}
	}
	return w
}

// Problems lists protocol violations a real server would have rejected or
// that leak secrets (such as a token sent to the storage host).
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

// ReleaseInfo is a snapshot of one release.
type ReleaseInfo struct {
	ID                int64
	Tag, Name, Body   string
	Draft, Prerelease bool
	Assets            []AssetInfo // sorted by name
}

// AssetInfo is a snapshot of one asset.
type AssetInfo struct {
	ID                       int64
	Name, State, ContentType string
	Size                     int
	Data                     []byte
}

// Releases returns every release with the tag, drafts included.
func (s *Server) Releases(tag string) []ReleaseInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ReleaseInfo
	for _, r := range s.releases {
		if r.Tag != tag {
			continue
		}
		ri := ReleaseInfo{ID: r.ID, Tag: r.Tag, Name: r.Name, Body: r.Body, Draft: r.Draft, Prerelease: r.Prerelease}
		for _, a := range r.Assets {
			ri.Assets = append(ri.Assets, AssetInfo{ID: a.ID, Name: a.Name, State: a.State, ContentType: a.ContentType, Size: a.Size, Data: a.Data})
		}
		sort.Slice(ri.Assets, func(i, j int) bool { return ri.Assets[i].Name < ri.Assets[j].Name })
		out = append(out, ri)
	}
	return out
}

// AddRelease seeds a release, as if made earlier by hand or by another tool.
func (s *Server) AddRelease(tag, name string, draft bool) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addRelease(tag, name, "", draft, false).ID
}

// AddAsset seeds an asset on release id; state is "uploaded" or "starter"
// (what a failed upload leaves behind).
func (s *Server) AddAsset(releaseID int64, name, state string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.releaseByID(releaseID)
	if r == nil {
		panic(fmt.Sprintf("ghfake: no release %d", releaseID))
	}
	r.Assets = append(r.Assets, s.newAsset(name, "application/octet-stream", state, data))
}

func (s *Server) addRelease(tag, name, body string, draft, pre bool) *release {
	s.nextID++
	now := s.opts.Now().UTC().Truncate(time.Second)
	r := &release{ID: s.nextID, Tag: tag, Name: name, Body: body, Draft: draft, Prerelease: pre, Created: now}
	if !draft {
		r.Published = now
	}
	s.releases = append(s.releases, r)
	return r
}

func (s *Server) newAsset(name, ctype, state string, data []byte) *asset {
	s.nextID++
	sum := sha256.Sum256(data)
	a := &asset{
		ID: s.nextID, Name: name, State: state, ContentType: ctype, Size: len(data),
		Digest: "sha256:" + hex.EncodeToString(sum[:]), Created: s.opts.Now().UTC().Truncate(time.Second),
	}
	if !s.opts.DiscardBodies {
		a.Data = data
	}
	return a
}

func (s *Server) releaseByID(id int64) *release {
	for _, r := range s.releases {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func (s *Server) problem(format string, args ...any) {
	s.problems = append(s.problems, fmt.Sprintf(format, args...))
}

// authorized reports whether the header carries the configured token.
func (s *Server) authorized(h string) bool {
	t, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		t, ok = strings.CutPrefix(h, "token ")
	}
	return ok && s.opts.Token != "" && t == s.opts.Token
}
