package publish

import (
	"errors"
	"net/url"
	"strings"
)

// ErrNoTarget says that the repository or the release tag is not
// configured, so where assets will be downloaded from is not known yet.
var ErrNoTarget = errors.New("no GitHub repository or release tag configured")

// DownloadBase returns the URL that the assets Publish uploads are
// downloaded from, ending in "/": https://github.com/<owner>/<name>/releases/download/<tag>/
// (on GitHub Enterprise, its web host). The repository, tag and server come
// from the environment and settings as for Publish, without the token. It
// returns ErrNoTarget when the repository or tag is not set (a GITHUB_REF
// that is not a tag counts as no tag).
func DownloadBase(getenv func(string) string, s Settings) (string, error) {
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	hasRepo := env("GOMSI_GITHUB_REPO") != "" || strings.TrimSpace(s.Repo) != "" || env("GITHUB_REPOSITORY") != ""
	hasTag := env("GOMSI_TAG") != "" || strings.HasPrefix(env("GITHUB_REF"), "refs/tags/")
	if !hasRepo || !hasTag {
		return "", ErrNoTarget
	}
	cfg, err := ConfigFromEnv(func(k string) string {
		switch k {
		case "GITHUB_TOKEN":
			return "" // not needed to name a URL, and kept out of reach
		case "GOMSI_DRY_RUN":
			return "1"
		}
		return getenv(k)
	}, s)
	if err != nil {
		return "", err
	}
	web := "https://github.com"
	if cfg.APIURL != "" {
		u, err := url.Parse(cfg.APIURL)
		if err != nil {
			return "", err
		}
		if host, ok := strings.CutPrefix(u.Host, "api."); ok { // GHE.com: api.SUB.ghe.com
			u.Host = host
		}
		u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/api/v3") // Enterprise Server: HOST/api/v3
		web = strings.TrimRight(u.String(), "/")
	}
	return web + "/" + cfg.Owner + "/" + cfg.Name + "/releases/download/" + tagPath(cfg.Tag) + "/", nil
}
