package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// DirectToolchainURL is where "direct" in GOPROXY gets golang.org/toolchain:
// the module's origin, which proxy.golang.org itself reads from.
const DirectToolchainURL = "https://go.dev/dl/mod"

// A Proxy is one entry of a GOPROXY list.
type Proxy struct {
	URL        string // without a trailing "/"
	Direct     bool   // the entry was "direct": URL is DirectToolchainURL
	OnAnyError bool   // "|" follows it: any error moves on, not only 404 and 410
}

func (p Proxy) String() string {
	if p.Direct {
		return "direct (" + p.URL + ")"
	}
	return redactURL(p.URL)
}

// parseGOPROXY reads a GOPROXY list the way the go command does: entries
// separated by "," (try the next only after 404 or 410) or "|" (after any
// error); "direct" is the module's origin; "off" ends the list.
func parseGOPROXY(goproxy string) ([]Proxy, error) {
	if strings.TrimSpace(goproxy) == "" {
		goproxy = "https://proxy.golang.org,direct"
	}
	var proxies []Proxy
	for rest := goproxy; rest != ""; {
		i := strings.IndexAny(rest, ",|")
		entry, sep := rest, byte(0)
		if i >= 0 {
			entry, sep, rest = rest[:i], rest[i], rest[i+1:]
		} else {
			rest = ""
		}
		entry = strings.TrimSpace(entry)
		var p Proxy
		switch entry {
		case "":
			continue
		case "off":
			rest = "" // the go command never gets past it
			continue
		case "direct":
			p = Proxy{URL: DirectToolchainURL, Direct: true}
		default:
			if !strings.Contains(entry, "://") {
				entry = "https://" + entry // as the go command reads proxy.golang.org
			}
			u, err := checkHTTPURL(entry, "GOPROXY")
			if err != nil {
				return nil, err
			}
			p = Proxy{URL: strings.TrimRight(u, "/")}
		}
		p.OnAnyError = sep == '|'
		proxies = append(proxies, p)
	}
	if len(proxies) == 0 {
		return nil, fmt.Errorf("parse GOPROXY %q: it allows no module download (off); set GOPROXY to a proxy URL or direct, or use GOMSI_SOURCE=proxy:<url>", goproxy)
	}
	return proxies, nil
}

// errNotOnProxy marks an answer that lets the next proxy be tried, like a
// 404: a version list without any Windows toolchain.
var errNotOnProxy = errors.New("it lists no Windows build of " + toolchainModule)

// movesOn reports whether the next proxy may be tried after err from p.
func movesOn(p Proxy, err error) bool {
	var se *statusError
	notFound := errors.Is(err, errNotOnProxy) || errors.As(err, &se) && (se.code == http.StatusNotFound || se.code == http.StatusGone)
	return notFound || p.OnAnyError
}

// eachProxy calls try with the source's proxies in order until one
// answers: after a 404 or 410 (or any error, for an entry followed by "|")
// the next one is tried, any other error is the answer.
func (f *Fetcher) eachProxy(try func(Proxy) error) error {
	proxies := f.opts.Source.proxies()
	var errs []error
	for i, p := range proxies {
		err := try(p)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
		if i+1 == len(proxies) || !movesOn(p, err) {
			break
		}
		f.logf("%v; trying the next proxy in GOPROXY, %s", err, proxies[i+1])
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return &proxiesError{errs}
}

// proxiesError is the failure of every proxy tried, in order.
type proxiesError struct{ errs []error }

func (e *proxiesError) Error() string {
	msgs := make([]string, len(e.errs))
	for i, err := range e.errs {
		msgs[i] = err.Error()
	}
	return fmt.Sprintf("%d proxies in GOPROXY tried: %s", len(e.errs), strings.Join(msgs, "; then "))
}

func (e *proxiesError) Unwrap() []error { return e.errs }
