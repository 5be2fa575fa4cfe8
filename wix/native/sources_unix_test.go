//go:build unix

package native_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gomsi/gomsi/wix/native"
)

// TestSourceMustBeARegularFile: a File whose Source is a FIFO (opening it
// would wait for a writer forever), a device or a folder is an error
// naming the File, its line and what the path is, and nothing is written.
func TestSourceMustBeARegularFile(t *testing.T) {
	for name, c := range map[string]struct {
		make func(path string) error
		want string
	}{
		"fifo":   {func(p string) error { return syscall.Mkfifo(p, 0o644) }, "is a named pipe (FIFO)"},
		"device": {func(p string) error { return os.Symlink("/dev/zero", p) }, "is a device"},
		"folder": {func(p string) error { return os.Mkdir(p, 0o755) }, "is a folder"},
	} {
		job, _ := miniJob(t, "")
		src := filepath.Join(job.SourceDir, "a.txt")
		os.Remove(src)
		if err := c.make(src); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job)
		for _, w := range []string{"Product.wxs:8", "File f", src, c.want} {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want %q", name, err, w)
			}
		}
		if _, err := os.Stat(job.Out); err == nil {
			t.Errorf("%s: an MSI was written", name)
		}
	}
}
