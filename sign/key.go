package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/sassoftware/relic/v7/lib/certloader"
	"github.com/sassoftware/relic/v7/lib/x509tools"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/gomsi/gomsi/internal/secret"
)

// KeySource yields a signing key and its certificate chain. It is the seam
// for hardware: an HSM or a cloud KMS only has to provide a crypto.Signer.
type KeySource interface {
	// Load returns the key and its chain; the chain may be in any order and
	// may include the root, Load's caller puts the matching leaf first.
	Load(ctx context.Context) (crypto.Signer, []*x509.Certificate, error)
}

// PFXFile is a PKCS#12 (.pfx/.p12) file holding the key and its chain.
type PFXFile struct {
	Path     string
	Password secret.String
}

// String names the source without revealing the password.
func (p PFXFile) String() string { return "PFX file " + p.Path }

// Load decodes the PKCS#12 file.
func (p PFXFile) Load(context.Context) (crypto.Signer, []*x509.Certificate, error) {
	data, err := os.ReadFile(p.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("read PFX: %w (set GOMSI_SIGN_PFX to the .pfx or .p12 file)", err)
	}
	key, leaf, cas, err := pkcs12.DecodeChain(data, p.Password.Reveal())
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		// The library's message is fine, but say which file and what to fix.
		return nil, nil, fmt.Errorf("decode PFX %s: wrong password (check the password variable, GOMSI_SIGN_PASSWORD)", p.Path)
	}
	if err != nil && bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN")) {
		return nil, nil, fmt.Errorf("decode PFX %s: this is a PEM file, not PKCS#12: pass it as a PEM key or certificate (GOMSI_SIGN_KEY, GOMSI_SIGN_CERT)", p.Path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("decode PFX %s: not a valid PKCS#12 file: %w", p.Path, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("decode PFX %s: unsupported private key type %T", p.Path, key)
	}
	return signer, append([]*x509.Certificate{leaf}, cas...), nil
}

// PEMFiles is an unencrypted PEM private key (PKCS#1, PKCS#8 or SEC 1) and a
// PEM file holding the certificate chain.
type PEMFiles struct {
	KeyPath  string
	CertPath string
}

// String names the source.
func (p PEMFiles) String() string { return "PEM key " + p.KeyPath + " with chain " + p.CertPath }

// Load reads and parses both files.
func (p PEMFiles) Load(context.Context) (crypto.Signer, []*x509.Certificate, error) {
	keyData, err := os.ReadFile(p.KeyPath)
	if err != nil {
		return nil, nil, fmt.Errorf("read key: %w (set GOMSI_SIGN_KEY to the PEM private key file)", err)
	}
	if len(bytes.TrimSpace(keyData)) == 0 {
		return nil, nil, fmt.Errorf("parse key %s: the file is empty", p.KeyPath)
	}
	key, err := certloader.ParseAnyPrivateKey(keyData, nil)
	if err != nil {
		// relic's messages never quote key material; keep them for the cause.
		return nil, nil, fmt.Errorf("parse key %s: %w (expected an unencrypted PEM RSA or ECDSA key)", p.KeyPath, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("parse key %s: unsupported private key type %T", p.KeyPath, key)
	}
	certData, err := os.ReadFile(p.CertPath)
	if err != nil {
		return nil, nil, fmt.Errorf("read certificates: %w (set GOMSI_SIGN_CERT to the PEM file of the certificate chain)", err)
	}
	if len(bytes.TrimSpace(certData)) == 0 {
		return nil, nil, fmt.Errorf("parse certificates %s: the file is empty", p.CertPath)
	}
	certs, err := certloader.ParseX509Certificates(certData)
	if err != nil {
		return nil, nil, fmt.Errorf("parse certificates %s: %w", p.CertPath, err)
	}
	return signer, certs, nil
}

// KeyPair wraps any crypto.Signer (HSM, KMS, in-memory key) and its chain.
type KeyPair struct {
	Signer crypto.Signer
	Chain  []*x509.Certificate
}

// Load returns the wrapped key and chain.
func (k KeyPair) Load(context.Context) (crypto.Signer, []*x509.Certificate, error) {
	if k.Signer == nil {
		return nil, nil, errors.New("KeyPair has no Signer")
	}
	return k.Signer, k.Chain, nil
}

// identity checks what a KeySource returned and orders the chain: leaf
// first, then the rest, as Authenticode requires. It refuses keys Authenticode
// cannot use and certificates that would yield a signature Windows rejects,
// so the failure comes at signing time with a reason, not at install time.
func identity(key crypto.Signer, certs []*x509.Certificate, now time.Time) (*certloader.Certificate, error) {
	switch key.Public().(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
	default:
		return nil, fmt.Errorf("unsupported key type %T: Authenticode needs RSA or ECDSA", key.Public())
	}
	certs = slices.DeleteFunc(slices.Clone(certs), func(c *x509.Certificate) bool { return c == nil })
	i := slices.IndexFunc(certs, func(c *x509.Certificate) bool { return x509tools.SameKey(key, c.PublicKey) })
	if i < 0 {
		var names []string
		for _, c := range certs {
			names = append(names, fmt.Sprintf("%q", c.Subject))
		}
		return nil, fmt.Errorf("no certificate matches the private key (got %d: %s): supply the key's own certificate",
			len(certs), strings.Join(names, ", "))
	}
	leaf := certs[i]
	chain := append([]*x509.Certificate{leaf}, slices.Delete(certs, i, i+1)...)
	if now.Before(leaf.NotBefore) {
		return nil, fmt.Errorf("certificate %q is not valid before %s", leaf.Subject, leaf.NotBefore.Format(time.RFC3339))
	}
	if now.After(leaf.NotAfter) {
		return nil, fmt.Errorf("certificate %q expired on %s", leaf.Subject, leaf.NotAfter.Format(time.RFC3339))
	}
	if len(leaf.ExtKeyUsage) > 0 && !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageCodeSigning) &&
		!slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageAny) {
		return nil, fmt.Errorf("certificate %q is not for code signing (no codeSigning extended key usage)", leaf.Subject)
	}
	return &certloader.Certificate{Leaf: leaf, Certificates: chain, PrivateKey: key}, nil
}

// keyFiles lists the private key files of the sources this package knows,
// so New can warn about loose permissions.
func keyFiles(src KeySource) []string {
	switch s := src.(type) {
	case PFXFile:
		return []string{s.Path}
	case *PFXFile:
		return []string{s.Path}
	case PEMFiles:
		return []string{s.KeyPath}
	case *PEMFiles:
		return []string{s.KeyPath}
	}
	return nil
}

// looseKeyFiles returns the key files that users other than the owner may
// read. Windows has no such mode bits; there the check finds nothing.
func looseKeyFiles(src KeySource) []string {
	if runtime.GOOS == "windows" {
		return nil
	}
	var loose []string
	for _, path := range keyFiles(src) {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o044 != 0 {
			loose = append(loose, fmt.Sprintf("%s (mode %04o)", path, fi.Mode().Perm()))
		}
	}
	return loose
}
