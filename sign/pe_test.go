package sign

import (
	"bytes"
	"context"
	"crypto"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/testpki"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/sassoftware/relic/v7/lib/authenticode"
)

func TestSignPE(t *testing.T) {
	p := testPKI(t)
	_, url := startTSA(t)
	exe := testExe(t, t.TempDir(), "hello.exe")
	unsigned, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyPE(exe, p.roots()); !errors.Is(err, ErrNotSigned) {
		t.Fatalf("VerifyPE of an unsigned exe: %v", err)
	}
	ctx := context.Background()
	if err := newSigner(t, p.rsa, Options{TimestampURLs: []string{url}}).SignPE(ctx, exe); err != nil {
		t.Fatal(err)
	}
	rep, err := VerifyPE(exe, p.roots())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Signer != p.rsa.Leaf().Subject.String() || rep.Digest != crypto.SHA256 || rep.Timestamp.IsZero() {
		t.Fatalf("report %+v", rep)
	}
	checkPEChecksum(t, exe)
	mustOsslVerify(t, exe, true)
	if fi, err := os.Stat(exe); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("signed exe mode: %v, %v; want 0755 kept", fi.Mode(), err)
	}

	// Re-signing replaces the signature rather than nesting a second one.
	if err := newSigner(t, p.ecdsa, Options{Digest: crypto.SHA512, TimestampURLs: []string{url}}).SignPE(ctx, exe); err != nil {
		t.Fatal(err)
	}
	rep, err = VerifyPE(exe, p.roots())
	if err != nil || rep.Signer != p.ecdsa.Leaf().Subject.String() || rep.Digest != crypto.SHA512 {
		t.Fatalf("after re-signing: %+v, %v", rep, err)
	}
	f, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := authenticode.VerifyPE(f, false)
	f.Close()
	if err != nil || len(sigs) != 1 {
		t.Fatalf("relic finds %d signatures (%v), want 1", len(sigs), err)
	}
	checkPEChecksum(t, exe)
	mustOsslVerify(t, exe, true)

	// The signature only appends: the image itself is untouched apart from
	// the checksum and the certificate table entry.
	signed, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	// PE32+: checksum at +88, certificate table entry at +168 (8 bytes).
	peOff := int(binary.LittleEndian.Uint32(unsigned[0x3c:]))
	same := func(from, to int) bool { return bytes.Equal(signed[from:to], unsigned[from:to]) }
	if !same(0, peOff+88) || !same(peOff+92, peOff+168) || !same(peOff+176, 0x400) || same(peOff+168, peOff+176) {
		t.Error("headers before the certificate table entry changed")
	}
	if !bytes.Equal(signed[0x400:len(unsigned)], unsigned[0x400:]) {
		t.Error("image contents changed")
	}

	// Tampering is caught.
	signed[len(unsigned)/2] ^= 1
	if err := os.WriteFile(exe, signed, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyPE(exe, p.roots()); err == nil {
		t.Fatal("VerifyPE accepted a tampered exe")
	}
	if out, err := osslVerify(t, exe, p.caFile, p.tsaCAFile); err == nil {
		t.Fatalf("osslsigncode accepted a tampered exe:\n%s", out)
	}
}

// checkPEChecksum relies on osslsigncode's own computation: it prints
// "PE checksum: X" when the field is right and both values otherwise.
// Windows checks the field for drivers, and some security tools everywhere.
func checkPEChecksum(t *testing.T, exe string) {
	t.Helper()
	p := testPKI(t)
	out, _ := osslVerify(t, exe, p.caFile, p.tsaCAFile)
	ok := false
	for _, line := range strings.Split(out, "\n") {
		k, v, _ := strings.Cut(line, ":")
		if strings.TrimSpace(k) == "PE checksum" && strings.TrimSpace(v) != "00000000" {
			ok = true
		}
	}
	if !ok || strings.Contains(out, "invalid PE checksum") {
		t.Fatalf("wrong PE checksum:\n%s", out)
	}
}

func TestSignPEStillRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("starting wine takes a while")
	}
	wine := testtool.Require(t, "wine")
	// The wine of Debian stable lacks DLLs that current Go programs need,
	// so this program is C, built with MinGW.
	gcc := testtool.Require(t, "x86_64-w64-mingw32-gcc")
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.c")
	if err := os.WriteFile(src, []byte("#include <stdio.h>\nint main(void) { puts(\"hello from a signed exe\"); return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "hello.exe")
	if out, err := exec.Command(gcc, "-O2", "-s", "-o", exe, src).CombinedOutput(); err != nil {
		t.Fatalf("mingw: %v\n%s", err, out)
	}
	p := testPKI(t)
	if err := newSigner(t, p.ecdsa, Options{AllowUnstamped: true}).SignPE(context.Background(), exe); err != nil {
		t.Fatal(err)
	}
	checkPEChecksum(t, exe)
	cmd := exec.Command(wine, exe)
	cmd.Env = append(os.Environ(), "WINEDEBUG=-all", "WINEPREFIX="+filepath.Join(workDir, "wine"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "hello from a signed exe") {
		t.Fatalf("wine %s: %v\n%s", exe, err, out)
	}
}

func TestSignPERejectsNonPE(t *testing.T) {
	p := testPKI(t)
	s := newSigner(t, p.rsa, Options{AllowUnstamped: true})
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"text.exe":  []byte("this is not an executable"),
		"mz.exe":    append([]byte("MZ"), make([]byte, 200)...),
		"empty.exe": nil,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		names := dirNames(t, dir)
		err := s.SignPE(context.Background(), path)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("SignPE(%s): %v, want an error naming the file", name, err)
		}
		assertUnchanged(t, path, data, names)
	}
	if err := s.SignPE(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("SignPE(dir): %v", err)
	}
}

func TestSignMSIRejectsBadInput(t *testing.T) {
	p := testPKI(t)
	s := newSigner(t, p.rsa, Options{AllowUnstamped: true})
	dir := t.TempDir()
	msi := testMSI(t)
	full, err := os.ReadFile(msi)
	if err != nil {
		t.Fatal(err)
	}
	exe := testExe(t, dir, "x.exe")
	exeData, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"text.msi":      []byte("not an msi"),
		"truncated.msi": full[:len(full)/3],
		"header.msi":    full[:512],
		"exe.msi":       exeData,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		names := dirNames(t, dir)
		err := s.SignMSI(context.Background(), path)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("SignMSI(%s): %v, want an error naming the file", name, err)
		}
		t.Logf("%s: %v", name, err)
		assertUnchanged(t, path, data, names)
	}
	if err := s.SignMSI(context.Background(), filepath.Join(dir, "missing.msi")); err == nil || !strings.Contains(err.Error(), "missing.msi") {
		t.Errorf("SignMSI(missing): %v", err)
	}
}

func TestSignTree(t *testing.T) {
	p := testPKI(t)
	tsa, url := startTSA(t)
	root := t.TempDir()
	want := []string{
		testExe(t, root, "go/bin/go.exe"),
		testExe(t, root, "go/bin/gofmt.exe"),
		testExe(t, root, "go/pkg/tool/windows_amd64/compile.exe"),
		testExe(t, root, "go/pkg/tool/windows_amd64/LINK.EXE"),
		testExe(t, root, "go/lib/helper.dll"),
	}
	slices.Sort(want)
	// Left alone: Go's test data, files that are not PE images whatever
	// their name, and PE images without an executable extension.
	untouched := []string{
		testExe(t, root, "go/src/debug/pe/testdata/hello.exe"),
		testExe(t, root, "go/src/cmd/link/testdata/pe.bin"),
	}
	for _, f := range []string{"go/misc/fake.exe", "go/README.md"} {
		path := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("MZ but not really"), 0o644); err != nil {
			t.Fatal(err)
		}
		untouched = append(untouched, path)
	}
	before := map[string][]byte{}
	for _, f := range untouched {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		before[f] = data
	}
	s := newSigner(t, p.ecdsa, Options{TimestampURLs: []string{url}, Parallel: 3})
	signed, err := s.SignTree(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(signed, want) {
		t.Fatalf("signed %q\nwant %q", signed, want)
	}
	if tsa.Requests() != len(want) {
		t.Errorf("TSA got %d requests for %d files", tsa.Requests(), len(want))
	}
	for _, f := range want {
		if _, err := VerifyPE(f, p.roots()); err != nil {
			t.Error(err)
		}
	}
	mustOsslVerify(t, want[0], true)
	for f, data := range before {
		got, err := os.ReadFile(f)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s changed (%v)", f, err)
		}
	}

	// A failing TSA stops the run: nothing is half-written and every file
	// reported as signed is signed.
	tsa.SetFault(testpki.Unavailable)
	for _, f := range want {
		testExe(t, root, strings.TrimPrefix(f, root+"/"))
	}
	signed, err = s.SignTree(context.Background(), root)
	if !errors.Is(err, ErrNoTimestamp) || len(signed) != 0 {
		t.Fatalf("SignTree with the TSA down: %q, %v", signed, err)
	}
	for _, f := range want {
		if _, err := VerifyPE(f, p.roots()); !errors.Is(err, ErrNotSigned) {
			t.Errorf("%s: %v, want unsigned", f, err)
		}
	}
}
