package pipeline

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/gomsi/gomsi/sign"
)

// Signer returns the configured signer, or nil when signing is not
// configured (no GOMSI_SIGN_PFX or GOMSI_SIGN_KEY).
func (p *Pipeline) Signer(ctx context.Context) (*sign.Signer, error) {
	p.signerMu.Lock()
	defer p.signerMu.Unlock()
	if p.signer != nil || p.signerErr != nil {
		return p.signer, p.signerErr
	}
	src, opts, configured, err := sign.FromEnv(p.Config.Env.Sign)
	if err != nil || !configured {
		return nil, err
	}
	if e := p.Config.Sign.Extended; e != nil && !*e {
		opts.SkipExtended = true
	}
	opts.Log = func(format string, args ...any) { p.logf(format, args...) }
	p.signer, p.signerErr = sign.New(ctx, src, opts)
	return p.signer, p.signerErr
}

// SignMSIs signs the MSIs in the out folder, building them first when there
// are none, and rewrites their .sha256 files.
func (p *Pipeline) SignMSIs(ctx context.Context) ([]string, error) {
	s, err := p.Signer(ctx)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errors.New("sign: signing is not configured: set GOMSI_SIGN_PFX and GOMSI_SIGN_PASSWORD, or GOMSI_SIGN_KEY and GOMSI_SIGN_CERT")
	}
	release, err := p.Hold(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	msis, err := p.OutMSIs()
	if err != nil {
		return nil, err
	}
	if len(msis) == 0 {
		builds, err := p.MSI(ctx) // signs as it builds
		if err != nil {
			return nil, err
		}
		for _, b := range builds {
			msis = append(msis, b.MSI)
		}
		return msis, nil
	}
	for _, m := range msis {
		if err := p.signMSI(ctx, s, m); err != nil {
			return nil, err
		}
		if _, err := writeChecksum(m); err != nil {
			return nil, err
		}
		if err := p.rebuildSetup(ctx, m); err != nil { // it carried the MSI as it was before
			return nil, err
		}
	}
	if err := p.writeDeployment(ctx, msis); err != nil { // they hold the MSIs' hashes and bytes
		return nil, err
	}
	return msis, nil
}

func (p *Pipeline) signMSI(ctx context.Context, s *sign.Signer, msi string) error {
	if err := s.SignMSI(ctx, msi); err != nil {
		return err
	}
	p.logf("signed %s as %s", msi, s.Subject())
	return nil
}

// OutMSIs lists the MSIs in the out folder, sorted.
func (p *Pipeline) OutMSIs() ([]string, error) {
	msis, err := filepath.Glob(filepath.Join(p.Config.Out, "*.msi"))
	sort.Strings(msis)
	return msis, err
}

// VerifyMSIs checks the signature, chain and timestamp of each MSI in the out
// folder. Roots come from GOMSI_VERIFY_ROOTS (a PEM bundle), else the system.
func (p *Pipeline) VerifyMSIs(ctx context.Context) ([]sign.Report, error) {
	roots, err := p.verifyRoots()
	if err != nil {
		return nil, err
	}
	msis, err := p.OutMSIs()
	if err != nil {
		return nil, err
	}
	if len(msis) == 0 {
		return nil, fmt.Errorf("verify: no MSI in %s: run go run mage.go msi first", p.Config.Out)
	}
	_, opts, _, _ := sign.FromEnv(p.Config.Env.Sign)
	var reports []sign.Report
	for _, m := range msis {
		r, err := sign.VerifyMSI(m, roots)
		if err != nil {
			return reports, err
		}
		if r.Timestamp.IsZero() && !opts.AllowUnstamped {
			return reports, fmt.Errorf("verify %s: %w: the signature has no timestamp, so it expires with the certificate (allow it with GOMSI_SIGN_ALLOW_UNSTAMPED=1)", m, sign.ErrNoTimestamp)
		}
		reports = append(reports, r)
	}
	return reports, nil
}

func (p *Pipeline) verifyRoots() (*x509.CertPool, error) {
	file := p.Config.Env.VerifyRoots
	if file == "" {
		return nil, nil // the system roots
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("verify: GOMSI_VERIFY_ROOTS: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("verify: GOMSI_VERIFY_ROOTS=%s holds no PEM certificate", file)
	}
	return pool, nil
}

// signBinaries signs every PE file of the distributions when sign.binaries
// is on. A folder source is copied under <out>/dist first: gomsi never
// changes the user's files.
func (p *Pipeline) signBinaries(ctx context.Context, builds []*Build) error {
	if !p.Config.Sign.Binaries {
		return nil
	}
	s, err := p.Signer(ctx)
	if err != nil {
		return err
	}
	if s == nil {
		return errors.New("sign binaries: sign.binaries is on but signing is not configured: set GOMSI_SIGN_PFX (or GOMSI_SIGN_KEY and GOMSI_SIGN_CERT)")
	}
	for _, b := range builds {
		work := filepath.Join(p.Config.Out, "dist")
		if !isWithin(b.Dist.Root, work) {
			copied := filepath.Join(work, b.Product.Files().Stem())
			if err := copyTree(ctx, b.Dist.Root, copied); err != nil {
				return fmt.Errorf("sign binaries: copy %s: %w", b.Dist.Root, err)
			}
			b.Dist.Root = copied
		}
		signed, err := s.SignTree(ctx, b.Dist.Root)
		if err != nil {
			return err
		}
		p.logf("signed %d executables in %s", len(signed), b.Dist.Root)
	}
	return nil
}

func isWithin(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !filepath.IsAbs(rel) && (len(rel) < 3 || rel[:3] != "../")
}
