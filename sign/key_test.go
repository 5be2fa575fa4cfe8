package sign

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/secret"
	"github.com/gomsi/gomsi/internal/testing/testpki"
)

// Every key source must produce a working signature, with the chain in the
// right order whatever order the source gives.
func TestKeySources(t *testing.T) {
	p := testPKI(t)
	dir := t.TempDir()
	rsaPFX := filepath.Join(dir, "rsa.pfx")
	if err := p.rsa.WritePFX(rsaPFX, "pw"); err != nil {
		t.Fatal(err)
	}
	ecPFX := filepath.Join(dir, "ec.pfx")
	if err := p.ecdsa.WritePFX(ecPFX, ""); err != nil {
		t.Fatal(err)
	}
	ecKey, ecCert := filepath.Join(dir, "ec.key"), filepath.Join(dir, "ec.crt")
	if err := p.ecdsa.WritePEM(ecKey, ecCert); err != nil {
		t.Fatal(err)
	}
	// A PEM chain written intermediate first, as some CAs deliver it.
	rsaKey, rsaCert := filepath.Join(dir, "rsa.key"), filepath.Join(dir, "rsa.crt")
	reversed := testpki.Identity{Key: p.rsa.Key, Chain: []*x509.Certificate{p.rsa.Chain[1], p.rsa.Chain[0]}}
	if err := reversed.WritePEM(rsaKey, rsaCert); err != nil {
		t.Fatal(err)
	}
	_, url := startTSA(t)
	for _, tc := range []struct {
		name string
		src  KeySource
		want testpki.Identity
	}{
		{"pfx-rsa", PFXFile{Path: rsaPFX, Password: secret.New("pw")}, p.rsa},
		{"pfx-ecdsa-empty-password", &PFXFile{Path: ecPFX}, p.ecdsa},
		{"pem-ecdsa", PEMFiles{KeyPath: ecKey, CertPath: ecCert}, p.ecdsa},
		{"pem-rsa-reversed-chain", PEMFiles{KeyPath: rsaKey, CertPath: rsaCert}, p.rsa},
		{"keypair-with-root", KeyPair{Signer: p.ecdsa.Key, Chain: append([]*x509.Certificate{p.ca.Root}, p.ecdsa.Chain...)}, p.ecdsa},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(context.Background(), tc.src, Options{TimestampURLs: []string{url}, Log: t.Logf})
			if err != nil {
				t.Fatal(err)
			}
			if s.Subject() != tc.want.Leaf().Subject.String() {
				t.Fatalf("subject %q", s.Subject())
			}
			msi := testMSI(t)
			if err := s.SignMSI(context.Background(), msi); err != nil {
				t.Fatal(err)
			}
			mustOsslVerify(t, msi, true)
		})
	}
}

func TestKeySourceErrors(t *testing.T) {
	p := testPKI(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	ecKey, ecCert := filepath.Join(dir, "ec.key"), filepath.Join(dir, "ec.crt")
	if err := p.ecdsa.WritePEM(ecKey, ecCert); err != nil {
		t.Fatal(err)
	}
	rsaKey, rsaCert := filepath.Join(dir, "rsa.key"), filepath.Join(dir, "rsa.crt")
	if err := p.rsa.WritePEM(rsaKey, rsaCert); err != nil {
		t.Fatal(err)
	}
	expired, err := p.ca.Issue(testpki.RSA, "expired signer", func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}
		c.NotBefore, c.NotAfter = time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)
	})
	if err != nil {
		t.Fatal(err)
	}
	tlsOnly, err := p.ca.Issue(testpki.ECDSA, "web server", func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	})
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		src  KeySource
		want []string
	}{
		{"missing pfx", PFXFile{Path: filepath.Join(dir, "nope.pfx")}, []string{"nope.pfx", "no such file", "set GOMSI_SIGN_PFX"}},
		{"missing key", PEMFiles{KeyPath: filepath.Join(dir, "nope.key"), CertPath: ecCert}, []string{"nope.key", "no such file", "set GOMSI_SIGN_KEY"}},
		{"missing cert", PEMFiles{KeyPath: ecKey, CertPath: filepath.Join(dir, "nope.crt")}, []string{"nope.crt", "no such file", "set GOMSI_SIGN_CERT"}},
		{"pem as pfx", PFXFile{Path: ecCert}, []string{"decode PFX", ecCert, "PEM file"}},
		{"not a pfx", PFXFile{Path: write("junk.pfx", "\x30\x03junk")}, []string{"junk.pfx", "not a valid PKCS#12"}},
		{"empty key", PEMFiles{KeyPath: write("empty.key", ""), CertPath: ecCert}, []string{"empty.key", "empty"}},
		{"garbage key", PEMFiles{KeyPath: write("junk.key", "-----BEGIN NOTHING-----\n"), CertPath: ecCert}, []string{"junk.key", "PEM"}},
		{"encrypted key", PEMFiles{KeyPath: write("enc.key", encryptedPEM), CertPath: ecCert}, []string{"enc.key", "encrypted"}},
		{"key without its cert", PEMFiles{KeyPath: rsaKey, CertPath: ecCert}, []string{"no certificate matches the private key"}},
		{"cert file of garbage", PEMFiles{KeyPath: ecKey, CertPath: write("junk.crt", "hello")}, []string{"junk.crt"}},
		{"expired", KeyPair{Signer: expired.Key, Chain: expired.Chain}, []string{"expired signer", "expired on"}},
		{"not code signing", KeyPair{Signer: tlsOnly.Key, Chain: tlsOnly.Chain}, []string{"web server", "not for code signing"}},
		{"ed25519", KeyPair{Signer: edKey, Chain: p.rsa.Chain}, []string{"ed25519", "RSA or ECDSA"}},
		{"nil signer", KeyPair{}, []string{"no Signer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(context.Background(), tc.src, Options{AllowUnstamped: true})
			if err == nil {
				t.Fatal("New succeeded")
			}
			t.Log(err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// An encrypted PEM key (legacy OpenSSL format); its content does not matter.
const encryptedPEM = `-----BEGIN RSA PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF

AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
-----END RSA PRIVATE KEY-----
`

func TestOptionErrors(t *testing.T) {
	p := testPKI(t)
	key := KeyPair{Signer: p.rsa.Key, Chain: p.rsa.Chain}
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"no timestamp server", Options{}, "GOMSI_TIMESTAMP_URLS"},
		{"bad digest", Options{Digest: crypto.SHA1, AllowUnstamped: true}, "unsupported digest SHA-1"},
		{"bad url", Options{TimestampURLs: []string{"timestamp.example.com"}}, "not an http(s) URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(context.Background(), key, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
	if _, err := New(context.Background(), nil, Options{AllowUnstamped: true}); err == nil {
		t.Fatal("New without a key source succeeded")
	}
}

func TestLooseKeyFileWarning(t *testing.T) {
	p := testPKI(t)
	dir := t.TempDir()
	keyPath, certPath := filepath.Join(dir, "k.pem"), filepath.Join(dir, "c.pem")
	if err := p.ecdsa.WritePEM(keyPath, certPath); err != nil {
		t.Fatal(err)
	}
	pfx := filepath.Join(dir, "k.pfx")
	if err := p.ecdsa.WritePFX(pfx, "pw"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		src  KeySource
		file string
	}{{PEMFiles{KeyPath: keyPath, CertPath: certPath}, keyPath}, {PFXFile{Path: pfx, Password: secret.New("pw")}, pfx}} {
		for _, mode := range []os.FileMode{0o600, 0o640, 0o644} {
			if err := os.Chmod(tc.file, mode); err != nil {
				t.Fatal(err)
			}
			log := &logRecorder{t: t}
			if _, err := New(context.Background(), tc.src, Options{AllowUnstamped: true, Log: log.Logf}); err != nil {
				t.Fatal(err)
			}
			warned := strings.Contains(log.String(), "readable by other users") && strings.Contains(log.String(), tc.file)
			if warned != (mode != 0o600) {
				t.Errorf("%s mode %04o: warned=%v\n%s", tc.file, mode, warned, log)
			}
		}
	}
}
