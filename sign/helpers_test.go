package sign

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testpki"
	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// pki is one set of throwaway authorities per test binary run: key
// generation is the slow part of these tests.
type pki struct {
	ca, tsaCA, otherCA           *testpki.Authority
	rsa, ecdsa                   testpki.Identity
	dir                          string // PEM roots and key files
	caFile, tsaCAFile, otherFile string
}

var (
	pkiOnce sync.Once
	pkiVal  *pki
	pkiErr  error
)

func testPKI(t testing.TB) *pki {
	t.Helper()
	pkiOnce.Do(func() { pkiVal, pkiErr = newPKI() })
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pkiVal
}

func newPKI() (*pki, error) {
	p := &pki{dir: filepath.Join(workDir, "pki")}
	var err error
	if p.ca, err = testpki.NewAuthority("gomsi test CA"); err != nil {
		return nil, err
	}
	if p.tsaCA, err = testpki.NewAuthority("gomsi test TSA CA"); err != nil {
		return nil, err
	}
	if p.otherCA, err = testpki.NewAuthority("unrelated CA"); err != nil {
		return nil, err
	}
	if p.rsa, err = p.ca.CodeSigner(testpki.RSA, "gomsi RSA signer"); err != nil {
		return nil, err
	}
	if p.ecdsa, err = p.ca.CodeSigner(testpki.ECDSA, "gomsi ECDSA signer"); err != nil {
		return nil, err
	}
	p.caFile = filepath.Join(p.dir, "ca.pem")
	p.tsaCAFile = filepath.Join(p.dir, "tsa-ca.pem")
	p.otherFile = filepath.Join(p.dir, "other-ca.pem")
	for file, a := range map[string]*testpki.Authority{p.caFile: p.ca, p.tsaCAFile: p.tsaCA, p.otherFile: p.otherCA} {
		if err := a.WriteRootPEM(file); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// roots trusts the code signing CA and the TSA's CA, as a system pool
// trusts both public CAs.
func (p *pki) roots() *x509.CertPool {
	pool := p.ca.Pool()
	pool.AddCert(p.tsaCA.Root)
	return pool
}

// workDir holds what the whole test binary shares (PKI files, the test
// executable); TestMain removes it.
var workDir string

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		if err := benchChild(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	var err error
	workDir, err = os.MkdirTemp("", "gomsi-sign-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(workDir)
	os.Exit(code)
}

// startTSA runs a timestamp authority on 127.0.0.1 for the test's lifetime.
func startTSA(t testing.TB) (*testpki.TSA, string) {
	t.Helper()
	tsa, err := testpki.NewTSA(testPKI(t).tsaCA)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(tsa)
	t.Cleanup(srv.Close)
	return tsa, srv.URL + "/"
}

// downURL returns a URL on 127.0.0.1 where nothing listens.
func downURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/tsa"
}

// newSigner builds a Signer for id with fast retries, logging to t.
func newSigner(t testing.TB, id testpki.Identity, opts Options) *Signer {
	t.Helper()
	if opts.RetryDelay == 0 {
		opts.RetryDelay = time.Millisecond
	}
	if opts.Log == nil {
		opts.Log = t.Logf
	}
	s, err := New(context.Background(), KeyPair{Signer: id.Key, Chain: id.Chain}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// osslVerify runs `osslsigncode verify` and returns its output and error.
func osslVerify(t testing.TB, path, caFile, tsaCAFile string) (string, error) {
	t.Helper()
	bin := testtool.Require(t, "osslsigncode")
	args := []string{"verify", "-CAfile", caFile}
	if tsaCAFile != "" {
		args = append(args, "-TSA-CAfile", tsaCAFile)
	}
	args = append(args, "-in", path)
	out, err := exec.Command(bin, args...).CombinedOutput()
	return string(out), err
}

// mustOsslVerify fails the test unless osslsigncode accepts the file.
func mustOsslVerify(t testing.TB, path string, timestamped bool) string {
	t.Helper()
	p := testPKI(t)
	tsaCA := p.tsaCAFile
	if !timestamped {
		tsaCA = ""
	}
	out, err := osslVerify(t, path, p.caFile, tsaCA)
	if err != nil || !strings.Contains(out, "Signature verification: ok") {
		t.Fatalf("osslsigncode verify %s: %v\n%s", path, err, out)
	}
	return out
}

// dirNames lists a directory's entries, to catch leftover temporary files.
func dirNames(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// logRecorder collects log lines for checks and forwards them to t.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
	t     testing.TB
}

func (l *logRecorder) Logf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
	l.t.Log(line)
}

func (l *logRecorder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
