package dist

import (
	"context"
	"errors"
	"fmt"
	"time"
)

const (
	backoffBase   = time.Second
	backoffMax    = 30 * time.Second
	retryAfterMax = 10 * time.Minute // a server asking for longer is down for maintenance
)

// retry runs op until it succeeds, fails permanently, or has failed
// d.attempts times in a row without adding data.
func (d *downloader) retry(ctx context.Context, op func(context.Context) (progressed bool, err error)) error {
	failures := 0
	for {
		progressed, err := op(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || !retryable(err) {
			return err
		}
		if progressed {
			failures = 0 // a moving download is not a failing one
		}
		failures++
		if failures >= d.attempts {
			return fmt.Errorf("%w (gave up after %d %s; GOMSI_RETRIES sets how many retries)", err, failures, plural(failures, "attempt"))
		}
		delay := d.backoff(failures)
		var se *statusError
		if errors.As(err, &se) && se.retryAfter > 0 {
			if se.retryAfter > retryAfterMax {
				return fmt.Errorf("%w: the server asks to retry after %s; giving up", err, se.retryAfter)
			}
			delay = se.retryAfter
		}
		d.logf("%v; retrying in %s", err, delay.Round(time.Millisecond))
		if err := d.sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// backoff returns the delay before retry number n (1-based): exponential,
// capped, with jitter so that many CI jobs failing together do not retry
// together.
func (d *downloader) backoff(n int) time.Duration {
	delay := backoffMax
	if n <= 5 {
		delay = min(backoffBase<<(n-1), backoffMax)
	}
	return delay/2 + time.Duration(d.jitter()*float64(delay/2))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
