package wxs

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParse reads a heat-like harvest of 20,000 files, the shape of
// the largest sources the reader meets.
func BenchmarkParse(b *testing.B) {
	var src strings.Builder
	src.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" + wixOpen + "\n<Fragment>\n<DirectoryRef Id=\"INSTALLDIR\">\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&src, "  <Component Id=\"cmp%05d\" Guid=\"*\">\n    <File Id=\"fil%05d\" KeyPath=\"yes\" Source=\"$(var.SourceDir)\\bin\\file%05d.dll\" />\n  </Component>\n", i, i, i)
	}
	src.WriteString("</DirectoryRef>\n</Fragment>\n</Wix>\n")
	opts := Options{Vars: map[string]string{"SourceDir": `C:\build`}}
	b.SetBytes(int64(src.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse("heat.wxs", strings.NewReader(src.String()), opts); err != nil {
			b.Fatal(err)
		}
	}
}
