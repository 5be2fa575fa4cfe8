package dist

import (
	"fmt"
	"strconv"
	"time"
)

// FetchOptionsFromEnv reads the environment the fetcher honours:
//
//	GOMSI_SOURCE         source (see ParseSource), with GOPROXY for "proxy"
//	GOMSI_CACHE          cache folder (default DefaultCacheDir())
//	GOMSI_CA_FILE        extra trusted CA certificates (PEM)
//	GOMSI_RETRIES        retries per request (default 4)
//	GOMSI_IDLE_TIMEOUT   longest wait for the next byte (Go duration, default 60s)
//	GOSUMDB, GONOSUMDB, GOPRIVATE    checksum database (proxy source)
//	HTTPS_PROXY, HTTP_PROXY, NO_PROXY
//	NETRC, else HOME (USERPROFILE on Windows): credentials as the go command reads them
//
// getenv is usually os.Getenv. Log, Pins and the test hooks are left to
// the caller; a source from gomsi.yaml can replace Source afterwards.
func FetchOptionsFromEnv(getenv func(string) string) (FetchOptions, error) {
	src, err := parseSource(getenv("GOMSI_SOURCE"), getenv("GOPROXY"))
	if err != nil {
		return FetchOptions{}, err
	}
	o := FetchOptions{
		Source:   src,
		CacheDir: getenv("GOMSI_CACHE"),
		SumDB:    getenv("GOSUMDB"),
		NoSumDB:  getenv("GONOSUMDB"),
		Private:  getenv("GOPRIVATE"),
	}
	if o.CacheDir == "" {
		if o.CacheDir, err = DefaultCacheDir(); err != nil {
			return FetchOptions{}, err
		}
	}
	if s := getenv("GOMSI_RETRIES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 100 {
			return FetchOptions{}, fmt.Errorf("parse GOMSI_RETRIES %q: want a whole number from 0 to 100", s)
		}
		o.Attempts = n + 1
	}
	if s := getenv("GOMSI_IDLE_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return FetchOptions{}, fmt.Errorf("parse GOMSI_IDLE_TIMEOUT %q: want a positive duration such as 90s or 5m", s)
		}
		o.IdleTimeout = d
	}
	o.HTTPClient, err = NewHTTPClient(ClientOptions{CAFile: getenv("GOMSI_CA_FILE"), Getenv: getenv, Netrc: netrcPath(getenv)})
	if err != nil {
		return FetchOptions{}, err
	}
	return o, nil
}
