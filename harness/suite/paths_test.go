package suite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/voice-agentstate/conformance/harness/suite"
)

// TestRelativePathsAreTheUsersDirectorys: make conformance runs the suite in specs/, so a
// relative path a user sets (scenarios, the TLS files, the SASL password file) is resolved
// against AGENTSTATE_WORKDIR, the directory make ran from, as a relative adapter command is;
// an absolute path is kept.
func TestRelativePathsAreTheUsersDirectorys(t *testing.T) {
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "password"), []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"AGENTSTATE_WORKDIR": work, "AGENTSTATE_SCENARIOS": "my-flows", "AGENTSTATE_BROKER": "external",
		"AGENTSTATE_BOOTSTRAP": "127.0.0.1:1", "AGENTSTATE_TLS": "true", "AGENTSTATE_TLS_CA": "certs/ca.pem",
		"AGENTSTATE_TLS_CERT": "/abs/cert.pem", "AGENTSTATE_SASL_MECHANISM": "SCRAM-SHA-512", "AGENTSTATE_SASL_USER": "u",
		"AGENTSTATE_SASL_PASSWORD_FILE": "password",
	}
	cfg, err := suite.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("a password file relative to AGENTSTATE_WORKDIR: %v", err)
	}
	for name, c := range map[string]struct{ got, want string }{
		"AGENTSTATE_SCENARIOS": {cfg.Scenarios, filepath.Join(work, "my-flows")},
		"AGENTSTATE_TLS_CA":    {cfg.Broker.TLS.CA, filepath.Join(work, "certs/ca.pem")},
		"AGENTSTATE_TLS_CERT":  {cfg.Broker.TLS.Cert, "/abs/cert.pem"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", name, c.got, c.want)
		}
	}
}
