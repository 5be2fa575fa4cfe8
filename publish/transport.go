package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RateLimitError reports a GitHub rate limit that lasts longer than the
// publisher is willing to wait (see WithMaxWait).
type RateLimitError struct {
	Until     time.Time // when GitHub will accept requests again
	Secondary bool      // a secondary (abuse) limit rather than the hourly quota
}

func (e *RateLimitError) Error() string {
	kind := "rate limit"
	if e.Secondary {
		kind = "secondary rate limit"
	}
	return fmt.Sprintf("github %s exceeded until %s; run again after that time or use a token with a higher limit",
		kind, e.Until.UTC().Format(time.RFC3339))
}

// errDryRunWrite is returned for a write request in dry-run mode. The
// publisher never issues one; the transport refusing it is the guarantee.
var errDryRunWrite = errors.New("dry run: write request refused")

// transport sits under go-github. It adds the token only for the configured
// API and upload hosts (so a redirect to asset storage never carries it),
// refuses writes in dry-run mode, and retries 5xx answers and rate limits.
// Retrying here rather than around go-github calls keeps go-github's own
// rate-limit bookkeeping from seeing answers we recover from, and lets the
// injected clock drive every wait.
type transport struct {
	base      http.RoundTripper
	token     string
	authHosts map[string]bool // scheme://host[:port]
	dryRun    bool
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error
	attempts  int           // total tries for one request
	backoff   time.Duration // first wait after a 5xx; doubles each time
	maxWait   time.Duration // longest rate-limit wait before giving up
	logf      func(format string, args ...any)
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.dryRun && req.Method != http.MethodGet && req.Method != http.MethodHead {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("%w: %s %s", errDryRunWrite, req.Method, req.URL.Path)
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 {
			var err error
			if r, err = rewind(req); err != nil {
				return nil, err
			}
		}
		if t.authHosts[req.URL.Scheme+"://"+req.URL.Host] && t.token != "" {
			if r == req {
				r = req.Clone(ctx)
			}
			r.Header.Set("Authorization", "Bearer "+t.token)
		}
		resp, err := t.base.RoundTrip(r)
		v := t.classify(resp, err, attempt)
		last := attempt >= t.attempts || !canRewind(req)
		if v.limit != nil && (last || v.wait > t.maxWait) {
			discard(resp)
			return nil, v.limit
		}
		if v.wait == 0 || last {
			return resp, err
		}
		discard(resp)
		t.logf("GitHub answered %s to %s %s; retrying in %s (attempt %d of %d)",
			v.reason, req.Method, req.URL.Path, v.wait, attempt+1, t.attempts)
		if err := t.sleep(ctx, v.wait); err != nil {
			return nil, err
		}
	}
}

// verdict is what to do about one answer.
type verdict struct {
	wait   time.Duration   // before retrying; 0 means do not retry
	reason string          // for the log
	limit  *RateLimitError // for a rate limit: the error when not waiting
}

// classify decides whether and when to retry an answer.
func (t *transport) classify(resp *http.Response, err error, attempt int) verdict {
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return verdict{}
		}
		return verdict{wait: t.backoffFor(attempt), reason: "a network error"}
	}
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return verdict{wait: t.backoffFor(attempt), reason: resp.Status}
	case http.StatusForbidden, http.StatusTooManyRequests:
	default:
		return verdict{}
	}
	h := resp.Header
	now := t.now()
	// Secondary limits first: GitHub's docs say Retry-After wins whenever it
	// is present, even if the quota headers are also sent.
	if ra := h.Get("Retry-After"); ra != "" {
		if d, ok := parseRetryAfter(ra, now); ok {
			return limitVerdict(d, now, true)
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil {
			return limitVerdict(time.Minute, now, false)
		}
		// One extra second: the reset is whole seconds and clocks drift.
		return limitVerdict(time.Unix(reset, 0).Sub(now)+time.Second, now, false)
	}
	if resp.StatusCode == http.StatusTooManyRequests || mentionsSecondaryLimit(resp) {
		// Without headers GitHub asks for at least a minute.
		return limitVerdict(time.Minute, now, true)
	}
	return verdict{} // a real permission error: retrying cannot help
}

func limitVerdict(d time.Duration, now time.Time, secondary bool) verdict {
	d = max(d, time.Second)
	v := verdict{wait: d, reason: "rate limit", limit: &RateLimitError{Until: now.Add(d).Truncate(time.Second), Secondary: secondary}}
	if secondary {
		v.reason = "secondary rate limit"
	}
	return v
}

func (t *transport) backoffFor(attempt int) time.Duration {
	return t.backoff << (attempt - 1)
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return at.Sub(now), true
	}
	return 0, false
}

// mentionsSecondaryLimit peeks at a 403 body (GitHub sends some secondary
// limits without Retry-After) and puts the bytes back for go-github.
func mentionsSecondaryLimit(resp *http.Response) bool {
	if resp.Body == nil {
		return false
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return bytes.Contains(bytes.ToLower(body), []byte("secondary rate limit"))
}

func canRewind(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("reopen request body for retry: %w", err)
		}
		r.Body = body
	}
	return r, nil
}

func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}

func hostKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
