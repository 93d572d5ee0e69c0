package contract_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
)

// FuzzValidate feeds arbitrary bytes to Validate: it must never panic, must decode exactly the
// inputs that are one JSON object, must word every finding, must judge within a bounded time and
// memory, a message it passes must be one its event's schema accepts, and must pass again once
// its decoded form is re-marshalled.
func FuzzValidate(f *testing.F) {
	for _, fx := range loadEventFixtures(f) {
		f.Add([]byte(fx.Minimal))
		f.Add([]byte(fx.Full))
		for _, inv := range fx.Invalid {
			f.Add([]byte(inv.Message))
		}
	}
	lines, _ := filepath.Glob("../../fixtures/streams/*.jsonl")
	for _, file := range lines {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			if len(line) > 0 && len(line) <= 4<<10 {
				f.Add(line)
			}
		}
	}
	for _, s := range []string{
		``, `null`, `[]`, `"x"`, `{}`, `{"id":7}`, `{"id":"EventQueueLogout"}`, `{} {}`,
		`{"id":"EventDNDOn","ThisDN":"1","time":{"seconds":1e999999,"useconds":0}}`,
		`{"id":"EventDNDOn","ThisDN":"1","Server":` + strings.Repeat("9", 400) + `}`,
		`{"id":"EventDNDOn","ThisDN":"1","id":"EventDNDOff"}`,
		`{"id":"EventDNDOn","ThisDN":"1","__proto__":{"x":1},"constructor":"y"}`,
		"{\"id\":\"EventDNDOn\",\"ThisDN\":\"1\x00\"}",
	} {
		f.Add([]byte(s))
	}
	set := testkit.Builtin(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		testkit.Watchdog(t, 5*time.Second)
		res := judgeBounded(t, set, raw)
		if want := isOneObject(raw); res.Decoded() != want {
			t.Fatalf("Decoded() = %v, want %v (one JSON object: %v)", res.Decoded(), want, want)
		}
		if !res.Decoded() && (len(res.Findings) != 1 || !strings.HasPrefix(res.Findings[0].Rule, "decode.")) {
			t.Fatalf("undecodable message: findings %+v, want one decode finding", res.Findings)
		}
		for _, fd := range res.Findings {
			if fd.Rule == "" || fd.Message == "" || (fd.Severity != finding.Warning && fd.Severity != finding.Violation) {
				t.Fatalf("finding without a rule, severity or message: %+v", fd)
			}
		}
		if !res.Decoded() || len(res.Findings) > 0 {
			return
		}
		if sch := set.Schema(res.Event); sch != nil && sch.Validate(res.Doc) != nil {
			t.Fatalf("jsonschema/v5 rejects %q and no finding says so", raw)
		}
		again, err := json.Marshal(res.Doc)
		if err != nil {
			t.Fatalf("re-marshal a clean message: %v", err)
		}
		if res2 := set.Validate(again); len(res2.Findings) > 0 || res2.Event != res.Event {
			t.Fatalf("clean message %q re-marshalled as %q: %+v", raw, again, res2.Findings)
		}
	})
}

// judgeBounded validates raw and fails when it took more than a second or allocated more than
// 64 bytes per input byte plus 8 MiB: a hostile message must not stall or swell a release gate.
func judgeBounded(t *testing.T, set *contract.Set, raw []byte) contract.Result {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	res := set.Validate(raw)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if took > time.Second {
		t.Errorf("validating %d bytes took %s", len(raw), took)
	}
	if alloc, limit := after.TotalAlloc-before.TotalAlloc, uint64(64*len(raw)+8<<20); alloc > limit {
		t.Errorf("validating %d bytes allocated %d bytes, over %d", len(raw), alloc, limit)
	}
	return res
}

// isOneObject says whether raw is exactly one JSON object, white space aside.
func isOneObject(raw []byte) bool {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	return json.Valid(raw) && len(trimmed) > 0 && trimmed[0] == '{'
}

// duplicatesByTokens is the reference the byte scanner of duplicate members is checked against:
// encoding/json's token stream, object by object.
func duplicatesByTokens(raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var out []string
	var walk func(ptr string) error
	walk = func(ptr string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				if seen[k] {
					out = append(out, ptr+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"))
				}
				seen[k] = true
				if err := walk(ptr + "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")); err != nil {
					return err
				}
			}
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(ptr + "/" + strconv.Itoa(i)); err != nil {
					return err
				}
			}
		default:
			return nil
		}
		_, err = dec.Token()
		return err
	}
	if walk("") != nil {
		return nil
	}
	return out
}

// FuzzDuplicateKeys checks the byte scanner against the token stream on every message that
// decodes: the same duplicate members at the same pointers.
func FuzzDuplicateKeys(f *testing.F) {
	f.Add([]byte(`{"id":"EventAgentReady","a":[{"x":1,"x":2},{"y":{"z":1,"z":2}}],"id":"EventDNDOn","\u0069d":3}`))
	f.Add([]byte(`{"a\\"b":1,"a\"b":2,"s":"{\"k\":1,\"k\":2}"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		set, err := contract.Builtin()
		if err != nil {
			t.Fatal(err)
		}
		res := set.Validate(raw)
		if !res.Decoded() {
			return
		}
		var got []string
		for _, fd := range res.Findings {
			if fd.Rule == contract.RuleDuplicateKey {
				got = append(got, fd.Pointer)
			}
		}
		want := duplicatesByTokens(raw)
		if len(want) > 10 {
			want = want[:10]
		}
		if !slices.Equal(got, want) {
			t.Fatalf("scanner found %v, token stream %v in %q", got, want, raw)
		}
	})
}
