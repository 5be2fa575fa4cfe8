package publish

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gomsi/gomsi/internal/secret"
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
func DownloadBase(e Env, s Settings) (string, error) {
	trim := strings.TrimSpace
	hasRepo := trim(e.Repo) != "" || trim(s.Repo) != "" || trim(e.GitHubRepository) != ""
	hasTag := trim(e.Tag) != "" || strings.HasPrefix(trim(e.Ref), "refs/tags/")
	if !hasRepo || !hasTag {
		return "", ErrNoTarget
	}
	e.Token = secret.String{} // not needed to name a URL, and kept out of reach
	e.DryRun = "1"
	cfg, err := ConfigFromEnv(e, s)
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
