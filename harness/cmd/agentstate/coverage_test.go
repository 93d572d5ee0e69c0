package main

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/report"
)

// dndOns returns n lawful EventDNDOn records for a partition, keyed by their tenant. With bulky,
// each tenant id is 4 KiB of random hex, so that reading them takes several fetches (franz-go
// asks for at most 1 MiB of a partition per fetch, and random bytes do not compress).
func dndOns(partition int32, n int, bulky bool) []brokertest.Record {
	rng := rand.New(rand.NewPCG(uint64(partition), uint64(n)))
	out := make([]brokertest.Record, n)
	for i := range out {
		tenant := fmt.Sprintf("t%d", partition)
		if bulky {
			buf := make([]byte, 2048)
			for j := range buf {
				buf[j] = byte(rng.Uint32())
			}
			tenant = hex.EncodeToString(buf)
		}
		value := fmt.Sprintf(`{"id":"EventDNDOn","Server":3,"ThisDN":"50%02d","CustomerID":%q,"time":{"seconds":%d,"useconds":0}}`, partition, tenant, 1764035100+i)
		out[i] = brokertest.Record{Partition: partition, Key: []byte(tenant + ":"), Value: []byte(value)}
	}
	return out
}

// TestObserveQuietStopDuringABrokerStallJudgesEverything freezes the broker for longer than
// --stop-when-quiet after its first fetch, as SIGSTOP does: the quiet stop lists the end offsets,
// catches up with them and judges every record, instead of passing on the first fetch.
func TestObserveQuietStopDuringABrokerStallJudgesEverything(t *testing.T) {
	b := brokertest.Embedded(t, 1)
	brokertest.Produce(t, b, dndOns(0, 600, true)...)
	fired := brokertest.StallAfterFirstFetch(b, 1500*time.Millisecond)
	rep := filepath.Join(t.TempDir(), "report.json")
	r := agentstate(t, "", observeEnv(b), "observe", "--from", "earliest", "--stop-when-quiet", "300ms", "--report-json", rep)
	if fired.Load() == 0 {
		t.Fatal("the stall never fired; the test proves nothing")
	}
	got := readReport(t, rep)
	if r.code != exitPass || got.Events != 600 {
		t.Fatalf("exit %d after judging %d of 600 events\n%s%s", r.code, got.Events, r.stdout, r.stderr)
	}
	full, err := report.Read(rep)
	if err != nil {
		t.Fatal(err)
	}
	if c := full.Consumed; c.Starts[0] != 0 || c.Ends[0] != 600 || !strings.Contains(c.Stopped, "caught up with the end offsets listed at the stop") {
		t.Errorf("responsible from %v to %v, stopped %q", c.Starts, c.Ends, c.Stopped)
	}
}

// TestObserveRecordsDeletedAheadAreGapViolations deletes records after observe listed its start
// and before it read them: the offsets never read are consume.gap violations, named by partition
// and offsets; --allow-gaps (or AGENTSTATE_ALLOW_GAPS) reports them as warnings instead.
func TestObserveRecordsDeletedAheadAreGapViolations(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"gap", nil, nil, exitFindings, "(partition 0, offset 0): violation [consume.gap] partition 0: offsets 0 to 39 were never read"},
		{"allowed by flag", nil, []string{"--allow-gaps"}, exitPass, "(partition 0, offset 0): warning [consume.gap] partition 0: offsets 0 to 39 were never read (accepted: gaps are allowed)"},
		{"allowed by environment", map[string]string{"AGENTSTATE_ALLOW_GAPS": "true"}, nil, exitPass, "warning [consume.gap] partition 1: offsets 0 to 4 were never read"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := brokertest.Embedded(t, 2)
			brokertest.Produce(t, b, append(dndOns(0, 100, false), dndOns(1, 5, false)...)...)
			brokertest.DeleteAtFirstFetch(t, b, map[int32]int64{0: 40, 1: 5})
			env := observeEnv(b)
			for k, v := range c.env {
				env[k] = v
			}
			r := agentstate(t, "", env, append([]string{"observe", "--until-end"}, c.args...)...)
			if r.code != c.code || !strings.Contains(r.stdout, c.want) || !strings.Contains(r.stdout, "read 60 records") {
				t.Errorf("exit %d, want %d with %q\n%s%s", r.code, c.code, c.want, r.stdout, r.stderr)
			}
		})
	}
}
