package sign

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/secret"
	"github.com/gomsi/gomsi/internal/testing/testpki"
)

func TestTimestampFallback(t *testing.T) {
	p := testPKI(t)
	flaky, flakyURL := startTSA(t)
	good, goodURL := startTSA(t)
	flaky.SetFault(testpki.Unavailable)
	msi := testMSI(t)
	log := &logRecorder{t: t}
	down := downURL(t)
	s := newSigner(t, p.rsa, Options{TimestampURLs: []string{down, flakyURL, goodURL}, Retries: 2, Log: log.Logf})
	if err := s.SignMSI(context.Background(), msi); err != nil {
		t.Fatal(err)
	}
	if flaky.Requests() != 3 || good.Requests() != 1 {
		t.Errorf("requests: flaky %d (want 1+2 retries), good %d (want 1)", flaky.Requests(), good.Requests())
	}
	for _, want := range []string{redact(down) + ", attempt 3", "503"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if rep, err := VerifyMSI(msi, p.roots()); err != nil || rep.Timestamp.IsZero() {
		t.Fatalf("VerifyMSI: %+v, %v", rep, err)
	}
	mustOsslVerify(t, msi, true)
}

func TestTimestampRetrySucceeds(t *testing.T) {
	p := testPKI(t)
	tsa, url := startTSA(t)
	tsa.FailNext(testpki.Unavailable, testpki.Unavailable)
	msi := testMSI(t)
	if err := newSigner(t, p.ecdsa, Options{TimestampURLs: []string{url}, Retries: 2}).SignMSI(context.Background(), msi); err != nil {
		t.Fatal(err)
	}
	if tsa.Requests() != 3 {
		t.Errorf("TSA got %d requests, want 3", tsa.Requests())
	}
	mustOsslVerify(t, msi, true)
}

// Every bad answer must be refused before it is embedded; answers that a
// retry cannot fix must not be retried.
func TestTimestampBadAnswers(t *testing.T) {
	p := testPKI(t)
	cases := []struct {
		fault     testpki.Fault
		retried   bool
		wantError string
	}{
		{testpki.Unavailable, true, "503"},
		{testpki.ForbiddenStatus, false, "403"},
		{testpki.Rejection, false, "request denied"},
		{testpki.WrongNonce, false, "nonce"},
		{testpki.WrongImprint, false, "imprint"},
		{testpki.Garbage, false, "unmarshalling response"},
		{testpki.BadSignature, false, "token"},
		{testpki.NotTimestamper, false, "not a timestamping certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.wantError, func(t *testing.T) {
			tsa, url := startTSA(t)
			tsa.SetFault(tc.fault)
			msi := testMSI(t)
			orig, err := os.ReadFile(msi)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Dir(msi)
			names := dirNames(t, dir)
			err = newSigner(t, p.rsa, Options{TimestampURLs: []string{url}, Retries: 2}).SignMSI(context.Background(), msi)
			if !errors.Is(err, ErrNoTimestamp) || !strings.Contains(err.Error(), tc.wantError) {
				t.Fatalf("SignMSI: %v, want ErrNoTimestamp mentioning %q", err, tc.wantError)
			}
			want := 1
			if tc.retried {
				want = 3
			}
			if tsa.Requests() != want {
				t.Errorf("TSA got %d requests, want %d", tsa.Requests(), want)
			}
			assertUnchanged(t, msi, orig, names)
		})
	}
}

// assertUnchanged checks that a failed signature left the file
// byte-identical and its directory without leftovers.
func assertUnchanged(t *testing.T, path string, orig []byte, names []string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, orig) {
		t.Errorf("%s changed after a failed signature", path)
	}
	if after := dirNames(t, filepath.Dir(path)); !slices.Equal(after, names) {
		t.Errorf("directory had %v, now %v", names, after)
	}
}

func TestTimestampAllDownLeavesInput(t *testing.T) {
	p := testPKI(t)
	msi := testMSI(t)
	exe := testExe(t, filepath.Dir(msi), "tool.exe")
	names := dirNames(t, filepath.Dir(msi))
	s := newSigner(t, p.rsa, Options{TimestampURLs: []string{downURL(t), downURL(t)}, Retries: 1})
	for _, f := range []struct {
		path string
		sign func(context.Context, string) error
	}{{msi, s.SignMSI}, {exe, s.SignPE}} {
		orig, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		err = f.sign(context.Background(), f.path)
		if !errors.Is(err, ErrNoTimestamp) || !strings.Contains(err.Error(), f.path) {
			t.Fatalf("sign %s with every TSA down: %v, want ErrNoTimestamp naming the file", f.path, err)
		}
		assertUnchanged(t, f.path, orig, names)
	}
}

func TestAllowUnstamped(t *testing.T) {
	p := testPKI(t)
	t.Run("servers down", func(t *testing.T) {
		msi := testMSI(t)
		log := &logRecorder{t: t}
		s := newSigner(t, p.rsa, Options{TimestampURLs: []string{downURL(t)}, Retries: -1, AllowUnstamped: true, Log: log.Logf})
		if err := s.SignMSI(context.Background(), msi); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(log.String(), "without a timestamp") {
			t.Errorf("no warning about the missing timestamp:\n%s", log)
		}
		rep, err := VerifyMSI(msi, p.roots())
		if err != nil || !rep.Timestamp.IsZero() || !strings.Contains(rep.String(), "NOT timestamped") {
			t.Fatalf("VerifyMSI: %v, %v", rep, err)
		}
		out := mustOsslVerify(t, msi, false)
		if strings.Contains(out, "Timestamp time") {
			t.Errorf("osslsigncode found a timestamp:\n%s", out)
		}
	})
	t.Run("no servers", func(t *testing.T) {
		msi := testMSI(t)
		if err := newSigner(t, p.ecdsa, Options{AllowUnstamped: true}).SignMSI(context.Background(), msi); err != nil {
			t.Fatal(err)
		}
		mustOsslVerify(t, msi, false)
	})
}

func TestTimestampCancel(t *testing.T) {
	p := testPKI(t)
	tsa, url := startTSA(t)
	tsa.SetFault(testpki.Unavailable)
	msi := testMSI(t)
	orig, err := os.ReadFile(msi)
	if err != nil {
		t.Fatal(err)
	}
	names := dirNames(t, filepath.Dir(msi))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	s := newSigner(t, p.rsa, Options{TimestampURLs: []string{url}, Retries: 10, RetryDelay: time.Hour})
	start := time.Now()
	err = s.SignMSI(ctx, msi)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("SignMSI: %v, want the context's deadline", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("cancellation took %v", d)
	}
	assertUnchanged(t, msi, orig, names)
}

func TestSecretsStayOut(t *testing.T) {
	p := testPKI(t)
	const password, tsaPassword = "pfx-Secret-4711", "tsa-Secret-0815"
	dir := t.TempDir()
	pfx := filepath.Join(dir, "key.pfx")
	if err := p.rsa.WritePFX(pfx, password); err != nil {
		t.Fatal(err)
	}
	log := &logRecorder{t: t}
	var errs []string
	check := func(err error) {
		if err != nil {
			errs = append(errs, err.Error())
		}
	}

	// A wrong password fails with a useful message that does not echo it.
	_, err := New(context.Background(), PFXFile{Path: pfx, Password: secret.New(password + "x")}, Options{AllowUnstamped: true, Log: log.Logf})
	if err == nil || !strings.Contains(err.Error(), "wrong password") || !strings.Contains(err.Error(), pfx) {
		t.Fatalf("wrong password: %v", err)
	}
	check(err)

	// Timestamp URLs may carry credentials: failures must not show them.
	tsa, url := startTSA(t)
	tsa.SetFault(testpki.Unavailable)
	authURL := strings.Replace(url, "http://", "http://signer:"+tsaPassword+"@", 1)
	s, err := New(context.Background(), PFXFile{Path: pfx, Password: secret.New(password)}, Options{
		TimestampURLs: []string{authURL, strings.Replace(downURL(t), "http://", "http://signer:"+tsaPassword+"@", 1)},
		Retries:       1, RetryDelay: time.Millisecond, Log: log.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	check(s.SignMSI(context.Background(), testMSI(t)))
	_, _, _, err = FromEnv(mapEnv(map[string]string{EnvPFX: pfx, EnvPassword: password, EnvTimestampURLs: "ftp://u:" + tsaPassword + "@host/"}))
	check(err)
	_, err = New(context.Background(), PFXFile{Path: pfx, Password: secret.New(password)}, Options{TimestampURLs: []string{"::" + tsaPassword + "@"}})
	check(err)

	if len(errs) != 4 {
		t.Fatalf("expected 4 errors, got %q", errs)
	}
	all := log.String() + "\n" + strings.Join(errs, "\n")
	for _, secret := range []string{password, tsaPassword} {
		if strings.Contains(all, secret) {
			t.Errorf("secret %q leaked:\n%s", secret, all)
		}
	}
	if !strings.Contains(all, "signer:xxxxx@") {
		t.Errorf("URLs should appear redacted:\n%s", all)
	}
	// The source's String (used in %v) does not show the password either.
	if got := (PFXFile{Path: pfx, Password: secret.New(password)}).String(); strings.Contains(got, password) {
		t.Errorf("PFXFile.String() = %q", got)
	}
}

// mapEnv builds the Env that package config reads from an environment
// holding the variables of m.
func mapEnv(m map[string]string) Env {
	return Env{PFX: m[EnvPFX], Password: secret.New(m[EnvPassword]), Key: m[EnvKey], Cert: m[EnvCert],
		TimestampURLs: strings.Split(m[EnvTimestampURLs], ","), Digest: m[EnvDigest], AllowUnstamped: m[EnvAllowUnstamped]}
}
