package publish

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-github/v58/github"

	"github.com/gomsi/gomsi/product"
)

// Release is what to publish.
type Release struct {
	Tag       string   // optional; must match Config.Tag when both are set
	GoVersion string   // e.g. 1.26.8, for the notes
	Arches    []string // e.g. amd64, arm64, for the notes
	Assets    []string // paths of the MSIs and what is built beside them: setup exes, .intunewin, .deploy.json (MSIs first: the notes' example uses the first)
	Fixes     []string // gomsi's fixes over the official installer, for the notes
}

// Result says what Publish did (in a dry run: would do).
type Result struct {
	URL       string   // the release page; empty when a dry run would create it
	Created   bool     // the release was created
	Updated   bool     // title, body, draft or prerelease flag changed
	Uploaded  []string // asset names uploaded, replacements included
	Replaced  []string // asset names whose differing old asset was deleted first
	Unchanged []string // asset names already on the release with the same content
	DryRun    bool
}

// Publish writes <msi>.sha256 beside each MSI and SHA256SUMS beside the
// first one, finds or creates the release for the tag, and uploads what is
// missing. It never deletes an asset whose name is not one of the files it
// publishes; a same-named asset with different content is replaced only when
// Settings.Replace is set, and otherwise nothing is sent at all.
func (p *Publisher) Publish(ctx context.Context, r Release) (Result, error) {
	res, err := p.publish(ctx, r)
	return res, p.redact(err)
}

func (p *Publisher) publish(ctx context.Context, r Release) (Result, error) {
	res := Result{DryRun: p.cfg.DryRun}
	tag := r.Tag
	switch {
	case tag == "":
		tag = p.cfg.Tag
	case p.cfg.Tag != "" && p.cfg.Tag != tag:
		return res, fmt.Errorf("publish: release tag %q differs from the configured tag %q (GOMSI_TAG/GITHUB_REF)", tag, p.cfg.Tag)
	}
	if tag == "" {
		return res, fmt.Errorf("publish: no release tag: set GOMSI_TAG")
	}
	if reason := checkTag(tag); reason != "" {
		return res, fmt.Errorf("publish: %w", badTag("release tag", tag, reason))
	}

	files, msis, err := p.prepareFiles(r.Assets)
	if err != nil {
		return res, err
	}
	data := TemplateData{
		Tag: tag, Repo: p.cfg.Repo, GoVersion: r.GoVersion, Arches: r.Arches,
		SumsName: SumsName, Fixes: r.Fixes, Draft: p.cfg.Draft, Prerelease: p.cfg.Prerelease,
	}
	for _, m := range msis {
		data.Assets = append(data.Assets, AssetInfo{Name: m.name, Size: m.size, SHA256: m.sha256})
	}
	name, body, err := p.notes.render(data)
	if err != nil {
		return res, fmt.Errorf("publish: %w", err)
	}

	rel, err := p.findRelease(ctx, tag)
	if err != nil {
		return res, fmt.Errorf("publish: %w", err)
	}
	if rel == nil {
		return p.publishNew(ctx, tag, name, body, files)
	}
	return p.publishExisting(ctx, rel, name, body, files)
}

// prepareFiles checks and hashes the MSIs and makes their checksum files.
// The list is in upload order: MSIs, their .sha256 files, then SHA256SUMS,
// so whoever sees a checksum file can already download what it lists.
func (p *Publisher) prepareFiles(paths []string) (all, msis []file, err error) {
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("publish: no MSIs to publish; build them first (mage msi)")
	}
	seen := map[string]string{}
	for _, path := range paths {
		base := filepath.Base(path)
		mediaType, ok := assetTypes[strings.ToLower(filepath.Ext(base))]
		if !ok {
			return nil, nil, fmt.Errorf("publish: %s is not an .msi, a setup .exe, an .intunewin or a .deploy.json; pass only those, checksum files are made here", path)
		}
		if !safeAssetName(base) {
			return nil, nil, fmt.Errorf("publish: %s: GitHub would rename an asset called %q (it allows letters, digits, '.', '-', '_', '+' and no leading or trailing '.'); rename the file", path, base)
		}
		if prev, dup := seen[base]; dup {
			return nil, nil, fmt.Errorf("publish: %s and %s would both be release asset %q; rename one", prev, path, base)
		}
		seen[base] = path
		st, err := os.Stat(path)
		if err != nil {
			return nil, nil, fmt.Errorf("publish: %w", err)
		}
		if !st.Mode().IsRegular() || st.Size() == 0 {
			return nil, nil, fmt.Errorf("publish: %s is not a non-empty regular file", path)
		}
		sum, size, err := product.HashFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("publish: %w", err)
		}
		msis = append(msis, file{name: base, path: path, size: size, sha256: sum, mediaType: mediaType})
	}

	all = append(all, msis...)
	for _, m := range msis {
		all = append(all, generated(product.ChecksumName(m.path), []byte(product.ChecksumLine(m.sha256, m.name))))
	}
	all = append(all, generated(filepath.Join(filepath.Dir(paths[0]), SumsName), sumsContent(msis)))
	return all, msis, p.writeChecksums(all[len(msis):])
}

// assetTypes are the media types of what may be published: MSIs and the
// setup exes, Intune packages and deployment-facts files built beside them.
var assetTypes = map[string]string{
	".msi":       "application/x-msi",
	".exe":       "application/vnd.microsoft.portable-executable",
	".intunewin": "application/octet-stream",
	".json":      "application/json",
}

// writeChecksums puts the checksum files on disk (a stale one, say from
// before signing, is rewritten); a dry run only says which it would write.
func (p *Publisher) writeChecksums(sums []file) error {
	for _, f := range sums {
		if p.cfg.DryRun {
			if old, err := os.ReadFile(f.path); err != nil || string(old) != string(f.content) {
				p.logf("would write %s", f.path)
			}
			continue
		}
		changed, err := writeAtomic(f.path, f.content)
		if err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		if changed {
			p.logf("wrote %s", f.path)
		}
	}
	return nil
}

func (p *Publisher) publishNew(ctx context.Context, tag, name, body string, files []file) (Result, error) {
	res := Result{DryRun: p.cfg.DryRun, Created: true}
	kind := "draft"
	if !p.cfg.Draft {
		kind = "draft, published once its assets are up"
	}
	if p.cfg.DryRun {
		p.logf("would create release %s %q in %s (%s)", tag, name, p.cfg.Repo, kind)
		for _, f := range files {
			p.logf("would upload %s (%d bytes, sha256 %s)", f.name, f.size, f.sha256)
			res.Uploaded = append(res.Uploaded, f.name)
		}
		if !p.cfg.Draft {
			p.logf("would publish release %s", tag)
		}
		return res, nil
	}
	// Created as a draft even when it should end up public: nobody sees or
	// gets notified of a release missing assets, and repositories with
	// immutable releases only accept assets before publication.
	rel, created, err := p.createRelease(ctx, &github.RepositoryRelease{
		TagName: github.String(tag), Name: github.String(name), Body: github.String(body),
		Draft: github.Bool(true), Prerelease: github.Bool(p.cfg.Prerelease),
	})
	if err != nil {
		return res, fmt.Errorf("publish: %w", err)
	}
	if !created {
		// Someone else made it between our lookup and our create.
		return p.publishExisting(ctx, rel, name, body, files)
	}
	p.logf("created draft release %s (id %d) in %s", tag, rel.GetID(), p.cfg.Repo)
	return p.sync(ctx, rel, nil, name, body, files, res)
}

func (p *Publisher) publishExisting(ctx context.Context, rel *github.RepositoryRelease, name, body string, files []file) (Result, error) {
	res := Result{DryRun: p.cfg.DryRun, URL: rel.GetHTMLURL()}
	state := "published"
	if rel.GetDraft() {
		state = "draft"
	}
	p.logf("found %s release %s (id %d) in %s", state, rel.GetTagName(), rel.GetID(), p.cfg.Repo)
	if !rel.GetDraft() && p.cfg.Draft {
		p.logf("release %s is already published; publish.draft does not unpublish it", rel.GetTagName())
	}
	existing, err := p.listAssets(ctx, rel.GetID())
	if err != nil {
		return res, fmt.Errorf("publish: %w", err)
	}
	return p.sync(ctx, rel, existing, name, body, files, res)
}

// safeAssetName reports whether GitHub keeps the name as given. It renames
// others, after which no later run would find the asset under its name.
func safeAssetName(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-+", r)) {
			return false
		}
	}
	return true
}
