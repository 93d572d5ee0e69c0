package suite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/suite"
)

// forwardRecorder is a Driver that records the set-forward requests it gets; nothing else of it
// is called.
type forwardRecorder struct {
	drive.Driver
	got []drive.Forward
}

func (f *forwardRecorder) SetForward(_ context.Context, r drive.Forward) error {
	f.got = append(f.got, r)
	return nil
}

// TestForwardTargetsAreDNsOfTheirOwn: a scenario's forward target names a DN, which becomes a
// fresh DN of the run like every DN name (a service that checks the target would refuse the
// literal name); only a literal number is sent as written. The event must echo what was sent.
func TestForwardTargetsAreDNsOfTheirOwn(t *testing.T) {
	rec := &forwardRecorder{}
	env := &suite.Env{Cfg: suite.Config{Tenant: "t1", Prefix: "77"}, Driver: rec}
	c := env.NewCast()
	for _, target := range []string{"T", "5999"} {
		st, err := c.Step(suite.Stimulus{Do: drive.StimulusSetForward, DN: "D", Target: target, Mode: drive.CallForwarding, Expect: []string{"EventForwardSet"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Do(context.Background()); err != nil {
			t.Fatal(err)
		}
		sent := rec.got[len(rec.got)-1].Target
		want := c.DN(target)
		if target == "5999" {
			want = "5999"
		}
		if sent != want || sent == c.DN("D") {
			t.Errorf("target %q sent as %q, want %q (a DN of its own, not the forwarding DN %s)", target, sent, want, c.DN("D"))
		}
		if got := st.Want[0].Attrs["OtherDN"]; got != sent {
			t.Errorf("target %q: the event must echo OtherDN %q, want %q", target, got, sent)
		}
	}
}

// TestARepeatedOutageMayBeRefused: the spec publishes EventDNOutOfService "when an out-of-service
// state is first detected", and the protocol lets an adapter refuse a request for the state a
// DN is already in; so the outage flow's repeated out-of-service passes with either answer: the
// event, or a refusal with invalid-state that produces nothing. Any other refusal still fails.
func TestARepeatedOutageMayBeRefused(t *testing.T) {
	sc, err := suite.LoadScenario("../../fixtures/scenarios/outage.json")
	if err != nil {
		t.Fatal(err)
	}
	var repeated *suite.Stimulus
	seen := 0
	for i, s := range sc.Steps {
		if s.Do == drive.StimulusOutOfService {
			if seen++; seen == 2 {
				repeated = &sc.Steps[i]
			}
		}
	}
	if repeated == nil {
		t.Fatal("the outage flow has no repeated out-of-service step")
	}
	env := &suite.Env{Cfg: suite.Config{Tenant: "t1", Prefix: "77"}, Driver: &forwardRecorder{}}
	st, err := env.NewCast().Step(*repeated)
	if err != nil {
		t.Fatal(err)
	}
	if o := (suite.Outcome{Step: st, Err: fmt.Errorf("adapter: %w", drive.ErrInvalidState)}); !o.OK() {
		t.Errorf("a repeated out-of-service refused with invalid-state fails the step:\n%s", o.Report())
	}
	if o := (suite.Outcome{Step: st, Err: drive.ErrNotLoggedIn}); o.OK() {
		t.Error("a repeated out-of-service refused with not-logged-in passes the step")
	}
	if len(st.Want) == 0 || st.Want[0].ID != "EventDNOutOfService" {
		t.Errorf("the step no longer expects the event when it is not refused: %+v", st.Want)
	}
}
