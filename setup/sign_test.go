package setup

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/secret"
	"github.com/gomsi/gomsi/internal/testing/testpki"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/setup/launch"
	"github.com/gomsi/gomsi/setup/payload"
	"github.com/gomsi/gomsi/sign"
)

// TestSignedSetupVerifies signs a setup exe as the pipeline does (relic,
// timestamped by a local server): relic and osslsigncode both verify it,
// and the MSI is still found, whole, after the signature appended to it.
func TestSignedSetupVerifies(t *testing.T) {
	ossl := testtool.Require(t, "osslsigncode")
	pki := testpki.NewFiles(t, "gomsi setup test")
	src := sign.PFXFile{Path: pki.PFX, Password: secret.New(pki.Password)}
	s, err := sign.New(context.Background(), src, sign.Options{TimestampURLs: []string{pki.TSAURL}})
	if err != nil {
		t.Fatal(err)
	}
	exe, msi := buildFor(t, "amd64", launch.PerMachine, "")
	unsigned, _ := os.ReadFile(exe)
	if err := s.SignPE(context.Background(), exe); err != nil {
		t.Fatal(err)
	}
	rep, err := sign.VerifyPE(exe, pki.CA.Pool())
	if err != nil {
		t.Fatalf("relic: %v", err)
	}
	if rep.Timestamp.IsZero() {
		t.Errorf("not timestamped: %s", rep)
	}
	out, err := exec.Command(ossl, "verify", "-CAfile", pki.RootsPEM, "-TSA-CAfile", pki.RootsPEM, "-in", exe).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature verification: ok") {
		t.Fatalf("osslsigncode verify: %v\n%s", err, out)
	}
	signed, _ := os.ReadFile(exe)
	if len(signed) <= len(unsigned) || !bytes.Equal(signed[len(unsigned)-payload.TrailerSize:len(unsigned)], unsigned[len(unsigned)-payload.TrailerSize:]) {
		t.Errorf("signing changed the trailer or padded before the certificates")
	}
	if err := CheckCarries(exe, msi); err != nil {
		t.Errorf("after signing: %v", err)
	}
}
