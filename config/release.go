package config

import (
	"strings"

	"github.com/gomsi/gomsi/publish"
)

// Release holds the signing and publishing settings. Keys, certificates,
// passwords and tokens are never read from gomsi.yaml: only from the
// environment (GOMSI_SIGN_PFX, GOMSI_SIGN_PASSWORD, GOMSI_SIGN_KEY,
// GOMSI_SIGN_CERT, GITHUB_TOKEN), so that they stay out of repositories.
type Release struct {
	Sign    Sign             `yaml:"sign"`
	Publish publish.Settings `yaml:"publish"`
}

// Sign holds the signing settings of gomsi.yaml; the GOMSI_SIGN_* and
// GOMSI_TIMESTAMP_URLS environment variables override them.
type Sign struct {
	// Binaries signs every PE file of the distribution before packaging.
	Binaries bool `yaml:"binaries"`
	// Digest is sha256 (default), sha384 or sha512.
	Digest string `yaml:"digest"`
	// TimestampURLs are RFC 3161 servers, tried in order.
	TimestampURLs []string `yaml:"timestamp_urls"`
	// AllowUnstamped signs even when no timestamp server answers.
	AllowUnstamped bool `yaml:"allow_unstamped"`
	// Extended writes the MsiDigitalSignatureEx stream, as signtool does (default true).
	Extended *bool `yaml:"extended"`
}

// SignEnv returns a getenv for sign.FromEnv that falls back to gomsi.yaml's
// sign settings for the variables the environment leaves empty.
func (c Config) SignEnv(getenv func(string) string) func(string) string {
	fromFile := map[string]string{
		"GOMSI_SIGN_DIGEST":          c.Sign.Digest,
		"GOMSI_TIMESTAMP_URLS":       strings.Join(c.Sign.TimestampURLs, ","),
		"GOMSI_SIGN_ALLOW_UNSTAMPED": map[bool]string{true: "1"}[c.Sign.AllowUnstamped],
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return fromFile[k]
	}
}
