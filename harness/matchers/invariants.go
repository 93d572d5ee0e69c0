package matchers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/finding"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// SatisfyInvariants succeeds when a recorded stream breaks none of the sequence rules (logout
// only after a login, nothing on a DN while it is out of service, ...). The actual value is the
// stream as JSON Lines ([]byte or string, plain events or kcat -J envelopes, as agentstate
// verify reads them) or as a slice of messages in order ([]string, [][]byte or
// []json.RawMessage). Lines that are not JSON objects, and a stream with no event, fail it too:
// an order that could not be read cannot be judged. Schema findings are ConformToContract's
// business and are left out.
func SatisfyInvariants(opts ...Opt) types.GomegaMatcher {
	return &invariantsMatcher{cfg: newCfg(opts)}
}

type invariantsMatcher struct {
	cfg      cfg
	events   int
	failures []finding.Finding
}

func (m *invariantsMatcher) Match(actual any) (bool, error) {
	stream, err := asStream(actual)
	if err != nil {
		return false, err
	}
	rep, err := verify.Run(context.Background(), []verify.Input{{Name: "stream", R: bytes.NewReader(stream)}}, verify.Options{
		Schemas: m.cfg.set, Initial: m.cfg.initial, ServiceKey: m.cfg.service, Strict: m.cfg.strict,
	})
	if err != nil {
		return false, err
	}
	m.events, m.failures = rep.Events, nil
	rules := map[string]bool{report.RuleEmpty: true}
	for _, r := range check.Rules() {
		rules[r.ID] = true
	}
	for _, f := range rep.Violations {
		if rules[f.Rule] || strings.HasPrefix(f.Rule, "decode.") || strings.HasPrefix(f.Rule, "record.") {
			m.failures = append(m.failures, f)
		}
	}
	return len(m.failures) == 0, nil
}

func (m *invariantsMatcher) FailureMessage(any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Expected the stream of %d events\nto %s, but it breaks %d %s:\n", m.events, m.goal(), len(m.failures), plural(len(m.failures), "rule", "rules"))
	for _, f := range m.failures {
		fmt.Fprintf(&b, "    %s\n", f)
	}
	return b.String()
}

func (m *invariantsMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Expected the stream of %d events\nnot to %s, but it does\n", m.events, m.goal())
}

func (m *invariantsMatcher) goal() string {
	goal := fmt.Sprintf("satisfy the voice-agentstate sequence invariants (initial state %s", m.cfg.initial)
	if m.cfg.service != check.ServiceKeyAgent {
		goal += ", service key " + m.cfg.service.String()
	}
	if m.cfg.strict {
		goal += ", strict"
	}
	return goal + ")"
}

// asStream turns what a spec holds into JSON Lines.
func asStream(actual any) ([]byte, error) {
	var msgs [][]byte
	switch v := actual.(type) {
	case nil:
		return nil, fmt.Errorf("SatisfyInvariants expects a stream, got nil")
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	case []string:
		for _, s := range v {
			msgs = append(msgs, []byte(s))
		}
	case [][]byte:
		msgs = v
	case []json.RawMessage:
		for _, r := range v {
			msgs = append(msgs, r)
		}
	default:
		return nil, fmt.Errorf("SatisfyInvariants expects JSON Lines ([]byte or string) or messages ([]string, [][]byte, []json.RawMessage); got %T", actual)
	}
	var out bytes.Buffer
	for i, msg := range msgs {
		if bytes.ContainsAny(msg, "\r\n") {
			var compact bytes.Buffer
			if err := json.Compact(&compact, msg); err != nil {
				return nil, fmt.Errorf("SatisfyInvariants: message %d spans several lines and is not valid JSON: %w", i+1, err)
			}
			msg = compact.Bytes()
		}
		out.Write(msg)
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}
