package native_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/internal/testing/msitest"
	"github.com/gomsi/gomsi/internal/testing/testtool"
	"github.com/gomsi/gomsi/wix/native"
)

// TestCompressionLevels: CompressionLevel means what it means to WiX v3
// (cabcutil.cpp): low, medium and high are LZX with windows of 2^15, 2^18
// and 2^21, mszip and no level (light's default) MSZIP, none stored; on a
// Media and on a MediaTemplate. Every cabinet passes cabextract -t and 7zz,
// and msiextract gives the file back.
func TestCompressionLevels(t *testing.T) {
	for level, want := range map[string]uint16{
		"":       0x0001,
		"mszip":  0x0001,
		"none":   0x0000,
		"low":    0x0F03,
		"medium": 0x1203,
		"high":   0x1503,
	} {
		for _, media := range []string{"MediaTemplate", "Media"} {
			t.Run(media+"/"+level, func(t *testing.T) {
				job, _ := miniJob(t, "")
				attr := ""
				if level != "" {
					attr = ` CompressionLevel="` + level + `"`
				}
				elem := `<MediaTemplate EmbedCab="yes"` + attr + `/>`
				if media == "Media" {
					elem = `<Media Id="1" Cabinet="mini.cab" EmbedCab="yes"` + attr + `/>`
				}
				src, err := os.ReadFile(job.Sources[0])
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(job.Sources[0], []byte(strings.Replace(string(src), `<MediaTemplate EmbedCab="yes"/>`, elem, 1)), 0o644)
				if err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job); err != nil {
					t.Fatal(err)
				}
				_, types := assertCabinetsValid(t, job.Out)
				if len(types) != 1 || types[0] != want {
					t.Errorf("folder types %#x, want %#x", types, want)
				}
				dir := t.TempDir()
				if out, err := exec.Command(testtool.Require(t, "msiextract"), "-C", dir, job.Out).CombinedOutput(); err != nil {
					t.Fatalf("msiextract: %v: %s", err, out)
				}
				msitest.AssertSameFiles(t, filepath.Join(dir, "Mini"), job.SourceDir)
			})
		}
	}
}

func TestCompressionLevelIsChecked(t *testing.T) {
	job, _ := miniJob(t, "")
	src, _ := os.ReadFile(job.Sources[0])
	os.WriteFile(job.Sources[0], []byte(strings.Replace(string(src), `<MediaTemplate EmbedCab="yes"/>`, `<MediaTemplate EmbedCab="yes" CompressionLevel="max"/>`, 1)), 0o644)
	err := (&native.Toolset{Getenv: noEnv}).Build(context.Background(), job)
	if err == nil || !strings.Contains(err.Error(), `CompressionLevel "max": use none, low, medium, high or mszip`) || !strings.Contains(err.Error(), filepath.Base(job.Sources[0])) {
		t.Errorf("CompressionLevel=\"max\": %v", err)
	}
}
