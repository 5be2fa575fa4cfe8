package wix

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/product"
)

// fakeRunner records commands and answers with canned output.
type fakeRunner struct {
	cmds   []Command
	out    string
	err    error
	create bool // write the -o file, as the real compiler would
}

func (f *fakeRunner) Run(ctx context.Context, cmd Command) ([]byte, error) {
	f.cmds = append(f.cmds, cmd)
	if f.create {
		for i, a := range cmd.Args {
			if a == "-o" {
				os.WriteFile(cmd.Args[i+1], []byte("msi"), 0o644)
			}
		}
	}
	return []byte(f.out), f.err
}

func testJob(t *testing.T, arch string) (Job, string) {
	t.Helper()
	base := filepath.Join(t.TempDir(), "with space")
	a, err := product.LookupArch(arch)
	if err != nil {
		t.Fatal(err)
	}
	return Job{
		Sources:   []string{filepath.Join(base, "wxs", "Product.wxs"), filepath.Join(base, "wxs", "Files.wxs")},
		SourceDir: filepath.Join(base, "dist", "go"),
		Arch:      a,
		Defines:   map[string]string{"GoVersion": "go1.26.8"},
		Out:       filepath.Join(base, "out", "go.msi"),
	}, base
}

func TestWixlArgv(t *testing.T) {
	for _, tt := range []struct{ arch, wixArch string }{{"amd64", "x64"}, {"386", "x86"}} {
		job, base := testJob(t, tt.arch)
		r := &fakeRunner{create: true}
		if err := (&Wixl{Runner: r}).Build(context.Background(), job); err != nil {
			t.Fatal(err)
		}
		if len(r.cmds) != 1 {
			t.Fatalf("ran %d commands", len(r.cmds))
		}
		cmd := r.cmds[0]
		tmp := cmd.Args[len(cmd.Args)-3]
		want := Command{Dir: filepath.Join(base, "wxs"), Path: "wixl", Args: []string{
			"-a", tt.wixArch, "-D", "GoVersion=go1.26.8", "-D", "SourceDir=../dist/go", "-o", tmp, "Product.wxs", "Files.wxs"}}
		if !reflect.DeepEqual(cmd, want) {
			t.Errorf("argv:\n got %#v\nwant %#v", cmd, want)
		}
		if !filepath.IsAbs(tmp) || filepath.Dir(tmp) != filepath.Dir(job.Out) || tmp == job.Out {
			t.Errorf("wixl writes %s, want a temporary name beside %s", tmp, job.Out)
		}
		if b, err := os.ReadFile(job.Out); err != nil || string(b) != "msi" {
			t.Errorf("output not renamed into place: %q, %v", b, err)
		}
		assertNoTemp(t, filepath.Dir(job.Out))
	}
}

func TestWixlFailures(t *testing.T) {
	tests := []struct {
		name string
		r    *fakeRunner
		want string
	}{
		{"exit status", &fakeRunner{out: "Files.wxs:12: error: unknown element Frob", err: errors.New("exit status 1")},
			"wixl: tool failed: exit status 1: Files.wxs:12: error: unknown element Frob"},
		{"warning with exit 0", &fakeRunner{create: true, out: "(wixl:1): GLib-GObject-WARNING **: object class 'WixlWixPackage' has no property named 'Platform'"},
			"wixl warned (it ignores what it cannot compile, so the MSI would lack it): (wixl:1): GLib-GObject-WARNING **: object class 'WixlWixPackage' has no property named 'Platform'"},
		{"unhandled child", &fakeRunner{create: true, out: "unhandled child Component node Environment"},
			"unhandled child Component node Environment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			job, _ := testJob(t, "amd64")
			err := (&Wixl{Runner: tt.r}).Build(context.Background(), job)
			if err == nil || !errors.Is(err, ErrToolFailed) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Build = %v\nwant an ErrToolFailed containing %s", err, tt.want)
			}
			if _, err := os.Stat(job.Out); err == nil {
				t.Error("a failed build left the MSI")
			}
			assertNoTemp(t, filepath.Dir(job.Out))
		})
	}
}

func TestWixlRefusesArm64(t *testing.T) {
	job, _ := testJob(t, "arm64")
	r := &fakeRunner{}
	err := (&Wixl{Runner: r}).Build(context.Background(), job)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "cannot build arm64") {
		t.Errorf("arm64: %v", err)
	}
	if len(r.cmds) != 0 {
		t.Errorf("ran %v for a job it must refuse", r.cmds)
	}
}

func TestCommandString(t *testing.T) {
	c := Command{Dir: "/a b", Path: "wixl", Args: []string{"-D", "SourceDir=../x y", "it's"}}
	if got, want := c.String(), `(cd '/a b' && wixl -D 'SourceDir=../x y' 'it'\''s')`; got != want {
		t.Errorf("String = %s, want %s", got, want)
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}
