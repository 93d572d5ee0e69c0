package specs_test

import (
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/matchers"
)

// eventFixture is one file of fixtures/events.
type eventFixture struct {
	Event   string          `json:"event"`
	Minimal json.RawMessage `json:"minimal"`
	Full    json.RawMessage `json:"full"`
	Invalid []struct {
		Name    string          `json:"name"`
		Message json.RawMessage `json:"message"`
		Want    []struct {
			Severity string `json:"severity"`
		} `json:"want"`
	} `json:"invalid"`
}

func loadFixture(event string) eventFixture {
	b, err := os.ReadFile(filepath.Join("..", "fixtures", "events", event+".json"))
	Expect(err).NotTo(HaveOccurred())
	var fx eventFixture
	Expect(json.Unmarshal(b, &fx)).To(Succeed())
	Expect(fx.Event).To(Equal(event))
	return fx
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
		Context(event, Label(event), func() {
			var fx eventFixture
			BeforeEach(func() { fx = loadFixture(event) })

			It("accepts the message with only its mandatory attributes", func() {
				Expect(fx.Minimal).To(matchers.ConformTo(event, matchers.Strict()))
			})

			It("accepts the message with every optional attribute", func() {
				Expect(fx.Full).To(matchers.ConformTo(event, matchers.Strict()))
			})

			It("rejects every broken variant of the message", func() {
				Expect(fx.Invalid).NotTo(BeEmpty())
				for _, c := range fx.Invalid {
					By(c.Name)
					if onlyWarnings(c.Want) {
						Expect(c.Message).To(matchers.ConformToContract(), c.Name)
						Expect(c.Message).NotTo(matchers.ConformToContract(matchers.Strict()), c.Name)
						continue
					}
					Expect(c.Message).NotTo(matchers.ConformToContract(), c.Name)
				}
			})
		})
	}
})
