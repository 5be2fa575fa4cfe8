package ci

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/fakedl"
	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/rhysd/actionlint"
)

// TestLinuxWorkflowRunsHere runs the build job of gomsi-linux.yml on this
// machine as a runner would, for go1.26.8 amd64. Go comes from a local copy
// of go.dev/dl serving the fixture, through the workflow's source input.
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
	r := newLocalRun(t, "gomsi-linux.yml", "build", map[string]string{
		"matrix.go":     "1.26.8",
		"matrix.arch":   "amd64",
		"inputs.source": srv.URL,
	})
	if err := r.run(t); err != nil {
		t.Fatal(err)
	}
	if r.ran < 4 {
		t.Errorf("ran %d run: steps; the workflow fetches, checks, builds and checks the package", r.ran)
	}
}

// A localRun runs one job of a workflow on this machine as a runner would:
// every run: step in order with the shell GitHub would use, in its working
// directory, with the job's and the step's environment on top of the
// runner's. GitHub's actions are stood in for: checkout is this repository,
// setup-go and cache do nothing (Go is here, the cache starts empty),
// upload-artifact checks that its paths match files, download-artifact
// copies the files of artifacts. A package installation step is skipped
// (.ci/run installs those packages).
type localRun struct {
	file      string
	workflow  *actionlint.Workflow
	job       *actionlint.Job
	repo      string            // what checkout checks out
	workspace string            // github.workspace
	values    map[string]string // the value of each ${{ }} expression
	env       []string          // the runner's environment
	artifacts string            // the files download-artifact gets
	ran       int               // run: steps done
	output    strings.Builder   // what every step printed
}

func newLocalRun(t *testing.T, file, job string, values map[string]string) *localRun {
	t.Helper()
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	r := &localRun{file: file, repo: repo, workspace: t.TempDir(), values: values, env: os.Environ()}
	r.workflow, r.job = parseJob(t, file, job)
	r.values["github.workspace"] = r.workspace
	return r
}

// run runs the job's steps; the first failing step ends it with an error
// that carries the step's output.
func (r *localRun) run(t *testing.T) error {
	t.Helper()
	env := r.env
	if r.job.Env != nil {
		for _, v := range r.job.Env.Vars {
			value := expand(t, v.Value.Value, r.values)
			env = append(env, v.Name.Value+"="+value)
			r.values["env."+v.Name.Value] = value
		}
	}
	for _, step := range r.job.Steps {
		switch e := step.Exec.(type) {
		case *actionlint.ExecAction:
			r.standIn(t, e)
		case *actionlint.ExecRun:
			script := expand(t, e.Run.Value, r.values)
			if strings.Contains(script, "apt-get install") {
				t.Logf("skipped %q: .ci/run installs the packages", name(step))
				continue
			}
			dir := r.workspace
			if e.WorkingDirectory != nil {
				dir = filepath.Join(r.workspace, expand(t, e.WorkingDirectory.Value, r.values))
			}
			stepEnv := env
			if step.Env != nil {
				for _, v := range step.Env.Vars {
					stepEnv = append(stepEnv, v.Name.Value+"="+expand(t, v.Value.Value, r.values))
				}
			}
			args := shellArgs(t, step, r.job, r.workflow)
			cmd := exec.Command(args[0], append(args[1:], script)...)
			cmd.Dir, cmd.Env = dir, stepEnv
			out, err := cmd.CombinedOutput()
			r.output.Write(out)
			if err != nil {
				return fmt.Errorf("%s: step %q failed: %v\n%s", r.file, name(step), err, msitest.Tail(string(out)))
			}
			r.ran++
		}
	}
	return nil
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

// standIn does what an action would, as far as gomsi's jobs need.
func (r *localRun) standIn(t *testing.T, a *actionlint.ExecAction) {
	t.Helper()
	uses, _, _ := strings.Cut(a.Uses.Value, "@")
	input := func(name string) string {
		if in := a.Inputs[name]; in != nil {
			return expand(t, in.Value.Value, r.values)
		}
		return ""
	}
	switch uses {
	case "actions/checkout":
		if err := os.Symlink(r.repo, filepath.Join(r.workspace, input("path"))); err != nil {
			t.Fatal(err)
		}
	case "actions/setup-go", "actions/cache":
	case "actions/upload-artifact":
		for _, pattern := range strings.Fields(input("path")) {
			m, err := filepath.Glob(filepath.Join(r.workspace, pattern))
			if err != nil || len(m) == 0 {
				t.Errorf("artifact %s: no file matches %s (%v)", input("name"), pattern, err)
			}
		}
	case "actions/download-artifact":
		if r.artifacts == "" || input("path") == "" {
			t.Fatalf("download-artifact to %q: the local run has no artifacts", input("path"))
		}
		if err := os.CopyFS(filepath.Join(r.workspace, input("path")), os.DirFS(r.artifacts)); err != nil {
			t.Fatal(err)
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
