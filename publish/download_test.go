package publish

import (
	"errors"
	"strings"
	"testing"
)

// TestDownloadBase: where published assets are downloaded from, for
// github.com, GitHub Enterprise Server and GHE.com, from the same settings
// Publish reads, without a token; no repository or tag is ErrNoTarget.
func TestDownloadBase(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		repo string
		want string
		err  string
	}{
		{name: "github.com", env: map[string]string{"GOMSI_GITHUB_REPO": "acme/go-msi", "GOMSI_TAG": "v1.26.8"},
			want: "https://github.com/acme/go-msi/releases/download/v1.26.8/"},
		{name: "Actions on a tag", env: map[string]string{"GITHUB_REPOSITORY": "acme/go-msi", "GITHUB_REF": "refs/tags/go1.26.8"},
			want: "https://github.com/acme/go-msi/releases/download/go1.26.8/"},
		{name: "publish.repo", repo: "acme/go-msi", env: map[string]string{"GOMSI_TAG": "release/1#2"},
			want: "https://github.com/acme/go-msi/releases/download/release/1%232/"},
		{name: "Enterprise Server", env: map[string]string{"GOMSI_GITHUB_REPO": "acme/go-msi", "GOMSI_TAG": "v1", "GITHUB_API_URL": "https://ghe.example.com/api/v3"},
			want: "https://ghe.example.com/acme/go-msi/releases/download/v1/"},
		{name: "GHE.com", env: map[string]string{"GOMSI_GITHUB_REPO": "acme/go-msi", "GOMSI_TAG": "v1", "GITHUB_API_URL": "https://api.octo.ghe.com"},
			want: "https://octo.ghe.com/acme/go-msi/releases/download/v1/"},
		{name: "no tag", env: map[string]string{"GOMSI_GITHUB_REPO": "acme/go-msi"}, err: ErrNoTarget.Error()},
		{name: "a branch push", env: map[string]string{"GITHUB_REPOSITORY": "acme/go-msi", "GITHUB_REF": "refs/heads/main"}, err: ErrNoTarget.Error()},
		{name: "no repository", env: map[string]string{"GOMSI_TAG": "v1"}, err: ErrNoTarget.Error()},
		{name: "bad tag", env: map[string]string{"GOMSI_GITHUB_REPO": "acme/go-msi", "GOMSI_TAG": "a..b"}, err: "not a valid tag name"},
	} {
		got, err := DownloadBase(envOf(tc.env), Settings{Repo: tc.repo})
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: %q, %v; want an error saying %q", tc.name, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		case tc.err == ErrNoTarget.Error() && !errors.Is(err, ErrNoTarget):
			t.Errorf("%s: %v is not ErrNoTarget", tc.name, err)
		}
	}
}
