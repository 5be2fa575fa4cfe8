package sign

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sassoftware/relic/v7/lib/authenticode"
	"github.com/sassoftware/relic/v7/lib/comdoc"
	"github.com/sassoftware/relic/v7/lib/pkcs9"
	"github.com/sassoftware/relic/v7/signers/sigerrors"
)

// ErrNotSigned is returned (wrapped) by the verifiers for unsigned files.
var ErrNotSigned = errors.New("not signed")

// Report describes a verified signature.
type Report struct {
	Path     string
	Signer   string      // subject of the signing certificate
	Issuer   string      // its issuer
	Digest   crypto.Hash // digest algorithm of the signed content
	Extended bool        // MSI only: MsiDigitalSignatureEx present and checked
	// Timestamp is the time vouched for by the timestamp authority, zero for
	// an unstamped signature.
	Timestamp          time.Time
	TimestampAuthority string // subject of the timestamp signer
}

// String is a one-line summary for people.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: signed by %q (issuer %q), %s", r.Path, r.Signer, r.Issuer, r.Digest.String())
	if r.Extended {
		b.WriteString(", extended")
	}
	if r.Timestamp.IsZero() {
		b.WriteString(", NOT timestamped")
	} else {
		fmt.Fprintf(&b, ", timestamped %s by %q", r.Timestamp.UTC().Format(time.RFC3339), r.TimestampAuthority)
	}
	return b.String()
}

// VerifyMSI checks the signature of the MSI at path: content digest
// (including the extended stream when present), PKCS#7 signature, timestamp
// token, and both certificate chains up to roots (the system roots when nil),
// at the timestamp's time when there is one.
func VerifyMSI(path string, roots *x509.CertPool) (rep Report, err error) {
	defer guard("verify MSI", path, &err)
	f, _, err := openRegular(path)
	if err != nil {
		return Report{}, fmt.Errorf("verify MSI: %w", err)
	}
	defer f.Close()
	r := newCachedReaderAt(f)
	sig, err := authenticode.VerifyMSI(r, false)
	if errors.As(err, &sigerrors.NotSignedError{}) {
		return Report{}, fmt.Errorf("verify MSI %s: %w", path, ErrNotSigned)
	}
	if err != nil {
		return Report{}, fmt.Errorf("verify MSI %s: %w", path, err)
	}
	if err := sig.VerifyChain(roots, nil, x509.ExtKeyUsageCodeSigning); err != nil {
		return Report{}, fmt.Errorf("verify MSI %s: certificate chain: %w", path, err)
	}
	rep = report(path, sig.TimestampedSignature, sig.HashFunc)
	rep.Extended, err = hasExtended(r)
	if err != nil {
		return Report{}, fmt.Errorf("verify MSI %s: %w", path, err)
	}
	return rep, nil
}

// VerifyPE checks every signature of the PE image at path like VerifyMSI and
// reports the first (primary) one.
func VerifyPE(path string, roots *x509.CertPool) (rep Report, err error) {
	defer guard("verify PE", path, &err)
	f, _, err := openRegular(path)
	if err != nil {
		return Report{}, fmt.Errorf("verify PE: %w", err)
	}
	defer f.Close()
	sigs, err := authenticode.VerifyPE(f, false)
	if errors.As(err, &sigerrors.NotSignedError{}) {
		return Report{}, fmt.Errorf("verify PE %s: %w", path, ErrNotSigned)
	}
	if err != nil {
		return Report{}, fmt.Errorf("verify PE %s: %w", path, err)
	}
	for _, sig := range sigs {
		if err := sig.VerifyChain(roots, nil, x509.ExtKeyUsageCodeSigning); err != nil {
			return Report{}, fmt.Errorf("verify PE %s: certificate chain: %w", path, err)
		}
	}
	return report(path, sigs[0].TimestampedSignature, sigs[0].ImageHashFunc), nil
}

func report(path string, sig pkcs9.TimestampedSignature, digest crypto.Hash) Report {
	rep := Report{
		Path:   path,
		Signer: sig.Certificate.Subject.String(),
		Issuer: sig.Certificate.Issuer.String(),
		Digest: digest,
	}
	if cs := sig.CounterSignature; cs != nil {
		rep.Timestamp = cs.SigningTime
		rep.TimestampAuthority = cs.Certificate.Subject.String()
	}
	return rep
}

// hasExtended reports whether the MSI carries MsiDigitalSignatureEx, which
// relic's verifier checks but does not report.
func hasExtended(r *cachedReaderAt) (bool, error) {
	doc, err := comdoc.ReadFile(r)
	if err != nil {
		return false, err
	}
	files, err := doc.ListDir(nil)
	if err != nil {
		return false, err
	}
	for _, f := range files {
		if f.Name() == "\x05MsiDigitalSignatureEx" {
			return true, nil
		}
	}
	return false, nil
}
