// Package testkit holds the helpers the harness's tests share, so that each is written once.
// Each takes the test, calls t.Helper and registers its own cleanup, so a call site is one line.
package testkit

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/contract"
)

// Watchdog crashes the process when the test (one fuzz input) runs longer than d, so that a hang
// is saved as a crasher, with every goroutine's stack, instead of passing as a long run of 0/sec
// lines. It is a watchdog, never a timed assertion: d is far above any honest run.
func Watchdog(t testing.TB, d time.Duration) {
	t.Helper()
	timer := time.AfterFunc(d, func() { panic(fmt.Sprintf("one input ran longer than %s: a hang", d)) })
	t.Cleanup(func() { timer.Stop() })
}

// Builtin returns the built-in schema set, failing the test if it does not compile.
func Builtin(t testing.TB) *contract.Set {
	t.Helper()
	set, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// Golden reads the expected result at path, a JSON file of a fixture. With update it writes got
// there instead (keep first carries over what people wrote and the code does not produce, such as
// a description) and returns it; without, a missing or unreadable file fails the test.
func Golden[T any](t testing.TB, path string, got T, update bool, keep func(want T, got *T)) T {
	t.Helper()
	var want T
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	} else if !update {
		t.Fatal(err)
	}
	if !update {
		return want
	}
	keep(want, &got)
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o640); err != nil {
		t.Fatal(err)
	}
	return got
}
