package ghfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) record(host string, r *http.Request, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		status = http.StatusOK
	}
	s.requests = append(s.requests, Request{Host: host, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: status})
}

func (s *Server) serveAPI(rw http.ResponseWriter, r *http.Request) {
	host, rest := "api", ""
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/v3/"):
		rest = strings.TrimPrefix(r.URL.Path, "/api/v3/")
	case strings.HasPrefix(r.URL.Path, "/api/uploads/"):
		host, rest = "uploads", strings.TrimPrefix(r.URL.Path, "/api/uploads/")
	}
	w := &statusWriter{ResponseWriter: rw}
	defer func() { s.record(host, r, w.status) }()

	// An upload's bytes are read before anything else, as GitHub's upload
	// host does; digesting them needs no lock.
	var body []byte
	var readErr error
	if host == "uploads" && r.Method == http.MethodPost {
		body, readErr = s.readUpload(r)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	if !now.Before(s.reset) {
		// X-RateLimit-Reset is in whole seconds: the window ends on one,
		// so that a client waiting for the header's second never comes
		// back before the reset.
		s.used, s.reset = 0, ceilSecond(now.Add(s.opts.Window))
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Request-Id", fmt.Sprintf("FAKE:%04X", len(s.requests)))
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.opts.Quota))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.reset.Unix(), 10))
	if s.used >= s.opts.Quota {
		f := PrimaryRateLimit("", "", s.reset)
		for k, v := range f.Header {
			h.Set(k, v)
		}
		w.WriteHeader(f.Status)
		io.WriteString(w, f.Body)
		return
	}
	s.used++
	h.Set("X-RateLimit-Remaining", strconv.Itoa(s.opts.Quota-s.used))
	h.Set("X-RateLimit-Used", strconv.Itoa(s.used))
	h.Set("X-RateLimit-Resource", "core")

	if rest == "" {
		writeJSON(w, http.StatusNotFound, notFound(""))
		return
	}
	if !s.authorized(r.Header.Get("Authorization")) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})
		return
	}
	if f := s.takeFault(r.Method, r.URL.Path); f != nil {
		if host == "uploads" && readErr == nil && f.Effect != "" {
			s.storeUpload(r, body, f.Effect)
		}
		for k, v := range f.Header {
			h.Set(k, v)
		}
		w.WriteHeader(f.Status)
		io.WriteString(w, f.Body)
		return
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 4 || parts[0] != "repos" || !strings.EqualFold(parts[1], s.opts.Owner) ||
		!strings.EqualFold(parts[2], s.opts.Repo) || parts[3] != "releases" {
		writeJSON(w, http.StatusNotFound, notFound("https://docs.github.com/rest"))
		return
	}
	base := "http://" + r.Host
	p := parts[4:]
	switch {
	case host == "uploads" && r.Method == http.MethodPost && len(p) == 2 && p[1] == "assets":
		s.upload(w, r, p[0], body, readErr, base)
	case host == "uploads":
		writeJSON(w, http.StatusNotFound, notFound(""))
	case len(p) == 0 && r.Method == http.MethodGet:
		s.listReleases(w, r, base)
	case len(p) == 0 && r.Method == http.MethodPost:
		s.createRelease(w, r, base)
	case len(p) >= 2 && p[0] == "tags" && r.Method == http.MethodGet:
		s.releaseByTag(w, strings.Join(p[1:], "/"), base) // a tag may hold "/"
	case len(p) == 1 && r.Method == http.MethodPatch:
		s.editRelease(w, r, p[0], base)
	case len(p) == 2 && p[1] == "assets" && r.Method == http.MethodGet:
		s.listAssets(w, r, p[0], base)
	case len(p) == 2 && p[0] == "assets" && r.Method == http.MethodGet:
		s.getAsset(w, r, p[1], base)
	case len(p) == 2 && p[0] == "assets" && r.Method == http.MethodDelete:
		s.deleteAsset(w, p[1])
	default:
		writeJSON(w, http.StatusNotFound, notFound("https://docs.github.com/rest"))
	}
}

func (s *Server) listReleases(w http.ResponseWriter, r *http.Request, base string) {
	// Newest first, drafts included (the caller is authenticated).
	var all []any
	for i := len(s.releases) - 1; i >= 0; i-- {
		all = append(all, s.releaseJSON(s.releases[i], base))
	}
	s.writePage(w, r, all)
}

// releaseByTag finds a release by its tag; the path was decoded once
// already, so a tag holding % stays as it is.
func (s *Server) releaseByTag(w http.ResponseWriter, tag, base string) {
	for _, rel := range s.releases {
		// Drafts have no tag yet: GitHub does not find them by tag.
		if rel.Tag == tag && !rel.Draft {
			writeJSON(w, http.StatusOK, s.releaseJSON(rel, base))
			return
		}
	}
	writeJSON(w, http.StatusNotFound, notFound("https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name"))
}

func (s *Server) createRelease(w http.ResponseWriter, r *http.Request, base string) {
	var in struct {
		TagName    string  `json:"tag_name"`
		Name       *string `json:"name"`
		Body       *string `json:"body"`
		Draft      bool    `json:"draft"`
		Prerelease bool    `json:"prerelease"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Problems parsing JSON"})
		return
	}
	if in.TagName == "" {
		writeJSON(w, http.StatusUnprocessableEntity, validation("Release", "tag_name", "missing_field", ""))
		return
	}
	for _, rel := range s.releases {
		if rel.Tag == in.TagName && !rel.Draft {
			writeJSON(w, http.StatusUnprocessableEntity, validation("Release", "tag_name", "already_exists",
				"https://docs.github.com/rest/releases/releases#create-a-release"))
			return
		}
	}
	rel := s.addRelease(in.TagName, deref(in.Name, in.TagName), deref(in.Body, ""), in.Draft, in.Prerelease)
	writeJSON(w, http.StatusCreated, s.releaseJSON(rel, base))
}

func (s *Server) editRelease(w http.ResponseWriter, r *http.Request, id, base string) {
	rel := s.releaseByID(atoi(id))
	if rel == nil {
		writeJSON(w, http.StatusNotFound, notFound(""))
		return
	}
	var in struct {
		Name       *string `json:"name"`
		Body       *string `json:"body"`
		Draft      *bool   `json:"draft"`
		Prerelease *bool   `json:"prerelease"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Problems parsing JSON"})
		return
	}
	rel.Name = deref(in.Name, rel.Name)
	rel.Body = deref(in.Body, rel.Body)
	rel.Prerelease = deref(in.Prerelease, rel.Prerelease)
	if in.Draft != nil && rel.Draft && !*in.Draft {
		rel.Published = s.opts.Now().UTC().Truncate(time.Second)
	}
	rel.Draft = deref(in.Draft, rel.Draft)
	writeJSON(w, http.StatusOK, s.releaseJSON(rel, base))
}

func (s *Server) listAssets(w http.ResponseWriter, r *http.Request, id, base string) {
	rel := s.releaseByID(atoi(id))
	if rel == nil {
		writeJSON(w, http.StatusNotFound, notFound(""))
		return
	}
	var all []any
	for _, a := range rel.Assets {
		all = append(all, s.assetJSON(a, rel, base))
	}
	s.writePage(w, r, all)
}

func (s *Server) findAsset(id string) (*asset, *release) {
	n := atoi(id)
	for _, rel := range s.releases {
		for _, a := range rel.Assets {
			if a.ID == n {
				return a, rel
			}
		}
	}
	return nil, nil
}

// getAsset answers with the metadata, or with the bytes by redirecting to
// the storage host when asked for application/octet-stream.
func (s *Server) getAsset(w http.ResponseWriter, r *http.Request, id, base string) {
	a, rel := s.findAsset(id)
	if a == nil {
		writeJSON(w, http.StatusNotFound, notFound(""))
		return
	}
	if r.Header.Get("Accept") == "application/octet-stream" {
		loc := fmt.Sprintf("%s/github-production-release-asset/%d/%s?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=fake",
			s.storage.URL, a.ID, url.PathEscape(a.Name))
		w.Header().Set("Location", loc)
		w.Header().Del("Content-Type")
		w.WriteHeader(http.StatusFound)
		return
	}
	writeJSON(w, http.StatusOK, s.assetJSON(a, rel, base))
}

func (s *Server) deleteAsset(w http.ResponseWriter, id string) {
	a, rel := s.findAsset(id)
	if a == nil {
		writeJSON(w, http.StatusNotFound, notFound(""))
		return
	}
	for i, x := range rel.Assets {
		if x == a {
			rel.Assets = append(rel.Assets[:i], rel.Assets[i+1:]...)
			break
		}
	}
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNoContent)
}

// ceilSecond rounds t up to a whole second.
func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}
