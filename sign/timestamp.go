package sign

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sassoftware/relic/v7/lib/pkcs7"
	"github.com/sassoftware/relic/v7/lib/pkcs9"
)

// maxTokenSize bounds a timestamp reply; real tokens are a few KB.
const maxTokenSize = 1 << 20

// ErrNoTimestamp is returned (wrapped) when no timestamp server produced a
// valid token.
var ErrNoTimestamp = errors.New("no timestamp server answered")

// timestamper is a small RFC 3161 client implementing pkcs9.Timestamper.
// relic's own client drags in its configuration and metrics packages, and
// knows neither fallback servers nor backoff.
type timestamper struct {
	urls    []string
	retries int
	delay   time.Duration
	client  *http.Client
	log     func(string, ...any)
}

// permanentError marks failures that retrying the same server cannot fix.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// Timestamp asks each server in turn, retrying transient failures with
// exponential backoff, and returns the first token that verifies.
func (t *timestamper) Timestamp(ctx context.Context, req *pkcs9.Request) (*pkcs7.ContentInfoSignedData, error) {
	if req.Legacy {
		return nil, errors.New("timestamp: legacy Microsoft timestamps are not supported")
	}
	var failures []string
	for _, u := range t.urls {
		delay := t.delay
		for attempt := 0; ; attempt++ {
			token, err := t.once(ctx, u, req)
			if err == nil {
				return token, nil
			}
			if ctx.Err() != nil {
				return nil, fmt.Errorf("timestamp: %w", ctx.Err())
			}
			t.log("timestamp server %s, attempt %d: %v", redact(u), attempt+1, err)
			if errors.As(err, &permanentError{}) || attempt >= t.retries {
				failures = append(failures, fmt.Sprintf("%s: %v", redact(u), err))
				break
			}
			if err := sleepCtx(ctx, delay); err != nil {
				return nil, fmt.Errorf("timestamp: %w", err)
			}
			delay *= 2
		}
	}
	return nil, fmt.Errorf("timestamp: %w (%s)", ErrNoTimestamp, strings.Join(failures, "; "))
}

// once makes one request and verifies the token before anyone embeds it:
// status, nonce, message imprint, the token's signature and the signer's
// timestamping usage.
func (t *timestamper) once(ctx context.Context, url string, req *pkcs9.Request) (*pkcs7.ContentInfoSignedData, error) {
	h := req.Hash.New()
	h.Write(req.EncryptedDigest)
	msg, httpReq, err := pkcs9.NewRequest(url, req.Hash, h.Sum(nil))
	if err != nil {
		return nil, permanentError{err}
	}
	resp, err := t.client.Do(httpReq.WithContext(ctx))
	if err != nil {
		return nil, err // network errors are worth a retry
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenSize+1))
	if err != nil {
		return nil, fmt.Errorf("read reply: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("HTTP %s: %s", resp.Status, snippet(body))
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout {
			return nil, err
		}
		return nil, permanentError{err}
	}
	if len(body) > maxTokenSize {
		return nil, permanentError{fmt.Errorf("reply larger than %d bytes", maxTokenSize)}
	}
	// ParseResponse checks the status, the nonce, the imprint and the
	// token's signature against the certificate it carries.
	token, err := msg.ParseResponse(body)
	if err != nil {
		return nil, permanentError{err}
	}
	cs, err := pkcs9.Verify(token, req.EncryptedDigest, nil)
	if err != nil {
		return nil, permanentError{fmt.Errorf("verify token: %w", err)}
	}
	if !slices.Contains(cs.Certificate.ExtKeyUsage, x509.ExtKeyUsageTimeStamping) {
		return nil, permanentError{fmt.Errorf("token signed by %q, which is not a timestamping certificate", cs.Certificate.Subject)}
	}
	if cs.SigningTime.Before(cs.Certificate.NotBefore) || cs.SigningTime.After(cs.Certificate.NotAfter) {
		return nil, permanentError{fmt.Errorf("token time %s is outside its certificate's validity", cs.SigningTime.Format(time.RFC3339))}
	}
	return token, nil
}

// snippet returns the start of an error body, printable, for messages.
func snippet(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 120 {
		b = b[:120]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, string(b))
}
