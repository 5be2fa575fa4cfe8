package wix

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fakeWix4 puts a wix program in a folder with a space and returns its path.
func fakeWix4(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "dotnet tools", "wix.exe")
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte("MZ"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

const wix6Version = "6.0.2+41e11442b2ca93e444b60213b5ae99dcbab787d8\n"

func wix4Rules(version, extensions string) []rule {
	return []rule{
		{prefix: []string{"--version"}, out: version},
		{prefix: []string{"extension", "list", "-g"}, out: extensions},
		{prefix: []string{"extension", "add", "-g"}},
		{prefix: []string{"build"}},
	}
}

func TestWix4Argv(t *testing.T) {
	for _, tt := range []struct{ arch, wixArch string }{{"386", "x86"}, {"amd64", "x64"}, {"arm64", "arm64"}} {
		t.Run(tt.arch, func(t *testing.T) {
			wix := fakeWix4(t)
			job, base := testJob(t, tt.arch)
			r := &scriptRunner{rules: wix4Rules(wix6Version, "WixToolset.Util.wixext 6.0.2\n")}
			if err := (&Wix4{Path: wix, Runner: r}).Build(context.Background(), job); err != nil {
				t.Fatal(err)
			}
			if len(r.cmds) != 3 {
				t.Fatalf("ran %d commands: %v", len(r.cmds), r.cmds)
			}
			wxs := filepath.Join(base, "wxs")
			tmp := r.cmds[2].Args[16]
			want := []Command{
				{Path: wix, Args: []string{"--version"}},
				{Path: wix, Args: []string{"extension", "list", "-g"}},
				{Path: wix, Args: []string{"build", "-arch", tt.wixArch, "-ext", "WixToolset.Util.wixext",
					"-d", "GoVersion=go1.26.8", "-d", "SourceDir=" + filepath.Join(base, "dist", "go"),
					"-dcl", "high", "-pdbtype", "none", "-intermediatefolder", filepath.Join(wxs, "obj"),
					"-o", tmp, filepath.Join(wxs, "Product.wxs"), filepath.Join(wxs, "Files.wxs")}},
			}
			if !reflect.DeepEqual(r.cmds, want) {
				t.Errorf("argv:\n got %q\nwant %q", r.cmds, want)
			}
			if filepath.Dir(tmp) != filepath.Dir(job.Out) || !strings.HasSuffix(tmp, ".msi") || tmp == job.Out {
				t.Errorf("wix build writes %s, want a temporary .msi beside %s (wix picks the output type from the extension)", tmp, job.Out)
			}
			if b, err := os.ReadFile(job.Out); err != nil || string(b) != "msi" {
				t.Errorf("output not renamed into place: %q, %v", b, err)
			}
			assertNoTemp(t, filepath.Dir(job.Out))
		})
	}
}

func TestWix4Extensions(t *testing.T) {
	cases := []struct {
		name, list string
		ui         bool
		adds       []string
	}{
		{"present", "WixToolset.Util.wixext 6.0.2\nWixToolset.UI.wixext 6.0.2\n", true, nil},
		{"missing", "", false, []string{"WixToolset.Util.wixext/6.0.2"}},
		{"other version", "WixToolset.Util.wixext 5.0.0\n", false, []string{"WixToolset.Util.wixext/6.0.2"}},
		{"damaged", "WixToolset.Util.wixext 6.0.2 (damaged)\n", false, []string{"WixToolset.Util.wixext/6.0.2"}},
		{"ui missing", "wixtoolset.util.wixext 6.0.2+41e11442\n", true, []string{"WixToolset.UI.wixext/6.0.2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			job, _ := testJob(t, "amd64")
			r := &scriptRunner{rules: wix4Rules(wix6Version, c.list)}
			if err := (&Wix4{Path: fakeWix4(t), Runner: r, UI: c.ui}).Build(context.Background(), job); err != nil {
				t.Fatal(err)
			}
			var adds []string
			for _, cmd := range r.cmds {
				if len(cmd.Args) == 4 && cmd.Args[1] == "add" {
					adds = append(adds, cmd.Args[3])
				}
			}
			if !reflect.DeepEqual(adds, c.adds) {
				t.Errorf("added %v, want %v", adds, c.adds)
			}
			build := strings.Join(r.cmds[len(r.cmds)-1].Args, " ")
			if got := strings.Contains(build, "-ext WixToolset.UI.wixext"); got != c.ui {
				t.Errorf("build uses the UI extension: %v, want %v: %s", got, c.ui, build)
			}
		})
	}
}

func TestWix4Versions(t *testing.T) {
	cases := []struct{ out, want, err string }{
		{wix6Version, "6.0.2", ""},
		{"4.0.4+a8592982\n", "4.0.4", ""},
		{"5.0.2+aa65968c\r\n", "5.0.2", ""},
		{"3.14.1\n", "", "not v4 or later"},
		{"Unhandled exception. System.IO.FileNotFoundException", "", "no version in its output: Unhandled exception"},
	}
	for _, c := range cases {
		info, err := (&Wix4{Path: fakeWix4(t), Runner: &scriptRunner{rules: wix4Rules(c.out, "")}}).Detect(context.Background())
		if c.err == "" && (err != nil || info.Version != c.want) {
			t.Errorf("%q: Detect = %+v, %v; want %s", c.out, info, err, c.want)
		}
		if c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%q: Detect error %v, want %s", c.out, err, c.err)
		}
	}
}

func TestWix4Locate(t *testing.T) {
	wix := fakeWix4(t)
	home := t.TempDir()
	tools := filepath.Join(home, ".dotnet", "tools", "wix")
	os.MkdirAll(filepath.Dir(tools), 0o755)
	os.WriteFile(tools, []byte("#!"), 0o755)
	cases := []struct {
		name, path string
		w          *Wix4
		want       string
	}{
		{"explicit program", "", &Wix4{Path: wix}, wix},
		{"explicit folder", "", &Wix4{Path: filepath.Dir(wix)}, wix},
		{"PATH", filepath.Dir(tools), &Wix4{Getenv: envOf(nil)}, tools},
		{"dotnet tools", t.TempDir(), &Wix4{Getenv: envOf(map[string]string{"HOME": home})}, tools},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("PATH", c.path)
			c.w.Runner = &scriptRunner{rules: wix4Rules(wix6Version, "")}
			info, err := c.w.Detect(context.Background())
			if err != nil || info.Paths[0] != c.want {
				t.Errorf("Detect = %+v, %v; want %s", info, err, c.want)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := (&Wix4{Getenv: envOf(map[string]string{"HOME": t.TempDir()}), Runner: &scriptRunner{}}).Detect(context.Background())
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "dotnet tool install --global wix") {
			t.Errorf("Detect = %v, want ErrNotFound with an install hint", err)
		}
		_, err = (&Wix4{Path: filepath.Join(home, "nope"), Runner: &scriptRunner{}}).Detect(context.Background())
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "wix4_path") {
			t.Errorf("Detect with a wrong wix4_path = %v", err)
		}
	})
}

func TestWix4Eula(t *testing.T) {
	job, _ := testJob(t, "amd64")
	r := &scriptRunner{rules: wix4Rules("7.0.0+0123abcd\n", "WixToolset.Util.wixext 7.0.0\n")}
	err := (&Wix4{Path: fakeWix4(t), Runner: r}).Build(context.Background(), job)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "wix_eula: wix7") {
		t.Fatalf("v7 without wix_eula: %v", err)
	}
	if len(r.cmds) != 1 {
		t.Errorf("ran %v before refusing", r.cmds)
	}

	r = &scriptRunner{rules: wix4Rules("7.0.0+0123abcd\n", "WixToolset.Util.wixext 7.0.0\n")}
	if err := (&Wix4{Path: fakeWix4(t), Runner: r, AcceptEula: "wix7"}).Build(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	build := strings.Join(r.cmds[len(r.cmds)-1].Args, " ")
	if !strings.Contains(build, " -acceptEula wix7 -o ") {
		t.Errorf("v7 with wix_eula: wix7 builds with %s", build)
	}

	// v6 never gets the flag, even when the user set wix_eula.
	r = &scriptRunner{rules: wix4Rules(wix6Version, "WixToolset.Util.wixext 6.0.2\n")}
	if err := (&Wix4{Path: fakeWix4(t), Runner: r, AcceptEula: "wix7"}).Build(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	if build := strings.Join(r.cmds[len(r.cmds)-1].Args, " "); strings.Contains(build, "acceptEula") {
		t.Errorf("v6 builds with %s", build)
	}
}

func TestWix4Failures(t *testing.T) {
	cases := []struct {
		name  string
		rules []rule
		want  string
	}{
		{"build", []rule{{prefix: []string{"--version"}, out: wix6Version}, {prefix: []string{"extension", "list"}, out: "WixToolset.Util.wixext 6.0.2"},
			{prefix: []string{"build"}, out: `Product.wxs(4): error WIX0005: The Package element contains an unexpected child element 'Product'.`, err: errors.New("exit status 1")}},
			"wix4: wix build: tool failed: exit status 1: Product.wxs(4): error WIX0005"},
		{"extension add", []rule{{prefix: []string{"--version"}, out: wix6Version}, {prefix: []string{"extension", "list"}},
			{prefix: []string{"extension", "add"}, out: "error WIX0144: The extension 'WixToolset.Util.wixext/6.0.2' could not be found", err: errors.New("exit status 144")}},
			"could not be found"},
		{"eula asked by a newer wix", []rule{{prefix: []string{"--version"}, out: wix6Version}, {prefix: []string{"extension", "list"}, out: "WixToolset.Util.wixext 6.0.2"},
			{prefix: []string{"build"}, out: "error WIX7015: You must accept the Open Source Maintenance Fee EULA", err: errors.New("exit status 1")}},
			"set wix_eula in gomsi.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			job, _ := testJob(t, "amd64")
			r := &scriptRunner{rules: c.rules}
			err := (&Wix4{Path: fakeWix4(t), Runner: r}).Build(context.Background(), job)
			if !errors.Is(err, ErrToolFailed) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Build = %v\nwant an ErrToolFailed containing %s", err, c.want)
			}
			if _, err := os.Stat(job.Out); err == nil {
				t.Error("a failed build left the MSI")
			}
			assertNoTemp(t, filepath.Dir(job.Out))
		})
	}
}
