package msidb

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// osslsigncode parses the container on its own, hashes every stream in
// its sorted order and verifies the signature it adds.
func TestOsslsigncodeSignVerify(t *testing.T) {
	tool := testtool.Require(t, "osslsigncode")
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	path := writeSample(t)
	signed := filepath.Join(dir, "signed.msi")
	if out, err := exec.Command(tool, "sign", "-certs", cert, "-key", key, "-n", "Gomsi test",
		"-in", path, "-out", signed).CombinedOutput(); err != nil {
		t.Fatalf("osslsigncode sign: %v: %s", err, out)
	}
	out, err := exec.Command(tool, "verify", "-in", signed, "-CAfile", cert).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature verification: ok") {
		t.Fatalf("osslsigncode verify: %v: %s", err, out)
	}
	// Verification must be able to fail: corrupt one byte of a stream.
	data, _ := os.ReadFile(signed)
	i := bytes.Index(data, []byte("0123456789abcdef0123"))
	if i < 0 {
		t.Fatal("Binary.Big payload not found in the signed file")
	}
	data[i] ^= 0xFF
	tampered := filepath.Join(dir, "tampered.msi")
	if err := os.WriteFile(tampered, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, "verify", "-in", tampered, "-CAfile", cert).CombinedOutput(); err == nil {
		t.Errorf("osslsigncode verified a tampered package: %s", out)
	}
}

// selfSigned writes a throwaway code-signing certificate and key; the key
// is never printed.
func selfSigned(t *testing.T, dir string) (certPath, keyPath string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gomsi test signer"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}
