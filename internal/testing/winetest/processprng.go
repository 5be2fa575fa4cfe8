package winetest

import (
	"os"
	"os/exec"
	"path/filepath"

	"github.com/gomsi/gomsi/internal/testing/testtool"
)

// processPrngShim is bcryptprimitives.dll for Wine 8 (Debian 12), which
// lacks it: Go 1.24+ programs load ProcessPrng from it at start-up and die
// without it (../shared/fixtures/README.md); the Windows gomsi's packages
// target has it. It forwards to advapi32's RtlGenRandom, whose length is a
// ULONG, in chunks.
const processPrngShim = `#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
`

const processPrngDef = "LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng\n"

// AddProcessPrng lets the prefix run Go 1.24+ programs: it builds the
// ProcessPrng shim with mingw-w64 into system32, unless the prefix's Wine
// has a bcryptprimitives.dll of its own.
func (p *Prefix) AddProcessPrng() {
	p.t.Helper()
	dll := p.Path(`C:\windows\system32\bcryptprimitives.dll`)
	if _, err := os.Stat(dll); err == nil {
		return
	}
	gcc := testtool.Require(p.t, "x86_64-w64-mingw32-gcc")
	dir := p.t.TempDir()
	src, def := filepath.Join(dir, "shim.c"), filepath.Join(dir, "shim.def")
	for name, body := range map[string]string{src: processPrngShim, def: processPrngDef} {
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			p.t.Fatal(err)
		}
	}
	if out, err := exec.Command(gcc, "-shared", "-O2", "-o", dll, src, def, "-ladvapi32").CombinedOutput(); err != nil {
		p.t.Fatalf("build the ProcessPrng shim: %v: %s", err, out)
	}
}
