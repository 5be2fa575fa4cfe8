package fetch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gomsi/gomsi/internal/printable"
)

const (
	backoffBase   = time.Second
	backoffMax    = 30 * time.Second
	retryAfterMax = 10 * time.Minute // a server asking for longer is down for maintenance

	// A request that keeps making progress is retried past d.attempts
	// failures, but not forever: a server that ignores Range and drops a
	// little later each time makes progress on every try. Whatever the
	// progress, a request gets at most retryTotalFactor*d.attempts tries
	// (20 by default), and no retry starts retryWindow after the first try.
	retryTotalFactor = 4
	retryWindow      = time.Hour
)

// retry runs op until it succeeds, fails permanently, has failed
// d.attempts times in a row without adding data, or has used up the
// request's total budget of tries or time. Its errors and log lines pass
// through printable: they quote servers (reason phrases, certificate names).
func (d *downloader) retry(ctx context.Context, op func(context.Context) (progressed bool, err error)) error {
	return printable.Error(d.retryLoop(ctx, op))
}

func (d *downloader) retryLoop(ctx context.Context, op func(context.Context) (progressed bool, err error)) error {
	now := d.now
	if now == nil {
		now = time.Now
	}
	start := now()
	failures, tries := 0, 0
	for {
		progressed, err := op(ctx)
		tries++
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
		if tries >= retryTotalFactor*d.attempts {
			return fmt.Errorf("%w (gave up after %d attempts in all, the most for one request: %d times GOMSI_RETRIES+1, progress or not)", err, tries, retryTotalFactor)
		}
		delay := d.backoff(failures)
		var se *statusError
		if errors.As(err, &se) && se.retryAfter > 0 {
			if se.retryAfter > retryAfterMax {
				return fmt.Errorf("%w: the server asks to retry after %s; giving up", err, se.retryAfter)
			}
			delay = se.retryAfter
		}
		if spent := now().Sub(start); spent+delay > retryWindow {
			return fmt.Errorf("%w (gave up after %d %s in %s: no retry starts more than %s after a request's first attempt)", err, tries, plural(tries, "attempt"), spent.Round(time.Second), retryWindow)
		}
		d.logf("%s; retrying in %s", printable.String(err.Error()), delay.Round(time.Millisecond))
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
