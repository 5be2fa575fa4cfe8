package fetch

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// SourceKind says where distributions come from.
type SourceKind int

const (
	// SourceIndex is a go.dev/dl-like site: a JSON index of releases with
	// SHA-256 sums, and the files beside it.
	SourceIndex SourceKind = iota
	// SourceProxy is a Go module proxy serving golang.org/toolchain,
	// verified against a checksum database.
	SourceProxy
	// SourceLocal is a zip or folder on disk, opened with Open.
	SourceLocal
)

func (k SourceKind) String() string {
	switch k {
	case SourceIndex:
		return "index"
	case SourceProxy:
		return "proxy"
	}
	return "local"
}

// DefaultIndexURL is the official download site, the default source.
const DefaultIndexURL = "https://go.dev/dl/"

// A Source is a parsed GOMSI_SOURCE.
type Source struct {
	Kind    SourceKind
	URL     string  // index base URL ending in "/", or the first module proxy's URL without trailing "/"
	Proxies []Proxy // SourceProxy: the proxies to try in order; empty means URL alone
	Path    string  // SourceLocal: the zip or folder
}

// proxies lists the module proxies to try, in order.
func (s Source) proxies() []Proxy {
	if len(s.Proxies) > 0 {
		return s.Proxies
	}
	return []Proxy{{URL: s.URL}}
}

// String describes the source for logs, without credentials.
func (s Source) String() string {
	switch {
	case s.Kind == SourceLocal:
		return s.Path
	case s.Kind == SourceProxy:
		var names []string
		for _, p := range s.proxies() {
			names = append(names, p.String())
		}
		return "proxy " + strings.Join(names, ", then ")
	}
	return s.Kind.String() + " " + redactURL(s.URL)
}

// ParseSource parses GOMSI_SOURCE (or source: in gomsi.yaml):
//
//	"" or an http(s) URL      the go.dev/dl index at that URL (default https://go.dev/dl/)
//	"proxy"                   the module proxies in goproxy (GOPROXY), tried in order
//	"proxy:<url>"             that module proxy
//	anything else             a local zip or folder
func ParseSource(s, goproxy string) (Source, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Source{Kind: SourceIndex, URL: DefaultIndexURL}, nil
	case s == "proxy":
		proxies, err := parseGOPROXY(goproxy)
		if err != nil {
			return Source{}, err
		}
		return Source{Kind: SourceProxy, URL: proxies[0].URL, Proxies: proxies}, nil
	case strings.HasPrefix(s, "proxy:"):
		u, err := checkHTTPURL(strings.TrimPrefix(s, "proxy:"), "GOMSI_SOURCE=proxy:<url>")
		if err != nil {
			return Source{}, err
		}
		return Source{Kind: SourceProxy, URL: strings.TrimRight(u, "/")}, nil
	case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		u, err := checkHTTPURL(s, "GOMSI_SOURCE")
		if err != nil {
			return Source{}, err
		}
		if strings.HasSuffix(strings.ToLower(u), ".zip") {
			return Source{}, fmt.Errorf("parse GOMSI_SOURCE %s: a zip URL is not a source; use the download page's base URL (https://go.dev/dl/) or download the zip and give its path", redactURL(u))
		}
		if !strings.HasSuffix(u, "/") {
			u += "/" // files are named relative to the index's folder
		}
		return Source{Kind: SourceIndex, URL: u}, nil
	}
	if scheme, _, ok := strings.Cut(s, "://"); ok && schemeRE.MatchString(scheme) {
		return Source{}, fmt.Errorf("parse GOMSI_SOURCE %s: %s:// is not a source; use an http:// or https:// download page (https://go.dev/dl/ or a mirror), proxy, proxy:<url>, or a local zip or folder by its path", redactURL(s), scheme)
	}
	return Source{Kind: SourceLocal, Path: s}, nil
}

// schemeRE matches a URL scheme (RFC 3986); C:\ and relative paths do not.
var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

func checkHTTPURL(s, what string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("parse %s %s: want an http:// or https:// URL", what, redactURL(s))
	}
	return s, nil
}
