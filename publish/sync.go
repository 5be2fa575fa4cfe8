package publish

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v58/github"
)

type action int

const (
	keep    action = iota // the same content is already on the release
	add                   // no asset of that name yet
	replace               // content differs and publish.replace allows replacing it
	redo                  // an earlier upload never completed (state "starter")
)

type step struct {
	f   file
	act action
	old *remoteAsset
}

// plan decides what to do with each file. Content is compared by size, then
// by the SHA-256 digest GitHub reports for the asset, and only when that is
// missing (GitHub Enterprise Server, assets older than June 2025) by
// downloading the asset through a hasher. Recording the hash in the asset
// label was rejected: the label replaces the file name in the web page and
// anyone with write access can edit it, so it proves nothing.
func (p *Publisher) plan(ctx context.Context, existing []*remoteAsset, files []file) ([]step, error) {
	byName := make(map[string]*remoteAsset, len(existing))
	for _, a := range existing {
		byName[a.GetName()] = a
	}
	var steps []step
	var conflicts []string
	for _, f := range files {
		a := byName[f.name]
		switch {
		case a == nil:
			steps = append(steps, step{f: f, act: add})
		case a.GetState() != "uploaded":
			steps = append(steps, step{f: f, act: redo, old: a})
		default:
			same, remote, err := p.compare(ctx, a, f)
			if err != nil {
				return nil, err
			}
			switch {
			case same:
				steps = append(steps, step{f: f, act: keep, old: a})
			case p.cfg.Replace:
				steps = append(steps, step{f: f, act: replace, old: a})
			default:
				conflicts = append(conflicts, fmt.Sprintf("%s: release has %s, %s has %d bytes, sha256 %s", f.name, remote, f.path, f.size, f.sha256))
			}
		}
	}
	if len(conflicts) > 0 {
		return nil, fmt.Errorf("publish: %d asset(s) on the release differ from the local files and publish.replace is off, so nothing was changed; "+
			"set publish.replace: true to replace them or build the same files again:\n  %s", len(conflicts), strings.Join(conflicts, "\n  "))
	}
	return steps, nil
}

// compare says whether asset a holds f's content, and describes a.
func (p *Publisher) compare(ctx context.Context, a *remoteAsset, f file) (bool, string, error) {
	if int64(a.GetSize()) != f.size {
		return false, fmt.Sprintf("%d bytes", a.GetSize()), nil
	}
	if d, ok := strings.CutPrefix(a.Digest, "sha256:"); ok {
		return strings.EqualFold(d, f.sha256), "sha256 " + d, nil
	}
	sum, err := p.downloadSum(ctx, a.GetID())
	if err != nil {
		return false, "", fmt.Errorf("publish: %w", err)
	}
	return sum == f.sha256, "sha256 " + sum + " (downloaded)", nil
}

// sync brings the release's assets and metadata in line with the plan.
func (p *Publisher) sync(ctx context.Context, rel *github.RepositoryRelease, existing []*remoteAsset, name, body string, files []file, res Result) (Result, error) {
	steps, err := p.plan(ctx, existing, files)
	if err != nil {
		return res, err
	}
	change, what := p.releaseChange(rel, name, body)
	for _, s := range steps {
		f := s.f
		switch s.act {
		case keep:
			p.logf("%s is already on the release with the same content", f.name)
			res.Unchanged = append(res.Unchanged, f.name)
			continue
		case replace, redo:
			why := "its content differs"
			if s.act == redo {
				why = "an earlier upload did not complete"
			}
			p.logf("%s asset %s (%s)", p.verb("delete"), f.name, why)
			if !p.cfg.DryRun {
				if err := p.deleteAsset(ctx, s.old); err != nil {
					return res, fmt.Errorf("publish: %w", err)
				}
			}
			if s.act == replace {
				res.Replaced = append(res.Replaced, f.name)
			}
		}
		p.logf("%s %s (%d bytes, sha256 %s)", p.verb("upload"), f.name, f.size, f.sha256)
		if !p.cfg.DryRun {
			if err := p.put(ctx, rel.GetID(), f); err != nil {
				return res, err
			}
		}
		res.Uploaded = append(res.Uploaded, f.name)
	}
	if change != nil {
		p.logf("%s release %s: %s", p.verb("update"), rel.GetTagName(), what)
		res.Updated = true
		if !p.cfg.DryRun {
			if rel, err = p.editRelease(ctx, rel.GetID(), change); err != nil {
				return res, fmt.Errorf("publish: %w", err)
			}
		}
	}
	res.URL = rel.GetHTMLURL()
	return res, nil
}

// put uploads f, coping with an asset of that name appearing after the
// listing: GitHub answers 422 already_exists when an upload retried after a
// 5xx had in fact arrived, or when a failed upload left a "starter" asset.
func (p *Publisher) put(ctx context.Context, releaseID int64, f file) error {
	_, err := p.upload(ctx, releaseID, f)
	if err == nil || !isValidation(err, "already_exists") {
		return wrapPublish(err)
	}
	assets, lerr := p.listAssets(ctx, releaseID)
	if lerr != nil {
		return fmt.Errorf("publish: %w (after: %v)", lerr, err)
	}
	for _, a := range assets {
		if a.GetName() != f.name {
			continue
		}
		if a.GetState() == "uploaded" {
			same, remote, cerr := p.compare(ctx, a, f)
			if cerr != nil {
				return cerr
			}
			if same {
				p.logf("%s arrived on the release meanwhile with the same content", f.name)
				return nil
			}
			if !p.cfg.Replace {
				return fmt.Errorf("publish: %s appeared on the release meanwhile with different content (%s); set publish.replace: true to replace it", f.name, remote)
			}
		}
		p.logf("delete asset %s (left over or changed meanwhile) and upload it again", f.name)
		if err := p.deleteAsset(ctx, a); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		_, err := p.upload(ctx, releaseID, f)
		return wrapPublish(err)
	}
	return wrapPublish(err)
}

// verb is "would delete" in a dry run and "deleting" otherwise.
func (p *Publisher) verb(v string) string {
	if p.cfg.DryRun {
		return "would " + v
	}
	return strings.TrimSuffix(v, "e") + "ing"
}

func wrapPublish(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("publish: %w", err)
}

// releaseChange returns the edit that brings rel in line, or nil. A draft is
// published when publish.draft is off, but a published release is never
// turned back into a draft.
func (p *Publisher) releaseChange(rel *github.RepositoryRelease, name, body string) (*github.RepositoryRelease, string) {
	var c github.RepositoryRelease
	var what []string
	if rel.GetName() != name {
		c.Name = github.String(name)
		what = append(what, "title")
	}
	if normalizeBody(rel.GetBody()) != body {
		c.Body = github.String(body)
		what = append(what, "body")
	}
	if rel.GetPrerelease() != p.cfg.Prerelease {
		c.Prerelease = github.Bool(p.cfg.Prerelease)
		what = append(what, fmt.Sprintf("prerelease=%t", p.cfg.Prerelease))
	}
	if rel.GetDraft() && !p.cfg.Draft {
		c.Draft = github.Bool(false)
		what = append(what, "publish the draft")
	}
	if len(what) == 0 {
		return nil, ""
	}
	return &c, strings.Join(what, ", ")
}
