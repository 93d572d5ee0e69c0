package verify_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/voice-agentstate/conformance/harness/verify"
)

// TestUndecodableLinesAreNotCountedAsJudgedByV5: the schema accounting counts events only, so
// fast plus v5 is the events checked; a line that is not JSON was never given to jsonschema/v5.
func TestUndecodableLinesAreNotCountedAsJudgedByV5(t *testing.T) {
	in := []byte(`{"id":"EventDNDOn","Server":1,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0}}` + "\nnot json\n[1,2]\n")
	for _, v5Only := range []bool{false, true} {
		rep, err := verify.Run(context.Background(), []verify.Input{{Name: "in", R: bytes.NewReader(in)}}, verify.Options{V5Only: v5Only})
		if err != nil {
			t.Fatal(err)
		}
		if j := rep.Judged; j == nil || j.Fast+j.V5 != rep.Events {
			t.Errorf("v5-only %v: judged %+v for %d events and %d undecodable lines", v5Only, rep.Judged, rep.Events, rep.Undecodable)
		}
	}
}
