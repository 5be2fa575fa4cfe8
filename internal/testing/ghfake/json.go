package ghfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// writePage serves items with per_page/page and a Link header like GitHub's.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, items []any) {
	q := r.URL.Query()
	per := 30
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		per = v
	}
	per = min(per, s.opts.PageCap)
	page := 1
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		page = v
	}
	last := max(1, (len(items)+per-1)/per)
	link := func(p int, rel string) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: fmt.Sprintf("per_page=%d&page=%d", per, p)}
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo, hi := min((page-1)*per, len(items)), min(page*per, len(items))
	out := items[lo:hi]
	if out == nil {
		out = []any{}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) releaseJSON(r *release, base string) map[string]any {
	api := fmt.Sprintf("%s/api/v3/repos/%s/%s/releases/%d", base, s.opts.Owner, s.opts.Repo, r.ID)
	html := fmt.Sprintf("%s/%s/%s/releases/tag/%s", base, s.opts.Owner, s.opts.Repo, r.Tag)
	var published any
	if r.Draft {
		html = fmt.Sprintf("%s/%s/%s/releases/tag/untagged-%x", base, s.opts.Owner, s.opts.Repo, r.ID)
	} else {
		published = r.Published.Format(time.RFC3339)
	}
	assets := []any{}
	for _, a := range r.Assets {
		assets = append(assets, s.assetJSON(a, r, base))
	}
	return map[string]any{
		"url": api, "assets_url": api + "/assets", "html_url": html, "id": r.ID,
		"upload_url":  fmt.Sprintf("%s/api/uploads/repos/%s/%s/releases/%d/assets{?name,label}", base, s.opts.Owner, s.opts.Repo, r.ID),
		"tarball_url": fmt.Sprintf("%s/api/v3/repos/%s/%s/tarball/%s", base, s.opts.Owner, s.opts.Repo, r.Tag),
		"zipball_url": fmt.Sprintf("%s/api/v3/repos/%s/%s/zipball/%s", base, s.opts.Owner, s.opts.Repo, r.Tag),
		"author":      map[string]any{"login": "github-actions[bot]", "id": 41898282, "type": "Bot"},
		"node_id":     fmt.Sprintf("RE_kwDOFake%d", r.ID), "tag_name": r.Tag, "target_commitish": "main",
		"name": r.Name, "draft": r.Draft, "prerelease": r.Prerelease,
		"created_at": r.Created.Format(time.RFC3339), "published_at": published,
		"assets": assets, "body": r.Body,
	}
}

func (s *Server) assetJSON(a *asset, r *release, base string) map[string]any {
	m := map[string]any{
		"url":          fmt.Sprintf("%s/api/v3/repos/%s/%s/releases/assets/%d", base, s.opts.Owner, s.opts.Repo, a.ID),
		"id":           a.ID,
		"node_id":      fmt.Sprintf("RA_kwDOFake%d", a.ID),
		"name":         a.Name,
		"label":        nil,
		"uploader":     map[string]any{"login": "github-actions[bot]", "id": 41898282, "type": "Bot"},
		"content_type": a.ContentType, "state": a.State, "size": a.Size, "download_count": 0,
		"created_at": a.Created.Format(time.RFC3339), "updated_at": a.Created.Format(time.RFC3339),
		"browser_download_url": fmt.Sprintf("%s/%s/%s/releases/download/%s/%s", base, s.opts.Owner, s.opts.Repo, r.Tag, url.PathEscape(a.Name)),
	}
	if !s.opts.NoDigests {
		m["digest"] = a.Digest
	}
	return m
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

func notFound(doc string) map[string]any {
	return map[string]any{"message": "Not Found", "documentation_url": doc, "status": "404"}
}

func validation(resource, field, code, doc string) map[string]any {
	return map[string]any{
		"message":           "Validation Failed",
		"errors":            []any{map[string]any{"resource": resource, "code": code, "field": field}},
		"documentation_url": doc, "status": "422",
	}
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
