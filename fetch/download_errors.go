package fetch

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gomsi/gomsi/internal/printable"
)

// A statusError is an HTTP answer other than success.
type statusError struct {
	url        string // redacted
	code       int
	status     string
	retryAfter time.Duration
}

func newStatusError(rawURL string, resp *http.Response) *statusError {
	return &statusError{
		url:        describeURL(rawURL, resp),
		code:       resp.StatusCode,
		status:     resp.Status,
		retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}

func (e *statusError) Error() string {
	msg := fmt.Sprintf("GET %s: %s", e.url, printable.String(e.status)) // the reason phrase is the server's text
	switch e.code {
	case http.StatusNotFound, http.StatusGone:
		msg += " (the source does not have this file)"
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusProxyAuthRequired:
		msg += " (check the credentials for the source, in its URL or in ~/.netrc, or for the HTTP proxy)"
	}
	return msg
}

// describeURL names the URL asked for and, after redirects, the one that
// answered, both redacted.
func describeURL(rawURL string, resp *http.Response) string {
	u := redactURL(rawURL)
	if resp != nil && resp.Request != nil && resp.Request.URL.String() != rawURL {
		u += " (redirected to " + redactURL(resp.Request.URL.String()) + ")"
	}
	return u
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 if absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// permanentError marks an error no retry can fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

// localError is a failure on this machine (disk full, permissions): the
// network is not at fault, so retrying would only repeat it.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// retryable reports whether err may go away by itself: network errors,
// 429 and 5xx. Other 4xx, TLS trust failures and local errors do not.
func retryable(err error) bool {
	var pe *permanentError
	var le *localError
	if errors.As(err, &pe) || errors.As(err, &le) {
		return false
	}
	var se *statusError
	if errors.As(err, &se) {
		return se.code == http.StatusTooManyRequests || se.code >= 500
	}
	return true
}

// tlsHint explains certificate failures, the usual symptom of a corporate
// proxy that inspects TLS with its own root certificate.
func tlsHint(err error) string {
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var he x509.HostnameError
	var cv *tls.CertificateVerificationError
	if errors.As(err, &ua) || errors.As(err, &ci) || errors.As(err, &cv) {
		return "if a proxy inspects TLS, set GOMSI_CA_FILE to a PEM file holding its root certificate"
	}
	if errors.As(err, &he) {
		return "the server's certificate is for another host name"
	}
	return ""
}

// redactURL hides what may be a secret in a URL: the user information
// (GOPROXY=https://user:token@host/ is common) and query values, which
// signed URLs use for their signatures.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return userinfoRE.ReplaceAllString(raw, "${1}xxxxx@")
	}
	if u.User != nil {
		u.User = url.User("xxxxx")
	}
	if u.RawQuery != "" {
		q := u.Query()
		secret := false
		for k := range q {
			if k != "mode" && k != "include" {
				q[k] = []string{"xxxxx"}
				secret = true
			}
		}
		if secret {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

var userinfoRE = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@`)

// redactURLError redacts the URL net/http puts in its errors, which hides
// only the password.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
	}
	return err
}

// rangeStart parses the first byte of a Content-Range: bytes 100-199/200.
func rangeStart(v string) (int64, bool) {
	rest, ok := strings.CutPrefix(v, "bytes ")
	if !ok {
		return 0, false
	}
	first, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(first, 10, 64)
	return n, err == nil && n >= 0
}

// validator returns what If-Range can use to ask "only if unchanged": a
// strong ETag, or else Last-Modified.
func validator(h http.Header) string {
	if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		return etag
	}
	return h.Get("Last-Modified")
}
