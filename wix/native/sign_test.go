package native_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testpki"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/sign"
)

// TestSignAndVerify signs native packages with relic (gomsi's sign
// package) and with osslsigncode, and verifies each with both: two
// independent readers of the container and its streams.
func TestSignAndVerify(t *testing.T) {
	ossl := testtool.Require(t, "osslsigncode")
	root := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, root, nil)
	dir := t.TempDir()
	auth, err := testpki.NewAuthority("gomsi native test")
	if err != nil {
		t.Fatal(err)
	}
	id, err := auth.CodeSigner(testpki.RSA, "gomsi native signer")
	if err != nil {
		t.Fatal(err)
	}
	rootPEM := filepath.Join(dir, "root.pem")
	if err := auth.WriteRootPEM(rootPEM); err != nil {
		t.Fatal(err)
	}
	keyPEM, certPEM := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem")
	if err := id.WritePEM(keyPEM, certPEM); err != nil {
		t.Fatal(err)
	}

	// relic, in process.
	relicMSI := filepath.Join(dir, "relic.msi")
	copyFile(t, b.MSI, relicMSI)
	s, err := sign.New(context.Background(), sign.KeyPair{Signer: id.Key, Chain: id.Chain}, sign.Options{AllowUnstamped: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SignMSI(context.Background(), relicMSI); err != nil {
		t.Fatalf("relic sign: %v", err)
	}
	if _, err := sign.VerifyMSI(relicMSI, auth.Pool()); err != nil {
		t.Errorf("relic verify of relic's signature: %v", err)
	}
	osslVerify(t, ossl, relicMSI, rootPEM, true)

	// osslsigncode.
	osslMSI := filepath.Join(dir, "ossl.msi")
	if out, err := exec.Command(ossl, "sign", "-certs", certPEM, "-key", keyPEM, "-n", "gomsi test", "-in", b.MSI, "-out", osslMSI).CombinedOutput(); err != nil {
		t.Fatalf("osslsigncode sign: %v: %s", err, out)
	}
	osslVerify(t, ossl, osslMSI, rootPEM, true)
	if _, err := sign.VerifyMSI(osslMSI, auth.Pool()); err != nil {
		t.Errorf("relic verify of osslsigncode's signature: %v", err)
	}

	// Verification must be able to fail: change one byte of the cabinet.
	data, _ := os.ReadFile(relicMSI)
	i := strings.Index(string(data), "MSCF")
	if i < 0 {
		t.Fatal("no cabinet found in the package")
	}
	data[i+200] ^= 0xFF
	tampered := filepath.Join(dir, "tampered.msi")
	os.WriteFile(tampered, data, 0o644)
	if _, err := sign.VerifyMSI(tampered, auth.Pool()); err == nil {
		t.Errorf("relic verified a tampered package")
	}
	osslVerify(t, ossl, tampered, rootPEM, false)
}

func osslVerify(t *testing.T, ossl, msi, rootPEM string, want bool) {
	t.Helper()
	out, err := exec.Command(ossl, "verify", "-in", msi, "-CAfile", rootPEM).CombinedOutput()
	ok := err == nil && strings.Contains(string(out), "Signature verification: ok")
	if ok != want {
		t.Errorf("osslsigncode verify %s: ok=%v, want %v: %v: %s", filepath.Base(msi), ok, want, err, msitest.Tail(string(out)))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
