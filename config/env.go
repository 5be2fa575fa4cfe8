package config

import (
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/net/http/httpproxy"

	"github.com/gomsi/gomsi/dist"
	"github.com/gomsi/gomsi/fetch"
	"github.com/gomsi/gomsi/internal/secret"
	"github.com/gomsi/gomsi/publish"
	"github.com/gomsi/gomsi/sign"
)

// Env is what Load reads from the environment besides the GOMSI_*
// variables that override gomsi.yaml's keys: secrets (signing passwords
// and keys, the GitHub token, the netrc file), which never come from a
// file, and what belongs to the machine (proxies, the cache, limits). Each
// stage gets its part; none reads the environment itself.
type Env struct {
	Fetch       fetch.Env
	Extract     dist.ExtractEnv
	Sign        sign.Env // the settings that are not secret fall back to gomsi.yaml's sign:
	VerifyRoots string   // GOMSI_VERIFY_ROOTS: a PEM bundle verify trusts instead of the system roots
	Publish     publish.Env

	// lookup is the environment Load read, for what names variables only
	// when it runs: $(env.X) in WiX sources, and SOURCE_DATE_EPOCH, which
	// reproducible builds define as a variable of the environment.
	lookup func(string) string
}

// Getenv reads the environment Load read: for $(env.X) in WiX sources and
// SOURCE_DATE_EPOCH. A Config not from Load has an empty environment.
func (e Env) Getenv(name string) string {
	if e.lookup == nil {
		return ""
	}
	return e.lookup(name)
}

// readEnv reads the Env; c holds gomsi.yaml's settings, which the sign
// settings that are not secret fall back to.
func readEnv(getenv func(string) string, c Config) Env {
	either := func(k string) string { // as net/http reads proxies
		if v := getenv(k); v != "" {
			return v
		}
		return getenv(strings.ToLower(k))
	}
	orFile := func(env, file string) string {
		if v := getenv(env); v != "" {
			return v
		}
		return file
	}
	e := Env{
		Fetch: fetch.Env{
			GOPROXY: getenv("GOPROXY"), GOSUMDB: getenv("GOSUMDB"), GONOSUMDB: getenv("GONOSUMDB"), GOPRIVATE: getenv("GOPRIVATE"),
			GoEnvFile:   goEnvFile(getenv),
			Cache:       getenv("GOMSI_CACHE"),
			CAFile:      getenv("GOMSI_CA_FILE"),
			Retries:     getenv("GOMSI_RETRIES"),
			IdleTimeout: getenv("GOMSI_IDLE_TIMEOUT"),
			Proxy:       httpproxy.Config{HTTPProxy: either("HTTP_PROXY"), HTTPSProxy: either("HTTPS_PROXY"), NoProxy: either("NO_PROXY")},
			Netrc:       netrcPath(getenv),
		},
		Extract: dist.ExtractEnv{Total: getenv("GOMSI_MAX_EXTRACT"), File: getenv("GOMSI_MAX_EXTRACT_FILE"), Ratio: getenv("GOMSI_MAX_EXTRACT_RATIO")},
		Sign: sign.Env{
			PFX:            getenv(sign.EnvPFX),
			Password:       secret.New(getenv(sign.EnvPassword)),
			Key:            getenv(sign.EnvKey),
			Cert:           getenv(sign.EnvCert),
			TimestampURLs:  c.Sign.TimestampURLs,
			Digest:         orFile(sign.EnvDigest, c.Sign.Digest),
			AllowUnstamped: orFile(sign.EnvAllowUnstamped, map[bool]string{true: "1"}[c.Sign.AllowUnstamped]),
		},
		VerifyRoots: getenv("GOMSI_VERIFY_ROOTS"),
		Publish: publish.Env{
			Repo:             getenv("GOMSI_GITHUB_REPO"),
			GitHubRepository: getenv("GITHUB_REPOSITORY"),
			Token:            secret.New(getenv("GITHUB_TOKEN")),
			Tag:              getenv("GOMSI_TAG"),
			Ref:              getenv("GITHUB_REF"),
			APIURL:           getenv("GOMSI_GITHUB_API_URL"),
			UploadURL:        getenv("GOMSI_GITHUB_UPLOAD_URL"),
			GitHubAPIURL:     getenv("GITHUB_API_URL"),
			DryRun:           getenv("GOMSI_DRY_RUN"),
		},
		lookup: getenv,
	}
	if v := getenv(sign.EnvTimestampURLs); v != "" {
		e.Sign.TimestampURLs = strings.Split(v, ",")
	}
	return e
}

// goEnvFile is the go command's settings file, as the go command finds it:
// $GOENV, else <user config dir>/go/env; "" for GOENV=off or no home.
func goEnvFile(getenv func(string) string) string {
	switch path := getenv("GOENV"); path {
	case "off":
		return ""
	case "":
		if dir := userConfigDir(getenv); dir != "" {
			return filepath.Join(dir, "go", "env")
		}
		return ""
	default:
		return path
	}
}

// userConfigDir is os.UserConfigDir from getenv; "" when it has no answer.
func userConfigDir(getenv func(string) string) string {
	var dir string
	switch runtime.GOOS {
	case "windows":
		return getenv("AppData")
	case "darwin", "ios":
		if dir = getenv("HOME"); dir != "" {
			dir = filepath.Join(dir, "Library", "Application Support")
		}
	case "plan9":
		if dir = getenv("home"); dir != "" {
			dir = filepath.Join(dir, "lib")
		}
	default:
		switch dir = getenv("XDG_CONFIG_HOME"); {
		case dir == "":
			if dir = getenv("HOME"); dir != "" {
				dir = filepath.Join(dir, ".config")
			}
		case !filepath.IsAbs(dir):
			return "" // an error to os.UserConfigDir
		}
	}
	return dir
}

// netrcPath is the netrc file the go command reads for credentials:
// $NETRC, else ~/.netrc (~/_netrc on Windows); "" when there is no home.
func netrcPath(getenv func(string) string) string {
	if p := getenv("NETRC"); p != "" {
		return p
	}
	if runtime.GOOS == "windows" {
		if home := getenv("USERPROFILE"); home != "" {
			return filepath.Join(home, "_netrc")
		}
		return ""
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".netrc")
	}
	return ""
}
