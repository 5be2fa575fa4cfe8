package main

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gomsi/gomsi/wix/native"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name string
		args string // split on spaces
		want native.Compilation
	}{
		{"minimal", "-o a.msi a.wxs",
			native.Compilation{Arch: "x86", Out: "a.msi", Sources: []string{"a.wxs"}}},
		{"everything", "-a x64 -d A=1 -dB=2 -D C=3 -DE=4 --define F=5 --define=G=6 -I inc1 -Iinc2 --includedir inc3 --includedir=inc4 -b b1 -b b2 -loc en.wxl -loc de.wxl -o out/x.msi a.wxs b.wxs",
			native.Compilation{Arch: "x64", Out: "out/x.msi", Sources: []string{"a.wxs", "b.wxs"},
				Defines:       map[string]string{"A": "1", "B": "2", "C": "3", "E": "4", "F": "5", "G": "6"},
				IncludeDirs:   []string{"inc1", "inc2", "inc3", "inc4"},
				BasePaths:     []string{"b1", "b2"},
				Localizations: []string{"en.wxl", "de.wxl"}}},
		{"sources before options", "a.wxs -arch arm64 b.wxs -out x.msi",
			native.Compilation{Arch: "arm64", Out: "x.msi", Sources: []string{"a.wxs", "b.wxs"}}},
		{"long arch and output", "--arch=x64 --output=x.msi a.wxs",
			native.Compilation{Arch: "x64", Out: "x.msi", Sources: []string{"a.wxs"}}},
		{"bare -d is empty, bare -D is 1", "-d Debug -DTrace -o x.msi a.wxs",
			native.Compilation{Arch: "x86", Out: "x.msi", Sources: []string{"a.wxs"}, Defines: map[string]string{"Debug": "", "Trace": "1"}}},
		{"values are kept as written", "-d X=$(env.HOME) -d Y=a=b -d Z= -o x.msi a.wxs",
			native.Compilation{Arch: "x86", Out: "x.msi", Sources: []string{"a.wxs"}, Defines: map[string]string{"X": "$(env.HOME)", "Y": "a=b", "Z": ""}}},
		{"named bind paths", "-b Files=f1 -b b1 -b Files=f2 -b Other=o -o x.msi a.wxs",
			native.Compilation{Arch: "x86", Out: "x.msi", Sources: []string{"a.wxs"}, BasePaths: []string{"b1"},
				NamedBindPaths: map[string][]string{"Files": {"f1", "f2"}, "Other": {"o"}}}},
		{"-- ends the options", "-o x.msi -- -odd.wxs",
			native.Compilation{Arch: "x86", Out: "x.msi", Sources: []string{"-odd.wxs"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseArgs(strings.Fields(tt.args))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.Defines == nil {
				tt.want.Defines = map[string]string{}
			}
			if !reflect.DeepEqual(o.comp, tt.want) {
				t.Errorf("got  %+v\nwant %+v", o.comp, tt.want)
			}
		})
	}
}

func TestParseArgsHelpAndVersion(t *testing.T) {
	for _, args := range []string{"-h", "--help", "-?", "-o x.msi --help"} {
		if o, err := parseArgs(strings.Fields(args)); err != nil || !o.help {
			t.Errorf("%s: help %v, %v", args, o.help, err)
		}
	}
	if o, err := parseArgs([]string{"--version"}); err != nil || !o.version {
		t.Errorf("--version: %v, %v", o.version, err)
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct{ args, want string }{
		{"a.wxs", "no output"},
		{"-o x.msi", "no sources"},
		{"-o", "-o needs a value"},
		{"-o x.msi -o y.msi a.wxs", "-o given twice"},
		{"-a x64", "no output"},
		{"-a ia64 -o x.msi a.wxs", `-a "ia64"`},
		{"-a X64 -o x.msi a.wxs", `-a "X64"`},
		{"-o x.msi a.wxs -a", "-a needs a value"},
		{"-d =1 -o x.msi a.wxs", "want Name=Value"},
		{"-d=1 -o x.msi a.wxs", "want Name=Value"},
		{"-D -o x.msi a.wxs", `name "-o"`},
		{"-d A=1 -D A=2 -o x.msi a.wxs", `A is already defined as "1"`},
		{"-d A=1 -dA=1 -o x.msi a.wxs", "already defined"},
		{"-d Bad-Name=1 -o x.msi a.wxs", `name "Bad-Name"`},
		{"-d $(x)=1 -o x.msi a.wxs", `name "$(x)"`},
		{"-b =dir -o x.msi a.wxs", "a named bind path is name=folder"},
		{"-b name= -o x.msi a.wxs", "a named bind path is name=folder"},
		{"-x -o x.msi a.wxs", "unknown option -x"},
		{"--arch -o x.msi a.wxs", `-a "-o"`},
		{"-loc", "-loc needs a value"},
		{"-o ./a.wxs a.wxs", "would overwrite the source a.wxs"},
	}
	for _, tt := range tests {
		_, err := parseArgs(strings.Fields(tt.args))
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v; want a usage error containing %q", tt.args, err, tt.want)
		}
	}
}
