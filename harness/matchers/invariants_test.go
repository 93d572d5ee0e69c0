package matchers_test

import (
	"bytes"
	"encoding/json"
	"io/fs"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/matchers"
)

func fixture(path string) []byte {
	b, err := fs.ReadFile(fixtures.FS, path)
	Expect(err).NotTo(HaveOccurred())
	return b
}

var _ = Describe("SatisfyInvariants", func() {
	It("accepts a lawful day in every form a spec may hold it", func() {
		day := fixture("streams/valid-day.jsonl")
		Expect(day).To(matchers.SatisfyInvariants(matchers.StartingClean(), matchers.Strict()))
		Expect(string(day)).To(matchers.SatisfyInvariants())
		Expect(fixture("streams/valid-day.kcat.jsonl")).To(matchers.SatisfyInvariants(matchers.StartingClean()))
		var msgs []json.RawMessage
		for _, line := range bytes.Split(bytes.TrimSpace(day), []byte("\n")) {
			msgs = append(msgs, json.RawMessage(line))
		}
		Expect(msgs).To(matchers.SatisfyInvariants(matchers.StartingClean()))
	})

	It("lists every broken rule with the event that set its context", func() {
		stream := fixture("sequences/agent.logout-after-login.break.jsonl")
		m := matchers.SatisfyInvariants()
		Expect(m.Match(stream)).To(BeFalse())
		Expect(m.FailureMessage(stream)).To(Equal(`Expected the stream of 6 events
to satisfy the voice-agentstate sequence invariants (initial state unknown), but it breaks 1 rule:
    stream:6: violation [agent.logout-after-login] EventAgentLogout: agent 1001 on DN 5001 is already logged out (EventAgentLogout at stream:4)
`))
	})

	It("takes the initial state into account", func() {
		stream := fixture("sequences/agent.logout-after-login.clean.break.jsonl")
		Expect(stream).To(matchers.SatisfyInvariants())
		Expect(stream).NotTo(matchers.SatisfyInvariants(matchers.StartingClean()))
	})

	It("judges outages as the producer keys its service events", func() {
		stream := fixture("sequences/dn.back-after-out.agent-key.break.jsonl")
		Expect(stream).NotTo(matchers.SatisfyInvariants(matchers.StartingClean()))
		m := matchers.SatisfyInvariants(matchers.StartingClean(), matchers.ServiceKeyedBy(check.ServiceKeyUnknown))
		Expect(m.Match(stream)).To(BeTrue())
		Expect(m.NegatedFailureMessage(stream)).To(ContainSubstring("(initial state clean, service key unknown)"))
		Expect(fixture("sequences/dn.event-during-outage.partition.break.jsonl")).NotTo(matchers.SatisfyInvariants(matchers.ServiceKeyedBy(check.ServiceKeyTenant)))
	})

	It("lets warnings pass unless strict", func() {
		stream := fixture("sequences/dnd.off-after-on.break.jsonl")
		Expect(stream).To(matchers.SatisfyInvariants())
		Expect(stream).NotTo(matchers.SatisfyInvariants(matchers.Strict()))
	})

	It("fails a stream it cannot read, or an empty one", func() {
		m := matchers.SatisfyInvariants()
		Expect(m.Match("{\"id\":\n")).To(BeFalse())
		Expect(m.FailureMessage(nil)).To(ContainSubstring("[decode.json]"))
		Expect(m.Match("")).To(BeFalse())
		Expect(m.FailureMessage(nil)).To(ContainSubstring("[stream.empty]"))
	})

	It("reports misuse as an error", func() {
		_, err := matchers.SatisfyInvariants().Match(42)
		Expect(err).To(MatchError(ContainSubstring("SatisfyInvariants expects JSON Lines")))
	})
})
