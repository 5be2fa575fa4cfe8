package publish

import (
	"bytes"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/ghfake"
)

func TestRetriesAndRateLimits(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  func(now time.Time) ghfake.Fault
		sleeps []time.Duration
	}{
		{"502 twice on create", func(time.Time) ghfake.Fault { return ghfake.BadGateway("POST", "/releases", 2) },
			[]time.Duration{time.Second, 2 * time.Second}},
		{"502 on an upload", func(time.Time) ghfake.Fault { return ghfake.BadGateway("POST", "/assets", 1) },
			[]time.Duration{time.Second}},
		{"primary limit, short", func(now time.Time) ghfake.Fault {
			return ghfake.PrimaryRateLimit("GET", "/tags/", now.Add(30*time.Second))
		}, []time.Duration{31 * time.Second}},
		{"secondary limit 403", func(time.Time) ghfake.Fault {
			return ghfake.SecondaryRateLimit("POST", "/assets", http.StatusForbidden, 7)
		}, []time.Duration{7 * time.Second}},
		{"secondary limit 429", func(time.Time) ghfake.Fault {
			return ghfake.SecondaryRateLimit("PATCH", "", http.StatusTooManyRequests, 3)
		}, []time.Duration{3 * time.Second}},
		{"secondary limit without Retry-After", func(time.Time) ghfake.Fault {
			f := ghfake.SecondaryRateLimit("POST", "/releases", http.StatusForbidden, 0)
			f.Header = nil
			return f
		}, []time.Duration{time.Minute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, ghfake.Options{})
			f.srv.Inject(tc.fault(f.clock.Now()))
			if _, err := f.publish(f.config(Settings{}, nil)); err != nil {
				t.Fatal(err)
			}
			if n := f.srv.PendingFaults(); n != 0 {
				t.Fatalf("%d injected faults never happened", n)
			}
			if got := f.clock.Sleeps(); !slices.Equal(got, tc.sleeps) {
				t.Errorf("slept %v, want %v", got, tc.sleeps)
			}
			for _, m := range f.msis {
				if !bytes.Equal(f.asset(filepath.Base(m)).Data, mustRead(t, m)) {
					t.Errorf("%s: uploaded bytes differ after the retry", m)
				}
			}
			if !strings.Contains(f.log.String(), "retrying in") {
				t.Errorf("retry not logged:\n%s", f.log.String())
			}
		})
	}
}

func TestLongRateLimitFailsWithResetTime(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(now time.Time) ghfake.Fault
		until time.Duration
	}{
		{"primary", func(now time.Time) ghfake.Fault {
			return ghfake.PrimaryRateLimit("", "", now.Add(47*time.Minute))
		}, 47*time.Minute + time.Second},
		{"secondary", func(time.Time) ghfake.Fault {
			return ghfake.SecondaryRateLimit("", "", http.StatusTooManyRequests, 3600)
		}, time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, ghfake.Options{})
			f.srv.Inject(tc.fault(f.clock.Now()))
			_, err := f.publish(f.config(Settings{}, nil))
			var rle *RateLimitError
			if !errors.As(err, &rle) {
				t.Fatalf("err = %v, want a *RateLimitError", err)
			}
			want := f.clock.Now().Add(tc.until).UTC().Format(time.RFC3339)
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name the reset time %s", err, want)
			}
			if len(f.clock.Sleeps()) != 0 || len(f.srv.Requests()) != 1 {
				t.Errorf("waited %v and sent %d requests; want to give up at once", f.clock.Sleeps(), len(f.srv.Requests()))
			}
		})
	}
}

func TestServerErrorsGiveUpAfterAttempts(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	f.srv.Inject(ghfake.BadGateway("GET", "", 100))
	_, err := f.publish(f.config(Settings{}, nil), WithRetry(4, time.Second))
	if err == nil || !strings.Contains(err.Error(), "502") {
		t.Fatalf("err = %v, want the 502", err)
	}
	if n := len(f.srv.Requests()); n != 4 {
		t.Errorf("sent %d requests, want 4 attempts", n)
	}
	if got, want := f.clock.Sleeps(), []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("backoff %v, want %v", got, want)
	}
}

func TestPermissionErrorIsNotRetried(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	f.srv.Inject(ghfake.Forbidden("POST", "/releases"))
	_, err := f.publish(f.config(Settings{}, nil))
	if err == nil || !strings.Contains(err.Error(), "Resource not accessible by integration") {
		t.Fatalf("err = %v", err)
	}
	if len(f.clock.Sleeps()) != 0 || len(f.srv.Writes()) != 1 {
		t.Errorf("a permission error was retried: sleeps %v, writes %v", f.clock.Sleeps(), f.srv.Writes())
	}
}

// An upload the upload host stored although it answered 502: the retry
// gets 422 already_exists, and the asset turns out to hold the same bytes.
func TestUploadThatLandedDespite502(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	fault := ghfake.BadGateway("POST", "/assets", 1)
	fault.Effect = "landed"
	f.srv.Inject(fault)
	if _, err := f.publish(f.config(Settings{}, nil)); err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(f.msis[0])
	if !bytes.Equal(f.asset(name).Data, mustRead(t, f.msis[0])) || len(f.only().Assets) != 5 {
		t.Errorf("assets after a landed upload: %v", names(f))
	}
	if !strings.Contains(f.log.String(), name+" arrived on the release meanwhile") {
		t.Errorf("log:\n%s", f.log.String())
	}
}

// A failed upload that left a "starter" asset is deleted and redone, both
// when found on the retry and when found by a later run.
func TestStarterAssetIsRedone(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	fault := ghfake.BadGateway("POST", "/assets", 1)
	fault.Effect = "starter"
	f.srv.Inject(fault)
	if _, err := f.publish(f.config(Settings{}, nil)); err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(f.msis[0])
	if a := f.asset(name); a.State != "uploaded" || !bytes.Equal(a.Data, mustRead(t, f.msis[0])) {
		t.Errorf("asset after a starter leftover: state %s", a.State)
	}

	// A later run finds a starter left by a run that died mid-upload.
	g := newFixture(t, ghfake.Options{})
	id := g.srv.AddRelease("v1.26.8", "Go 1.26.8 for Windows (MSI)", false)
	g.srv.AddAsset(id, name, "starter", mustRead(t, g.msis[0])[:100])
	res, err := g.publish(g.config(Settings{}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if a := g.asset(name); a.State != "uploaded" || !bytes.Equal(a.Data, mustRead(t, g.msis[0])) {
		t.Errorf("starter asset not redone: state %s, %d bytes", a.State, a.Size)
	}
	if len(res.Replaced) != 0 || !slices.Contains(res.Uploaded, name) {
		t.Errorf("result = %+v", res)
	}
}
