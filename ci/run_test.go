package ci

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/fakedl"
	"github.com/gomsi/gomsi/internal/msitest"
	"github.com/gomsi/gomsi/internal/testtool"
	"github.com/rhysd/actionlint"
)

// TestLinuxWorkflowRunsHere runs the build job of gomsi-linux.yml on this
// machine as a runner would, for go1.26.8 amd64: every run: step in order
// with the shell GitHub would use, in its working directory, with the job's
// environment. GitHub's actions are stood in for: checkout is this
// repository, setup-go and cache do nothing (Go is here, the cache starts
// empty), upload-artifact checks that its paths match files. The package
// installation step is skipped (.ci/run installs those packages). Go comes
// from a local copy of go.dev/dl serving the fixture, through the
// workflow's source input.
func TestLinuxWorkflowRunsHere(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the fixture's MSI with wixl")
	}
	fixture := testtool.Fixture(t, "go1.26.8.windows-amd64.zip")
	for _, tool := range []string{"bash", "wixl", "msiinfo", "msiextract"} {
		testtool.Require(t, tool)
	}
	srv := fakedl.New()
	t.Cleanup(srv.Close)
	if _, err := srv.AddZipFile("go1.26.8", true, "amd64", fixture); err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	workspace := t.TempDir()
	values := map[string]string{
		"matrix.go":        "1.26.8",
		"matrix.arch":      "amd64",
		"github.workspace": workspace,
		"inputs.source":    srv.URL,
	}
	workflow, job := parseJob(t, "gomsi-linux.yml", "build")
	env := os.Environ()
	for _, v := range job.Env.Vars {
		value := expand(t, v.Value.Value, values)
		env = append(env, v.Name.Value+"="+value)
		values["env."+v.Name.Value] = value
	}
	ran := 0
	for _, step := range job.Steps {
		switch e := step.Exec.(type) {
		case *actionlint.ExecAction:
			standIn(t, e, workspace, repo, values)
		case *actionlint.ExecRun:
			script := expand(t, e.Run.Value, values)
			if strings.Contains(script, "apt-get install") {
				t.Logf("skipped %q: .ci/run installs the packages", name(step))
				continue
			}
			dir := workspace
			if e.WorkingDirectory != nil {
				dir = filepath.Join(workspace, expand(t, e.WorkingDirectory.Value, values))
			}
			args := shellArgs(t, step, job, workflow)
			cmd := exec.Command(args[0], append(args[1:], script)...)
			cmd.Dir, cmd.Env = dir, env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("step %q failed: %v\n%s", name(step), err, msitest.Tail(string(out)))
			}
			ran++
		}
	}
	if ran < 4 {
		t.Errorf("ran %d run: steps; the workflow fetches, checks, builds and checks the package", ran)
	}
}

// parseJob reads one job of a workflow.
func parseJob(t *testing.T, file, id string) (*actionlint.Workflow, *actionlint.Job) {
	t.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	w, errs := actionlint.Parse(body)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", file, errs[0])
	}
	job := w.Jobs[id]
	if job == nil {
		t.Fatalf("%s has no job %q", file, id)
	}
	return w, job
}

// shellArgs is how a Linux runner starts a run: script: with the shell the
// step, else its job's defaults, else the workflow's defaults name. Without
// one GitHub uses bash -e, without pipefail; shell: bash adds pipefail.
func shellArgs(t *testing.T, step *actionlint.Step, job *actionlint.Job, workflow *actionlint.Workflow) []string {
	t.Helper()
	shell := ""
	if run, ok := step.Exec.(*actionlint.ExecRun); ok && run.Shell != nil {
		shell = run.Shell.Value
	} else if job.Defaults != nil && job.Defaults.Run != nil && job.Defaults.Run.Shell != nil {
		shell = job.Defaults.Run.Shell.Value
	} else if workflow.Defaults != nil && workflow.Defaults.Run != nil && workflow.Defaults.Run.Shell != nil {
		shell = workflow.Defaults.Run.Shell.Value
	}
	switch shell {
	case "":
		return []string{"bash", "-e", "-c"}
	case "bash":
		return []string{"bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"}
	case "sh":
		return []string{"sh", "-e", "-c"}
	}
	t.Fatalf("step %q: the local run does not know shell %q", name(step), shell)
	return nil
}

var exprRE = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// expand replaces the ${{ }} expressions of s; one this emulation does not
// know fails the test, so that a new one is not silently left empty.
func expand(t *testing.T, s string, values map[string]string) string {
	t.Helper()
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		expr := exprRE.FindStringSubmatch(m)[1]
		v, ok := values[expr]
		if !ok {
			t.Fatalf("the local run does not know the expression %s", m)
		}
		return v
	})
}

// standIn does what an action would, as far as this job needs.
func standIn(t *testing.T, a *actionlint.ExecAction, workspace, repo string, values map[string]string) {
	t.Helper()
	uses, _, _ := strings.Cut(a.Uses.Value, "@")
	input := func(name string) string {
		if in := a.Inputs[name]; in != nil {
			return expand(t, in.Value.Value, values)
		}
		return ""
	}
	switch uses {
	case "actions/checkout":
		if err := os.Symlink(repo, filepath.Join(workspace, input("path"))); err != nil {
			t.Fatal(err)
		}
	case "actions/setup-go", "actions/cache":
	case "actions/upload-artifact":
		for _, pattern := range strings.Fields(input("path")) {
			m, err := filepath.Glob(filepath.Join(workspace, pattern))
			if err != nil || len(m) == 0 {
				t.Errorf("artifact %s: no file matches %s (%v)", input("name"), pattern, err)
			}
		}
	default:
		t.Fatalf("the local run has no stand-in for %s", a.Uses.Value)
	}
}

func name(s *actionlint.Step) string {
	if s.Name != nil {
		return s.Name.Value
	}
	return fmt.Sprintf("step at line %d", s.Pos.Line)
}
