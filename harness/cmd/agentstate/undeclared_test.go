package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/schemas"
)

// schemasWith copies the built-in schemas to a temporary directory, replacing old by new in the
// file name; it fails the test when the file does not hold old.
func schemasWith(t *testing.T, name, old, new string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := schemas.FS.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := schemas.FS.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == name {
			if !strings.Contains(string(b), old) {
				t.Fatalf("%s does not hold %q", name, old)
			}
			b = []byte(strings.ReplaceAll(string(b), old, new))
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestVerifyReportsAnUndeclaredMemberUnderUnevaluatedProperties is issue 14 item 8: with
// unevaluatedProperties: false in place of additionalProperties: false, jsonschema/v5 rejects a
// DNDOn with an extra member, and the explanation found no attribute name in v5's message, so the
// message passed even under --strict. Whichever keyword forbids it, at the top level or nested,
// and whichever path judges, an undeclared member is schema.unknown-attribute.
func TestVerifyReportsAnUndeclaredMemberUnderUnevaluatedProperties(t *testing.T) {
	const unevaluated = `"unevaluatedProperties": false`
	top := schemasWith(t, "EventDNDOn.schema.json", `"additionalProperties": false`, unevaluated)
	nested := schemasWith(t, schemas.Defs, `"additionalProperties": false`, unevaluated)
	for _, c := range []struct {
		name, dir, msg, attr string
	}{
		{"top level", top, `{"id":"EventDNDOn","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"Extra":1}`, "attribute Extra"},
		{"nested", nested, `{"id":"EventDNDOn","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0,"nanos":1}}`, "attribute time.nanos"},
	} {
		for _, path := range [][]string{nil, {"--v5-only"}} {
			args := append([]string{"verify", "--schemas", c.dir}, path...)
			lenient := agentstate(t, c.msg+"\n", nil, append(args, "-")...)
			if lenient.code != exitPass || !strings.Contains(lenient.stdout, "warning [schema.unknown-attribute]") || !strings.Contains(lenient.stdout, c.attr) {
				t.Errorf("%s %v: exit %d, want a pass with a schema.unknown-attribute warning naming %s\n%s%s", c.name, path, lenient.code, c.attr, lenient.stdout, lenient.stderr)
			}
			strict := agentstate(t, c.msg+"\n", nil, append(args, "--strict", "-")...)
			if strict.code != exitFindings || !strings.Contains(strict.stdout, "violation [schema.unknown-attribute]") || !strings.Contains(strict.stdout, c.attr) {
				t.Errorf("%s %v --strict: exit %d, want a schema.unknown-attribute violation naming %s\n%s%s", c.name, path, strict.code, c.attr, strict.stdout, strict.stderr)
			}
		}
	}
}
