package native_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/gomsi/gomsi/config"
	"github.com/gomsi/gomsi/pipeline"
	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/native"
)

// newPipeline returns a pipeline that builds with the given toolsets
// (the first is configured).
func newPipeline(t testing.TB, source string, toolsets ...wix.Toolset) *pipeline.Pipeline {
	t.Helper()
	cfg := config.Default()
	cfg.Source = source
	cfg.Out = filepath.Join(t.TempDir(), "out")
	cfg.Toolset = toolsets[0].Name()
	log := &bytes.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("pipeline log:\n%s", log.String())
		}
	})
	return &pipeline.Pipeline{Config: cfg, Log: log, Toolsets: toolsets}
}

// buildMSI runs the pipeline's msi stage with the native toolset.
func buildMSI(t testing.TB, source string, edit func(*pipeline.Pipeline)) *pipeline.Build {
	t.Helper()
	p := newPipeline(t, source, &native.Toolset{Getenv: func(string) string { return "" }})
	if edit != nil {
		edit(p)
	}
	builds, err := p.MSI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != 1 {
		t.Fatalf("built %d MSIs, want 1", len(builds))
	}
	return builds[0]
}

// setEnv makes the pipeline's native toolset read its environment
// (SOURCE_DATE_EPOCH) from getenv.
func setEnv(p *pipeline.Pipeline, getenv func(string) string) {
	for _, ts := range p.Toolsets {
		if n, ok := ts.(*native.Toolset); ok {
			n.Getenv = getenv
		}
	}
}
