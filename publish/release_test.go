package publish

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/ghfake"
)

func TestDraftIsFoundAgainAndPublishedLater(t *testing.T) {
	f := newFixture(t, ghfake.Options{PageCap: 1})
	f.srv.AddRelease("v1.25.0", "older", false) // so the draft is not alone in the list
	if _, err := f.publish(f.config(Settings{Draft: true}, nil)); err != nil {
		t.Fatal(err)
	}
	if !f.only().Draft {
		t.Fatal("publish.draft: true gave a published release")
	}
	writes := len(f.srv.Writes())
	if _, err := f.publish(f.config(Settings{Draft: true}, nil)); err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Writes()); n != writes {
		t.Fatalf("second draft run wrote %v", f.srv.Writes()[writes:])
	}
	res, err := f.publish(f.config(Settings{}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if f.only().Draft || !res.Updated || len(res.Uploaded) != 0 {
		t.Errorf("draft not published in place: %+v", res)
	}
}

func TestPublishedReleaseIsNeverUnpublished(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	f.srv.AddRelease("v1.26.8", "made by hand", false)
	if _, err := f.publish(f.config(Settings{Draft: true, Prerelease: true}, nil)); err != nil {
		t.Fatal(err)
	}
	rel := f.only()
	if rel.Draft {
		t.Error("a published release was turned into a draft")
	}
	if !rel.Prerelease || rel.Name != "Go 1.26.8 for Windows (MSI)" {
		t.Errorf("release not updated: %+v", rel)
	}
	if !strings.Contains(f.log.String(), "does not unpublish") {
		t.Errorf("log does not say why draft was ignored:\n%s", f.log.String())
	}
}

func TestBadInputs(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	p := f.publisher(f.config(Settings{}, nil))
	other := filepath.Join(t.TempDir(), filepath.Base(f.msis[0]))
	if err := os.WriteFile(other, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	spaced := filepath.Join(f.dir, "go 1.26.msi")
	if err := os.WriteFile(spaced, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	txt := filepath.Join(f.dir, "readme.txt")
	if err := os.WriteFile(txt, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		rel  Release
		want string
	}{
		{"none", Release{}, "no MSIs"},
		{"missing", Release{Assets: []string{filepath.Join(f.dir, "nope.msi")}}, "nope.msi"},
		{"not msi", Release{Assets: []string{txt}}, "readme.txt is not an .msi"},
		{"duplicate", Release{Assets: []string{f.msis[0], other}}, "would both be release asset"},
		{"renamed by GitHub", Release{Assets: []string{spaced}}, "GitHub would rename"},
		{"tag mismatch", Release{Tag: "v9", Assets: f.msis}, `"v9" differs from the configured tag "v1.26.8"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Publish(t.Context(), tc.rel)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	if len(f.srv.Requests()) != 0 {
		t.Errorf("bad input still reached the server: %v", f.srv.Requests())
	}
}
