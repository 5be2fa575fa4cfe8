package publish

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/secret"
	"github.com/gomsi/gomsi/internal/testing/ghfake"
)

// Every failure path must keep the token out of errors and logs, including
// a proxy that echoes the Authorization header back in its error body
// (go-github puts the body's message into its error string).
func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(f *fixture)
		cfg   func(f *fixture) Config
		want  string
	}{
		{"wrong token", nil, func(f *fixture) Config {
			return f.config(Settings{}, map[string]string{"GITHUB_TOKEN": testToken + "X"})
		}, "Bad credentials"},
		{"echoing proxy", func(f *fixture) {
			f.srv.Inject(ghfake.Fault{Method: "GET", Status: http.StatusBadRequest,
				Body: `{"message":"rejected request with Authorization: Bearer ` + testToken + `"}`})
		}, nil, "[REDACTED]"},
		{"rate limit", func(f *fixture) {
			f.srv.Inject(ghfake.PrimaryRateLimit("", "", f.clock.Now().Add(time.Hour)))
		}, nil, "rate limit"},
		{"502 to the end", func(f *fixture) { f.srv.Inject(ghfake.BadGateway("", "", 100)) }, nil, "502"},
		{"conflict", func(f *fixture) {
			id := f.srv.AddRelease("v1.26.8", "x", false)
			f.srv.AddAsset(id, "SHA256SUMS", "uploaded", []byte("other"))
		}, nil, "publish.replace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, ghfake.Options{})
			if tc.setup != nil {
				tc.setup(f)
			}
			cfg := f.config(Settings{}, nil)
			if tc.cfg != nil {
				cfg = tc.cfg(f)
			}
			_, err := f.publish(cfg) // f.publish checks the error, the log and the URLs
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Fatalf("token in error: %v", err)
			}
		})
	}
}

func TestRedactKeepsErrorChain(t *testing.T) {
	p := &Publisher{cfg: Config{Token: secret.New("s3cret")}}
	inner := &RateLimitError{Until: time.Unix(0, 0)}
	err := p.redact(errors.Join(errors.New("saw s3cret"), inner))
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("not redacted: %v", err)
	}
	var rle *RateLimitError
	if !errors.As(err, &rle) {
		t.Fatal("redaction lost the wrapped error")
	}
}

// The token goes to the API and upload hosts only; a download redirected to
// another host (GitHub's object storage) must not carry it.
func TestTokenOnlyForGitHubHosts(t *testing.T) {
	var storageAuth, apiAuth string
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		storageAuth = r.Header.Get("Authorization")
		io.WriteString(w, "bytes")
	}))
	defer storage.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiAuth = r.Header.Get("Authorization")
		http.Redirect(w, r, storage.URL+"/blob", http.StatusFound)
	}))
	defer api.Close()
	cfg := Config{Settings: Settings{Repo: "a/b"}, Owner: "a", Name: "b", Token: secret.New(testToken), APIURL: api.URL, UploadURL: api.URL}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := p.downloadSum(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	if sum != sha([]byte("bytes")) {
		t.Errorf("sum %s", sum)
	}
	if apiAuth != "Bearer "+testToken {
		t.Errorf("API host got Authorization %q", apiAuth)
	}
	if storageAuth != "" {
		t.Error("the token was sent to the storage host")
	}
}

// The transport refuses writes in a dry run even if the publisher asked.
func TestDryRunTransportRefusesWrites(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	tr := &transport{base: http.DefaultTransport, dryRun: true, attempts: 1, now: time.Now, logf: func(string, ...any) {}}
	for _, m := range []string{"POST", "PATCH", "DELETE", "PUT"} {
		req, _ := http.NewRequest(m, srv.URL, strings.NewReader("{}"))
		if _, err := tr.RoundTrip(req); !errors.Is(err, errDryRunWrite) {
			t.Errorf("%s: err = %v", m, err)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hits != 1 {
		t.Errorf("server saw %d requests, want only the GET", hits)
	}
}

// go-github remembers a quota that the last successful answer used up and
// then fails without sending. That wait is on go-github's own (real) clock,
// so this test uses real time: a quota of 6 requests per 1-second window.
func TestExhaustedQuotaIsWaitedOut(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a real 1-second rate-limit window")
	}
	f := newFixture(t, ghfake.Options{Quota: 6, Window: time.Second, Now: time.Now})
	var slept []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		return sleepContext(ctx, d)
	}
	_, err := f.publish(f.config(Settings{}, nil), WithClock(time.Now, sleep), WithMaxWait(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(slept) == 0 {
		t.Fatal("never waited for the quota to reset")
	}
	if len(f.only().Assets) != 5 {
		t.Errorf("assets: %v", names(f))
	}
	for _, r := range f.srv.Requests() {
		if r.Status == http.StatusForbidden {
			t.Errorf("a request went out while the quota was exhausted: %s", r)
		}
	}
}
