package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/google/go-github/v58/github"
)

// remoteAsset is a release asset as the API returns it. go-github v58 lacks
// the digest field GitHub added in June 2025 ("sha256:<hex>"), so it is
// decoded here; GitHub Enterprise Server and older assets leave it empty.
type remoteAsset struct {
	github.ReleaseAsset
	Digest string `json:"digest,omitempty"`
}

// findRelease returns the release for the tag, or nil if there is none.
// The get-by-tag endpoint does not show drafts (a draft's tag may not exist
// yet), so the release list is searched for a draft before giving up;
// otherwise every run of a draft release would create another draft.
func (p *Publisher) findRelease(ctx context.Context, tag string) (*github.RepositoryRelease, error) {
	var rel *github.RepositoryRelease
	resp, err := p.call(ctx, func() (resp *github.Response, err error) {
		rel, resp, err = p.gh.Repositories.GetReleaseByTag(ctx, p.cfg.Owner, p.cfg.Name, tagPath(tag))
		return resp, err
	})
	if err == nil {
		return rel, nil
	}
	if resp == nil || resp.StatusCode != http.StatusNotFound {
		return nil, fmt.Errorf("get release %s of %s: %w", tag, p.cfg.Repo, err)
	}
	opts := &github.ListOptions{PerPage: p.perPage}
	for {
		var rels []*github.RepositoryRelease
		resp, err := p.call(ctx, func() (resp *github.Response, err error) {
			rels, resp, err = p.gh.Repositories.ListReleases(ctx, p.cfg.Owner, p.cfg.Name, opts)
			return resp, err
		})
		if err != nil {
			if resp != nil && resp.StatusCode == http.StatusNotFound {
				return nil, fmt.Errorf("list releases of %s: %w (check the repository name and that the token can read it)", p.cfg.Repo, err)
			}
			return nil, fmt.Errorf("list releases of %s: %w", p.cfg.Repo, err)
		}
		for _, r := range rels {
			if r.GetTagName() == tag && r.GetDraft() {
				return r, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

// createRelease makes the release; created is false when a release for the
// tag turned out to exist already and that one is returned.
func (p *Publisher) createRelease(ctx context.Context, want *github.RepositoryRelease) (rel *github.RepositoryRelease, created bool, err error) {
	_, err = p.call(ctx, func() (resp *github.Response, err error) {
		rel, resp, err = p.gh.Repositories.CreateRelease(ctx, p.cfg.Owner, p.cfg.Name, want)
		return resp, err
	})
	if err == nil {
		return rel, true, nil
	}
	// A concurrent run, or a create retried after a 5xx that had in fact
	// succeeded, already made it: use that one.
	if isValidation(err, "already_exists") {
		if found, ferr := p.findRelease(ctx, want.GetTagName()); ferr == nil && found != nil {
			return found, false, nil
		}
	}
	return nil, false, fmt.Errorf("create release %s in %s: %w", want.GetTagName(), p.cfg.Repo, err)
}

func (p *Publisher) editRelease(ctx context.Context, id int64, change *github.RepositoryRelease) (*github.RepositoryRelease, error) {
	var rel *github.RepositoryRelease
	_, err := p.call(ctx, func() (resp *github.Response, err error) {
		rel, resp, err = p.gh.Repositories.EditRelease(ctx, p.cfg.Owner, p.cfg.Name, id, change)
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("update release %d in %s: %w", id, p.cfg.Repo, err)
	}
	return rel, nil
}

// listAssets pages through the release's assets via the Link header.
func (p *Publisher) listAssets(ctx context.Context, releaseID int64) ([]*remoteAsset, error) {
	var all []*remoteAsset
	for page := 1; page != 0; {
		u := fmt.Sprintf("repos/%s/%s/releases/%d/assets?per_page=%d&page=%d", p.cfg.Owner, p.cfg.Name, releaseID, p.perPage, page)
		var batch []*remoteAsset
		resp, err := p.call(ctx, func() (*github.Response, error) {
			req, err := p.gh.NewRequest(http.MethodGet, u, nil)
			if err != nil {
				return nil, err
			}
			batch = nil
			return p.gh.Do(ctx, req, &batch)
		})
		if err != nil {
			return nil, fmt.Errorf("list assets of release %d in %s: %w", releaseID, p.cfg.Repo, err)
		}
		all = append(all, batch...)
		page = resp.NextPage
	}
	return all, nil
}

// downloadSum streams an asset through SHA-256 without keeping it. The
// API answers with a redirect to the storage host, which the transport
// reaches without the token.
func (p *Publisher) downloadSum(ctx context.Context, id int64) (string, error) {
	u := fmt.Sprintf("repos/%s/%s/releases/assets/%d", p.cfg.Owner, p.cfg.Name, id)
	var sum string
	_, err := p.call(ctx, func() (*github.Response, error) {
		req, err := p.gh.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/octet-stream")
		resp, err := p.gh.BareDo(ctx, req)
		if err != nil {
			return resp, err
		}
		defer resp.Body.Close()
		h := sha256.New()
		if _, err := io.Copy(h, resp.Body); err != nil {
			return resp, err
		}
		sum = hex.EncodeToString(h.Sum(nil))
		return resp, nil
	})
	if err != nil {
		return "", fmt.Errorf("download asset %d of %s to compare it: %w", id, p.cfg.Repo, err)
	}
	return sum, nil
}

// upload streams f from disk to the release. Each try reopens the file, so
// a retry after a 5xx sends the whole file again without holding it in memory.
func (p *Publisher) upload(ctx context.Context, releaseID int64, f file) (*remoteAsset, error) {
	u := fmt.Sprintf("repos/%s/%s/releases/%d/assets?name=%s", p.cfg.Owner, p.cfg.Name, releaseID, url.QueryEscape(f.name))
	var a remoteAsset
	_, err := p.call(ctx, func() (*github.Response, error) {
		fh, err := openSized(f)
		if err != nil {
			return nil, err
		}
		defer fh.Close() // the transport closes it too once sent; a second Close is harmless
		req, err := p.gh.NewUploadRequest(u, fh, f.size, f.mediaType)
		if err != nil {
			return nil, err
		}
		req.GetBody = func() (io.ReadCloser, error) { return openSized(f) }
		a = remoteAsset{}
		return p.gh.Do(ctx, req, &a)
	})
	if err != nil {
		return nil, fmt.Errorf("upload %s to release %d of %s: %w", f.name, releaseID, p.cfg.Repo, err)
	}
	if a.GetSize() != int(f.size) || (a.Digest != "" && !strings.EqualFold(a.Digest, "sha256:"+f.sha256)) {
		return nil, fmt.Errorf("upload %s: GitHub stored %d bytes (%s) but the file hashed to %d bytes (sha256:%s); did it change during the upload?",
			f.name, a.GetSize(), a.Digest, f.size, f.sha256)
	}
	return &a, nil
}

// openSized opens f and fails if it no longer has the size it was hashed
// at, since the declared Content-Length would then be wrong.
func openSized(f file) (*os.File, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	if st.Size() != f.size {
		fh.Close()
		return nil, fmt.Errorf("%s changed size since it was hashed (%d -> %d bytes)", f.path, f.size, st.Size())
	}
	return fh, nil
}

func (p *Publisher) deleteAsset(ctx context.Context, a *remoteAsset) error {
	_, err := p.call(ctx, func() (*github.Response, error) {
		return p.gh.Repositories.DeleteReleaseAsset(ctx, p.cfg.Owner, p.cfg.Name, a.GetID())
	})
	if err != nil {
		return fmt.Errorf("delete asset %s (%d) of %s: %w", a.GetName(), a.GetID(), p.cfg.Repo, err)
	}
	return nil
}

// isValidation reports a 422 whose errors carry the given code.
func isValidation(err error, code string) bool {
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusUnprocessableEntity {
		return false
	}
	for _, e := range er.Errors {
		if e.Code == code {
			return true
		}
	}
	return false
}
