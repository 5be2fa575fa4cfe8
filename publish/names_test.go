package publish

import (
	"context"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/ghfake"
)

// Tags git refuses (git-check-ref-format(1) for refs/tags/<tag>), and
// those that would be an option or reach another API path.
var badTags = map[string]string{
	"../../../user":             `holds ".."`,
	"..":                        `holds ".."`,
	".":                         "ends with '.'",
	"v1..2":                     `holds ".."`,
	"-v1":                       "starts with '-'",
	"/v1":                       "starts or ends with '/'",
	"v1/":                       "starts or ends with '/'",
	"a//b":                      "holds '//'",
	"v1.":                       "ends with '.'",
	".v1":                       `part ".v1" starts with '.'`,
	"a/.hidden/b":               `part ".hidden" starts with '.'`,
	"v1.lock":                   "ends with .lock",
	"a/b.lock/c":                `part "b.lock" ends with .lock`,
	"v1@{upstream}":             `holds "@{"`,
	"@":                         `it is "@"`,
	"v1\x00x":                   `holds '\x00'`,
	"v1\nx":                     `holds '\n'`,
	"v1\x1bx":                   `holds '\x1b'`,
	"v1\x7fx":                   `holds '\x7f'`,
	"v1\u0085x":                 `holds '\u0085'`,
	"v 1":                       `holds ' '`,
	"v1~1":                      `holds '~'`,
	"v1^":                       `holds '^'`,
	"a:b":                       `holds ':'`,
	"v1?x=1":                    `holds '?'`,
	"v1*":                       `holds '*'`,
	"v1[0]":                     `holds '['`,
	`a\b`:                       `holds '\\'`,
	"v1\xff":                    "not valid UTF-8",
	"refs/tags/v1":              "use the bare name",
	strings.Repeat("v", 256):    "longer than 255 bytes",
	"release/../../../../admin": `holds ".."`,
}

var goodTags = []string{"v1.26.8", "go1.26.8-msi.1", "release/v1.26.8", "v1#2", "v1%41", "v1-ü", "v1+build.7", "@v1", "v1@", "a.b/c.d", "x.lockx", strings.Repeat("v", 255)}

func TestTagsAreCheckedAsGitDoes(t *testing.T) {
	base := map[string]string{"GITHUB_TOKEN": "tok", "GOMSI_GITHUB_REPO": "acme/go-msi"}
	for tag, reason := range badTags {
		for _, env := range []map[string]string{{"GOMSI_TAG": tag}, {"GITHUB_REF": "refs/tags/" + tag}} {
			for k, v := range base {
				env[k] = v
			}
			source := "GOMSI_TAG="
			if env["GOMSI_TAG"] == "" {
				source = "GITHUB_REF="
			}
			_, err := ConfigFromEnv(envOf(env), Settings{})
			if err == nil || !strings.Contains(err.Error(), reason) || !strings.Contains(err.Error(), source) {
				t.Errorf("%q: err = %v\nwant one naming %s and saying %s", env, err, source, reason)
			}
		}
	}
	for _, tag := range goodTags {
		for _, env := range []map[string]string{{"GOMSI_TAG": tag}, {"GITHUB_REF": "refs/tags/" + tag}} {
			for k, v := range base {
				env[k] = v
			}
			if c, err := ConfigFromEnv(envOf(env), Settings{}); err != nil || c.Tag != tag {
				t.Errorf("%q: tag %q, %v; want %q", env, c.Tag, err, tag)
			}
		}
	}
}

func TestRepositoryIsOwnerSlashName(t *testing.T) {
	bad := []string{"acme/../user", "../acme/x", "acme/..", "acme/.", "acme/go msi", "acme/go%2Fmsi", "acme/go#x", "acme/go?x",
		"-acme/x", "acme/x/y", "ac me/x", "acme/", "/x", "acme/ü", "acme\n/x", "acme/x\x00", "ac.me/x", strings.Repeat("a", 101) + "/x"}
	good := []string{"acme/go-msi", "octo_emu/repo.name", "A-1/x_y.z", "acme/.github", "acme/x..y"}
	for _, source := range []string{"GOMSI_GITHUB_REPO", "publish.repo", "GITHUB_REPOSITORY"} {
		config := func(repo string) (Config, error) {
			env := map[string]string{"GITHUB_TOKEN": "tok", "GOMSI_TAG": "v1"}
			var s Settings
			switch source {
			case "publish.repo":
				s.Repo = repo
			default:
				env[source] = repo
			}
			return ConfigFromEnv(envOf(env), s)
		}
		for _, repo := range bad {
			if _, err := config(repo); err == nil || !strings.Contains(err.Error(), source+"=") || !strings.Contains(err.Error(), "is not owner/name") {
				t.Errorf("%s=%q: err = %v, want one naming %s", source, repo, err, source)
			}
		}
		for _, repo := range good {
			if c, err := config(repo); err != nil || c.Owner+"/"+c.Name != repo {
				t.Errorf("%s=%q: %+v, %v", source, repo, c, err)
			}
		}
	}
}

// A Config or Release built by hand, not by ConfigFromEnv, gets the same
// checks, before any request.
func TestHandBuiltConfigIsChecked(t *testing.T) {
	f := newFixture(t, ghfake.Options{})
	good := f.config(Settings{}, nil)
	for _, change := range []func(*Config){
		func(c *Config) { c.Owner = ".." },
		func(c *Config) { c.Name = "../../user" },
		func(c *Config) { c.Name = "x?y" },
		func(c *Config) { c.Tag = "../../../user" },
		func(c *Config) { c.Tag = "v1\n" },
	} {
		cfg := good
		change(&cfg)
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "new publisher: Config.") {
			t.Errorf("New(%s/%s tag %q) = %v", cfg.Owner, cfg.Name, cfg.Tag, err)
		}
	}
	noTag := good
	noTag.Tag = ""
	for _, tag := range []string{"../../../user", "..", "v1/../../x", "v1\r\nX-Evil: 1"} {
		r := f.release()
		r.Tag = tag
		_, err := f.publisher(noTag).Publish(context.Background(), r)
		if err == nil || !strings.Contains(err.Error(), "publish: release tag=") {
			t.Errorf("Release.Tag %q: %v", tag, err)
		}
	}
	if reqs := f.srv.Requests(); len(reqs) != 0 {
		t.Errorf("a refused tag or repository reached the server: %v", reqs)
	}
}

// Tags git accepts may still hold characters with a meaning in a URL ('#'
// cuts the path, '%' escapes): they are escaped, so the release looked up,
// created and uploaded to is the one of that tag, and every request stays
// on the repository's release endpoints.
func TestTagIsEscapedInPaths(t *testing.T) {
	for _, tag := range []string{"v1.26.8#evil", "v1.26.8%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fuser", "v1.26.8%23x", "release/v1.26.8"} {
		t.Run(tag, func(t *testing.T) {
			f := newFixture(t, ghfake.Options{})
			victim := f.srv.AddRelease("v1.26.8", "Go 1.26.8", false)
			_, err := f.publish(f.config(Settings{}, map[string]string{"GOMSI_TAG": tag}))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.srv.Releases("v1.26.8"); len(got) != 1 || got[0].ID != victim || len(got[0].Assets) != 0 {
				t.Errorf("the release of v1.26.8 was changed: %+v", got)
			}
			if got := f.srv.Releases(tag); len(got) != 1 || len(got[0].Assets) != 5 || got[0].Draft {
				t.Errorf("release of %q: %+v", tag, got)
			}
			for _, r := range f.srv.Requests() {
				lookup, isLookup := strings.CutPrefix(r.Path, "/api/v3/repos/acme/go-msi/releases/tags/")
				switch {
				case r.Host == "storage":
				case isLookup && lookup != tag:
					t.Errorf("looked up tag %q, want %q: %s", lookup, tag, r)
				case !strings.HasPrefix(r.Path, "/api/v3/repos/acme/go-msi/releases") && !strings.HasPrefix(r.Path, "/api/uploads/repos/acme/go-msi/releases/"):
					t.Errorf("request outside the repository's releases: %s", r)
				}
			}
		})
	}
}
