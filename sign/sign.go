// Package sign Authenticode-signs MSI packages and PE executables in process,
// on any operating system, with relic used as a library, and verifies them.
//
// Signatures carry RFC 3161 timestamps from a list of servers tried in order;
// every output is written to a temporary file and renamed over the input only
// when complete, so a failure leaves the input as it was.
package sign

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sassoftware/relic/v7/lib/authenticode"
	"github.com/sassoftware/relic/v7/lib/certloader"
)

// Options tune signing. The zero value signs with SHA-256, writes the
// MsiDigitalSignatureEx stream and requires a timestamp.
type Options struct {
	// Digest is crypto.SHA256 (default), crypto.SHA384 or crypto.SHA512.
	Digest crypto.Hash
	// SkipExtended omits the MsiDigitalSignatureEx stream, which signtool
	// writes by default and which also covers the MSI's directory metadata.
	SkipExtended bool
	// TimestampURLs are RFC 3161 servers, tried in order.
	TimestampURLs []string
	// AllowUnstamped signs without a timestamp when no server answers (or
	// none is configured). Such signatures die with the certificate.
	AllowUnstamped bool
	// Retries is the number of extra attempts per server: 0 means 2,
	// negative means none.
	Retries int
	// RetryDelay is the first pause between attempts, doubled after each
	// one; 0 means one second.
	RetryDelay time.Duration
	// HTTPClient talks to the timestamp servers; nil means a client with a
	// 30 second timeout.
	HTTPClient *http.Client
	// Log receives progress and warnings; nil discards them. It never
	// receives key material or passwords. SignTree calls it concurrently.
	Log func(format string, args ...any)
	// Parallel bounds SignTree's concurrent signatures; 0 means GOMAXPROCS.
	Parallel int
	// Description and URL are shown by Windows (UAC prompt, file properties).
	Description string
	URL         string
	// Now is the clock used to check the certificate's validity; nil means
	// time.Now.
	Now func() time.Time
}

// Signer signs files with one key and one set of options.
type Signer struct {
	cert *certloader.Certificate
	opts Options
	tsa  *timestamper // nil when no server is configured
	opus *authenticode.OpusParams
}

// New loads the key from src, checks it against its certificate and the
// options, and returns a Signer ready for SignMSI, SignPE and SignTree.
func New(ctx context.Context, src KeySource, opts Options) (*Signer, error) {
	if src == nil {
		return nil, errors.New("new signer: no key source")
	}
	if err := opts.normalize(); err != nil {
		return nil, fmt.Errorf("new signer: %w", err)
	}
	for _, f := range looseKeyFiles(src) {
		opts.Log("warning: private key file %s is readable by other users; run chmod 600 on it", f)
	}
	key, chain, err := src.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("load key: %w", err)
	}
	cert, err := identity(key, chain, opts.Now())
	if err != nil {
		return nil, fmt.Errorf("load key: %w", err)
	}
	s := &Signer{cert: cert, opts: opts}
	if opts.Description != "" || opts.URL != "" {
		s.opus = &authenticode.OpusParams{Description: opts.Description, URL: opts.URL}
	}
	if len(opts.TimestampURLs) > 0 {
		s.tsa = &timestamper{
			urls:    opts.TimestampURLs,
			retries: opts.Retries,
			delay:   opts.RetryDelay,
			client:  opts.HTTPClient,
			log:     opts.Log,
		}
	}
	return s, nil
}

// Subject returns the signing certificate's subject, for messages.
func (s *Signer) Subject() string { return s.cert.Leaf.Subject.String() }

func (o *Options) normalize() error {
	switch o.Digest {
	case 0:
		o.Digest = crypto.SHA256
	case crypto.SHA256, crypto.SHA384, crypto.SHA512:
	default:
		return fmt.Errorf("unsupported digest %v: use SHA-256, SHA-384 or SHA-512", o.Digest)
	}
	o.TimestampURLs = slices.Clone(o.TimestampURLs)
	for i, u := range o.TimestampURLs {
		o.TimestampURLs[i] = strings.TrimSpace(u)
		if err := checkURL(o.TimestampURLs[i]); err != nil {
			return err
		}
	}
	if len(o.TimestampURLs) == 0 && !o.AllowUnstamped {
		return errors.New("no timestamp server: set GOMSI_TIMESTAMP_URLS (comma separated RFC 3161 URLs) " +
			"or explicitly allow unstamped signatures with GOMSI_SIGN_ALLOW_UNSTAMPED=1")
	}
	switch {
	case o.Retries == 0:
		o.Retries = 2
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = time.Second
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// url.Parse errors quote the input, which may hold credentials.
		return fmt.Errorf("timestamp URL %q is not an http(s) URL", redact(raw))
	}
	return nil
}

// redact hides the password of a URL with user information, so that URLs can
// appear in logs and errors.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "xxxxx" + raw[i:]
		}
		return raw
	}
	return u.Redacted()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
