package specs_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/matchers"
)

// invalidCase is one broken variant of an event's message.
type invalidCase = fixtures.Invalid

// onlyWarnings says whether a case breaks nothing but warning rules.
func onlyWarnings(want []fixtures.Want) bool {
	for _, w := range want {
		if w.Severity != "warning" {
			return false
		}
	}
	return true
}

var _ = Describe("Event schemas", Label("schema"), func() {
	for _, event := range contract.Events {
		fx, err := fixtures.LoadEvent(event)
		Context(event, Label(event), func() {
			It("has a fixture with broken variants", func() {
				must(err, "load the event fixture")
				Expect(fx.Invalid).NotTo(BeEmpty())
			})

			It("accepts the message with only its mandatory attributes", func() {
				Expect(fx.Minimal).To(matchers.ConformTo(event, matchers.Strict()))
			})

			It("accepts the message with every optional attribute", func() {
				Expect(fx.Full).To(matchers.ConformTo(event, matchers.Strict()))
			})

			// One spec per broken variant, so that each is its own JUnit test case and a
			// failure hides none of the others.
			var entries []TableEntry
			for _, c := range fx.Invalid {
				entries = append(entries, Entry(c.Name, c))
			}
			DescribeTable("rejects the broken variant", func(c invalidCase) {
				if onlyWarnings(c.Want) {
					Expect(c.Message).To(matchers.ConformToContract(), "only warnings are expected, so it passes unless strict")
					Expect(c.Message).NotTo(matchers.ConformToContract(matchers.Strict()))
					return
				}
				Expect(c.Message).NotTo(matchers.ConformToContract())
			}, entries)
		})
	}
})
