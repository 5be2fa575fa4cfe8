package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomsi/gomsi/internal/testing/testpki"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/sassoftware/relic/v7/lib/comdoc"
)

func TestSignMSI(t *testing.T) {
	p := testPKI(t)
	cases := []struct {
		name     string
		id       testpki.Identity
		digest   crypto.Hash
		extended bool
	}{
		{"rsa-sha256", p.rsa, crypto.SHA256, true},
		{"ecdsa-sha384", p.ecdsa, crypto.SHA384, true},
		{"rsa-sha512-plain", p.rsa, crypto.SHA512, false},
		{"ecdsa-sha256-plain", p.ecdsa, crypto.SHA256, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tsa, url := startTSA(t)
			msi := testMSI(t)
			before := time.Now().Add(-2 * time.Second)
			s := newSigner(t, tc.id, Options{Digest: tc.digest, SkipExtended: !tc.extended, TimestampURLs: []string{url}})
			if err := s.SignMSI(context.Background(), msi); err != nil {
				t.Fatal(err)
			}
			if tsa.Requests() != 1 {
				t.Errorf("TSA got %d requests, want 1", tsa.Requests())
			}
			rep, err := VerifyMSI(msi, p.roots())
			if err != nil {
				t.Fatal(err)
			}
			t.Log(rep)
			if rep.Signer != tc.id.Leaf().Subject.String() || rep.Digest != tc.digest || rep.Extended != tc.extended {
				t.Errorf("report %+v: want signer %q, digest %v, extended %v", rep, tc.id.Leaf().Subject, tc.digest, tc.extended)
			}
			if rep.Timestamp.Before(before) || rep.Timestamp.After(time.Now().Add(time.Second)) {
				t.Errorf("timestamp %v is not now", rep.Timestamp)
			}
			if !strings.Contains(rep.TimestampAuthority, "gomsi test TSA") {
				t.Errorf("timestamp authority %q", rep.TimestampAuthority)
			}
			out := mustOsslVerify(t, msi, true)
			if tc.extended == strings.Contains(out, "MsiDigitalSignatureEx stream doesn't exist") {
				t.Errorf("osslsigncode on the extended stream (want present=%v):\n%s", tc.extended, out)
			}
			checkMSIReadable(t, msi)
		})
	}
}

// checkMSIReadable makes sure msitools still read a signed MSI.
func checkMSIReadable(t *testing.T, msi string) {
	t.Helper()
	msiinfo := testtool.Require(t, "msiinfo")
	out, err := exec.Command(msiinfo, "tables", msi).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "File") {
		t.Fatalf("msiinfo tables: %v\n%s", err, out)
	}
	out, err = exec.Command(msiinfo, "streams", msi).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "DigitalSignature") {
		t.Fatalf("msiinfo streams shows no signature: %v\n%s", err, out)
	}
	msiextract := testtool.Require(t, "msiextract")
	dir := t.TempDir()
	if out, err := exec.Command(msiextract, "-C", dir, msi).CombinedOutput(); err != nil {
		t.Fatalf("msiextract: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "Program Files", "gomsitest", "readme.txt"))
	if err != nil || string(got) != "signed by gomsi tests\n" {
		t.Fatalf("msiextract gave readme %q, %v", got, err)
	}
}

func TestVerifyMSIWrongRoot(t *testing.T) {
	p := testPKI(t)
	_, url := startTSA(t)
	msi := testMSI(t)
	if err := newSigner(t, p.rsa, Options{TimestampURLs: []string{url}}).SignMSI(context.Background(), msi); err != nil {
		t.Fatal(err)
	}
	other := p.otherCA.Pool()
	other.AddCert(p.tsaCA.Root)
	_, err := VerifyMSI(msi, other)
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "certificate chain") {
		t.Fatalf("VerifyMSI with an unrelated root: %v, want an unknown authority error", err)
	}
	if out, err := osslVerify(t, msi, p.otherFile, p.tsaCAFile); err == nil {
		t.Fatalf("osslsigncode accepted a chain to the wrong root:\n%s", out)
	}
	// The timestamp's chain is checked against the same roots: trusting the
	// code signing CA but not the TSA's fails too.
	if _, err := VerifyMSI(msi, p.roots()); err != nil {
		t.Fatalf("control: %v", err)
	}
	if _, err := VerifyMSI(msi, p.ca.Pool()); err == nil || !strings.Contains(err.Error(), "timestamp") {
		t.Fatalf("VerifyMSI without the TSA's root: %v, want a timestamp chain error", err)
	}
	// osslsigncode then falls back to checking the chain at the current
	// time and succeeds, but it does report the timestamp as failed.
	if out, _ := osslVerify(t, msi, p.caFile, p.otherFile); !strings.Contains(out, "Timestamp Server Signature verification: failed") {
		t.Fatalf("osslsigncode did not reject a timestamp from an untrusted TSA:\n%s", out)
	}
}

func TestVerifyMSITampered(t *testing.T) {
	p := testPKI(t)
	_, url := startTSA(t)
	msi := testMSI(t)
	if err := newSigner(t, p.ecdsa, Options{TimestampURLs: []string{url}}).SignMSI(context.Background(), msi); err != nil {
		t.Fatal(err)
	}
	off := cabOffset(t, msi) + 4096
	data, err := os.ReadFile(msi)
	if err != nil {
		t.Fatal(err)
	}
	data[off] ^= 0x20
	if err := os.WriteFile(msi, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyMSI(msi, p.roots()); err == nil || !strings.Contains(err.Error(), "digest mismatch") {
		t.Fatalf("VerifyMSI of a tampered MSI: %v, want a digest mismatch", err)
	}
	if out, err := osslVerify(t, msi, p.caFile, p.tsaCAFile); err == nil {
		t.Fatalf("osslsigncode accepted a tampered MSI:\n%s", out)
	}
}

// cabOffset returns the file offset where the largest stream (the embedded
// cabinet) starts, so that tampering hits hashed bytes, not slack space.
func cabOffset(t *testing.T, msi string) int64 {
	t.Helper()
	doc, err := comdoc.ReadPath(msi)
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Close()
	files, err := doc.ListDir(nil)
	if err != nil {
		t.Fatal(err)
	}
	big := slices.MaxFunc(files, func(a, b *comdoc.DirEnt) int { return int(a.StreamSize) - int(b.StreamSize) })
	if big.StreamSize < 8192 {
		t.Fatalf("largest stream %q is only %d bytes", big.Name(), big.StreamSize)
	}
	return int64(doc.SectorSize) * (int64(big.NextSector) + 1)
}

func TestResignMSI(t *testing.T) {
	p := testPKI(t)
	_, url := startTSA(t)
	msi := testMSI(t)
	ctx := context.Background()
	if err := newSigner(t, p.rsa, Options{TimestampURLs: []string{url}}).SignMSI(ctx, msi); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(msi)
	if err != nil {
		t.Fatal(err)
	}
	// Another key, another digest and no extended stream: every trace of
	// the first signature must go.
	if err := newSigner(t, p.ecdsa, Options{Digest: crypto.SHA384, SkipExtended: true, TimestampURLs: []string{url}}).SignMSI(ctx, msi); err != nil {
		t.Fatal(err)
	}
	rep, err := VerifyMSI(msi, p.roots())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Signer != p.ecdsa.Leaf().Subject.String() || rep.Digest != crypto.SHA384 || rep.Extended {
		t.Fatalf("after re-signing: %+v", rep)
	}
	out := mustOsslVerify(t, msi, true)
	if strings.Contains(out, p.rsa.Leaf().Subject.CommonName) {
		t.Errorf("the first signer is still in the file:\n%s", out)
	}
	second, err := os.ReadFile(msi)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first, second) {
		t.Fatal("re-signing did not change the file")
	}
	// Re-signing must not grow the file with every round.
	for range 3 {
		if err := newSigner(t, p.ecdsa, Options{TimestampURLs: []string{url}}).SignMSI(ctx, msi); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(msi)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > int64(len(first))+16*1024 {
		t.Errorf("after 5 signatures the MSI is %d bytes, after one %d", fi.Size(), len(first))
	}
	mustOsslVerify(t, msi, true)
	checkMSIReadable(t, msi)
}

func TestVerifyMSIUnsigned(t *testing.T) {
	msi := testMSI(t)
	if _, err := VerifyMSI(msi, nil); !errors.Is(err, ErrNotSigned) {
		t.Fatalf("VerifyMSI of an unsigned MSI: %v, want ErrNotSigned", err)
	}
}
