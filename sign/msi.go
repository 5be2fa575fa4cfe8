package sign

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/sassoftware/relic/v7/lib/authenticode"
	"github.com/sassoftware/relic/v7/lib/certloader"
	"github.com/sassoftware/relic/v7/lib/comdoc"
	"github.com/sassoftware/relic/v7/lib/pkcs9"

	"github.com/gomsi/gomsi/internal/atomicfile"
)

// SignMSI signs the MSI at path, replacing any previous signature. The file
// is replaced only once the signed copy is complete and on disk.
func (s *Signer) SignMSI(ctx context.Context, path string) (err error) {
	defer guard("sign MSI", path, &err)
	in, fi, err := openRegular(path)
	if err != nil {
		return fmt.Errorf("sign MSI: %w", err)
	}
	defer in.Close()
	doc, err := comdoc.ReadFile(newCachedReaderAt(in))
	if err != nil {
		return fmt.Errorf("sign MSI %s: not an MSI (compound document) file: %w", path, err)
	}
	imprint, exsig, err := authenticode.DigestMSI(doc, s.opts.Digest, !s.opts.SkipExtended)
	if err != nil {
		return fmt.Errorf("sign MSI %s: digest: %w", path, err)
	}
	sig, err := s.signWith(ctx, path, func(cert *certloader.Certificate) (*pkcs9.TimestampedSignature, error) {
		return authenticode.SignMSIImprint(ctx, imprint, s.opts.Digest, cert, s.opus)
	})
	if err != nil {
		return fmt.Errorf("sign MSI %s: %w", path, err)
	}

	// comdoc edits in place, so it edits a copy. The copy is made after the
	// timestamp so that a failed request leaves nothing behind.
	out, err := atomicfile.Create(path, fi.Mode().Perm())
	if err != nil {
		return fmt.Errorf("sign MSI %s: %w", path, err)
	}
	defer out.Abort()
	if _, err := io.Copy(out.File, in); err != nil { // copy_file_range on Linux
		return fmt.Errorf("sign MSI %s: copy: %w", path, err)
	}
	cdf, err := comdoc.WriteFile(out.File)
	if err != nil {
		return fmt.Errorf("sign MSI %s: reopen copy: %w", path, err)
	}
	if err := authenticode.InsertMSISignature(cdf, sig.Raw, exsig); err != nil {
		return fmt.Errorf("sign MSI %s: insert signature: %w", path, err)
	}
	if err := cdf.Close(); err != nil {
		return fmt.Errorf("sign MSI %s: write signature: %w", path, err)
	}
	in.Close() // Windows cannot rename over an open file
	if err := out.Commit(); err != nil {
		return fmt.Errorf("sign MSI %s: replace: %w", path, err)
	}
	s.opts.Log("signed %s (%s%s)", path, s.opts.Digest.String(), stampNote(sig))
	return nil
}

// signWith runs a relic signing call with the timestamper, falling back to
// an unstamped signature only when the options allow it.
func (s *Signer) signWith(ctx context.Context, path string, sign func(*certloader.Certificate) (*pkcs9.TimestampedSignature, error)) (*pkcs9.TimestampedSignature, error) {
	cert := *s.cert
	if s.tsa != nil {
		cert.Timestamper = s.tsa
	}
	sig, err := sign(&cert)
	if err != nil && errors.Is(err, ErrNoTimestamp) && s.opts.AllowUnstamped {
		s.opts.Log("warning: %s: %v; signing without a timestamp as allowed", path, err)
		cert.Timestamper = nil
		sig, err = sign(&cert)
	}
	return sig, err
}

func stampNote(sig *pkcs9.TimestampedSignature) string {
	if sig.CounterSignature == nil {
		return ", NOT timestamped"
	}
	return ", timestamped " + sig.CounterSignature.SigningTime.UTC().Format("2006-01-02T15:04:05Z")
}

// openRegular opens path for reading, refusing directories and devices.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s is not a regular file", path)
	}
	return f, fi, nil
}
