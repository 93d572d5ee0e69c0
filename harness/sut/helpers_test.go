package sut_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/drive/drivetest"
	"github.com/voice-agentstate/conformance/harness/sut"
)

// epoch is the time of the fixed clock: 2025-11-25T02:00:00.123456Z.
var epoch = time.Unix(1764036000, 123456000)

func fixedClock() time.Time { return epoch }

// newProducer returns a reference producer with a fixed clock, recording into memory.
func newProducer(t testing.TB, opts ...sut.Opt) (*sut.Producer, *sut.Memory) {
	t.Helper()
	mem := &sut.Memory{}
	p, err := sut.New(mem, append([]sut.Opt{sut.WithClock(fixedClock)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return p, mem
}

// event is a published message, decoded.
type event struct {
	key   string
	attrs map[string]any // numbers are json.Number
	raw   []byte
}

func (e event) id() string { s, _ := e.attrs["id"].(string); return s }

func (e event) str(name string) string { s, _ := e.attrs[name].(string); return s }

// agentPart returns the part of the key after the tenant's ':'.
func (e event) agentPart() string { _, a, _ := strings.Cut(e.key, ":"); return a }

func (e event) has(name string) bool { _, ok := e.attrs[name]; return ok }

func (e event) ref() (int64, bool) {
	n, ok := e.attrs["ReferenceID"].(json.Number)
	if !ok {
		return 0, false
	}
	v, err := n.Int64()
	return v, err == nil
}

func decodeAll(t testing.TB, msgs []sut.Message) []event {
	t.Helper()
	out := make([]event, len(msgs))
	for i, m := range msgs {
		dec := json.NewDecoder(bytes.NewReader(m.Value))
		dec.UseNumber()
		if err := dec.Decode(&out[i].attrs); err != nil {
			t.Fatalf("message %d is not a JSON object: %v: %s", i, err, m.Value)
		}
		out[i].key, out[i].raw = m.Key, m.Value
	}
	return out
}

// requireValid fails unless every message passes the schemas with no finding at all.
func requireValid(t testing.TB, set *contract.Set, msgs []sut.Message) {
	t.Helper()
	for i, m := range msgs {
		if fs := set.Validate(m.Value).Findings; len(fs) > 0 {
			t.Fatalf("message %d (key %q) %s: %v", i, m.Key, m.Value, fs)
		}
	}
}

// tour drives drivetest.Tour with the default cast and fails on any error.
func tour(t testing.TB, d drive.Driver, refs *drive.RefIDs) []drivetest.Deviation {
	t.Helper()
	devs, err := drivetest.Tour(t.Context(), d, refs, drivetest.DefaultCast())
	if err != nil {
		t.Fatal(err)
	}
	return devs
}
