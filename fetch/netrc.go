package fetch

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"

	"github.com/gomsi/gomsi/internal/secret"
)

// netrcLogin is one machine's credentials.
type netrcLogin struct {
	login    string
	password secret.String
}

// readNetrc reads the machine entries of a netrc file, keyed by lower-case
// host name. As in the go command, "default" ends the entries (its
// credentials would go to every host) and macdef bodies are skipped. A
// missing file has no entries.
func readNetrc(path string) (map[string]netrcLogin, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || path == "" {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read netrc: %w (set NETRC to another file)", err)
	}
	logins := map[string]netrcLogin{}
	var machine string
	var l netrcLogin
	flush := func() {
		if machine != "" && (l.login != "" || !l.password.IsEmpty()) {
			logins[strings.ToLower(machine)] = l
		}
		machine, l = "", netrcLogin{}
	}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		f := strings.Fields(lines[i])
		for j := 0; j < len(f); j++ {
			value := ""
			if j+1 < len(f) {
				value = f[j+1]
			}
			switch f[j] {
			case "machine":
				flush()
				machine = value
				j++
			case "login":
				l.login = value
				j++
			case "password":
				l.password = secret.New(value)
				j++
			case "account", "port":
				j++
			case "default":
				flush()
				return logins, nil
			case "macdef": // a macro runs to the next empty line
				flush()
				for i++; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
				}
				j = len(f)
			}
		}
	}
	flush()
	return logins, nil
}

// netrcTransport adds a netrc file's credentials to HTTPS requests for its
// machines, unless the request already carries credentials (from the URL).
// Over plain HTTP nothing is added: a password must not travel in clear.
type netrcTransport struct {
	base   http.RoundTripper
	logins map[string]netrcLogin
}

func (t *netrcTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "https" && req.Header.Get("Authorization") == "" {
		if l, ok := t.logins[strings.ToLower(req.URL.Hostname())]; ok {
			req = req.Clone(req.Context())
			req.SetBasicAuth(l.login, l.password.Reveal())
		}
	}
	return t.base.RoundTrip(req)
}
