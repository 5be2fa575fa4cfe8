package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v58/github"

	"github.com/gomsi/gomsi/internal/secret"
)

// Publisher creates or updates one GitHub release and its assets.
type Publisher struct {
	cfg     Config
	gh      *github.Client
	notes   *notes
	log     io.Writer
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	perPage int
	maxWait time.Duration
}

// Option changes a Publisher's dependencies or limits.
type Option func(*options)

type options struct {
	client   *http.Client
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	log      io.Writer
	attempts int
	backoff  time.Duration
	maxWait  time.Duration
	perPage  int
}

// WithHTTPClient sets the HTTP client; its Transport (or the default one)
// carries the requests. The client is copied, never changed.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// WithClock replaces the clock and the sleep used for retries and rate limits.
func WithClock(now func() time.Time, sleep func(context.Context, time.Duration) error) Option {
	return func(o *options) { o.now, o.sleep = now, sleep }
}

// WithLogger sets where progress lines go (default: discarded).
func WithLogger(w io.Writer) Option { return func(o *options) { o.log = w } }

// WithRetry sets how many times a request is tried in all (default 5) and
// the first backoff after a 5xx answer (default 1s, doubling).
func WithRetry(attempts int, backoff time.Duration) Option {
	return func(o *options) { o.attempts, o.backoff = attempts, backoff }
}

// WithMaxWait sets the longest rate-limit wait (default 2 minutes); a longer
// one fails with *RateLimitError naming the reset time.
func WithMaxWait(d time.Duration) Option { return func(o *options) { o.maxWait = d } }

// WithPageSize sets per_page for list calls (default 100, GitHub's maximum).
func WithPageSize(n int) Option { return func(o *options) { o.perPage = n } }

// New checks cfg and prepares a Publisher. It reads and parses the body
// template now, so a broken template fails before anything is sent.
func New(cfg Config, opts ...Option) (*Publisher, error) {
	o := options{
		now: time.Now, sleep: sleepContext, log: io.Discard,
		attempts: 5, backoff: time.Second, maxWait: 2 * time.Minute, perPage: 100,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if cfg.Owner == "" || cfg.Name == "" {
		return nil, errors.New("new publisher: no repository; build the config with ConfigFromEnv")
	}
	// A Config built by hand gets the checks ConfigFromEnv makes: both go
	// into API paths.
	if _, _, err := splitRepo("Config.Owner/Name", cfg.Owner+"/"+cfg.Name); err != nil {
		return nil, fmt.Errorf("new publisher: %w", err)
	}
	if reason := checkTag(cfg.Tag); cfg.Tag != "" && reason != "" {
		return nil, fmt.Errorf("new publisher: %w", badTag("Config.Tag", cfg.Tag, reason))
	}
	if cfg.Token.IsEmpty() && !cfg.DryRun {
		return nil, errors.New("new publisher: GITHUB_TOKEN is not set")
	}
	if o.attempts < 1 || o.perPage < 1 || o.perPage > 100 {
		return nil, fmt.Errorf("new publisher: attempts must be >= 1 (got %d) and page size 1..100 (got %d)", o.attempts, o.perPage)
	}
	n, err := parseNotes(cfg.BodyTemplate)
	if err != nil {
		return nil, fmt.Errorf("new publisher: %w", err)
	}

	p := &Publisher{
		cfg: cfg, notes: n, now: o.now, sleep: o.sleep,
		log: redactWriter{w: o.log, secret: cfg.Token.Reveal()}, perPage: o.perPage, maxWait: o.maxWait,
	}
	hc := http.Client{}
	if o.client != nil {
		hc = *o.client
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	t := &transport{
		base: base, token: cfg.Token.Reveal(), dryRun: cfg.DryRun, now: o.now, sleep: o.sleep,
		attempts: o.attempts, backoff: o.backoff, maxWait: o.maxWait, logf: p.logf,
	}
	hc.Transport = t
	gh := github.NewClient(&hc)
	if cfg.APIURL != "" {
		// go-github adds /api/v3/ and /api/uploads/ as GitHub Enterprise serves them.
		if gh, err = gh.WithEnterpriseURLs(cfg.APIURL, cfg.UploadURL); err != nil {
			return nil, fmt.Errorf("new publisher: GitHub Enterprise URLs: %w", err)
		}
	}
	// The token goes only to the API and upload hosts, never to the storage
	// host a download is redirected to.
	t.authHosts = map[string]bool{hostKey(gh.BaseURL.String()): true, hostKey(gh.UploadURL.String()): true}
	p.gh = gh
	return p, nil
}

func (p *Publisher) logf(format string, args ...any) {
	fmt.Fprintf(p.log, "publish: "+format+"\n", args...)
}

// call runs one go-github call. go-github remembers an exhausted quota from
// the last answer and then fails without sending; that case is waited out
// here (the transport handles the rest).
func (p *Publisher) call(ctx context.Context, fn func() (*github.Response, error)) (*github.Response, error) {
	for i := 0; ; i++ {
		resp, err := fn()
		var rle *github.RateLimitError
		if !errors.As(err, &rle) {
			return resp, err
		}
		reset := rle.Rate.Reset.Time
		wait := reset.Sub(p.now()) + time.Second
		if wait > p.maxWait || i >= 2 {
			return resp, &RateLimitError{Until: reset}
		}
		p.logf("GitHub quota exhausted; waiting %s for the reset", wait.Round(time.Second))
		if err := p.sleep(ctx, max(wait, time.Second)); err != nil {
			return resp, err
		}
	}
}

// redactWriter keeps the token out of the log whatever a message holds.
type redactWriter struct {
	w      io.Writer
	secret string
}

func (r redactWriter) Write(b []byte) (int, error) {
	out := b
	if r.secret != "" {
		out = bytes.ReplaceAll(b, []byte(r.secret), []byte("[REDACTED]"))
	}
	if _, err := r.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// redactedError hides the token in an error's text; errors.As and errors.Is
// still see the original error.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func (p *Publisher) redact(err error) error {
	if err == nil || p.cfg.Token.IsEmpty() || !strings.Contains(err.Error(), p.cfg.Token.Reveal()) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), p.cfg.Token.Reveal(), secret.Redacted), err: err}
}
