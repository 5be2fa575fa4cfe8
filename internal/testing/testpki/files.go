package testpki

import (
	"net/http/httptest"
	"path/filepath"
	"testing"
)

// Files is a throwaway signing set-up as users configure gomsi: a PFX of a
// code-signing identity issued by a test root, its password, the root as a
// PEM file (GOMSI_VERIFY_ROOTS) and a timestamp server on 127.0.0.1.
type Files struct {
	Dir, PFX, Password, RootsPEM string
	TSAURL                       string // ends in "/"
	CA                           *Authority
}

// NewFiles makes the files in a temporary folder and starts the timestamp
// server for the test's duration.
func NewFiles(t testing.TB, signer string) *Files {
	t.Helper()
	ca, err := NewAuthority(signer + " CA")
	if err != nil {
		t.Fatal(err)
	}
	id, err := ca.CodeSigner(RSA, signer)
	if err != nil {
		t.Fatal(err)
	}
	tsa, err := NewTSA(ca)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(tsa)
	t.Cleanup(srv.Close)
	f := &Files{Dir: t.TempDir(), Password: "s3cret-pfx-password", TSAURL: srv.URL + "/", CA: ca}
	f.PFX, f.RootsPEM = filepath.Join(f.Dir, "signer.pfx"), filepath.Join(f.Dir, "roots.pem")
	if err := id.WritePFX(f.PFX, f.Password); err != nil {
		t.Fatal(err)
	}
	if err := ca.WriteRootPEM(f.RootsPEM); err != nil {
		t.Fatal(err)
	}
	return f
}
