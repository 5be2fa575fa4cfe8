package wix

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/templates"
)

// scriptRunner answers each command by the first rule whose args start
// with the rule's prefix, and writes the output file the tool would.
type scriptRunner struct {
	cmds  []Command
	rules []rule
}

type rule struct {
	prefix []string
	out    string
	err    error
}

func (s *scriptRunner) Run(ctx context.Context, cmd Command) ([]byte, error) {
	s.cmds = append(s.cmds, cmd)
	for _, r := range s.rules {
		if len(cmd.Args) < len(r.prefix) || !reflect.DeepEqual(cmd.Args[:len(r.prefix)], r.prefix) {
			continue
		}
		if r.err == nil {
			for i, a := range cmd.Args {
				if (a == "-o" || a == "-out") && i+1 < len(cmd.Args) && strings.HasSuffix(cmd.Args[i+1], ".msi") {
					os.WriteFile(cmd.Args[i+1], []byte("msi"), 0o644)
				}
			}
		}
		return []byte(r.out), r.err
	}
	return []byte("unexpected command"), errors.New("exit status 99")
}

const banner314 = "Windows Installer XML Toolset Compiler version 3.14.1.8722\nCopyright (c) .NET Foundation and contributors. All rights reserved.\n\n usage:  candle.exe [-?] [-nologo] [-out outputFile] sourceFile [sourceFile ...]"

// fakeWix3 lays out a WiX v3 install (with a space in its path) and returns
// its root, as WIX would name it.
func fakeWix3(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "WiX Toolset v3.14") + string(filepath.Separator)
	for _, name := range []string{"candle.exe", "light.exe"} {
		p := filepath.Join(root, "bin", name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("MZ"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestWix3Argv(t *testing.T) {
	for _, tt := range []struct{ arch, wixArch string }{{"386", "x86"}, {"amd64", "x64"}, {"arm64", "arm64"}} {
		t.Run(tt.arch, func(t *testing.T) {
			root := fakeWix3(t)
			bin := filepath.Join(root, "bin")
			job, base := testJob(t, tt.arch)
			r := &scriptRunner{rules: []rule{{prefix: []string{"-?"}, out: banner314}, {prefix: []string{"-nologo"}}}}
			w := &Wix3{Runner: r, Getenv: envOf(map[string]string{"WIX": root}), CabinetThreads: 4}
			if err := w.Build(context.Background(), job); err != nil {
				t.Fatal(err)
			}
			if len(r.cmds) != 3 {
				t.Fatalf("ran %d commands: %v", len(r.cmds), r.cmds)
			}
			wxs := filepath.Join(base, "wxs")
			obj := filepath.Join(wxs, "obj")
			tmp := r.cmds[2].Args[9]
			want := []Command{
				{Path: filepath.Join(bin, "candle.exe"), Args: []string{"-?"}},
				{Path: filepath.Join(bin, "candle.exe"), Args: []string{"-nologo", "-arch", tt.wixArch,
					"-dGoVersion=go1.26.8", "-dSourceDir=" + filepath.Join(base, "dist", "go"),
					"-ext", "WixUtilExtension",
					filepath.Join(wxs, "Product.wxs"), filepath.Join(wxs, "Files.wxs"),
					"-out", obj + string(filepath.Separator)}},
				{Path: filepath.Join(bin, "light.exe"), Args: []string{"-nologo", "-ext", "WixUtilExtension",
					"-dcl:high", "-cultures:en-us", "-spdb", "-ct", "4", "-out", tmp,
					filepath.Join(obj, "Product.wixobj"), filepath.Join(obj, "Files.wixobj")}},
			}
			if !reflect.DeepEqual(r.cmds, want) {
				t.Errorf("argv:\n got %q\nwant %q", r.cmds, want)
			}
			if filepath.Dir(tmp) != filepath.Dir(job.Out) || !strings.HasSuffix(tmp, ".msi") || tmp == job.Out {
				t.Errorf("light writes %s, want a temporary .msi beside %s", tmp, job.Out)
			}
			if b, err := os.ReadFile(job.Out); err != nil || string(b) != "msi" {
				t.Errorf("output not renamed into place: %q, %v", b, err)
			}
			assertNoTemp(t, filepath.Dir(job.Out))
		})
	}
}

func TestWix3Options(t *testing.T) {
	root := fakeWix3(t)
	job, _ := testJob(t, "amd64")
	r := &scriptRunner{rules: []rule{{prefix: []string{"-?"}, out: banner314}, {prefix: []string{"-nologo"}}}}
	w := &Wix3{Path: root, Runner: r, UI: true, DCL: "mszip"}
	if err := w.Build(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	light := strings.Join(r.cmds[2].Args, " ")
	if !strings.HasPrefix(light, "-nologo -ext WixUtilExtension -ext WixUIExtension -dcl:mszip -cultures:en-us -spdb -out ") {
		t.Errorf("light args: %s", light)
	}
	if strings.Contains(light, "-ct") {
		t.Errorf("light got -ct without CabinetThreads: %s", light)
	}
	if strings.Contains(light, "-sice") {
		t.Errorf("light skips ICE rules nobody asked to skip: %s", light)
	}
	job.Plan = &templates.InstallerData{SuppressICE: []string{"ICE38", "ICE91"}}
	r.cmds = nil
	if err := w.Build(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	if light := strings.Join(r.cmds[len(r.cmds)-1].Args, " "); !strings.Contains(light, " -spdb -sice:ICE38 -sice:ICE91 -out ") {
		t.Errorf("light args for a per-user job: %s", light)
	}
	w = &Wix3{Path: root, Runner: r, DCL: "ultra"}
	if err := w.Build(context.Background(), job); err == nil || !strings.Contains(err.Error(), `"ultra" (wix_dcl)`) {
		t.Errorf("bad DCL: %v", err)
	}
}

func TestWix3Locate(t *testing.T) {
	root := fakeWix3(t)
	bin := filepath.Join(root, "bin")
	candle := filepath.Join(bin, "candle.exe")
	pathBin := filepath.Join(fakeWix3(t), "bin") // a second install, reached through PATH
	cases := []struct {
		name string
		w    *Wix3
		path string
		want string
	}{
		{"explicit bin folder", &Wix3{Path: bin}, "", candle},
		{"explicit install folder", &Wix3{Path: root}, "", candle},
		{"explicit candle.exe", &Wix3{Path: candle}, "", candle},
		{"WIX variable", &Wix3{Getenv: envOf(map[string]string{"WIX": root})}, "", candle},
		{"PATH", &Wix3{Getenv: envOf(nil)}, pathBin, filepath.Join(pathBin, "candle.exe")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("PATH", c.path)
			r := &scriptRunner{rules: []rule{{prefix: []string{"-?"}, out: banner314}}}
			c.w.Runner = r
			info, err := c.w.Detect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if info.Version != "3.14.1.8722" || info.Paths[0] != c.want || info.Paths[1] != filepath.Join(filepath.Dir(c.want), "light.exe") {
				t.Errorf("Detect = %+v, want 3.14.1.8722 at %s", info, c.want)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := (&Wix3{Getenv: envOf(map[string]string{"WIX": t.TempDir()}), Runner: &scriptRunner{}}).Detect(context.Background())
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "install WiX 3.14") || !strings.Contains(err.Error(), "WIX=") {
			t.Errorf("Detect = %v, want ErrNotFound with an install hint", err)
		}
		_, err = (&Wix3{Path: filepath.Join(root, "nope"), Runner: &scriptRunner{}}).Detect(context.Background())
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "wix3_path") {
			t.Errorf("Detect with a wrong wix3_path = %v", err)
		}
	})
}

func TestWix3Versions(t *testing.T) {
	root := fakeWix3(t)
	cases := []struct {
		banner  string
		version string
		err     string
	}{
		{banner314, "3.14.1.8722", ""},
		{"Windows Installer XML Toolset Compiler version 3.11.2.4516\r\nCopyright", "3.11.2.4516", ""},
		{"Windows Installer XML Toolset Compiler version 3.10.4.4718", "", "gomsi drives WiX 3.11 to 3.14"},
		{"candle: something else", "", "no version in its banner: candle: something else"},
	}
	for _, c := range cases {
		info, err := (&Wix3{Path: root, Runner: &scriptRunner{rules: []rule{{prefix: []string{"-?"}, out: c.banner}}}}).Detect(context.Background())
		if c.err == "" && (err != nil || info.Version != c.version) {
			t.Errorf("%q: Detect = %+v, %v; want %s", c.banner, info, err, c.version)
		}
		if c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%q: Detect error %v, want %s", c.banner, err, c.err)
		}
	}
}

func TestWix3RefusesArm64Before314(t *testing.T) {
	root := fakeWix3(t)
	job, _ := testJob(t, "arm64")
	r := &scriptRunner{rules: []rule{{prefix: []string{"-?"}, out: "Windows Installer XML Toolset Compiler version 3.11.2.4516"}, {prefix: []string{"-nologo"}}}}
	err := (&Wix3{Path: root, Runner: r}).Build(context.Background(), job)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "arm64") || !strings.Contains(err.Error(), "3.14") {
		t.Errorf("arm64 with 3.11: %v", err)
	}
	if len(r.cmds) != 1 {
		t.Errorf("ran %d commands for a job it must refuse: %v", len(r.cmds), r.cmds)
	}
}

func TestWix3Failures(t *testing.T) {
	root := fakeWix3(t)
	cases := []struct {
		name, failing, out string
		runs               int
	}{
		{"candle", "candle", `Product.wxs(12) : error CNDL0005 : The Product element contains an unexpected child element 'Frob'.`, 2},
		{"light", "light", `error LGHT0204 : ICE03: Invalid Language Id; Table: Property, Column: Value`, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			job, _ := testJob(t, "amd64")
			r := &failingTool{tool: c.failing, out: c.out, next: &scriptRunner{rules: []rule{{prefix: []string{"-?"}, out: banner314}, {prefix: []string{"-nologo"}}}}}
			err := (&Wix3{Path: root, Runner: r}).Build(context.Background(), job)
			if !errors.Is(err, ErrToolFailed) || !strings.Contains(err.Error(), c.out) || !strings.Contains(err.Error(), "wix3: "+c.failing) {
				t.Fatalf("Build = %v\nwant an ErrToolFailed from %s with its output", err, c.failing)
			}
			if len(r.next.cmds) != c.runs {
				t.Errorf("ran %d commands, want %d", len(r.next.cmds), c.runs)
			}
			if _, err := os.Stat(job.Out); err == nil {
				t.Error("a failed build left the MSI")
			}
			assertNoTemp(t, filepath.Dir(job.Out))
		})
	}
}

// failingTool fails every run of one tool (by its file name), writing a
// partial output first as a crashing linker might.
type failingTool struct {
	tool, out string
	next      *scriptRunner
}

func (f *failingTool) Run(ctx context.Context, cmd Command) ([]byte, error) {
	out, err := f.next.Run(ctx, cmd)
	if strings.HasPrefix(filepath.Base(cmd.Path), f.tool) && !(len(cmd.Args) > 0 && (cmd.Args[0] == "-?" || cmd.Args[0] == "--version")) {
		return []byte(f.out), errors.New("exit status 1")
	}
	return out, err
}
