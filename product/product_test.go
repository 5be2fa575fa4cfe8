package product

import "testing"

func TestParseGoVersion(t *testing.T) {
	tests := []struct {
		in, str, msi string
	}{
		{"go1.26.8", "go1.26.8", "1.26.8"},
		{"go1.21.0", "go1.21.0", "1.21.0"},
		{"go1.20", "go1.20", "1.20.0"},
		{"go1.27rc1", "go1.27rc1", "1.27.0"},
		{"go1.22beta2", "go1.22beta2", "1.22.0"},
	}
	for _, tt := range tests {
		v, err := ParseGoVersion(tt.in)
		if err != nil {
			t.Fatalf("ParseGoVersion(%q): %v", tt.in, err)
		}
		if got := v.String(); got != tt.str {
			t.Errorf("ParseGoVersion(%q).String() = %q, want %q", tt.in, got, tt.str)
		}
		if got, _ := v.MSIVersion(); got != tt.msi {
			t.Errorf("ParseGoVersion(%q).MSIVersion() = %q, want %q", tt.in, got, tt.msi)
		}
	}
	for _, bad := range []string{"", "1.26.8", "go1", "go1.26.8rc1", "devel go1.27-abc", "go1.26.8\n"} {
		if _, err := ParseGoVersion(bad); err == nil {
			t.Errorf("ParseGoVersion(%q) succeeded, want error", bad)
		}
	}
	if _, err := (GoVersion{Major: 1, Minor: 256}).MSIVersion(); err == nil {
		t.Error("MSIVersion of go1.256 succeeded, want error: minor exceeds 255")
	}
}

func TestCompare(t *testing.T) {
	order := []string{"go1.20", "go1.21rc2", "go1.21.0", "go1.26beta1", "go1.26rc1", "go1.26rc2", "go1.26.0", "go1.26.8", "go1.27rc1"}
	for i := range order {
		for j := range order {
			a, _ := ParseGoVersion(order[i])
			b, _ := ParseGoVersion(order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
}

func TestArchTable(t *testing.T) {
	tests := []struct {
		goarch, wix, platform, pf string
		installer                 int
		win64                     bool
	}{
		{"386", "x86", "Intel", "ProgramFilesFolder", 300, false},
		{"amd64", "x64", "x64", "ProgramFiles64Folder", 300, true},
		{"arm64", "arm64", "Arm64", "ProgramFiles64Folder", 500, true},
	}
	for _, tt := range tests {
		a, err := LookupArch(tt.goarch)
		if err != nil {
			t.Fatal(err)
		}
		if a.WixArch != tt.wix || a.Platform != tt.platform || a.ProgramFiles != tt.pf || a.InstallerVersion != tt.installer || a.Win64 != tt.win64 {
			t.Errorf("LookupArch(%s) = %+v", tt.goarch, a)
		}
		if got, ok := ArchForMachine(a.PEMachine); !ok || got != tt.goarch {
			t.Errorf("ArchForMachine(%#x) = %q, %v", a.PEMachine, got, ok)
		}
	}
	if _, err := LookupArch("riscv64"); err == nil || err.Error() != `unknown arch "riscv64": use one of 386, amd64, arm64` {
		t.Errorf("LookupArch(riscv64) error = %v", err)
	}
}

func TestNew(t *testing.T) {
	p, err := New("go1.26.8", "amd64", "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Go Programming Language amd64 go1.26.8" || p.Version != "1.26.8" || p.UpgradeCode != "22EA7650-4AC6-4001-BF29-F4B8775DB1C0" || p.MSIName() != "go1.26.8.windows-amd64.msi" {
		t.Errorf("New = %+v", p)
	}
	p, _ = New("go1.26.8", "386", "11111111-2222-3333-4444-555555555555")
	if p.UpgradeCode != "11111111-2222-3333-4444-555555555555" {
		t.Errorf("upgrade code override ignored: %s", p.UpgradeCode)
	}
}
