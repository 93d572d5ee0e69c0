package suite_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/suite"
	"github.com/voice-agentstate/conformance/harness/sut"
)

// driverFromEnv builds the suite's configuration from getenv, as the specs do once, and the
// driver it selects, publishing through pub. (These tests were sut's, when sut chose the driver.)
func driverFromEnv(t *testing.T, getenv func(string) string, pub sut.Publisher) (drive.Driver, error) {
	t.Helper()
	cfg, err := suite.ConfigFromEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.NewDriver(pub)
}

func TestTheConfigurationChoosesTheDriver(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		want    string // the driver's type, or "" for a usage error
		setting string // the setting the usage error names
		says    string // a part of the error's text
	}{
		{"nothing set is the reference", nil, "*sut.Producer", "", ""},
		{"reference with a fault", map[string]string{"AGENTSTATE_SUT": "reference", "AGENTSTATE_FAULT": "silent"}, "*sut.Producer", "", ""},
		{"an unknown fault", map[string]string{"AGENTSTATE_FAULT": "slient"}, "", "AGENTSTATE_FAULT", "one of muteoff-without-referenceid,"},
		{"a URL with the reference", map[string]string{"AGENTSTATE_SUT_URL": "http://x"}, "", "AGENTSTATE_SUT_URL", "AGENTSTATE_SUT=http or exec"},
		{"a command with the reference", map[string]string{"AGENTSTATE_SUT_COMMAND": "./a.sh"}, "", "AGENTSTATE_SUT_COMMAND", "unset"},
		{"a timeout with the reference", map[string]string{"AGENTSTATE_SUT_TIMEOUT": "5s"}, "", "AGENTSTATE_SUT_TIMEOUT", "unset"},
		{"http", map[string]string{"AGENTSTATE_SUT": "http", "AGENTSTATE_SUT_URL": "http://127.0.0.1:1", "AGENTSTATE_SUT_TIMEOUT": "5s"}, "*drive.Adapter", "", ""},
		{"http without a URL", map[string]string{"AGENTSTATE_SUT": "http"}, "", "AGENTSTATE_SUT_URL", "is not set"},
		{"http with a bad URL", map[string]string{"AGENTSTATE_SUT": "http", "AGENTSTATE_SUT_URL": "127.0.0.1:8080"}, "", "AGENTSTATE_SUT_URL", "http:// or https://"},
		{"http with a fault", map[string]string{"AGENTSTATE_SUT": "http", "AGENTSTATE_SUT_URL": "http://x", "AGENTSTATE_FAULT": "silent"}, "", "AGENTSTATE_FAULT", "only into"},
		{"http with a command", map[string]string{"AGENTSTATE_SUT": "http", "AGENTSTATE_SUT_URL": "http://x", "AGENTSTATE_SUT_COMMAND": "a"}, "", "AGENTSTATE_SUT_COMMAND", "unset"},
		{"http with a bad timeout", map[string]string{"AGENTSTATE_SUT": "http", "AGENTSTATE_SUT_URL": "http://x", "AGENTSTATE_SUT_TIMEOUT": "soon"}, "", "AGENTSTATE_SUT_TIMEOUT", "positive duration"},
		{"exec", map[string]string{"AGENTSTATE_SUT": "exec", "AGENTSTATE_SUT_COMMAND": `adapter.sh --env "staging 2"`}, "*drive.Adapter", "", ""},
		{"exec without a command", map[string]string{"AGENTSTATE_SUT": "exec", "AGENTSTATE_SUT_COMMAND": "  "}, "", "AGENTSTATE_SUT_COMMAND", "a command line"},
		{"exec with an open quote", map[string]string{"AGENTSTATE_SUT": "exec", "AGENTSTATE_SUT_COMMAND": `./a.sh "x`}, "", "AGENTSTATE_SUT_COMMAND", "balanced quotes"},
		{"exec with a URL", map[string]string{"AGENTSTATE_SUT": "exec", "AGENTSTATE_SUT_COMMAND": "a", "AGENTSTATE_SUT_URL": "http://x"}, "", "AGENTSTATE_SUT_URL", "unset"},
		{"an unknown kind", map[string]string{"AGENTSTATE_SUT": "kafka"}, "", "AGENTSTATE_SUT", "expected reference, http or exec"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := driverFromEnv(t, func(k string) string { return c.env[k] }, &sut.Memory{})
			if c.want != "" {
				if err != nil || fmt.Sprintf("%T", d) != c.want {
					t.Fatalf("got %T, %v; want a %s", d, err, c.want)
				}
				return
			}
			var usage *drive.UsageError
			if !errors.As(err, &usage) || usage.Setting != c.setting || !strings.Contains(err.Error(), c.says) || d != nil {
				t.Fatalf("got %v (%T), want a usage error about %s saying %q", err, d, c.setting, c.says)
			}
		})
	}
}

func TestTheConfigurationInjectsTheFault(t *testing.T) {
	mem := &sut.Memory{}
	d, err := driverFromEnv(t, func(k string) string { return map[string]string{"AGENTSTATE_FAULT": "silent"}[k] }, mem)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.DNDOn(t.Context(), drive.Request{Tenant: "t1", DN: "5001", ReferenceID: 1}); err != nil || len(mem.Messages()) != 0 {
		t.Fatalf("the silent reference answered %v and published %d messages", err, len(mem.Messages()))
	}
}

func TestTheReferenceNeedsAPublisher(t *testing.T) {
	if _, err := driverFromEnv(t, func(string) string { return "" }, nil); err == nil {
		t.Fatal("the reference was built without a publisher")
	}
}

// TestARelativeCommandIsFoundWhereTheUserRanFrom: the suite runs in specs/, so a relative
// AGENTSTATE_SUT_COMMAND (the README's ./my-adapter) is resolved against AGENTSTATE_WORKDIR, the
// directory make conformance ran from, and a program that is not there is a usage error saying
// where it looked, at start rather than at the first stimulus.
func TestARelativeCommandIsFoundWhereTheUserRanFrom(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "my-adapter"), []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	env := func(command string) func(string) string {
		return func(k string) string {
			return map[string]string{"AGENTSTATE_SUT": "exec", "AGENTSTATE_SUT_COMMAND": command, "AGENTSTATE_WORKDIR": dir}[k]
		}
	}
	d, err := driverFromEnv(t, env("./my-adapter --env test"), &sut.Memory{})
	if err != nil {
		t.Fatalf("./my-adapter in %s: %v", dir, err)
	}
	if name := fmt.Sprint(d); !strings.Contains(name, filepath.Join(dir, "my-adapter")) {
		t.Errorf("the adapter runs %q, want %s", name, filepath.Join(dir, "my-adapter"))
	}
	_, err = driverFromEnv(t, env("./no-such-adapter"), &sut.Memory{})
	var usage *drive.UsageError
	if !errors.As(err, &usage) || usage.Setting != "AGENTSTATE_SUT_COMMAND" || !strings.Contains(err.Error(), filepath.Join(dir, "no-such-adapter")) {
		t.Errorf("a missing ./no-such-adapter: %v; want a usage error naming %s", err, filepath.Join(dir, "no-such-adapter"))
	}
}

// TestTheAdapterRunsWhereTheUserRanFrom: the exec adapter's command runs in AGENTSTATE_WORKDIR,
// so its own relative paths (sh ./adapter.sh, a configuration file) are the user's too.
func TestTheAdapterRunsWhereTheUserRanFrom(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "adapter.sh"), []byte("#!/bin/sh\ncat >/dev/null\necho '{\"ok\": true}'\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AGENTSTATE_SUT": "exec", "AGENTSTATE_SUT_COMMAND": "sh ./adapter.sh", "AGENTSTATE_WORKDIR": dir}
	d, err := driverFromEnv(t, func(k string) string { return env[k] }, &sut.Memory{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.DNDOn(t.Context(), drive.Request{Tenant: "t1", DN: "5001", ReferenceID: 1}); err != nil {
		t.Errorf("sh ./adapter.sh with AGENTSTATE_WORKDIR=%s: %v", dir, err)
	}
}
