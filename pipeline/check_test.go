package pipeline

import "testing"

func TestVersionOf(t *testing.T) {
	tests := map[string]string{
		"it looks like wine32 is missing, you should install it.\nwine-8.0 (Debian 8.0~repack-4)\n": "8.0",
		"msiinfo (msitools) version 0.101\n":             "0.101",
		"/usr/bin/xmllint: using libxml version 20914\n": "20914",
		"osslsigncode 2.9, using:\n\tOpenSSL 3.0.17\n":   "2.9",
		"Usage: msibuild MSIFILE [OPTION]...\n":          "-",
		"cabextract version 1.9\n":                       "1.9",
	}
	for out, want := range tests {
		if got := versionOf([]byte(out)); got != want {
			t.Errorf("versionOf(%q) = %q, want %q", out, got, want)
		}
	}
}
