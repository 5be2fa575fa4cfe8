package publish

import (
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/secret"
)

// envOf builds the Env that package config reads from an environment
// holding the variables of m.
func envOf(m map[string]string) Env {
	return Env{Repo: m["GOMSI_GITHUB_REPO"], GitHubRepository: m["GITHUB_REPOSITORY"], Token: secret.New(m["GITHUB_TOKEN"]),
		Tag: m["GOMSI_TAG"], Ref: m["GITHUB_REF"], APIURL: m["GOMSI_GITHUB_API_URL"], UploadURL: m["GOMSI_GITHUB_UPLOAD_URL"],
		GitHubAPIURL: m["GITHUB_API_URL"], DryRun: m["GOMSI_DRY_RUN"]}
}

func TestConfigFromEnv(t *testing.T) {
	base := func() map[string]string {
		return map[string]string{"GITHUB_TOKEN": "tok", "GOMSI_TAG": "v1.26.8", "GOMSI_GITHUB_REPO": "acme/go-msi"}
	}
	for _, tc := range []struct {
		name  string
		env   map[string]string
		s     Settings
		check func(t *testing.T, c Config)
	}{
		{"env repo beats file", map[string]string{"GITHUB_REPOSITORY": "ci/repo"}, Settings{Repo: "file/repo"},
			func(t *testing.T, c Config) {
				if c.Owner != "acme" || c.Name != "go-msi" {
					t.Errorf("repo %s/%s", c.Owner, c.Name)
				}
			}},
		{"file repo beats Actions", map[string]string{"GOMSI_GITHUB_REPO": "", "GITHUB_REPOSITORY": "ci/repo"}, Settings{Repo: "file/repo"},
			func(t *testing.T, c Config) {
				if c.Repo != "file/repo" {
					t.Errorf("repo %s", c.Repo)
				}
			}},
		{"Actions repo last", map[string]string{"GOMSI_GITHUB_REPO": "", "GITHUB_REPOSITORY": "ci/repo"}, Settings{},
			func(t *testing.T, c Config) {
				if c.Owner != "ci" || c.Name != "repo" {
					t.Errorf("repo %s/%s", c.Owner, c.Name)
				}
			}},
		{"tag from GITHUB_REF", map[string]string{"GOMSI_TAG": "", "GITHUB_REF": "refs/tags/v1.2.3"}, Settings{},
			func(t *testing.T, c Config) {
				if c.Tag != "v1.2.3" {
					t.Errorf("tag %q", c.Tag)
				}
			}},
		{"GOMSI_TAG beats GITHUB_REF", map[string]string{"GITHUB_REF": "refs/heads/main"}, Settings{},
			func(t *testing.T, c Config) {
				if c.Tag != "v1.26.8" {
					t.Errorf("tag %q", c.Tag)
				}
			}},
		{"dry run without token", map[string]string{"GITHUB_TOKEN": "", "GOMSI_DRY_RUN": "true"}, Settings{},
			func(t *testing.T, c Config) {
				if !c.DryRun || !c.Token.IsEmpty() {
					t.Errorf("%+v", c)
				}
			}},
		{"token trimmed, settings kept", map[string]string{"GITHUB_TOKEN": " tok\n"}, Settings{Draft: true, Replace: true},
			func(t *testing.T, c Config) {
				if c.Token.Reveal() != "tok" || !c.Draft || !c.Replace {
					t.Errorf("%+v", c)
				}
			}},
		{"runner on github.com", map[string]string{"GITHUB_API_URL": "https://api.github.com"}, Settings{},
			func(t *testing.T, c Config) {
				if c.APIURL != "" || c.UploadURL != "" {
					t.Errorf("%+v", c)
				}
			}},
		{"runner on Enterprise Server", map[string]string{"GITHUB_API_URL": "https://ghe.example.com/api/v3"}, Settings{},
			func(t *testing.T, c Config) {
				if c.APIURL != "https://ghe.example.com/api/v3/" || c.UploadURL != "https://ghe.example.com/api/uploads/" {
					t.Errorf("%+v", c)
				}
			}},
		{"runner on GHE.com", map[string]string{"GITHUB_API_URL": "https://api.octocorp.ghe.com"}, Settings{},
			func(t *testing.T, c Config) {
				if c.APIURL != "https://api.octocorp.ghe.com/" || c.UploadURL != "https://uploads.octocorp.ghe.com/" {
					t.Errorf("%+v", c)
				}
			}},
		{"GOMSI_ URLs beat the runner's", map[string]string{"GITHUB_API_URL": "https://ghe.example.com/api/v3", "GOMSI_GITHUB_API_URL": "https://proxy.example.com/", "GOMSI_GITHUB_UPLOAD_URL": "https://proxy.example.com/"}, Settings{},
			func(t *testing.T, c Config) {
				if c.APIURL != "https://proxy.example.com/" || c.UploadURL != "https://proxy.example.com/" {
					t.Errorf("%+v", c)
				}
			}},
		{"enterprise", map[string]string{"GOMSI_GITHUB_API_URL": "https://ghe.example.com/", "GOMSI_GITHUB_UPLOAD_URL": "https://ghe.example.com/"}, Settings{},
			func(t *testing.T, c Config) {
				if c.APIURL != "https://ghe.example.com/" || c.UploadURL != "https://ghe.example.com/" {
					t.Errorf("%+v", c)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := base()
			for k, v := range tc.env {
				env[k] = v
			}
			c, err := ConfigFromEnv(envOf(env), tc.s)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func TestConfigFromEnvErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no repo", map[string]string{"GOMSI_GITHUB_REPO": ""}, "set GOMSI_GITHUB_REPO=owner/name"},
		{"bad repo", map[string]string{"GOMSI_GITHUB_REPO": "just-a-name"}, `"just-a-name" is not owner/name`},
		{"no token", map[string]string{"GITHUB_TOKEN": ""}, "GITHUB_TOKEN is not set"},
		{"branch ref", map[string]string{"GOMSI_TAG": "", "GITHUB_REF": "refs/heads/main"}, "set GOMSI_TAG"},
		{"no tag", map[string]string{"GOMSI_TAG": ""}, "set GOMSI_TAG"},
		{"ref as tag", map[string]string{"GOMSI_TAG": "refs/tags/v1"}, "use the bare name"},
		{"dry run value", map[string]string{"GOMSI_DRY_RUN": "maybe"}, `GOMSI_DRY_RUN="maybe" is not a boolean`},
		{"one URL", map[string]string{"GOMSI_GITHUB_API_URL": "https://ghe/"}, "set both"},
		{"runner API URL of another shape", map[string]string{"GITHUB_API_URL": "https://ghe.example.com/rest"}, `GITHUB_API_URL="https://ghe.example.com/rest" is neither https://HOST/api/v3 nor https://api.HOST`},
		{"ftp", map[string]string{"GOMSI_GITHUB_API_URL": "ftp://ghe/", "GOMSI_GITHUB_UPLOAD_URL": "https://ghe/"}, "is not an http(s) URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"GITHUB_TOKEN": "tok", "GOMSI_TAG": "v1", "GOMSI_GITHUB_REPO": "a/b"}
			for k, v := range tc.env {
				env[k] = v
			}
			_, err := ConfigFromEnv(envOf(env), Settings{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// Configuration errors about secrets say what is wrong without repeating them.
func TestConfigErrorsDoNotEchoSecrets(t *testing.T) {
	const secret = "ghp_abcSECRETdef"
	for _, env := range []map[string]string{
		{"GITHUB_TOKEN": "ghp_abc SECRETdef"},
		{"GITHUB_TOKEN": secret, "GOMSI_GITHUB_API_URL": "https://x:" + secret + "@ghe/", "GOMSI_GITHUB_UPLOAD_URL": "https://ghe/"},
		{"GITHUB_TOKEN": secret, "GOMSI_GITHUB_API_URL": "https://ghe/", "GOMSI_GITHUB_UPLOAD_URL": "ht tp://x:" + secret + "@ghe/%zz"},
	} {
		env["GOMSI_TAG"], env["GOMSI_GITHUB_REPO"] = "v1", "a/b"
		_, err := ConfigFromEnv(envOf(env), Settings{})
		if err == nil {
			t.Fatalf("accepted %v", env)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("error repeats the secret: %v", err)
		}
	}
}
