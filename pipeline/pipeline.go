// Package pipeline runs gomsi's stages in order for every configured arch:
// open the distribution, harvest it, render WiX source, compile the MSI and
// write its checksum. The mage targets are thin wrappers around it.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/dist"
	"github.com/gomsi/gomsi/fetch"
	"github.com/gomsi/gomsi/harvest"
	"github.com/gomsi/gomsi/product"
	"github.com/gomsi/gomsi/sign"
	"github.com/gomsi/gomsi/templates"
	"github.com/gomsi/gomsi/wix"
	"golang.org/x/sync/errgroup"
)

// Pipeline holds the settings and the injected dependencies of a run.
type Pipeline struct {
	Config   config.Config // gomsi.yaml and the environment, as config.Load read them
	Log      io.Writer     // progress lines; io.Discard for silence
	Runner   wix.Runner    // runs external tools; wix.ExecRunner by default
	Toolsets []wix.Toolset // candidates in order of preference; all known ones by default

	signerMu  sync.Mutex // Signer is called from the builds finished side by side
	signer    *sign.Signer
	signerErr error
	hold      outHold    // the out folder's lock while a stage runs
	logMu     sync.Mutex // stages finishing side by side log whole lines
}

// Build is one installer: a distribution for one arch and what came of it.
type Build struct {
	Dist    *dist.Dist
	Product product.Product
	Tree    *harvest.Tree
	Plan    templates.InstallerData // what the installer does on the target, for the toolset's dialect
	Sources []string                // rendered .wxs files, from Plan
	MSI     string                  // the compiled package
	Setup   string                  // <msi>-setup.exe beside it; "" with setup: false
	SHA256  string
}

func (p *Pipeline) logf(format string, args ...any) {
	if p.Log != nil {
		line := fmt.Sprintf("gomsi: "+format+"\n", args...)
		p.logMu.Lock()
		defer p.logMu.Unlock()
		io.WriteString(p.Log, line)
	}
}

// Fetch gets the distribution of every configured version and arch, from
// a download source (verified and cached) or a local zip or folder, and
// opens it, extracting zips under <out>/dist.
func (p *Pipeline) Fetch(ctx context.Context) ([]*Build, error) {
	release, err := p.Hold(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	cfg := p.Config
	src, err := fetch.ParseSource(cfg.Source, cfg.Env.Fetch.GOPROXY)
	if err != nil {
		return nil, err
	}
	if src.Kind == fetch.SourceLocal {
		return p.openLocal(ctx)
	}
	opts, err := fetch.NewOptions(cfg.Source, cfg.Env.Fetch)
	if err != nil {
		return nil, err
	}
	opts.Log = p.Log
	opts.Pins = cfg.Pins
	fetch.SweepCache(opts.CacheDir) // what killed downloads left
	f, err := fetch.New(opts)
	if err != nil {
		return nil, err
	}
	releases, err := f.Resolve(ctx, cfg.GoVersion, cfg.Arch)
	if err != nil {
		return nil, err
	}
	var builds []*Build
	for _, rel := range releases {
		for _, arch := range cfg.Arch {
			fetched, err := f.Fetch(ctx, rel.Version, arch)
			if err != nil {
				return nil, err
			}
			b, err := p.open(ctx, fetched.Path, dist.Options{Arch: arch, Prefix: fetched.Prefix, ModuleZip: fetched.Layout == fetch.LayoutModule})
			if err != nil {
				return nil, err
			}
			if got := b.Dist.Version.String(); got != fetched.Version {
				return nil, fmt.Errorf("fetch %s: its VERSION file says %s, not %s: the source serves a mislabelled file", fetched.Path, got, fetched.Version)
			}
			builds = append(builds, b)
		}
	}
	return builds, nil
}

// openLocal opens a local zip or folder; it holds one arch.
func (p *Pipeline) openLocal(ctx context.Context) ([]*Build, error) {
	cfg := p.Config
	if len(cfg.Arch) > 1 {
		return nil, fmt.Errorf("fetch: GOMSI_SOURCE %s is one distribution but %d arches were asked for (GOMSI_ARCH=%s): build one arch per local source", cfg.Source, len(cfg.Arch), joinList(cfg.Arch))
	}
	b, err := p.open(ctx, cfg.Source, dist.Options{Arch: cfg.Arch[0], Version: cfg.GoVersion})
	if err != nil {
		return nil, err
	}
	return []*Build{b}, nil
}

func (p *Pipeline) open(ctx context.Context, src string, opts dist.Options) (*Build, error) {
	start := time.Now()
	opts.WorkDir = filepath.Join(p.Config.Out, "dist")
	limits, err := p.Config.Env.Extract.Limits()
	if err != nil {
		return nil, err
	}
	opts.Limits = limits
	d, err := dist.Open(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	how := "opened"
	if d.Reused {
		how = "reused the tree extracted earlier from the same zip:"
	}
	p.logf("%s %s for windows/%s at %s (%s)", how, d.Version, d.Arch, d.Root, since(start))
	prod, err := product.New(d.Version.String(), d.Arch, p.Config.UpgradeCode(d.Arch))
	if err != nil {
		return nil, err
	}
	return &Build{Dist: d, Product: prod}, nil
}

// Harvest fetches and harvests every distribution.
func (p *Pipeline) Harvest(ctx context.Context) ([]*Build, error) {
	release, err := p.Hold(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	builds, err := p.Fetch(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.signBinaries(ctx, builds); err != nil {
		return nil, err
	}
	for _, b := range builds {
		start := time.Now()
		b.Tree, err = harvest.Harvest(os.DirFS(b.Dist.Root), harvest.Options{Exclude: p.Config.Exclude, GUIDScope: p.guidScope(b)})
		if err != nil {
			return nil, fmt.Errorf("harvest %s: %w", b.Dist.Root, err)
		}
		p.logf("harvested %d files in %d components (%s)", b.Tree.Files, len(b.Tree.Components), since(start))
		var paths []string // what the package installs: files, and folders ending in "/"
		for _, c := range b.Tree.Components {
			paths = append(paths, c.Dir.Path+"/")
			if c.File != nil {
				paths = append(paths, c.File.Source)
			}
		}
		check := dist.CheckInstallPaths(paths, b.Dist.Arch, p.Config.InstallScope() == config.PerUser)
		if check.Err != nil {
			return nil, fmt.Errorf("harvest %s: %w", b.Dist.Root, check.Err)
		}
		if check.Warning != "" {
			p.logf("warning: %s", check.Warning)
		}
	}
	return builds, nil
}

// WXS harvests and renders the WiX sources of every build under <out>/wxs.
func (p *Pipeline) WXS(ctx context.Context) ([]*Build, wix.Toolset, error) {
	release, err := p.Hold(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer release()
	toolset, err := p.toolset(ctx)
	if err != nil {
		return nil, nil, err
	}
	builds, err := p.Harvest(ctx)
	if err != nil {
		return nil, nil, err
	}
	r, err := templates.New(toolset.Dialect(), p.Config.Templates)
	if err != nil {
		return nil, nil, err
	}
	for _, b := range builds {
		dir := p.sourcesDir(b)
		if b.Plan, err = p.installerPlan(b, toolset.Dialect()); err != nil {
			return nil, nil, err
		}
		if b.Sources, err = p.render(r, b, dir); err != nil {
			return nil, nil, err
		}
		p.logf("rendered %d WiX sources in %s for %s", len(b.Sources), dir, toolset.Name())
	}
	return builds, toolset, nil
}

// render writes the WiX sources of a harvested and planned build into dir
// and returns their paths.
func (p *Pipeline) render(r *templates.Renderer, b *Build, dir string) ([]string, error) {
	return r.WriteFiles(templates.Data{
		Product:   b.Product,
		Tree:      b.Tree,
		Comments:  fmt.Sprintf("%s for windows/%s, packaged by gomsi", b.Product.GoVersion, b.Product.Arch.GOARCH),
		Installer: b.Plan,
	}, dir)
}

// MSI builds every configured installer, then what is made from them:
// .sha256 files, setup exes and deployment files (finish).
func (p *Pipeline) MSI(ctx context.Context) ([]*Build, error) {
	release, err := p.Hold(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	builds, toolset, err := p.WXS(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range builds {
		start := time.Now()
		b.MSI = filepath.Join(p.Config.Out, b.Product.MSIName())
		job, err := absJob(wix.Job{Sources: b.Sources, SourceDir: b.Dist.Root, Arch: b.Product.Arch, Out: b.MSI, Plan: &b.Plan, UpgradeCode: b.Product.UpgradeCode})
		if err != nil {
			return nil, err
		}
		if err := toolset.Build(ctx, job); err != nil {
			return nil, err
		}
		if s, err := p.Signer(ctx); err != nil {
			return nil, err
		} else if s != nil {
			if err := p.signMSI(ctx, s, b.MSI); err != nil {
				return nil, err
			}
		}
		p.logf("built %s with %s (%s)", b.MSI, toolset.Name(), since(start))
	}
	if err := p.finish(ctx, builds); err != nil {
		return nil, err
	}
	return builds, nil
}

// finish writes what is made from the finished MSIs: each one's checksum
// and setup exe, and the deployment files. They only read the MSIs, so
// they are made side by side: a compiler uses every core, these mostly one.
func (p *Pipeline) finish(ctx context.Context, builds []*Build) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(runtime.GOMAXPROCS(0), 2))
	var msis []string
	for _, b := range builds {
		msis = append(msis, b.MSI)
		g.Go(func() (err error) {
			if b.SHA256, err = writeChecksum(b.MSI); err == nil {
				p.logf("wrote %s (sha256 %s)", product.ChecksumName(b.MSI), b.SHA256)
			}
			return err
		})
		g.Go(func() (err error) {
			b.Setup, err = p.buildSetup(gctx, b.MSI, b.Product)
			return err
		})
	}
	g.Go(func() error { return p.writeDeployment(gctx, msis) }) // winget, Intune, deployment facts: deploy.go
	return g.Wait()
}

// absJob makes a job's paths absolute: compilers resolve relative paths
// against different folders (their working folder, the sources' folder).
func absJob(job wix.Job) (wix.Job, error) {
	var err error
	abs := func(p string) string {
		if a, e := filepath.Abs(p); e != nil {
			err = e
		} else {
			p = a
		}
		return p
	}
	sources := make([]string, len(job.Sources))
	for i, s := range job.Sources {
		sources[i] = abs(s)
	}
	job.Sources, job.SourceDir, job.Out = sources, abs(job.SourceDir), abs(job.Out)
	if err != nil {
		return job, fmt.Errorf("build: %w", err)
	}
	return job, nil
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }
