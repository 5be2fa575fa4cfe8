package publish

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gomsi/gomsi/internal/secret"
)

// Settings are the publish options a user writes in gomsi.yaml under
// "publish:". The yaml tags let the caller embed Settings in its own file
// schema unchanged.
type Settings struct {
	// Repo is "owner/name". GOMSI_GITHUB_REPO overrides it; GITHUB_REPOSITORY
	// (set by GitHub Actions) is used only when both are empty, because an
	// explicit setting should beat the repository the workflow happens to run in.
	Repo string `yaml:"repo"`
	// Draft keeps the release a draft. A release that is already published
	// is never turned back into a draft.
	Draft bool `yaml:"draft"`
	// Prerelease marks the release as a pre-release.
	Prerelease bool `yaml:"prerelease"`
	// Replace allows replacing an asset whose content differs from the local
	// file. Without it such a difference is an error and nothing is written.
	Replace bool `yaml:"replace"`
	// BodyTemplate is the path of a text/template (with sprig functions) that
	// replaces the embedded release notes template; see TemplateData.
	BodyTemplate string `yaml:"body_template"`
}

// Config is everything a Publisher needs. Build it with ConfigFromEnv.
type Config struct {
	Settings
	Owner, Name string        // repository, split from Settings.Repo
	Token       secret.String // GITHUB_TOKEN; never printed
	Tag         string        // release tag, e.g. v1.26.8
	APIURL      string        // GitHub Enterprise API URL; empty for github.com
	UploadURL   string        // GitHub Enterprise upload URL; empty for github.com
	DryRun      bool          // log every write instead of sending it; only GETs go out
}

// Env is what the environment says about publishing; package config
// reads it. GitHub Actions sets GITHUB_REPOSITORY, GITHUB_REF and
// GITHUB_API_URL.
type Env struct {
	Repo             string        // GOMSI_GITHUB_REPO: owner/name (beats Settings.Repo, which beats GITHUB_REPOSITORY)
	GitHubRepository string        // GITHUB_REPOSITORY: owner/name
	Token            secret.String // GITHUB_TOKEN: API token (required unless GOMSI_DRY_RUN)
	Tag              string        // GOMSI_TAG: release tag (beats GITHUB_REF)
	Ref              string        // GITHUB_REF: refs/tags/<tag> on a tag push
	APIURL           string        // GOMSI_GITHUB_API_URL: GitHub Enterprise API URL (needs GOMSI_GITHUB_UPLOAD_URL too)
	UploadURL        string        // GOMSI_GITHUB_UPLOAD_URL: GitHub Enterprise upload URL
	GitHubAPIURL     string        // GITHUB_API_URL: used when it is not github.com's and the two above are unset
	DryRun           string        // GOMSI_DRY_RUN: 1/true prints the actions and sends only GETs
}

// ConfigFromEnv combines the file settings with the environment's.
func ConfigFromEnv(e Env, s Settings) (Config, error) {
	trim := strings.TrimSpace
	c := Config{Settings: s}

	repoFrom := "GOMSI_GITHUB_REPO"
	switch {
	case trim(e.Repo) != "":
		c.Repo = trim(e.Repo)
	case strings.TrimSpace(s.Repo) != "":
		c.Repo, repoFrom = strings.TrimSpace(s.Repo), "publish.repo"
	default:
		c.Repo, repoFrom = trim(e.GitHubRepository), "GITHUB_REPOSITORY"
	}
	if c.Repo == "" {
		return Config{}, errors.New("configure publish: no repository: set GOMSI_GITHUB_REPO=owner/name or publish.repo in gomsi.yaml")
	}
	owner, name, err := splitRepo(repoFrom, c.Repo)
	if err != nil {
		return Config{}, fmt.Errorf("configure publish: %w", err)
	}
	c.Owner, c.Name = owner, name

	if v := trim(e.DryRun); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("configure publish: GOMSI_DRY_RUN=%q is not a boolean: use 1 or 0", v)
		}
		c.DryRun = b
	}

	// Tokens read from files often end in a newline; inner whitespace would
	// make an invalid header, so say so without echoing the token.
	c.Token = secret.New(trim(e.Token.Reveal()))
	if strings.ContainsFunc(c.Token.Reveal(), func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return Config{}, errors.New("configure publish: GITHUB_TOKEN contains whitespace or control characters; set it to the bare token")
	}
	if c.Token.IsEmpty() && !c.DryRun {
		return Config{}, errors.New("configure publish: GITHUB_TOKEN is not set; export a token with contents:write on the repository (in Actions: permissions: contents: write)")
	}

	tag, err := tagFromEnv(trim(e.Tag), trim(e.Ref))
	if err != nil {
		return Config{}, err
	}
	c.Tag = tag

	c.APIURL, c.UploadURL = trim(e.APIURL), trim(e.UploadURL)
	if api := strings.TrimRight(trim(e.GitHubAPIURL), "/"); c.APIURL == "" && c.UploadURL == "" && api != "" && api != "https://api.github.com" {
		// A runner of GitHub Enterprise Server or GHE.com: publish there.
		upload, err := uploadURLFor(api)
		if err != nil {
			return Config{}, err
		}
		c.APIURL, c.UploadURL = api+"/", upload
	}
	if (c.APIURL == "") != (c.UploadURL == "") {
		return Config{}, errors.New("configure publish: set both GOMSI_GITHUB_API_URL and GOMSI_GITHUB_UPLOAD_URL for GitHub Enterprise, or neither for github.com")
	}
	for _, u := range []struct{ name, val string }{{"GOMSI_GITHUB_API_URL", c.APIURL}, {"GOMSI_GITHUB_UPLOAD_URL", c.UploadURL}} {
		if err := checkServerURL(u.name, u.val); err != nil {
			return Config{}, err
		}
	}
	return c, nil
}

func tagFromEnv(tag, ref string) (string, error) {
	if tag != "" {
		if reason := checkTag(tag); reason != "" {
			return "", fmt.Errorf("configure publish: %w", badTag("GOMSI_TAG", tag, reason))
		}
		return tag, nil
	}
	if ref == "" {
		return "", errors.New("configure publish: no release tag: set GOMSI_TAG (e.g. v1.26.8), or run on a tag push so GITHUB_REF is refs/tags/<tag>")
	}
	t, ok := strings.CutPrefix(ref, "refs/tags/")
	if !ok || t == "" {
		return "", fmt.Errorf("configure publish: GITHUB_REF=%q is not a tag ref (refs/tags/<tag>); set GOMSI_TAG to the release tag", ref)
	}
	if reason := checkTag(t); reason != "" {
		return "", fmt.Errorf("configure publish: %w", badTag("GITHUB_REF", ref, reason))
	}
	return t, nil
}

// uploadURLFor derives the upload URL from the API URL GitHub Actions sets
// (GITHUB_API_URL): https://HOST/api/v3 uploads to https://HOST/api/uploads/
// (Enterprise Server), https://api.SUB.ghe.com to https://uploads.SUB.ghe.com/.
func uploadURLFor(api string) (string, error) {
	if err := checkServerURL("GITHUB_API_URL", api); err != nil {
		return "", err
	}
	u, _ := url.Parse(api)
	if host, ok := strings.CutPrefix(u.Host, "api."); ok {
		u.Host, u.Path = "uploads."+host, "/"
		return u.String(), nil
	}
	path, ok := strings.CutSuffix(strings.TrimRight(u.Path, "/"), "/api/v3")
	if !ok {
		return "", fmt.Errorf("configure publish: GITHUB_API_URL=%q is neither https://HOST/api/v3 nor https://api.HOST: set GOMSI_GITHUB_API_URL and GOMSI_GITHUB_UPLOAD_URL", api)
	}
	u.Path = path + "/api/uploads/"
	return u.String(), nil
}

func checkServerURL(name, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		// The value is not echoed: an unparsable URL may still hold a secret.
		return fmt.Errorf("configure publish: %s is not a valid URL; use e.g. https://ghe.example.com/", name)
	}
	// Credentials in a URL end up in error messages and logs; the token has
	// its own variable.
	if u.User != nil {
		return fmt.Errorf("configure publish: %s must not contain credentials; put the token in GITHUB_TOKEN", name)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("configure publish: %s=%q is not an http(s) URL, e.g. https://ghe.example.com/", name, raw)
	}
	return nil
}
