package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/internal/atomicfile"
	"github.com/gomsi/gomsi/internal/testing/ghfake"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testpki"
	"github.com/gomsi/gomsi/setup"
	"github.com/gomsi/gomsi/setup/launch"
	"github.com/gomsi/gomsi/sign"
)

// TestSetupBesideMSI: a signed build writes a signed setup exe that
// carries the signed MSI, with its .sha256; publishing uploads it and
// lists it in SHA256SUMS; a setup that no longer carries the MSI beside it
// is refused; setup: false removes the setup of an earlier build.
func TestSetupBesideMSI(t *testing.T) {
	signing := testpki.NewFiles(t, "gomsi setup signer")
	gh := ghfake.New(ghfake.Options{Token: "ghp_testtoken"})
	defer gh.Close()
	env := map[string]string{
		"GOMSI_SIGN_PFX": signing.PFX, "GOMSI_SIGN_PASSWORD": signing.Password, "GOMSI_TIMESTAMP_URLS": signing.TSAURL,
		"GOMSI_GITHUB_API_URL": gh.APIURL(), "GOMSI_GITHUB_UPLOAD_URL": gh.UploadURL(), "GITHUB_TOKEN": "ghp_testtoken",
		"GOMSI_GITHUB_REPO": "acme/go-msi", "GOMSI_TAG": "v1.26.8",
	}
	tree := msitest.SmallTree(t, "go1.26.8")
	b := buildMSIWith(t, tree, func(p *Pipeline) { p.Config = withEnv(t, p.Config, env) })
	if b.Setup != filepath.Join(filepath.Dir(b.MSI), "go1.26.8.windows-amd64-setup.exe") {
		t.Fatalf("setup %q", b.Setup)
	}
	if _, err := sign.VerifyPE(b.Setup, signing.CA.Pool()); err != nil {
		t.Errorf("the setup is not signed: %v", err)
	}
	if _, err := sign.VerifyMSI(b.MSI, signing.CA.Pool()); err != nil {
		t.Errorf("the MSI is not signed: %v", err)
	}
	if err := setup.CheckCarries(b.Setup, b.MSI); err != nil {
		t.Errorf("the setup does not carry the signed MSI: %v", err)
	}
	if scope, err := setup.PackageScope(b.MSI); err != nil || scope != launch.PerMachine {
		t.Errorf("scope %q, %v", scope, err)
	}
	sum, err := os.ReadFile(b.Setup + ".sha256")
	if err != nil || !strings.HasSuffix(string(sum), "  go1.26.8.windows-amd64-setup.exe\n") {
		t.Errorf("setup .sha256: %q, %v", sum, err)
	}

	p := newTestPipeline(t, "")
	p.Config.Out = filepath.Dir(b.MSI)
	p.Config = withEnv(t, p.Config, env)
	res, err := p.Publish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Uploaded, "go1.26.8.windows-amd64-setup.exe") {
		t.Errorf("uploaded %q", res.Uploaded)
	}
	sums, _ := os.ReadFile(filepath.Join(p.Config.Out, "SHA256SUMS"))
	if !strings.Contains(string(sums), "  go1.26.8.windows-amd64-setup.exe\n") || !strings.Contains(string(sums), "  go1.26.8.windows-amd64.msi\n") {
		t.Errorf("SHA256SUMS:\n%s", sums)
	}

	// An MSI rebuilt without its setup: publishing the old setup is refused.
	data, _ := os.ReadFile(b.MSI)
	os.WriteFile(b.MSI, append(data, 0), 0o644)
	if _, err := p.Publish(context.Background()); err == nil || !strings.Contains(err.Error(), "carries another MSI") {
		t.Errorf("publish of a stale setup: %v", err)
	}

	off := false
	b2 := buildMSIWith(t, tree, func(q *Pipeline) { q.Config.Out = p.Config.Out; q.Config.Setup = &off })
	if b2.Setup != "" {
		t.Errorf("setup: false built %s", b2.Setup)
	}
	for _, f := range []string{b.Setup, b.Setup + ".sha256"} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("setup: false left %s", f)
		}
	}
}

// TestPerUserSetupScope: the setup of a per-user package takes its scope
// from the MSI.
func TestPerUserSetupScope(t *testing.T) {
	b := buildWith(t, msitest.SmallTree(t, "go1.26.8"), func(i *config.Installer) { i.Scope = config.PerUser })
	if scope, err := setup.PackageScope(b.MSI); err != nil || scope != launch.PerUser {
		t.Errorf("scope %q, %v", scope, err)
	}
}

// TestSetupIsAnOutput: clean and the out folder's check know the setup
// exe and its checksum as gomsi's, and nothing else that looks like it.
func TestSetupIsAnOutput(t *testing.T) {
	dir := t.TempDir()
	want := map[string]entryKind{
		"go1.26.8.windows-amd64-setup.exe": gomsiFile, "go1.26.8.windows-arm64-setup.exe.sha256": gomsiFile,
		"go1.26.8.windows-amd64-setup.exe.bak": foreignEntry, "setup.exe": foreignEntry, "go-setup.exe": foreignEntry,
	}
	for name := range want {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if got := outEntryKind(e); got != want[e.Name()] {
			t.Errorf("%s: kind %d, want %d", e.Name(), got, want[e.Name()])
		}
	}
}

// TestSignRebuildsSetup: signing the MSIs of an earlier unsigned build
// (mage sign) rebuilds each setup exe, so that it carries the signed MSI,
// and signs it.
func TestSignRebuildsSetup(t *testing.T) {
	signing := testpki.NewFiles(t, "gomsi setup signer")
	env := map[string]string{"GOMSI_SIGN_PFX": signing.PFX, "GOMSI_SIGN_PASSWORD": signing.Password, "GOMSI_TIMESTAMP_URLS": signing.TSAURL}
	b := buildMSI(t, msitest.SmallTree(t, "go1.26.8"))
	if _, err := sign.VerifyPE(b.Setup, signing.CA.Pool()); !errors.Is(err, sign.ErrNotSigned) {
		t.Fatalf("an unsigned build's setup: %v", err)
	}
	p := newTestPipeline(t, "")
	p.Config.Out = filepath.Dir(b.MSI)
	p.Config = withEnv(t, p.Config, env)
	if _, err := p.SignMSIs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := setup.CheckCarries(b.Setup, b.MSI); err != nil {
		t.Errorf("after signing: %v", err)
	}
	if _, err := sign.VerifyPE(b.Setup, signing.CA.Pool()); err != nil {
		t.Errorf("the rebuilt setup is not signed: %v", err)
	}
}

// TestFinishReportsTheFailingOutput: the outputs made side by side after
// an MSI (its .sha256, setup exe, deployment files) fail as a whole with
// the error of the one that failed, log whole lines, and leave no
// temporary file in the out folder.
func TestFinishReportsTheFailingOutput(t *testing.T) {
	tree := msitest.SmallTree(t, "go1.26.8")
	b := buildMSI(t, tree)
	out := filepath.Dir(b.MSI)
	// A folder where the Intune package goes cannot be removed to make
	// way for the new one.
	blocked := strings.TrimSuffix(b.MSI, ".msi") + ".intunewin"
	if err := os.Remove(blocked); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(blocked, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := newTestPipeline(t, tree)
	p.Config.Out = out
	log := p.Log.(*bytes.Buffer)
	_, err := p.MSI(context.Background())
	if err == nil || !strings.Contains(err.Error(), "remove the previous "+blocked) {
		t.Fatalf("err = %v, want the Intune package's removal named", err)
	}
	for _, line := range strings.SplitAfter(log.String(), "\n") {
		if line != "" && (!strings.HasPrefix(line, "gomsi: ") || !strings.HasSuffix(line, "\n")) {
			t.Errorf("log line not whole: %q", line)
		}
	}
	sum, err := os.ReadFile(b.MSI + ".sha256")
	if err != nil || !strings.HasSuffix(string(sum), "  "+filepath.Base(b.MSI)+"\n") {
		t.Errorf("the MSI's .sha256: %q, %v", sum, err)
	}
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		if strings.Contains(e.Name(), atomicfile.TempMark) {
			t.Errorf("left %s in the out folder", e.Name())
		}
	}
}
