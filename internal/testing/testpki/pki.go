// Package testpki builds throwaway certificate authorities, code-signing keys
// and an RFC 3161 timestamp server for the sign package's tests and its
// demonstration command. Nothing here is fit for production keys.
package testpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// KeyType selects the algorithm of a generated key.
type KeyType string

const (
	RSA   KeyType = "rsa"
	ECDSA KeyType = "ecdsa"
)

// Identity is a key with its certificate chain, leaf first, root excluded.
type Identity struct {
	Key   crypto.Signer
	Chain []*x509.Certificate
}

// Leaf returns the end-entity certificate.
func (id Identity) Leaf() *x509.Certificate { return id.Chain[0] }

// Authority is a self-signed root with an intermediate CA under it: code
// signing chains in the wild have an intermediate, so the tests must make
// the signer ship it.
type Authority struct {
	Root         *x509.Certificate
	rootKey      crypto.Signer
	Intermediate *x509.Certificate
	interKey     crypto.Signer
}

// oidExtKeyUsage is the extended key usage extension. OpenSSL accepts a
// timestamping certificate only when this extension is critical, which Go
// never does on its own.
var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

var oidKeyPurposeTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}

// NewKey generates a key of the given type (RSA 2048 or ECDSA P-256).
func NewKey(kt KeyType) (crypto.Signer, error) {
	switch kt {
	case RSA:
		return rsa.GenerateKey(rand.Reader, 2048)
	case ECDSA:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	return nil, fmt.Errorf("unknown key type %q", kt)
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err)
	}
	return n.Add(n, big.NewInt(1))
}

func create(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func caTemplate(name string) *x509.Certificate {
	now := time.Now()
	return &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"gomsi tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
}

// NewAuthority creates a root and an intermediate CA named after name.
func NewAuthority(name string) (*Authority, error) {
	rootKey, err := NewKey(ECDSA)
	if err != nil {
		return nil, err
	}
	root, err := create(caTemplate(name+" Root"), nil, rootKey.Public(), rootKey)
	if err != nil {
		return nil, err
	}
	interKey, err := NewKey(ECDSA)
	if err != nil {
		return nil, err
	}
	inter, err := create(caTemplate(name+" Intermediate"), root, interKey.Public(), rootKey)
	if err != nil {
		return nil, err
	}
	return &Authority{Root: root, rootKey: rootKey, Intermediate: inter, interKey: interKey}, nil
}

// CodeSigner issues a code-signing certificate for a new key of type kt.
func (a *Authority) CodeSigner(kt KeyType, name string) (Identity, error) {
	return a.issue(kt, name, func(t *x509.Certificate) {
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}
	})
}

// TimestampSigner issues a timestamping certificate with the critical
// extended key usage RFC 3161 demands.
func (a *Authority) TimestampSigner(kt KeyType, name string) (Identity, error) {
	return a.issue(kt, name, func(t *x509.Certificate) {
		val, err := asn1.Marshal([]asn1.ObjectIdentifier{oidKeyPurposeTimeStamping})
		if err != nil {
			panic(err)
		}
		t.ExtraExtensions = append(t.ExtraExtensions, pkix.Extension{Id: oidExtKeyUsage, Critical: true, Value: val})
	})
}

// Issue creates a certificate for a new key with a template adjusted by edit,
// for tests that need unusual certificates (expired, wrong usage).
func (a *Authority) Issue(kt KeyType, name string, edit func(*x509.Certificate)) (Identity, error) {
	return a.issue(kt, name, edit)
}

func (a *Authority) issue(kt KeyType, name string, edit func(*x509.Certificate)) (Identity, error) {
	key, err := NewKey(kt)
	if err != nil {
		return Identity{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: name, Organization: []string{"gomsi tests"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(12 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	if edit != nil {
		edit(tmpl)
	}
	leaf, err := create(tmpl, a.Intermediate, key.Public(), a.interKey)
	if err != nil {
		return Identity{}, err
	}
	return Identity{Key: key, Chain: []*x509.Certificate{leaf, a.Intermediate}}, nil
}

// Pool returns a certificate pool holding only the root.
func (a *Authority) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(a.Root)
	return p
}

// WriteRootPEM writes the root certificate to path.
func (a *Authority) WriteRootPEM(path string) error {
	return writeFile(path, certsPEM(a.Root), 0o644)
}

// WritePFX writes id as a PKCS#12 file protected by password, with modern
// encryption (AES-256, PBKDF2) as current Windows exports do.
func (id Identity) WritePFX(path, password string) error {
	der, err := pkcs12.Modern.Encode(id.Key, id.Chain[0], id.Chain[1:], password)
	if err != nil {
		return err
	}
	return writeFile(path, der, 0o600)
}

// WritePEM writes the private key (PKCS#8) and the chain as PEM files.
func (id Identity) WritePEM(keyPath, certPath string) error {
	der, err := x509.MarshalPKCS8PrivateKey(id.Key)
	if err != nil {
		return err
	}
	if err := writeFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	return writeFile(certPath, certsPEM(id.Chain...), 0o644)
}

func certsPEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

func writeFile(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, mode)
}
