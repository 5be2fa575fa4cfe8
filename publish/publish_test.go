package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/ghfake"
	"github.com/gomsi/gomsi/internal/testing/testtool"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func names(f *fixture) []string {
	var out []string
	for _, a := range f.only().Assets {
		out = append(out, a.Name)
	}
	return out
}

func TestFirstRunCreatesUploadsAndPublishes(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	res, err := f.publish(f.config(Settings{}, nil))
	if err != nil {
		t.Fatal(err)
	}
	rel := f.only()
	if rel.Draft {
		t.Error("release left as a draft although publish.draft is off")
	}
	want := []string{"SHA256SUMS", "go1.26.8.windows-amd64.msi", "go1.26.8.windows-amd64.msi.sha256",
		"go1.26.8.windows-arm64.msi", "go1.26.8.windows-arm64.msi.sha256"}
	if got := names(f); !slices.Equal(got, want) {
		t.Fatalf("assets = %v, want %v", got, want)
	}
	var sums strings.Builder
	for _, m := range f.msis {
		local := mustRead(t, m)
		name := filepath.Base(m)
		a := f.asset(name)
		if !bytes.Equal(a.Data, local) {
			t.Errorf("%s: uploaded bytes differ from the file", name)
		}
		if a.ContentType != "application/x-msi" {
			t.Errorf("%s: content type %q", name, a.ContentType)
		}
		line := sha(local) + "  " + name + "\n"
		if got := string(f.asset(name + ".sha256").Data); got != line {
			t.Errorf("%s.sha256 on the release = %q, want %q", name, got, line)
		}
		if got := string(mustRead(t, m+".sha256")); got != line {
			t.Errorf("%s.sha256 on disk = %q, want %q", name, got, line)
		}
		sums.WriteString(line)
		if !strings.Contains(rel.Body, sha(local)) {
			t.Errorf("release body lacks the SHA-256 of %s", name)
		}
	}
	if got := string(f.asset("SHA256SUMS").Data); got != sums.String() {
		t.Errorf("SHA256SUMS = %q, want %q", got, sums.String())
	}
	if rel.Name != "Go 1.26.8 for Windows (MSI)" {
		t.Errorf("release name %q", rel.Name)
	}
	if !strings.Contains(rel.Body, "upgrades keep the previous install folder") {
		t.Errorf("release body lacks the fixes:\n%s", rel.Body)
	}

	// The order of writes: create a draft, MSIs, their checksums, SHA256SUMS, publish.
	var writes []string
	for _, w := range f.srv.Writes() {
		writes = append(writes, w.Method+" "+w.Query)
	}
	wantWrites := []string{"POST ", "POST name=go1.26.8.windows-amd64.msi", "POST name=go1.26.8.windows-arm64.msi",
		"POST name=go1.26.8.windows-amd64.msi.sha256", "POST name=go1.26.8.windows-arm64.msi.sha256",
		"POST name=SHA256SUMS", "PATCH "}
	if !slices.Equal(writes, wantWrites) {
		t.Errorf("writes = %q, want %q", writes, wantWrites)
	}
	if !res.Created || !res.Updated || len(res.Uploaded) != 5 || len(res.Unchanged) != 0 || res.URL == "" {
		t.Errorf("result = %+v", res)
	}
}

// The checksum files must be what the peer tool (coreutils sha256sum) accepts.
func TestChecksumFilesVerifyWithSha256sum(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	if _, err := f.publish(f.config(Settings{}, nil)); err != nil {
		t.Fatal(err)
	}
	bin := testtool.Require(t, "sha256sum")
	for _, args := range [][]string{{"-c", "--strict", SumsName}, {"-c", "--strict", filepath.Base(f.msis[0]) + ".sha256"}} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = f.dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sha256sum %v: %v: %s", args, err, out)
		}
	}
	// And it must notice a corrupted MSI, or the check above proves nothing.
	if err := os.WriteFile(f.msis[0], []byte("corrupt"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", SumsName)
	cmd.Dir = f.dir
	if err := cmd.Run(); err == nil {
		t.Fatal("sha256sum accepted a corrupted MSI")
	}
}

func TestSecondRunWritesNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts ghfake.Options
	}{
		{"digests", ghfake.Options{PageCap: 2}},
		// GitHub Enterprise Server has no digests: compare by downloading.
		{"download", ghfake.Options{PageCap: 2, NoDigests: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.opts)
			cfg := f.config(Settings{}, nil)
			if _, err := f.publish(cfg); err != nil {
				t.Fatal(err)
			}
			before := len(f.srv.Requests())
			writes := len(f.srv.Writes())
			res, err := f.publish(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(f.srv.Writes()); n != writes {
				t.Errorf("second run made %d write requests: %v", n-writes, f.srv.Writes()[writes:])
			}
			if len(res.Unchanged) != 5 || len(res.Uploaded) != 0 || res.Created || res.Updated {
				t.Errorf("result = %+v", res)
			}
			// Five assets at two per page: the listing must have followed Link to page 3.
			var pages, downloads int
			for _, r := range f.srv.Requests()[before:] {
				if strings.HasSuffix(r.Path, "/assets") && r.Method == "GET" {
					pages++
				}
				if r.Host == "storage" {
					downloads++
				}
			}
			if pages != 3 {
				t.Errorf("listed %d pages of assets, want 3", pages)
			}
			if wantDL := map[bool]int{true: 5, false: 0}[tc.opts.NoDigests]; downloads != wantDL {
				t.Errorf("downloaded %d assets to compare, want %d", downloads, wantDL)
			}
		})
	}
}

func TestChangedFileRefusedUnlessReplace(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	if _, err := f.publish(f.config(Settings{}, nil)); err != nil {
		t.Fatal(err)
	}
	relID := f.only().ID
	f.srv.AddAsset(relID, "notes-by-hand.txt", "uploaded", []byte("added by a person"))
	keptID := f.asset(filepath.Base(f.msis[1])).ID

	// Same size, other bytes: only the hash can tell.
	changed := mustRead(t, f.msis[0])
	changed[100] ^= 0xff
	if err := os.WriteFile(f.msis[0], changed, 0o644); err != nil {
		t.Fatal(err)
	}
	writes := len(f.srv.Writes())
	_, err := f.publish(f.config(Settings{}, nil))
	if err == nil {
		t.Fatal("a changed MSI was accepted without publish.replace")
	}
	name := filepath.Base(f.msis[0])
	for _, want := range []string{name, name + ".sha256", SumsName, "publish.replace: true", sha(changed)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q: %v", want, err)
		}
	}
	if n := len(f.srv.Writes()); n != writes {
		t.Fatalf("refused run still made %d writes: %v", n-writes, f.srv.Writes()[writes:])
	}

	res, err := f.publish(f.config(Settings{Replace: true}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.asset(name).Data, changed) {
		t.Error("the replaced asset does not hold the new bytes")
	}
	wantReplaced := []string{name, name + ".sha256", SumsName}
	if !slices.Equal(res.Replaced, wantReplaced) || !slices.Equal(res.Uploaded, wantReplaced) {
		t.Errorf("replaced %v, uploaded %v; want %v", res.Replaced, res.Uploaded, wantReplaced)
	}
	if got := f.asset(filepath.Base(f.msis[1])).ID; got != keptID {
		t.Error("the unchanged MSI was uploaded again")
	}
	if string(f.asset("notes-by-hand.txt").Data) != "added by a person" {
		t.Error("an asset gomsi did not make was touched")
	}
	if !res.Updated || !strings.Contains(f.only().Body, sha(changed)) {
		t.Error("the release body was not updated to the new SHA-256")
	}
}

func TestDryRunSendsOnlyGETs(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	dry := map[string]string{"GOMSI_DRY_RUN": "1"}
	res, err := f.publish(f.config(Settings{}, dry))
	if err != nil {
		t.Fatal(err)
	}
	if w := f.srv.Writes(); len(w) != 0 {
		t.Fatalf("dry run wrote: %v", w)
	}
	if !res.DryRun || !res.Created || len(res.Uploaded) != 5 {
		t.Errorf("result = %+v", res)
	}
	log := f.log.String()
	for _, want := range []string{"would create release v1.26.8", "would upload SHA256SUMS", "would publish release v1.26.8",
		"would write " + f.msis[0] + ".sha256"} {
		if !strings.Contains(log, want) {
			t.Errorf("dry-run log lacks %q:\n%s", want, log)
		}
	}
	if _, err := os.Stat(f.msis[0] + ".sha256"); !os.IsNotExist(err) {
		t.Error("dry run wrote a checksum file")
	}

	// Against an existing release with a changed file and replace on, the
	// dry run plans a delete and an upload but sends neither.
	if _, err := f.publish(f.config(Settings{}, nil)); err != nil {
		t.Fatal(err)
	}
	writes := len(f.srv.Writes())
	if err := os.WriteFile(f.msis[1], []byte("rebuilt"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.log.Reset()
	res, err = f.publish(f.config(Settings{Replace: true}, dry))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Writes()); n != writes {
		t.Fatalf("dry run wrote: %v", f.srv.Writes()[writes:])
	}
	name := filepath.Base(f.msis[1])
	for _, want := range []string{"would delete asset " + name, "would upload " + name, "would update release v1.26.8: body"} {
		if !strings.Contains(f.log.String(), want) {
			t.Errorf("dry-run log lacks %q:\n%s", want, f.log.String())
		}
	}
	if len(res.Replaced) != 3 {
		t.Errorf("dry run result = %+v", res)
	}
}
