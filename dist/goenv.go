package dist

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// goSettings are the go command's settings the proxy source honours; users
// often keep them in the go command's configuration file (go env -w).
var goSettings = []string{"GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE"}

// WithGoEnvFile returns a getenv that reads a go setting the environment
// leaves empty from the go command's configuration file, as the go command
// does: $GOENV, else <user config dir>/go/env; GOENV=off means none. So a
// corporate GOPROXY or GOSUMDB set with `go env -w` applies to gomsi too.
func WithGoEnvFile(getenv func(string) string) (func(string) string, error) {
	path := getenv("GOENV")
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return getenv, nil // no home: the go command has no file either
		}
		path = filepath.Join(dir, "go", "env")
	}
	if path == "off" {
		return getenv, nil
	}
	file, err := readGoEnvFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the go command's settings %s: %w (set GOENV=off to ignore the file)", path, err)
	}
	return func(k string) string {
		if v := getenv(k); v != "" || !slices.Contains(goSettings, k) {
			return v
		}
		return file[k]
	}, nil
}

// readGoEnvFile reads the KEY=VALUE lines go env -w writes; a missing file
// is an empty one.
func readGoEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	values := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), "=")
		if key = strings.TrimSpace(key); ok && key != "" && !strings.HasPrefix(key, "#") {
			values[key] = strings.TrimSpace(value)
		}
	}
	return values, sc.Err()
}
