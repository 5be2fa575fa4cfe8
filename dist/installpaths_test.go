package dist

import (
	"archive/zip"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// TestCheckInstallPaths: Windows Installer cannot create a path past
// MAX_PATH (error 1304, then rollback). Per machine, the default folder is
// fixed, so such a path is an error; per user, it depends on the user
// name's length, so it is a warning until no user name would fit.
func TestCheckInstallPaths(t *testing.T) {
	file := func(n int) string { return "src/" + strings.Repeat("a", n-len("src/")) } // n characters in all
	// C:\Program Files\Go\ is 20 characters: a file may be 239 more.
	for _, tc := range []struct {
		name    string
		paths   []string
		arch    string
		perUser bool
		err     string
		warning string
	}{
		{"machine, longest file", []string{"VERSION", file(239)}, "amd64", false, "", ""},
		{"machine, one too long", []string{"VERSION", file(240)}, "amd64", false, `install path C:\Program Files\Go\src\aaa`, ""},
		{"machine, 386 in Program Files (x86)", []string{file(234)}, "386", false, `C:\Program Files (x86)\Go\src\`, ""},
		{"machine, 386 fits", []string{file(233)}, "386", false, "", ""},
		{"machine, folder past 247", []string{file(228) + "/"}, "amd64", false, "longer than MAX_PATH (259 characters for a file, 247 for a folder)", ""},
		{"machine, folder fits", []string{file(227) + "/"}, "amd64", false, "", ""},
		{"machine, several", []string{file(240), file(250), "bin/go.exe"}, "arm64", false, "(and 1 more: " + file(240) + ")", ""},
		{"machine, UTF-16 units", []string{"src/" + strings.Repeat("😀", 118)}, "amd64", false, "longer than MAX_PATH", ""},
		// C:\Users\<name>\AppData\Local\Programs\Go\ is 36 characters and the name.
		{"user, fits a 20-character name", []string{file(203)}, "amd64", true, "", ""},
		{"user, fits 19", []string{file(204), file(100)}, "amd64", true, "", `fits MAX_PATH only for user names of at most 19 characters`},
		{"user, fits none", []string{file(223)}, "amd64", true, `C:\Users\<user>\AppData\Local\Programs\Go\src\`, ""},
		{"user, fits one character", []string{file(222)}, "amd64", true, "", "at most 1 characters"},
	} {
		got := CheckInstallPaths(tc.paths, tc.arch, tc.perUser)
		switch {
		case tc.err == "" && got.Err != nil, tc.err != "" && (got.Err == nil || !strings.Contains(got.Err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, got.Err, tc.err)
		case tc.warning == "" && got.Warning != "", tc.warning != "" && !strings.Contains(got.Warning, tc.warning):
			t.Errorf("%s: warning %q, want %q", tc.name, got.Warning, tc.warning)
		}
		if got.Err != nil && !strings.Contains(got.Err.Error(), "exclude") {
			t.Errorf("%s: the error does not say how to fix it: %v", tc.name, got.Err)
		}
	}
}

// TestGoFitsInstallPaths: a real Go distribution's paths install under the
// default folders (its longest is 108 characters).
func TestGoFitsInstallPaths(t *testing.T) {
	zr, err := zip.OpenReader(testtool.Fixture(t, "go1.26.8.windows-amd64.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var paths []string
	for _, f := range zr.File {
		paths = append(paths, strings.TrimPrefix(f.Name, "go/"))
	}
	for _, perUser := range []bool{false, true} {
		if got := CheckInstallPaths(paths, "386", perUser); got.Err != nil || got.Warning != "" {
			t.Errorf("per user %v: %+v", perUser, got)
		}
	}
}
