package suite

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/drive"
)

// tri is what the suite's own expectations let it know of a state: yes, no, or unknown (an
// outage's optional consequences leave the agent's state open).
type tri int8

const (
	no tri = iota
	yes
	unknown
)

// expected is the state of a scenario's agents and DNs that its steps' expectations imply, by
// the scenario's names.
type expected struct {
	loggedIn map[string]tri    // by agent
	ready    map[string]tri    // by agent
	mode     map[string]string // by agent, when ready
	dn       map[string]*dnState
	asked    map[string]bool // the repeated requests the scenarios ask for, by "stimulus: answer"
}

type dnState struct {
	oos, dnd  bool
	forwards  map[drive.ForwardMode]string
	call      string // the call's name, "" on hook
	callKnown bool   // false after an outage, which may have ended it
	muted     tri
}

func newExpected() *expected {
	return &expected{loggedIn: map[string]tri{}, ready: map[string]tri{}, mode: map[string]string{}, dn: map[string]*dnState{}, asked: map[string]bool{}}
}

func (e *expected) of(dn string) *dnState {
	if e.dn[dn] == nil {
		e.dn[dn] = &dnState{forwards: map[drive.ForwardMode]string{}, callKnown: true}
	}
	return e.dn[dn]
}

// repeat says whether a stimulus asks for the state that already holds: yes, no, or unknown.
func (e *expected) repeat(s Stimulus) tri {
	d := e.of(s.DN)
	is := func(b bool) tri {
		if b {
			return yes
		}
		return no
	}
	switch s.Do {
	case drive.StimulusLogin:
		return e.loggedIn[s.Agent]
	case drive.StimulusReady:
		if e.ready[s.Agent] == unknown {
			return unknown
		}
		return is(e.ready[s.Agent] == yes && e.mode[s.Agent] == modeOf(s.WorkMode))
	case drive.StimulusDNDOn, drive.StimulusDNDOff:
		return is(d.dnd == (s.Do == drive.StimulusDNDOn))
	case drive.StimulusSetForward:
		return is(d.forwards[s.Mode] != "" && d.forwards[s.Mode] == s.Target)
	case drive.StimulusCancelForward:
		return is(len(d.forwards) == 0)
	case drive.StimulusOffHook:
		return is(d.call != "" || !d.callKnown)
	case drive.StimulusOnHook:
		if !d.callKnown {
			return unknown // an outage may have ended the call
		}
		return is(d.call == "")
	case drive.StimulusMuteOn:
		return d.mutedAs(s.Role)
	case drive.StimulusMuteOff:
		return map[tri]tri{yes: no, no: yes, unknown: unknown}[d.mutedAs(s.Role)]
	case drive.StimulusOutOfService, drive.StimulusBackInService:
		return is(d.oos == (s.Do == drive.StimulusOutOfService))
	}
	return no
}

// mutedAs: a party is muted after a mute-on; an observer joins muted, so before any mute request
// it is muted and any other party is not.
func (d *dnState) mutedAs(role drive.Role) tri {
	if d.muted == unknown {
		if role == drive.RoleObserver {
			return yes
		}
		return no
	}
	return d.muted
}

func modeOf(m drive.WorkMode) string {
	if m == "" {
		return string(drive.WorkModeUnknown)
	}
	return string(m)
}

// judge checks a step against the documented answers, and returns what is wrong with it.
func (e *expected) judge(s Stimulus) string {
	d := e.of(s.DN)
	switch {
	case d.oos && !slices.Contains([]drive.Stimulus{drive.StimulusLogin, drive.StimulusOutOfService, drive.StimulusBackInService}, s.Do):
		return want(s.Refused == "out-of-service", "a request other than login on an out-of-service DN must be refused with out-of-service")
	case slices.Contains([]drive.Stimulus{drive.StimulusLogout, drive.StimulusReady, drive.StimulusNotReady}, s.Do) && e.loggedIn[s.Agent] == no:
		return want(s.Refused == "not-logged-in", "a request of an agent logged out must be refused with not-logged-in")
	case slices.Contains([]drive.Stimulus{drive.StimulusLogout, drive.StimulusReady, drive.StimulusNotReady}, s.Do) && e.loggedIn[s.Agent] == unknown:
		return want(s.OrRefused == "not-logged-in" || refusedIfSeen(s, "not-logged-in"),
			"a request of an agent an outage may have logged out accepts its events or a refusal with not-logged-in (or-refused, or if-seen on the logout)")
	case s.Do == drive.StimulusMuteOff && s.Role == drive.RoleObserver && (d.call == "" || d.call != s.Call || d.muted != unknown):
		return "an observer's mute-off comes after an off-hook of its own DN that started the call it names, and before any mute request on it"
	case (s.Do == drive.StimulusMuteOn || s.Do == drive.StimulusMuteOff) && d.callKnown && s.Call != d.call:
		return want(s.Refused == "invalid-connid", "a mute request naming a call the DN does not have (it ended) must be refused with invalid-connid (or invalid-state, as or-refused)")
	}
	r := e.repeat(s)
	if r == no {
		return want(s.Refused == "", "a request for a state that does not hold yet must be performed")
	}
	key := fmt.Sprintf("%s: %s", s.Do, answer(s))
	if r == yes {
		e.asked[key] = true
	}
	switch {
	case s.Do == drive.StimulusLogin:
		return want(slices.Equal(s.Expect, []string{"EventAgentLogin"}), "a repeated login is published again (spec: multiple agent logins are allowed)")
	case r == unknown:
		return want((s.OrRefused == "invalid-state" || refusedIfSeen(s, "invalid-state")) && len(s.Expect) > 0,
			"a request that may ask for the state that holds must accept its events or a refusal with invalid-state (or-refused, or if-seen on the event that decides it)")
	case s.Do == drive.StimulusOutOfService:
		return want(s.OrRefused == "invalid-state", "a repeated out-of-service is announced again or refused with invalid-state")
	}
	return want(s.Refused == "invalid-state", "a request for the state that already holds must be refused with invalid-state")
}

// refusedIfSeen says whether the step is refused with the code when its flow saw the event that
// decides the state (if-seen).
func refusedIfSeen(s Stimulus, code string) bool {
	return s.IfSeen != nil && s.IfSeen.Refused == code
}

func want(ok bool, rule string) string {
	if ok {
		return ""
	}
	return rule
}

func answer(s Stimulus) string {
	switch {
	case s.Refused != "":
		return "refused " + s.Refused
	case s.OrRefused != "":
		return strings.Join(s.Expect, ",") + " or refused " + s.OrRefused
	}
	return strings.Join(s.Expect, ",")
}

// apply moves the state on as the step's expectations say it went.
func (e *expected) apply(s Stimulus) {
	if s.Refused != "" {
		return
	}
	d := e.of(s.DN)
	if s.IfSeen != nil && s.Do == drive.StimulusLogout {
		e.loggedIn[s.Agent], e.ready[s.Agent] = no, no // logged out either way: by the outage, or now
		return
	}
	switch s.Do {
	case drive.StimulusLogin:
		if e.loggedIn[s.Agent] == no {
			e.ready[s.Agent] = no // a login leaves the agent not ready, whatever its work mode
		}
		e.loggedIn[s.Agent] = yes
	case drive.StimulusLogout:
		e.loggedIn[s.Agent], e.ready[s.Agent] = no, no
	case drive.StimulusReady:
		e.ready[s.Agent], e.mode[s.Agent] = yes, modeOf(s.WorkMode)
	case drive.StimulusNotReady:
		e.ready[s.Agent] = no
	case drive.StimulusDNDOn, drive.StimulusDNDOff:
		d.dnd = s.Do == drive.StimulusDNDOn
	case drive.StimulusSetForward:
		d.forwards[s.Mode] = s.Target
	case drive.StimulusCancelForward:
		clear(d.forwards)
	case drive.StimulusOffHook:
		d.call, d.callKnown, d.muted = s.Call, true, unknown
	case drive.StimulusOnHook:
		d.call, d.callKnown = "", true
	case drive.StimulusMuteOn, drive.StimulusMuteOff:
		d.muted = map[bool]tri{true: yes, false: no}[s.Do == drive.StimulusMuteOn]
	case drive.StimulusOutOfService:
		e.outage(s, d)
	case drive.StimulusBackInService:
		d.oos = false
	}
}

// outage: the DN's call ends and its agent may be made not ready or logged out, as the step's
// optional consequences allow; what they leave open is unknown.
func (e *expected) outage(s Stimulus, d *dnState) {
	if d.oos {
		return
	}
	d.oos, d.call, d.callKnown = true, "", !slices.Contains(s.Expect, "EventOnHook?")
	if s.Agent == "" {
		return
	}
	if slices.Contains(s.Expect, "EventAgentLogout?") {
		e.loggedIn[s.Agent] = unknown
	}
	if slices.Contains(s.Expect, "EventAgentNotReady?") || slices.Contains(s.Expect, "EventAgentLogout?") {
		e.ready[s.Agent] = unknown
	}
}

// TestTheScenariosAskForRepeatsAsDocumented walks every flow of fixtures/scenarios with the state
// its own expectations imply, and holds each step to the documented answers: a request on an
// out-of-service DN (other than login) is refused with out-of-service; one of an agent logged out
// with not-logged-in; a request for the state that already holds is refused with invalid-state,
// except a login (published again) and an out-of-service (announced again or refused); a request
// that may ask for the state that holds (after an outage whose consequences are optional) accepts
// both answers; an observer's mute-off follows its own off-hook; a DN never has two calls, so
// on-hook ends its only one. The repeats the flows ask for must be the list the document gives.
func TestTheScenariosAskForRepeatsAsDocumented(t *testing.T) {
	scenarios, err := LoadScenariosFrom(fixtures.FS, fixtures.Scenarios, "fixtures/scenarios")
	if err != nil {
		t.Fatal(err)
	}
	asked := map[string]bool{}
	for _, sc := range scenarios {
		e := newExpected()
		for i, s := range sc.Steps {
			if problem := e.judge(s); problem != "" {
				t.Errorf("%s step %d (%s on %s: %s): %s", sc.File, i+1, s.Do, s.DN, answer(s), problem)
			}
			e.apply(s)
		}
		for k := range e.asked {
			asked[k] = true
		}
	}
	var got []string
	for k := range asked {
		got = append(got, k)
	}
	sort.Strings(got)
	documented := []string{
		"back-in-service: refused invalid-state", "cancel-forward: refused invalid-state", "dnd-off: refused invalid-state",
		"dnd-on: refused invalid-state", "login: EventAgentLogin", "mute-off: refused invalid-state",
		"on-hook: refused invalid-state", "out-of-service: EventDNOutOfService or refused invalid-state",
	}
	if !slices.Equal(got, documented) {
		t.Errorf("the flows ask for these repeats:\n  %s\nthe protocol document lists:\n  %s\n(update harness/drive/adapter-protocol.md, What the suite expects of your service, and this list)",
			strings.Join(got, "\n  "), strings.Join(documented, "\n  "))
	}
}
