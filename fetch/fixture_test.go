package fetch

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/dist"
	"github.com/gomsi/gomsi/internal/testing/fakedl"
	"github.com/gomsi/gomsi/internal/testing/fakeproxy"
	"github.com/gomsi/gomsi/internal/testing/testtool"
)

const fixtureName = "go1.26.8.windows-amd64.zip"

// fixtureSHA256 is from ../shared/fixtures/SHA256SUMS.
const fixtureSHA256 = "f3a7f663724dc0230e0ab0fde34fe244cfc7066d76c979215777e9ca8891c777"

// TestFetchFixtureThenOpen downloads the real 75 MB distribution from a
// local index server and hands it to Open, as the build does.
func TestFetchFixtureThenOpen(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads and extracts 75 MB")
	}
	fixture := testtool.Fixture(t, fixtureName)
	srv := fakedl.New()
	t.Cleanup(srv.Close)
	if _, err := srv.AddZipFile("go1.26.8", true, "amd64", fixture); err != nil {
		t.Fatal(err)
	}
	srv.Fail(fixtureName, fakedl.Fault{DropAfter: 30 << 20}) // and resume once on the way
	r := newRig(t, indexSource(srv))
	got, err := r.Fetch(context.Background(), "latest", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if got.SHA256 != fixtureSHA256 || got.Version != "go1.26.8" {
		t.Fatalf("Fetch = %+v", got)
	}
	d, err := dist.Open(t.Context(), got.Path, dist.Options{WorkDir: t.TempDir(), Arch: got.Arch, Prefix: got.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	if d.Version.String() != "go1.26.8" || d.Arch != "amd64" {
		t.Errorf("opened %+v", d)
	}
}

// TestFetchFixtureFromModuleProxy serves the fixture in module form, checks
// it against the checksum database and opens it with the module prefix.
func TestFetchFixtureFromModuleProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes and extracts 75 MB")
	}
	fixture := testtool.Fixture(t, fixtureName)
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	const modVersion = "v0.0.1-go1.26.8.windows-amd64"
	mod, err := fakedl.ModuleZip(data, modVersion)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := fakeproxy.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if err := srv.Add(modVersion, mod); err != nil {
		t.Fatal(err)
	}
	r := newRig(t, proxySource(srv), withSumDB(srv.GOSUMDB))
	got, err := r.Fetch(context.Background(), "1.26", "amd64")
	if err != nil {
		t.Fatal(err)
	}
	d, err := dist.Open(t.Context(), got.Path, dist.Options{WorkDir: t.TempDir(), Arch: got.Arch, Prefix: got.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	if d.Version.String() != "go1.26.8" || d.Arch != "amd64" {
		t.Errorf("opened %+v", d)
	}
	// What differs from the go.dev zip (see LayoutModule).
	if _, err := os.Stat(filepath.Join(d.Root, "src", "_go.mod")); err != nil {
		t.Errorf("module layout: %v", err)
	}
	if _, err := os.Stat(filepath.Join(d.Root, "api")); err == nil {
		t.Error("module layout has api/, which cmd/distpack leaves out")
	}
}
