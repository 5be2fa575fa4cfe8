package fetch

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadNetrc(t *testing.T) {
	file := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(file, []byte(`machine artifactory.corp.example login builder password s3cr3t-t0ken
machine Mirror.Corp.Example
	login ci
	password other-token port 443
macdef init
machine inside.macro login no password no

machine proxy.golang.org account x login anon password anon
default login everyone password everywhere
machine after.default login late password late
`), 0o600)
	logins, err := readNetrc(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ login, password string }{
		"artifactory.corp.example": {"builder", "s3cr3t-t0ken"},
		"mirror.corp.example":      {"ci", "other-token"},
		"proxy.golang.org":         {"anon", "anon"},
	}
	if len(logins) != len(want) {
		t.Errorf("read %d machines, want %d: %v", len(logins), len(want), keys(logins))
	}
	for host, l := range want {
		if got := logins[host]; got.login != l.login || got.password.Reveal() != l.password {
			t.Errorf("%s: %s:%s, want %+v", host, got.login, got.password.Reveal(), l)
		}
	}
	if l, err := readNetrc(filepath.Join(t.TempDir(), "none")); l != nil || err != nil {
		t.Errorf("missing netrc: %v, %v", l, err)
	}
	if _, err := readNetrc(t.TempDir()); err == nil || !strings.Contains(err.Error(), "set NETRC") {
		t.Errorf("netrc that is a folder: %v", err)
	}
}

func keys(m map[string]netrcLogin) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestNetrcCredentials: the client sends a netrc machine's credentials over
// HTTPS only, and credentials in the URL win.
func TestNetrcCredentials(t *testing.T) {
	var got []string
	record := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok {
			user, pass = "-", "-"
		}
		got = append(got, user+":"+pass)
	})
	tlsSrv := httptest.NewTLSServer(record)
	defer tlsSrv.Close()
	plain := httptest.NewServer(record)
	defer plain.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw}), 0o644)
	netrc := filepath.Join(dir, "netrc")
	os.WriteFile(netrc, []byte("machine 127.0.0.1 login builder password s3cr3t-t0ken\n"), 0o600)
	env := map[string]string{"NETRC": netrc, "GOMSI_CA_FILE": ca}
	o, err := NewOptions(optionsEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	withUser := strings.Replace(tlsSrv.URL, "https://", "https://url-user:url-pass@", 1)
	for _, u := range []string{tlsSrv.URL + "/dl/", plain.URL + "/dl/", withUser + "/dl/"} {
		resp, err := o.HTTPClient.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if strings.Join(got, " ") != "builder:s3cr3t-t0ken -:- url-user:url-pass" {
		t.Errorf("credentials sent: %v, want netrc's over HTTPS, none over HTTP, the URL's when it has them", got)
	}
}
