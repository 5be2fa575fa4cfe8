package native_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/gomsi/gomsi/wix"
	"github.com/gomsi/gomsi/wix/native"
)

// childJob, when set in the environment, makes the test binary a one-shot
// native compiler for that job (JSON): benchmarks run the native toolset
// as a child process, like wixl, to measure its peak RSS on its own.
const childJob = "GOMSI_NATIVE_TEST_JOB"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childJob); spec != "" {
		var job wix.Job
		if err := json.Unmarshal([]byte(spec), &job); err != nil {
			fmt.Fprintln(os.Stderr, "native child:", err)
			os.Exit(2)
		}
		var log func(string, ...any)
		if os.Getenv(childJob+"_LOG") != "" {
			log = func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
		}
		if err := (&native.Toolset{Log: log}).Build(context.Background(), job); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
