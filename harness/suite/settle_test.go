package suite

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/collect"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// TestAnEventPublishedAfterTheSettleWindowEscapesTheStep shows what the settle window promises,
// with AGENTSTATE_SETTLE=0: an extra event published before the stimulus is answered is caught
// by its step, since the step reads up to the end offsets; one published after the step's
// window is not, and only the whole stream holds it. No timing is involved: "before" and "after"
// are the order of the calls.
func TestAnEventPublishedAfterTheSettleWindowEscapesTheStep(t *testing.T) {
	b := brokertest.Embedded(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a watchdog
	defer cancel()
	col, err := collect.Start(ctx, b, collect.Options{Verify: verify.Options{Initial: check.Clean}})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := broker.NewPublisher(b)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	env := &Env{Cfg: Config{Tenant: "t1", Timeout: 10 * time.Second, Settle: 0}, Collector: col}
	dnd := func(dn string, on bool) []byte {
		id := `"EventDNDOff"`
		if on {
			id = `"EventDNDOn"`
		}
		return []byte(`{"id":` + id + `,"Server":1,"ThisDN":"` + dn + `","time":{"seconds":` + strconv.FormatInt(time.Now().Unix(), 10) + `,"useconds":0}}`)
	}
	publish := func(dn string, on bool) {
		if err := pub.Publish(ctx, "t1:", dnd(dn, on)); err != nil {
			t.Fatal(err)
		}
	}
	stepOn := func(dn string, extra bool) Step {
		return Step{Name: "dnd-on of " + dn, DNs: []string{dn}, Want: []Want{{ID: "EventDNDOn", Attrs: map[string]any{"ThisDN": dn}}},
			Do: func(context.Context) error {
				publish(dn, true)
				if extra {
					publish(dn, false)
				}
				return nil
			}}
	}
	if o := env.Run(ctx, stepOn("5001", true)); o.OK() || len(o.Extra) != 1 {
		t.Errorf("an extra event published before the answer passed its step:\n%s", o.Report())
	}
	if o := env.Run(ctx, stepOn("5002", false)); !o.OK() {
		t.Fatalf("a step that did what it should failed:\n%s", o.Report())
	}
	publish("5002", false) // after the step's window: the step has already passed
	rep, err := col.Stop(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.PerEvent["EventDNDOff"] != 2 {
		t.Errorf("the whole stream holds %d EventDNDOff, want 2 (the late one included)", rep.PerEvent["EventDNDOff"])
	}
}
