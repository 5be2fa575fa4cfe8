package sign

import (
	"crypto"
	"reflect"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/secret"
)

func TestFromEnv(t *testing.T) {
	const tsa = "http://127.0.0.1:9/tsa"
	for _, tc := range []struct {
		name       string
		env        map[string]string
		configured bool
		src        KeySource
		opts       Options
		wantErr    string
	}{
		{name: "nothing set", env: map[string]string{EnvTimestampURLs: tsa}},
		{name: "pfx", env: map[string]string{EnvPFX: "k.pfx", EnvPassword: " pw with spaces ", EnvTimestampURLs: tsa + ", https://ts.example.com/ ,"},
			configured: true, src: PFXFile{Path: "k.pfx", Password: secret.New(" pw with spaces ")},
			opts: Options{Digest: crypto.SHA256, TimestampURLs: []string{tsa, "https://ts.example.com/"}}},
		{name: "pem sha384 unstamped", env: map[string]string{EnvKey: "k.pem", EnvCert: "c.pem", EnvDigest: "SHA384", EnvAllowUnstamped: "true"},
			configured: true, src: PEMFiles{KeyPath: "k.pem", CertPath: "c.pem"},
			opts: Options{Digest: crypto.SHA384, AllowUnstamped: true}},
		{name: "sha512", env: map[string]string{EnvPFX: "k.pfx", EnvDigest: "sha-512", EnvTimestampURLs: tsa, EnvAllowUnstamped: "0"},
			configured: true, src: PFXFile{Path: "k.pfx"}, opts: Options{Digest: crypto.SHA512, TimestampURLs: []string{tsa}}},
		{name: "both sources", env: map[string]string{EnvPFX: "k.pfx", EnvKey: "k.pem", EnvCert: "c.pem"}, wantErr: "not both"},
		{name: "key without cert", env: map[string]string{EnvKey: "k.pem"}, wantErr: EnvCert},
		{name: "cert without key", env: map[string]string{EnvCert: "c.pem"}, wantErr: EnvKey},
		{name: "bad digest", env: map[string]string{EnvPFX: "k.pfx", EnvDigest: "md5", EnvTimestampURLs: tsa}, wantErr: "sha256, sha384 or sha512"},
		{name: "bad url", env: map[string]string{EnvPFX: "k.pfx", EnvTimestampURLs: "timestamp.digicert.com"}, wantErr: "not an http(s) URL"},
		{name: "bad bool", env: map[string]string{EnvPFX: "k.pfx", EnvAllowUnstamped: "maybe"}, wantErr: EnvAllowUnstamped},
		{name: "no timestamp", env: map[string]string{EnvPFX: "k.pfx"}, wantErr: EnvTimestampURLs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, opts, configured, err := FromEnv(mapEnv(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || configured {
					t.Fatalf("FromEnv: %v (configured %v), want an error mentioning %q", err, configured, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if configured != tc.configured || !reflect.DeepEqual(src, tc.src) || !reflect.DeepEqual(opts, tc.opts) {
				t.Fatalf("FromEnv = %v, %+v, %v; want %v, %+v, %v", src, opts, configured, tc.src, tc.opts, tc.configured)
			}
		})
	}
}
