package pipeline

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/ghfake"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testpki"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/sign"
)

// TestSignVerifyPublish runs the release path as mage release does: build,
// sign with a PFX and a local timestamp server, verify against the test
// root, publish to a fake GitHub, and publish again without any write.
func TestSignVerifyPublish(t *testing.T) {
	signing := testpki.NewFiles(t, "gomsi test signer")
	dir, pfx, password, roots := signing.Dir, signing.PFX, signing.Password, signing.RootsPEM
	gh := ghfake.New(ghfake.Options{Token: "ghp_testtoken"})
	defer gh.Close()
	env := map[string]string{
		"GOMSI_SIGN_PFX":          pfx,
		"GOMSI_SIGN_PASSWORD":     password,
		"GOMSI_TIMESTAMP_URLS":    "http://127.0.0.1:1/down," + signing.TSAURL,
		"GOMSI_VERIFY_ROOTS":      roots,
		"GOMSI_GITHUB_API_URL":    gh.APIURL(),
		"GOMSI_GITHUB_UPLOAD_URL": gh.UploadURL(),
		"GITHUB_TOKEN":            "ghp_testtoken",
		"GOMSI_GITHUB_REPO":       "acme/go-msi",
		"GOMSI_TAG":               "v1.26.8",
	}

	b := buildMSIWith(t, msitest.SmallTree(t, "go1.26.8"), func(p *Pipeline) { p.Config = withEnv(t, p.Config, env) })
	assertChecksumFile(t, b) // the checksum is of the signed file
	p := newTestPipeline(t, "")
	p.Config.Out = filepath.Dir(b.MSI)
	p.Config = withEnv(t, p.Config, env)
	reports, err := p.VerifyMSIs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || !strings.Contains(reports[0].Signer, "gomsi test signer") || reports[0].Timestamp.IsZero() {
		t.Errorf("verify: %+v", reports)
	}
	// Another root must not verify it.
	other, _ := testpki.NewAuthority("other CA")
	otherRoots := filepath.Join(dir, "other.pem")
	other.WriteRootPEM(otherRoots)
	env["GOMSI_VERIFY_ROOTS"] = otherRoots
	p.Config = withEnv(t, p.Config, env) // config reads the environment once
	if _, err := p.VerifyMSIs(context.Background()); err == nil {
		t.Error("verified against an unrelated root")
	}

	res, err := p.Publish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || len(res.Uploaded) != 9 { // the MSI, the setup exe, the .deploy.json, the .intunewin, their .sha256 files and SHA256SUMS
		t.Errorf("first publish: %+v", res)
	}
	writes := len(gh.Writes())
	if _, err := p.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
	if extra := gh.Writes()[writes:]; len(extra) != 0 {
		t.Errorf("second publish wrote: %v", extra)
	}
	if probs := gh.Problems(); len(probs) > 0 {
		t.Errorf("the fake GitHub saw protocol problems: %v", probs)
	}
	log := p.Log.(interface{ String() string }).String()
	for _, secret := range []string{password, "ghp_testtoken"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log shows a secret")
		}
	}
}

func TestSignMSIsWithoutConfiguration(t *testing.T) {
	p := newTestPipeline(t, "")
	p.Config = withEnv(t, p.Config, nil)
	if _, err := p.SignMSIs(context.Background()); err == nil || !strings.Contains(err.Error(), "set GOMSI_SIGN_PFX") {
		t.Errorf("SignMSIs without a key: %v", err)
	}
	os.MkdirAll(p.Config.Out, 0o755)
	os.WriteFile(filepath.Join(p.Config.Out, "notes.msi"), nil, 0o644)
	p.Config = withEnv(t, p.Config, map[string]string{"GITHUB_TOKEN": "x", "GOMSI_GITHUB_REPO": "a/b", "GOMSI_TAG": "v1"})
	if _, err := p.Publish(context.Background()); err == nil || !strings.Contains(err.Error(), "is not named go<version>.windows-<arch>.msi") {
		t.Errorf("publishing a stray MSI: %v", err)
	}
}

// TestSignBinariesLeavesFolderSourceAlone signs the executables of a
// folder source: the package carries signed copies made under out/, and
// the user's folder is not changed.
func TestSignBinariesLeavesFolderSourceAlone(t *testing.T) {
	s := testpki.NewFiles(t, "gomsi test signer")
	env := map[string]string{"GOMSI_SIGN_PFX": s.PFX, "GOMSI_SIGN_PASSWORD": s.Password, "GOMSI_TIMESTAMP_URLS": s.TSAURL}
	root := msitest.SmallTree(t, "go1.26.8")
	testtool.WindowsExe(t, filepath.Join(root, "bin", "go.exe")) // relic signs real executables only
	before := msitest.TreeHashes(t, root)
	b := buildMSIWith(t, root, func(p *Pipeline) {
		p.Config = withEnv(t, p.Config, env)
		p.Config.Sign.Binaries = true
	})
	if after := msitest.TreeHashes(t, root); !maps.Equal(before, after) {
		t.Errorf("signing binaries changed the source folder %s", root)
	}
	if !strings.HasPrefix(b.Dist.Root, filepath.Dir(b.MSI)+string(filepath.Separator)) {
		t.Fatalf("signed a tree at %s, not a copy under %s", b.Dist.Root, filepath.Dir(b.MSI))
	}
	verifier := newTestPipeline(t, "")
	verifier.Config = withEnv(t, verifier.Config, map[string]string{"GOMSI_VERIFY_ROOTS": s.RootsPEM})
	roots, err := verifier.verifyRoots()
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := sign.VerifyPE(filepath.Join(b.Dist.Root, "bin", "go.exe"), roots); err != nil || rep.Timestamp.IsZero() {
		t.Errorf("go.exe in the copy: %+v, %v; want signed and timestamped", rep, err)
	}
	copied := msitest.TreeHashes(t, b.Dist.Root)
	for name, h := range before {
		if copied[name] == "" {
			t.Errorf("the copy lacks %s", name)
		} else if (copied[name] != h) != (name == "bin/go.exe") {
			t.Errorf("%s: copied %s, source %s; only the executable should differ", name, copied[name], h)
		}
	}
	msitest.AssertExtractsTo(t, b.MSI, b.Dist.Root) // the package carries the signed copy
}
