package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// Agent rules. An agent's login is a seat on a DN, named by AgentID. The key template puts all
// events of a named agent in one partition, so a seat is judged on what its partition shows.
//
// AgentID is optional on every agent event. An event without it is about the DN's unnamed agent,
// which may be any agent: while an unnamed agent is known logged in on a DN, no named agent of that
// DN is taken for logged out, and an unnamed event is taken for one of a logged-out agent only when
// no named agent of the DN is logged in or of unknown state. An unnamed logout may be any named
// agent's, so it makes the logged-in named agents of the DN unknown.
//
// One agent is logged in on a DN at a time (fact:one-agent-per-dn): an unnamed ready or not-ready while exactly
// one named agent is logged in on the DN, and none is of unknown state, is that agent's and does
// not make an unnamed agent logged in; a named login ends the unnamed agent known logged in, which
// was that agent or was logged out by it. So after the logout of the DN's only agent an unnamed
// ready is that of a logged-out agent, unless an unnamed login came after the named one.

var (
	readyModes    = []string{"AgentManualIn", "AgentAutoIn", "AgentReturnBack"}
	notReadyModes = []string{"AgentAfterCallWork", "AgentAuxWork", "AgentLegalGuard", "AgentNoCallDisconnect", "AgentWalkAway"}
)

func (m model) agent(s state, e *event) (state, []finding.Finding) {
	if !e.agentOK {
		return s, nil
	}
	switch e.kind {
	case evLogin:
		return m.login(s, e)
	case evLogout:
		return m.logout(s, e)
	}
	return m.working(s, e)
}

func (m model) login(s state, e *event) (state, []finding.Finding) {
	var found []finding.Finding
	next := s
	for _, f := range s {
		if e.agent != "" && f.topic == topicSeat && f.name != "" && f.name != e.agent && f.status == loggedIn {
			found = append(found, m.oneAgent(e, f))
			// The platform logged the other agent out, or the stream lost its logout: either way
			// its state is no longer known, and must not raise a second finding.
			next = m.set(next, topicSeat, f.name, unknown, e.at)
		}
	}
	if e.agent != "" {
		next = m.displaceUnnamed(next, e.at)
	}
	return m.set(next, topicSeat, e.agent, loggedIn, e.at), found
}

// displaceUnnamed ends the unnamed agent known logged in on the DN when a named agent logs in:
// with one agent per DN at a time, it was that agent, or the login logged it out.
func (m model) displaceUnnamed(s state, at mark) state {
	if f, ok := s.get(topicSeat, ""); ok && f.status == loggedIn {
		return m.set(s, topicSeat, "", loggedOut, at)
	}
	return s
}

func (m model) logout(s state, e *event) (state, []finding.Finding) {
	var found []finding.Finding
	if out, at := m.loggedOut(s, e.agent); out {
		found = append(found, m.report(RuleLogoutAfterLogin, e, at, explanation{
			expected: "a login since the agent's last logout", found: "agent already logged out",
			message: fmt.Sprintf("%s: %s is already logged out (%s)", e.kind, who(e), m.earlier(at, "no standing EventAgentLogin")),
		}))
	}
	if e.agent == "" {
		s = m.forgetNamed(s, e.at)
	}
	return m.set(s, topicSeat, e.agent, loggedOut, e.at), found
}

// working judges EventAgentReady and EventAgentNotReady, which show the agent logged in.
func (m model) working(s state, e *event) (state, []finding.Finding) {
	var found []finding.Finding
	if out, at := m.loggedOut(s, e.agent); out {
		found = append(found, m.report(RuleStateWhileLoggedOut, e, at, explanation{
			expected: "agent logged in (an EventAgentLogin since its last logout)", found: "agent logged out",
			message: fmt.Sprintf("%s: %s is logged out (%s); after a logout only EventAgentLogin may come for it",
				e.kind, who(e), m.earlier(at, "no standing EventAgentLogin")),
		}))
	}
	if e.agent == "" && m.soleNamed(s) {
		return s, found // the event is that agent's, who is logged in already
	}
	// The event shows the agent logged in: a lost login is reported once, not at every event.
	return m.set(s, topicSeat, e.agent, loggedIn, e.at), found
}

// soleNamed says whether an unnamed event can only be that of the one named agent logged in on
// the DN: no unnamed agent is known logged in, and no other named agent is logged in or of unknown
// state.
func (m model) soleNamed(s state) bool {
	n := 0
	for _, f := range s {
		switch {
		case f.topic != topicSeat:
		case f.name == "" && f.status == loggedIn:
			return false
		case f.name != "" && f.status == loggedIn:
			n++
		case f.name != "" && f.status == unknown:
			return false
		}
	}
	return n == 1
}

// loggedOut says whether the agent (named, or "" for the unnamed one) is known logged out of the
// DN, with the mark of the logout that made it known.
func (m model) loggedOut(s state, agent string) (bool, mark) {
	st, at := m.status(s, topicSeat, agent)
	if st != loggedOut {
		return false, mark{}
	}
	for _, f := range s {
		if f.topic != topicSeat || f.name == agent {
			continue
		}
		if agent != "" && f.name == "" && f.status == loggedIn {
			return false, mark{}
		}
		if agent == "" && f.status != loggedOut {
			return false, mark{}
		}
	}
	return true, at
}

// forgetNamed makes the named agents logged in on the DN unknown.
func (m model) forgetNamed(s state, at mark) state {
	next := s
	for _, f := range s {
		if f.topic == topicSeat && f.name != "" && f.status == loggedIn {
			next = m.set(next, topicSeat, f.name, unknown, at)
		}
	}
	return next
}

func (m model) oneAgent(e *event, other fact) finding.Finding {
	return m.report(RuleOneAgent, e, other.at, explanation{
		pointer:  "/AgentID",
		expected: fmt.Sprintf("an EventAgentLogout of agent %s first", other.name),
		found:    fmt.Sprintf("agent %s logged in on DN %s", other.name, e.dn),
		message: fmt.Sprintf("%s: agent %s logs in on DN %s where agent %s is logged in (%s), with no logout of agent %s between",
			e.kind, e.agent, e.dn, other.name, m.earlier(other.at, ""), other.name),
	})
}

// workMode judges the category of the work mode of EventAgentReady and EventAgentNotReady.
func (m model) workMode(e *event) []finding.Finding {
	var want, wrong []string
	var category string
	switch e.kind {
	case evReady:
		want, wrong, category = readyModes, notReadyModes, "not-ready"
	case evNotReady:
		want, wrong, category = notReadyModes, readyModes, "ready"
	default:
		return nil
	}
	if !slices.Contains(wrong, e.mode) {
		return nil
	}
	expected := fmt.Sprintf("a %s work mode (%s) or AgentWorkModeUnknown", opposite(category), joinOr(want))
	return []finding.Finding{m.report(RuleWorkModeCategory, e, mark{}, explanation{
		pointer: "/AgentWorkMode", expected: expected, found: e.mode + ", a " + category + " mode",
		message: fmt.Sprintf("%s: work mode %s is a %s mode; %s needs %s", e.kind, e.mode, category, e.kind, expected),
	})}
}

func opposite(category string) string {
	if category == "ready" {
		return "not-ready"
	}
	return "ready"
}

// who names the agent of an agent event.
func who(e *event) string {
	if e.agent == "" {
		return "the unnamed agent (no AgentID) on DN " + e.dn
	}
	return "agent " + e.agent + " on DN " + e.dn
}

// joinOr lists words as "a, b or c".
func joinOr(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
