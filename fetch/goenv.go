package fetch

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// withGoEnvFile fills the go settings the environment leaves empty
// (GOPROXY, GOSUMDB, GONOSUMDB, GOPRIVATE) from the go command's settings
// file, e.GoEnvFile, as the go command does: so a corporate GOPROXY or
// GOSUMDB set with `go env -w` applies to gomsi too.
func withGoEnvFile(e Env) (Env, error) {
	if e.GoEnvFile == "" {
		return e, nil
	}
	file, err := readGoEnvFile(e.GoEnvFile)
	if err != nil {
		return e, fmt.Errorf("read the go command's settings %s: %w (set GOENV=off to ignore the file)", e.GoEnvFile, err)
	}
	for _, s := range []struct {
		name  string
		value *string
	}{{"GOPROXY", &e.GOPROXY}, {"GOSUMDB", &e.GOSUMDB}, {"GONOSUMDB", &e.GONOSUMDB}, {"GOPRIVATE", &e.GOPRIVATE}} {
		if *s.value == "" {
			*s.value = file[s.name]
		}
	}
	return e, nil
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
