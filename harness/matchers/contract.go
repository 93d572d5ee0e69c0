// Package matchers offers Gomega matchers for producer teams' own specs:
//
//	Expect(msg).To(matchers.ConformToContract())
//	Expect(msg).To(matchers.ConformTo("EventMuteOff"))
//
// A failure message lists every finding, not only the first.
package matchers

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/finding"
)

// RuleEventID is the finding of ConformTo when the message is another event than the one asked
// for (or none): its id attribute names another event of the contract, or none.
const RuleEventID = "event.id"

// Rules lists the rule IDs of the findings the matchers add of their own, beyond the
// contract's and the sequence rules'.
func Rules() []string { return []string{RuleEventID} }

// Opt tunes a matcher.
type Opt interface{ apply(*cfg) }

type cfg struct {
	strict  bool
	set     *contract.Set
	initial check.InitialState
	service check.ServiceKey
}

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

// Strict makes warnings, such as unknown attributes, fail the match. By default only violations
// do.
func Strict() Opt { return optFunc(func(c *cfg) { c.strict = true }) }

// WithSchemas judges against a schema set of one's own (see contract.LoadDir) instead of the
// built-in one.
func WithSchemas(set *contract.Set) Opt { return optFunc(func(c *cfg) { c.set = set }) }

// StartingClean judges a stream as the whole life of the system: every agent logged out and every
// DN in service before its first event. By default the stream may start mid-life. Only
// SatisfyInvariants uses it.
func StartingClean() Opt { return optFunc(func(c *cfg) { c.initial = check.Clean }) }

// ServiceKeyedBy says how the producer keys EventDNOutOfService and EventDNBackInService (see
// check.ServiceKey); by default by the agent on the DN, check.ServiceKeyAgent. It matters only for
// a stream of kcat envelopes, whose Kafka coordinates scope the rules. Only SatisfyInvariants uses
// it.
func ServiceKeyedBy(k check.ServiceKey) Opt { return optFunc(func(c *cfg) { c.service = k }) }

func newCfg(opts []Opt) cfg {
	var c cfg
	for _, o := range opts {
		o.apply(&c)
	}
	return c
}

// ConformToContract succeeds when the actual message breaks no rule of the contract's schemas.
// The actual value is the raw message ([]byte, string or json.RawMessage) or a value that
// encoding/json turns into one (such as map[string]any).
func ConformToContract(opts ...Opt) types.GomegaMatcher {
	return &conformMatcher{cfg: newCfg(opts)}
}

// ConformTo is ConformToContract for one event: the message must also be that event.
func ConformTo(event string, opts ...Opt) types.GomegaMatcher {
	return &conformMatcher{cfg: newCfg(opts), event: event}
}

type conformMatcher struct {
	cfg   cfg
	event string // "" for any event

	raw      []byte
	failures []finding.Finding
}

func (m *conformMatcher) Match(actual any) (bool, error) {
	raw, err := asMessage(actual, m.name())
	if err != nil {
		return false, err
	}
	set := m.cfg.set
	if set == nil {
		if set, err = contract.Builtin(); err != nil {
			return false, err
		}
	}
	res := set.Validate(raw)
	m.raw, m.failures = raw, nil
	if m.event != "" && res.Event != m.event {
		m.failures = append(m.failures, finding.Finding{
			Rule: RuleEventID, Severity: finding.Violation, Event: res.Event,
			Message: fmt.Sprintf("message is %s, not %s", orNone(res.Event), m.event),
		})
	}
	for _, f := range res.Findings {
		if m.cfg.strict && f.Severity == finding.Warning {
			f.Severity = finding.Violation
		}
		if f.Severity == finding.Violation {
			m.failures = append(m.failures, f)
		}
	}
	return len(m.failures) == 0, nil
}

func (m *conformMatcher) FailureMessage(any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Expected message\n    %s\nto %s, but it breaks %d %s:\n", clip(m.raw), m.goal(), len(m.failures), plural(len(m.failures), "rule", "rules"))
	for _, f := range m.failures {
		fmt.Fprintf(&b, "    %s [%s] %s\n", f.Severity, f.Rule, f.Message)
	}
	return b.String()
}

func (m *conformMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Expected message\n    %s\nnot to %s, but it does\n", clip(m.raw), m.goal())
}

func (m *conformMatcher) name() string {
	if m.event != "" {
		return "ConformTo"
	}
	return "ConformToContract"
}

func (m *conformMatcher) goal() string {
	goal := "conform to the voice-agentstate contract"
	if m.event != "" {
		goal = "be an " + m.event + " conforming to the voice-agentstate contract"
	}
	if m.cfg.strict {
		goal += " (strict)"
	}
	return goal
}

// asMessage turns what a spec holds into the raw message to judge.
func asMessage(actual any, matcher string) ([]byte, error) {
	switch v := actual.(type) {
	case nil:
		return nil, fmt.Errorf("%s expects a message, got nil", matcher)
	case []byte:
		return v, nil
	case json.RawMessage:
		return v, nil
	case string:
		return []byte(v), nil
	}
	b, err := json.Marshal(actual)
	if err != nil {
		return nil, fmt.Errorf("%s expects a message as []byte, string, json.RawMessage or a value encoding/json can marshal; %T: %w", matcher, actual, err)
	}
	return b, nil
}

func clip(raw []byte) string {
	const max = 300
	if r := []rune(string(raw)); len(r) > max {
		return string(r[:max]) + "…"
	}
	return string(raw)
}

func orNone(event string) string {
	if event == "" {
		return "no event (it has no string id)"
	}
	return event
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
