package config

import "github.com/gomsi/gomsi/publish"

// Release holds the signing and publishing settings. Keys, certificates,
// passwords and tokens are never read from gomsi.yaml: only from the
// environment (GOMSI_SIGN_PFX, GOMSI_SIGN_PASSWORD, GOMSI_SIGN_KEY,
// GOMSI_SIGN_CERT, GITHUB_TOKEN), so that they stay out of repositories.
type Release struct {
	Sign    Sign             `yaml:"sign"`
	Publish publish.Settings `yaml:"publish"`
}

// Sign holds the signing settings of gomsi.yaml; the GOMSI_SIGN_* and
// GOMSI_TIMESTAMP_URLS environment variables override them (Env.Sign).
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
