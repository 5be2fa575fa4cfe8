package ci

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/internal/testing/ghfake"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testpki"
	"github.com/gomsi/gomsi/pipeline"
)

// releaseRig is what the release job of gomsi-windows.yml needs around it:
// an MSI as the build jobs' artifact, a code-signing PFX (the secrets), a
// timestamp server, and a GitHub to publish to, as on a tag push.
type releaseRig struct {
	artifacts, runnerTemp, rootsPEM string
	pfxBase64, password, tsaURL     string
	unsigned                        []byte
	gh                              *ghfake.Server
}

const releaseToken = "ghp_releaseJobToken"

func newReleaseRig(t *testing.T) *releaseRig {
	t.Helper()
	rig := &releaseRig{artifacts: t.TempDir(), runnerTemp: t.TempDir()}
	cfg := config.Default()
	cfg.Source, cfg.Out, cfg.Toolset = msitest.SmallTree(t, "go1.26.8"), t.TempDir(), "native"
	builds, err := (&pipeline.Pipeline{Config: cfg}).MSI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{builds[0].MSI, builds[0].MSI + ".sha256"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(rig.artifacts, filepath.Base(f)), b, 0o644)
		if strings.HasSuffix(f, ".msi") {
			rig.unsigned = b
		}
	}

	signing := testpki.NewFiles(t, "gomsi release signer")
	rig.password, rig.tsaURL = signing.Password, signing.TSAURL
	p, _ := os.ReadFile(signing.PFX)
	r, _ := os.ReadFile(signing.RootsPEM)
	rig.pfxBase64, rig.rootsPEM = base64.StdEncoding.EncodeToString(p), string(r)
	rig.gh = ghfake.New(ghfake.Options{Token: releaseToken})
	t.Cleanup(rig.gh.Close)
	return rig
}

// localRun is the release job on a tag push, with the rig's secrets and
// inputs; the runner's GITHUB_API_URL points at the fake GitHub as an
// Enterprise runner's would.
func (rig *releaseRig) localRun(t *testing.T, timestampURLs string) *localRun {
	r := newLocalRun(t, "gomsi-windows.yml", "release", map[string]string{
		"inputs.gomsi-repository":      "gomsi/gomsi",
		"inputs.gomsi-ref":             "main",
		"fromJSON(inputs.toolsets)[0]": "wix4",
		"secrets.sign-pfx-base64":      rig.pfxBase64,
		"secrets.sign-password":        rig.password,
		"inputs.timestamp-urls":        timestampURLs,
		"inputs.verify-roots":          rig.rootsPEM,
		"github.token":                 releaseToken,
	})
	r.artifacts = rig.artifacts
	r.env = append(r.env, "GITHUB_REPOSITORY=acme/go-msi", "GITHUB_REF=refs/tags/v1.26.8",
		"GITHUB_API_URL="+rig.gh.APIURL()+"api/v3", "RUNNER_TEMP="+rig.runnerTemp)
	return r
}

// TestReleaseJobRunsHere runs the release job of gomsi-windows.yml (it runs
// on ubuntu-latest): it signs the built MSI with the PFX from the secrets
// and a timestamp, verifies it against the given roots and publishes it,
// leaving no key file behind and no secret in the log.
func TestReleaseJobRunsHere(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an MSI and runs mage")
	}
	rig := newReleaseRig(t)
	r := rig.localRun(t, "http://127.0.0.1:1/down,"+rig.tsaURL)
	if err := r.run(t); err != nil {
		t.Fatal(err)
	}
	if r.ran != 2 {
		t.Errorf("ran %d run: steps, want sign and publish", r.ran)
	}
	rels := rig.gh.Releases("v1.26.8")
	if len(rels) != 1 {
		t.Fatalf("%d releases v1.26.8 on the fake GitHub", len(rels))
	}
	var names []string
	for _, a := range rels[0].Assets {
		names = append(names, a.Name)
		if a.Name == "go1.26.8.windows-amd64.msi" && bytes.Equal(a.Data, rig.unsigned) {
			t.Error("the published MSI is the unsigned one")
		}
	}
	want := []string{"SHA256SUMS"}
	for _, ext := range []string{"-setup.exe", ".deploy.json", ".intunewin", ".msi"} {
		want = append(want, "go1.26.8.windows-amd64"+ext, "go1.26.8.windows-amd64"+ext+".sha256")
	}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("published %v", names)
	}
	log := r.output.String()
	for _, want := range []string{"gomsi release signer", "timestamp"} {
		if !strings.Contains(log, want) {
			t.Errorf("the job's log lacks %q (verify's report):\n%s", want, msitest.Tail(log))
		}
	}
	assertNoSecrets(t, log, rig)
	assertNoKeyFile(t, rig.runnerTemp)
	if probs := rig.gh.Problems(); len(probs) > 0 {
		t.Errorf("the fake GitHub saw protocol problems: %v", probs)
	}
}

// TestReleaseJobFailsCleanly: when no timestamp server answers, the sign
// step fails, nothing is published and the key file is gone anyway.
func TestReleaseJobFailsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an MSI and runs mage")
	}
	rig := newReleaseRig(t)
	r := rig.localRun(t, "http://127.0.0.1:1/down")
	err := r.run(t)
	if err == nil || !strings.Contains(err.Error(), `step "Sign" failed`) {
		t.Fatalf("release job with no timestamp server: %v", err)
	}
	if len(rig.gh.Writes()) != 0 {
		t.Errorf("published after a failed signing: %v", rig.gh.Writes())
	}
	assertNoSecrets(t, err.Error()+r.output.String(), rig)
	assertNoKeyFile(t, rig.runnerTemp)
}

func assertNoSecrets(t *testing.T, log string, rig *releaseRig) {
	t.Helper()
	for _, secret := range []string{rig.password, releaseToken, rig.pfxBase64[:40]} {
		if strings.Contains(log, secret) {
			t.Errorf("the job's log shows a secret")
		}
	}
}

func assertNoKeyFile(t *testing.T, runnerTemp string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(runnerTemp, "sign.pfx")); err == nil {
		t.Error("the PFX is left in RUNNER_TEMP")
	}
}
