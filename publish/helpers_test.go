package publish

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/ghfake"
)

// testToken looks like a real fine-grained token so that a leak is obvious.
const testToken = "github_pat_11AAAAAAA0SECRETsecretSECRET0123456789"

// fakeClock advances only when slept on, so retries and rate-limit waits
// run instantly and can be checked exactly.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// fixture is one fake GitHub and a directory of MSIs.
type fixture struct {
	t     *testing.T
	srv   *ghfake.Server
	clock *fakeClock
	dir   string
	msis  []string
	log   bytes.Buffer
}

func newFixture(t *testing.T, opts ghfake.Options) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: newFakeClock(), dir: t.TempDir()}
	if opts.Token == "" {
		opts.Token = testToken
	}
	if opts.Now == nil {
		opts.Now = f.clock.Now
	}
	f.srv = ghfake.New(opts)
	t.Cleanup(f.srv.Close)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, arch := range []string{"amd64", "arm64"} {
		p := filepath.Join(f.dir, "go1.26.8.windows-"+arch+".msi")
		data := make([]byte, 40<<10+rng.IntN(4096))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		f.msis = append(f.msis, p)
	}
	return f
}

// env is the environment of the "done when" command.
func (f *fixture) env(extra map[string]string) Env {
	m := map[string]string{
		"GOMSI_GITHUB_API_URL":    f.srv.APIURL(),
		"GOMSI_GITHUB_UPLOAD_URL": f.srv.UploadURL(),
		"GITHUB_TOKEN":            testToken,
		"GOMSI_GITHUB_REPO":       "acme/go-msi",
		"GOMSI_TAG":               "v1.26.8",
	}
	for k, v := range extra {
		m[k] = v
	}
	return envOf(m)
}

func (f *fixture) config(s Settings, extra map[string]string) Config {
	f.t.Helper()
	cfg, err := ConfigFromEnv(f.env(extra), s)
	if err != nil {
		f.t.Fatal(err)
	}
	return cfg
}

func (f *fixture) publisher(cfg Config, opts ...Option) *Publisher {
	f.t.Helper()
	base := []Option{
		WithClock(f.clock.Now, f.clock.Sleep),
		WithLogger(&f.log),
		WithHTTPClient(&http.Client{Timeout: time.Minute}),
		WithPageSize(100),
	}
	p, err := New(cfg, append(base, opts...)...)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) release() Release {
	return Release{
		GoVersion: "1.26.8",
		Arches:    []string{"amd64", "arm64"},
		Assets:    append([]string(nil), f.msis...),
		Fixes:     []string{"upgrades keep the previous install folder", "no new component GUIDs on every build"},
	}
}

// publish runs one Publish and checks that the token stayed out of the log,
// the error and every URL the server saw.
func (f *fixture) publish(cfg Config, opts ...Option) (Result, error) {
	f.t.Helper()
	res, err := f.publisher(cfg, opts...).Publish(context.Background(), f.release())
	f.noLeak(err)
	return res, err
}

func (f *fixture) noLeak(err error) {
	f.t.Helper()
	if err != nil && strings.Contains(err.Error(), testToken) {
		f.t.Errorf("error shows the token: %v", err)
	}
	if strings.Contains(f.log.String(), testToken) {
		f.t.Errorf("log shows the token:\n%s", f.log.String())
	}
	for _, r := range f.srv.Requests() {
		if strings.Contains(r.Path+r.Query, testToken) {
			f.t.Errorf("token in a URL: %s", r)
		}
	}
	if p := f.srv.Problems(); len(p) > 0 {
		f.t.Errorf("the server saw protocol problems: %v", p)
	}
}

func (f *fixture) only() ghfake.ReleaseInfo {
	f.t.Helper()
	rels := f.srv.Releases("v1.26.8")
	if len(rels) != 1 {
		f.t.Fatalf("want exactly one release for v1.26.8, have %d", len(rels))
	}
	return rels[0]
}

func (f *fixture) asset(name string) ghfake.AssetInfo {
	f.t.Helper()
	for _, a := range f.only().Assets {
		if a.Name == name {
			return a
		}
	}
	f.t.Fatalf("no asset %s on the release", name)
	return ghfake.AssetInfo{}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
