package dist

import (
	"fmt"
	"net/url"
	"os"
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
	Kind SourceKind
	URL  string // index base URL ending in "/", or module proxy URL without trailing "/"
	Path string // SourceLocal: the zip or folder
}

// String describes the source for logs, without credentials.
func (s Source) String() string {
	if s.Kind == SourceLocal {
		return s.Path
	}
	return s.Kind.String() + " " + redactURL(s.URL)
}

// ParseSource parses GOMSI_SOURCE (or source: in gomsi.yaml):
//
//	"" or an http(s) URL      the go.dev/dl index at that URL (default https://go.dev/dl/)
//	"proxy"                   the first usable module proxy in $GOPROXY
//	"proxy:<url>"             that module proxy
//	anything else             a local zip or folder
func ParseSource(s string) (Source, error) {
	return parseSource(s, os.Getenv("GOPROXY"))
}

func parseSource(s, goproxy string) (Source, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Source{Kind: SourceIndex, URL: DefaultIndexURL}, nil
	case s == "proxy":
		u, err := firstProxy(goproxy)
		if err != nil {
			return Source{}, err
		}
		return Source{Kind: SourceProxy, URL: u}, nil
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
	return Source{Kind: SourceLocal, Path: s}, nil
}

// firstProxy picks the first proxy URL in a GOPROXY list, skipping
// "direct", which is version control, not a proxy.
func firstProxy(goproxy string) (string, error) {
	if strings.TrimSpace(goproxy) == "" {
		goproxy = "https://proxy.golang.org,direct"
	}
	for entry := range strings.FieldsFuncSeq(goproxy, func(r rune) bool { return r == ',' || r == '|' }) {
		entry = strings.TrimSpace(entry)
		switch entry {
		case "direct":
			continue
		case "off":
			return "", fmt.Errorf("parse GOPROXY: GOPROXY=off (before any proxy) disables module downloads; set GOPROXY to a proxy URL or use GOMSI_SOURCE=proxy:<url>")
		}
		u, err := checkHTTPURL(entry, "GOPROXY")
		if err != nil {
			return "", err
		}
		return strings.TrimRight(u, "/"), nil
	}
	return "", fmt.Errorf("parse GOPROXY %q: it names no proxy (only direct); set GOPROXY=https://proxy.golang.org or use GOMSI_SOURCE=proxy:<url>", goproxy)
}

func checkHTTPURL(s, what string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("parse %s %s: want an http:// or https:// URL", what, redactURL(s))
	}
	return s, nil
}
