package drive_test

import (
	"errors"
	"testing"

	"github.com/voice-agentstate/conformance/harness/drive"
)

func TestValidate(t *testing.T) {
	ok := drive.Request{Tenant: "t1", DN: "5001", ReferenceID: 1}
	cases := []struct {
		name  string
		err   error
		valid bool
	}{
		{"a request", ok.Validate(), true},
		{"no tenant", drive.Request{DN: "5001", ReferenceID: 1}.Validate(), false},
		{"a tenant with ':'", drive.Request{Tenant: "a:b", DN: "5001", ReferenceID: 1}.Validate(), false},
		{"no DN", drive.Request{Tenant: "t1", ReferenceID: 1}.Validate(), false},
		{"ReferenceID 0", drive.Request{Tenant: "t1", DN: "5001"}.Validate(), false},
		{"a login", drive.Login{Request: ok, Agent: "1001", WorkMode: drive.AutoIn}.Validate(), true},
		{"a login without an agent", drive.Login{Request: ok}.Validate(), false},
		{"a login in an unknown mode", drive.Login{Request: ok, Agent: "1001", WorkMode: "Busy"}.Validate(), false},
		{"a logout without an agent", drive.Logout{Request: ok}.Validate(), false},
		{"ready in no mode", drive.Ready{Request: ok, Agent: "1001"}.Validate(), true},
		{"ready in the unknown mode", drive.Ready{Request: ok, Agent: "1001", WorkMode: drive.WorkModeUnknown}.Validate(), true},
		{"ready in a not-ready mode", drive.Ready{Request: ok, Agent: "1001", WorkMode: drive.WalkAway}.Validate(), false},
		{"not-ready in a ready mode", drive.NotReady{Request: ok, Agent: "1001", WorkMode: drive.ManualIn}.Validate(), false},
		{"not-ready with an empty reason key", drive.NotReady{Request: ok, Agent: "1001", Reasons: map[string]string{"": "x"}}.Validate(), false},
		{"a forward", drive.Forward{Request: ok, Target: "5002", Mode: drive.CallForwarding}.Validate(), true},
		{"a forward without a target", drive.Forward{Request: ok, Mode: drive.CallForwarding}.Validate(), false},
		{"a forward without a mode", drive.Forward{Request: ok, Target: "5002"}.Validate(), false},
		{"a mute", drive.Mute{Request: ok, ConnID: "0071020000000001", Role: drive.RoleObserver}.Validate(), true},
		{"a mute without a role", drive.Mute{Request: ok, ConnID: "0071020000000001"}.Validate(), false},
		{"a mute without a call", drive.Mute{Request: ok, Role: drive.RoleObserver}.Validate(), false},
	}
	for _, c := range cases {
		if c.valid != (c.err == nil) || (c.err != nil && !errors.Is(c.err, drive.ErrInvalidRequest)) {
			t.Errorf("%s: got %v, want valid %v", c.name, c.err, c.valid)
		}
	}
}
