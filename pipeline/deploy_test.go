package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/ghfake"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testpki"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/product"
)

// deployPipeline builds one arch of a small tree with the native compiler.
func deployPipeline(t *testing.T, out, goarch string, env map[string]string) *Pipeline {
	t.Helper()
	root := msitest.SmallTree(t, "go1.26.8")
	machine := map[string]uint16{"amd64": 0x8664, "arm64": 0xaa64}[goarch]
	if err := os.WriteFile(filepath.Join(root, "bin", "go.exe"), testtool.MinimalPE(machine), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newTestPipeline(t, root)
	p.Config.Out, p.Config.Toolset, p.Config.Arch = out, "native", []string{goarch}
	noSetup := false
	p.Config.Setup = &noSetup
	p.Config = withEnv(t, p.Config, env)
	return p
}

// TestMSIWritesDeploymentOutputs: msi writes the facts and Intune package
// beside each MSI and one winget manifest set that gathers every arch in
// the out folder, its URLs those of the release publish uploads to; each
// output turned off is removed; without a URL no manifest is written, and
// clean removes all of it.
func TestMSIWritesDeploymentOutputs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	env := map[string]string{"GOMSI_GITHUB_REPO": "acme/go-msi", "GOMSI_TAG": "v1.26.8"}
	for _, arch := range []string{"amd64", "arm64"} {
		if _, err := deployPipeline(t, out, arch, env).MSI(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"go1.26.8.windows-amd64.deploy.json", "go1.26.8.windows-amd64.intunewin", "go1.26.8.windows-arm64.deploy.json", "go1.26.8.windows-arm64.intunewin"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
	manifests := filepath.Join(out, "winget", "manifests", "g", "GoLang", "Go", "1.26.8")
	inst, err := os.ReadFile(filepath.Join(manifests, "GoLang.Go.installer.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"InstallerUrl: https://github.com/acme/go-msi/releases/download/v1.26.8/go1.26.8.windows-amd64.msi",
		"InstallerUrl: https://github.com/acme/go-msi/releases/download/v1.26.8/go1.26.8.windows-arm64.msi",
		"Architecture: x64", "Architecture: arm64",
	} {
		if !strings.Contains(string(inst), want) {
			t.Errorf("the installer manifest lacks %q:\n%s", want, inst)
		}
	}

	// A private mirror; then every output turned off.
	p := deployPipeline(t, out, "amd64", env)
	p.Config.Winget.InstallerBaseURL = "https://mirror.example.com/go"
	if _, err := p.MSI(context.Background()); err != nil {
		t.Fatal(err)
	}
	inst, _ = os.ReadFile(filepath.Join(manifests, "GoLang.Go.installer.yaml"))
	if !strings.Contains(string(inst), "InstallerUrl: https://mirror.example.com/go/go1.26.8.windows-arm64.msi") {
		t.Errorf("the mirror's URLs are not used:\n%s", inst)
	}
	off := false
	p = deployPipeline(t, out, "amd64", env)
	p.Config.Winget.Enabled, p.Config.Intune, p.Config.DeployFacts = &off, &off, &off
	if _, err := p.MSI(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"go1.26.8.windows-amd64.deploy.json", "go1.26.8.windows-amd64.intunewin", "winget/manifests/g/GoLang/Go/1.26.8"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("%s remains with its output turned off", f)
		}
	}

	// No repository or tag: no manifest, and the log says what to set.
	p = deployPipeline(t, out, "amd64", nil)
	if _, err := p.MSI(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(manifests); err == nil {
		t.Error("manifests written without a download URL")
	}
	if log := p.Log.(*bytes.Buffer).String(); !strings.Contains(log, "winget manifests not written") || !strings.Contains(log, "winget.installer_base_url") {
		t.Errorf("the log does not say why no manifest was written:\n%s", log)
	}

	kept, err := p.Clean(context.Background())
	if err != nil || len(kept) != 0 {
		t.Errorf("clean kept %v, %v", kept, err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("clean left the out folder")
	}
}

// TestPublishUploadsDeploymentFiles: publish uploads the Intune package and
// the facts with the MSI, each with its .sha256 and in SHA256SUMS, and
// refuses facts of another build of the MSI.
func TestPublishUploadsDeploymentFiles(t *testing.T) {
	gh := ghfake.New(ghfake.Options{Token: "ghp_testtoken"})
	defer gh.Close()
	env := map[string]string{
		"GOMSI_GITHUB_API_URL": gh.APIURL(), "GOMSI_GITHUB_UPLOAD_URL": gh.UploadURL(),
		"GITHUB_TOKEN": "ghp_testtoken", "GOMSI_GITHUB_REPO": "acme/go-msi", "GOMSI_TAG": "v1.26.8",
	}
	out := filepath.Join(t.TempDir(), "out")
	p := deployPipeline(t, out, "amd64", env)
	if _, err := p.MSI(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, err := p.Publish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	uploaded := strings.Join(res.Uploaded, " ")
	for _, want := range []string{"go1.26.8.windows-amd64.intunewin", "go1.26.8.windows-amd64.intunewin.sha256", "go1.26.8.windows-amd64.deploy.json", "go1.26.8.windows-amd64.deploy.json.sha256"} {
		if !strings.Contains(" "+uploaded+" ", " "+want+" ") {
			t.Errorf("%s not uploaded: %v", want, res.Uploaded)
		}
	}
	sums, _ := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	for _, want := range []string{"  go1.26.8.windows-amd64.intunewin\n", "  go1.26.8.windows-amd64.deploy.json\n"} {
		if !strings.Contains(string(sums), want) {
			t.Errorf("SHA256SUMS lacks %q:\n%s", want, sums)
		}
	}
	// The MSI changes (say, signed again by hand): its facts are stale.
	f, _ := os.OpenFile(filepath.Join(out, "go1.26.8.windows-amd64.msi"), os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte("x"))
	f.Close()
	if _, err := p.Publish(context.Background()); err == nil || !strings.Contains(err.Error(), "describes another build") {
		t.Errorf("publish with stale facts: %v", err)
	}
}

// TestSignRewritesDeploymentOutputs: signing the MSIs of the out folder
// again rewrites their facts and Intune packages, which hold the MSI's
// hash and bytes.
func TestSignRewritesDeploymentOutputs(t *testing.T) {
	signing := testpki.NewFiles(t, "gomsi test signer")
	env := map[string]string{"GOMSI_SIGN_PFX": signing.PFX, "GOMSI_SIGN_PASSWORD": signing.Password, "GOMSI_TIMESTAMP_URLS": signing.TSAURL}
	out := filepath.Join(t.TempDir(), "out")
	if _, err := deployPipeline(t, out, "amd64", nil).MSI(context.Background()); err != nil {
		t.Fatal(err)
	}
	msi := filepath.Join(out, "go1.26.8.windows-amd64.msi")
	before, _ := os.ReadFile(filepath.Join(out, "go1.26.8.windows-amd64.deploy.json"))
	if _, err := deployPipeline(t, out, "amd64", env).SignMSIs(context.Background()); err != nil {
		t.Fatal(err)
	}
	sum, _, err := product.HashFile(msi)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(out, "go1.26.8.windows-amd64.deploy.json"))
	if bytes.Equal(before, after) || !strings.Contains(string(after), sum) {
		t.Errorf("the facts do not name the signed MSI's sha256 %s:\n%s", sum, after)
	}
	if _, err := deployPipeline(t, out, "amd64", nil).outDeployFiles([]string{msi}); err != nil {
		t.Errorf("after signing, the deployment files do not match the MSI: %v", err)
	}
}
