package sign

import (
	"crypto"
	"errors"
	"fmt"
	"strings"

	"github.com/gomsi/gomsi/internal/secret"
)

// The environment variables of Env, which package config reads.
const (
	EnvPFX            = "GOMSI_SIGN_PFX"
	EnvPassword       = "GOMSI_SIGN_PASSWORD"
	EnvKey            = "GOMSI_SIGN_KEY"
	EnvCert           = "GOMSI_SIGN_CERT"
	EnvTimestampURLs  = "GOMSI_TIMESTAMP_URLS"
	EnvDigest         = "GOMSI_SIGN_DIGEST"
	EnvAllowUnstamped = "GOMSI_SIGN_ALLOW_UNSTAMPED"
)

// Env is the signing configuration as the environment spells it (the
// settings that are not secret fall back to gomsi.yaml's sign:); package
// config reads it, FromEnv checks it.
type Env struct {
	PFX            string        // GOMSI_SIGN_PFX
	Password       secret.String // GOMSI_SIGN_PASSWORD, never from a file
	Key            string        // GOMSI_SIGN_KEY
	Cert           string        // GOMSI_SIGN_CERT
	TimestampURLs  []string      // GOMSI_TIMESTAMP_URLS: comma separated
	Digest         string        // GOMSI_SIGN_DIGEST
	AllowUnstamped string        // GOMSI_SIGN_ALLOW_UNSTAMPED
}

// FromEnv checks the signing configuration and turns it into a key source
// and options. configured is false when neither a PFX nor a PEM key is
// set: signing is off, and that is not an error. The returned Options have
// no Log; set one.
func FromEnv(e Env) (src KeySource, opts Options, configured bool, err error) {
	pfx, key, cert := strings.TrimSpace(e.PFX), strings.TrimSpace(e.Key), strings.TrimSpace(e.Cert)
	switch {
	case pfx != "" && (key != "" || cert != ""):
		return nil, Options{}, false, fmt.Errorf("signing configuration: set either %s or %s and %s, not both", EnvPFX, EnvKey, EnvCert)
	case pfx != "":
		// The password is not trimmed: spaces may belong to it.
		src = PFXFile{Path: pfx, Password: e.Password}
	case key != "" && cert != "":
		src = PEMFiles{KeyPath: key, CertPath: cert}
	case key != "":
		return nil, Options{}, false, fmt.Errorf("signing configuration: %s is set but %s (the PEM certificate chain) is not", EnvKey, EnvCert)
	case cert != "":
		return nil, Options{}, false, fmt.Errorf("signing configuration: %s is set but %s (the PEM private key) is not", EnvCert, EnvKey)
	default:
		return nil, Options{}, false, nil
	}

	switch d := strings.ToLower(strings.TrimSpace(e.Digest)); d {
	case "", "sha256", "sha-256":
		opts.Digest = crypto.SHA256
	case "sha384", "sha-384":
		opts.Digest = crypto.SHA384
	case "sha512", "sha-512":
		opts.Digest = crypto.SHA512
	default:
		return nil, Options{}, false, fmt.Errorf("signing configuration: %s=%q: use sha256, sha384 or sha512", EnvDigest, d)
	}
	for _, u := range e.TimestampURLs {
		if u = strings.TrimSpace(u); u != "" {
			if err := checkURL(u); err != nil {
				return nil, Options{}, false, fmt.Errorf("signing configuration: %s: %w", EnvTimestampURLs, err)
			}
			opts.TimestampURLs = append(opts.TimestampURLs, u)
		}
	}
	opts.AllowUnstamped, err = parseBool(strings.TrimSpace(e.AllowUnstamped))
	if err != nil {
		return nil, Options{}, false, fmt.Errorf("signing configuration: %s: %w", EnvAllowUnstamped, err)
	}
	if len(opts.TimestampURLs) == 0 && !opts.AllowUnstamped {
		return nil, Options{}, false, fmt.Errorf("signing configuration: no timestamp server: set %s (comma separated RFC 3161 URLs) or explicitly allow unstamped signatures with %s=1",
			EnvTimestampURLs, EnvAllowUnstamped)
	}
	return src, opts, true, nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, errors.New("expected 1/true or 0/false, got " + fmt.Sprintf("%q", s))
}
