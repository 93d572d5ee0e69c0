package specs_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/fixtures"
	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/matchers"
)

// eventFixture is one file of fixtures/events.
type eventFixture struct {
	Event   string          `json:"event"`
	Minimal json.RawMessage `json:"minimal"`
	Full    json.RawMessage `json:"full"`
	Invalid []invalidCase   `json:"invalid"`
}

// invalidCase is one broken variant of an event's message.
type invalidCase = struct {
	Name    string          `json:"name"`
	Message json.RawMessage `json:"message"`
	Want    []struct {
		Severity string `json:"severity"`
	} `json:"want"`
}

// loadFixture reads an event's fixture from the embedded tree, when the spec tree is built: its
// broken variants are the entries of a table, one spec each.
func loadFixture(event string) (eventFixture, error) {
	var fx eventFixture
	b, err := fs.ReadFile(fixtures.FS, path.Join(fixtures.Events, event+".json"))
	if err != nil {
		return fx, fmt.Errorf("load event fixture: %w", err)
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		return fx, fmt.Errorf("load event fixture %s: %w", event, err)
	}
	if fx.Event != event {
		return fx, fmt.Errorf("load event fixture %s: it is the fixture of %q", event, fx.Event)
	}
	return fx, nil
}

// onlyWarnings says whether a case breaks nothing but warning rules.
func onlyWarnings(want []struct {
	Severity string `json:"severity"`
}) bool {
	for _, w := range want {
		if w.Severity != "warning" {
			return false
		}
	}
	return true
}

var _ = Describe("Event schemas", Label("schema"), func() {
	for _, event := range contract.Events {
		fx, err := loadFixture(event)
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
