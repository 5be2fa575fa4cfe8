package fetch

import (
	"fmt"
	"strconv"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// Env is what the environment says about fetching; package config reads
// it.
type Env struct {
	GOPROXY   string // the module proxies of the source "proxy"
	GOSUMDB   string // checksum database (proxy source)
	GONOSUMDB string
	GOPRIVATE string
	// GoEnvFile is the go command's settings file ($GOENV, else <user
	// config dir>/go/env; "" for GOENV=off): the four above, when unset,
	// come from it.
	GoEnvFile string

	Cache       string           // GOMSI_CACHE: cache folder (default DefaultCacheDir())
	CAFile      string           // GOMSI_CA_FILE: extra trusted CA certificates (PEM)
	Retries     string           // GOMSI_RETRIES: retries per request (default 4)
	IdleTimeout string           // GOMSI_IDLE_TIMEOUT: longest wait for the next byte (Go duration, default 60s)
	Proxy       httpproxy.Config // HTTPS_PROXY, HTTP_PROXY, NO_PROXY (either case)
	Netrc       string           // credentials as the go command reads them: NETRC, else ~/.netrc (%USERPROFILE%\_netrc)
}

// NewOptions checks source (GOMSI_SOURCE or source: in gomsi.yaml, see
// ParseSource) and the environment's settings and turns them into Options.
// Log, Pins and the test hooks are left to the caller.
func NewOptions(source string, e Env) (Options, error) {
	e, err := withGoEnvFile(e)
	if err != nil {
		return Options{}, err
	}
	src, err := ParseSource(source, e.GOPROXY)
	if err != nil {
		return Options{}, err
	}
	o := Options{
		Source:   src,
		CacheDir: e.Cache,
		SumDB:    e.GOSUMDB,
		NoSumDB:  e.GONOSUMDB,
		Private:  e.GOPRIVATE,
	}
	if o.CacheDir == "" {
		if o.CacheDir, err = DefaultCacheDir(); err != nil {
			return Options{}, err
		}
	}
	if s := e.Retries; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 100 {
			return Options{}, fmt.Errorf("parse GOMSI_RETRIES %q: want a whole number from 0 to 100", s)
		}
		o.Attempts = n + 1
	}
	if s := e.IdleTimeout; s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return Options{}, fmt.Errorf("parse GOMSI_IDLE_TIMEOUT %q: want a positive duration such as 90s or 5m", s)
		}
		o.IdleTimeout = d
	}
	o.HTTPClient, err = NewHTTPClient(ClientOptions{CAFile: e.CAFile, Proxy: e.Proxy, Netrc: e.Netrc})
	if err != nil {
		return Options{}, err
	}
	return o, nil
}
