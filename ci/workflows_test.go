// Package ci holds the GitHub Actions workflows that build, install, sign and
// publish MSIs with gomsi; its tests lint them and run the jobs that run on
// Linux here.
package ci

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// workflows lists ci/'s workflows and the project's own.
func workflows(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, glob := range []string{"*.yml", "../.github/workflows/*.yml"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 5 {
		t.Fatalf("found only %v", files)
	}
	return files
}

// lint runs actionlint as its command would on the files (shellcheck and
// pyflakes too when they are on PATH) and returns its report.
func lint(t *testing.T, files []string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: "shellcheck", Pyflakes: "pyflakes"})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFiles(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), len(errs)
}

func TestActionlint(t *testing.T) {
	if report, n := lint(t, workflows(t)); n > 0 {
		t.Errorf("actionlint found %d problems:\n%s", n, report)
	}
}

// TestActionlintFails proves the lint can fail: a job that needs a job
// that does not exist and an unknown expression context.
func TestActionlintFails(t *testing.T) {
	body, err := os.ReadFile("gomsi-linux.yml")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(body), "runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    needs: nosuchjob", 1)
	bad = strings.Replace(bad, "${{ matrix.arch }}", "${{ matrx.arch }}", 1)
	dir := filepath.Join(t.TempDir(), ".github", "workflows")
	os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, "bad.yml")
	os.WriteFile(p, []byte(bad), 0o644)
	report, n := lint(t, []string{p})
	if n < 2 || !strings.Contains(report, "nosuchjob") || !strings.Contains(report, "matrx") {
		t.Errorf("actionlint found %d problems in a broken workflow:\n%s", n, report)
	}
}

// TestCopiesMatch: users call the workflows in .github/workflows (GitHub
// runs reusable workflows only from there) or copy ci/'s: they must be the
// same files.
func TestCopiesMatch(t *testing.T) {
	ci, _ := filepath.Glob("gomsi-*.yml")
	if len(ci) == 0 {
		t.Fatal("no ci/gomsi-*.yml")
	}
	for _, f := range ci {
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join("..", ".github", "workflows", f))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("../.github/workflows/%s differs from ci/%s (%v): cp ci/gomsi-*.yml .github/workflows/", f, f, err)
		}
	}
}

// TestMatrixCoversArches: the Windows workflow builds every arch gomsi
// knows with both WiX toolsets, and installs each on a runner of its arch.
func TestMatrixCoversArches(t *testing.T) {
	body, _ := os.ReadFile("gomsi-windows.yml")
	s := string(body)
	for _, want := range []string{`'["386","amd64","arm64"]'`, `'["wix4","wix3"]'`, "windows-11-arm", "msiexec.exe -ArgumentList \"/i", "/l*v", "msiexec.exe -ArgumentList \"/x", "go run mage.go sign verify", "go run mage.go publish", "startsWith(github.ref, 'refs/tags/')"} {
		if !strings.Contains(s, want) {
			t.Errorf("gomsi-windows.yml lacks %s", want)
		}
	}
}

// TestWorkflowsFetchThroughGomsi: the workflows let gomsi download Go, which
// checks the SHA-256 the index publishes, rather than fetching the zip
// themselves unchecked; the download cache survives between runs.
func TestWorkflowsFetchThroughGomsi(t *testing.T) {
	ci, _ := filepath.Glob("gomsi-*.yml")
	for _, f := range ci {
		body, _ := os.ReadFile(f)
		s := string(body)
		for _, want := range []string{"go run mage.go fetch", "uses: actions/cache@", "path: ${{ env.GOMSI_CACHE }}", "GOMSI_SOURCE: ${{ inputs.source }}"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s lacks %s", f, want)
			}
		}
		for _, bad := range []string{"go.dev/dl/go", "curl ", "Invoke-WebRequest", "wget "} {
			if strings.Contains(s, bad) {
				t.Errorf("%s downloads Go itself (%s), unchecked: let gomsi fetch it", f, bad)
			}
		}
	}
}

// earlyQuit matches a pipe into a reader that may stop reading before the
// writer is done: the writer then dies of SIGPIPE (exit 141), which pipefail
// turns into a failed step, depending on timing.
var earlyQuit = regexp.MustCompile(`\|\s*(grep\s+(-\w*[qm]|--quiet|--silent|--max-count)|head\b|sed\s+(-n\s+)?'?\d*q)`)

// TestNoPipeIntoEarlyQuit: a check such as `msiinfo export ... | grep -q X`
// failed CI once in a few runs with exit status 141.
func TestNoPipeIntoEarlyQuit(t *testing.T) {
	for _, bad := range []string{`msiinfo export "$msi" Property | grep -q '^ProductVersion'`, "find . | head -1", "ls | grep -m1 x"} {
		if !earlyQuit.MatchString(bad) {
			t.Errorf("the check misses %q", bad)
		}
	}
	for _, f := range workflows(t) {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(body), "\n") {
			if earlyQuit.MatchString(line) {
				t.Errorf("%s:%d: %s\n\tthe reader may quit first and kill the writer with SIGPIPE: write the output to a file or a variable, then search it", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestProjectCIInstallsWhatCIRunDoes: gomsi's GitHub test job runs the
// suite with CI=true, where a missing tool fails its tests, so it installs
// every package .ci/run installs.
func TestProjectCIInstallsWhatCIRunDoes(t *testing.T) {
	packages := func(file string) []string {
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.ReplaceAll(string(body), "\\\n", " ")
		_, after, ok := strings.Cut(s, "--no-install-recommends")
		if !ok {
			t.Fatalf("%s installs no packages", file)
		}
		line, _, _ := strings.Cut(after, "\n")
		line, _, _ = strings.Cut(line, ">")
		return strings.Fields(line)
	}
	run, gh := packages("../.ci/run"), packages("../.github/workflows/ci.yml")
	if len(run) < 5 {
		t.Fatalf(".ci/run installs %v", run)
	}
	for _, p := range run {
		if !slices.Contains(gh, p) {
			t.Errorf(".github/workflows/ci.yml does not install %s, which .ci/run installs for the tests", p)
		}
	}
}
