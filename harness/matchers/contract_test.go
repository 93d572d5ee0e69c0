package matchers_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/harness/matchers"
)

const (
	login      = `{"id":"EventAgentLogin","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"AgentID":"1001"}`
	badReady   = `{"id":"EventAgentReady","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":1000000}}`
	typoLogin  = `{"id":"EventAgentLogin","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":0},"AgentId":"1001"}`
	notJSONMsg = `{"id":`
)

var _ = Describe("ConformToContract", func() {
	It("accepts a conforming message in every form a spec may hold it", func() {
		var asMap map[string]any
		Expect(json.Unmarshal([]byte(login), &asMap)).To(Succeed())
		Expect(login).To(matchers.ConformToContract())
		Expect([]byte(login)).To(matchers.ConformToContract())
		Expect(json.RawMessage(login)).To(matchers.ConformToContract())
		Expect(asMap).To(matchers.ConformToContract())
	})

	It("lists every finding, not only the first", func() {
		m := matchers.ConformToContract()
		Expect(m.Match(badReady)).To(BeFalse())
		Expect(m.FailureMessage(badReady)).To(Equal(`Expected message
    ` + badReady + `
to conform to the voice-agentstate contract, but it breaks 2 rules:
    violation [schema.required] EventAgentReady: mandatory attribute AgentWorkMode is missing
    violation [schema.maximum] EventAgentReady: attribute time.useconds: expected a number <= 999999, found 1000000
`))
	})

	It("lets warnings pass unless strict", func() {
		Expect(typoLogin).To(matchers.ConformToContract())
		m := matchers.ConformToContract(matchers.Strict())
		Expect(m.Match(typoLogin)).To(BeFalse())
		Expect(m.FailureMessage(typoLogin)).To(Equal(`Expected message
    ` + typoLogin + `
to conform to the voice-agentstate contract (strict), but it breaks 1 rule:
    violation [schema.unknown-attribute] EventAgentLogin: attribute AgentId is not part of the contract (did you mean AgentID?)
`))
	})

	It("fails malformed JSON with a decode finding", func() {
		m := matchers.ConformToContract()
		Expect(m.Match(notJSONMsg)).To(BeFalse())
		Expect(m.FailureMessage(notJSONMsg)).To(ContainSubstring("violation [decode.json] message is not valid JSON: unexpected EOF"))
	})

	It("says so when negated and the message conforms", func() {
		m := matchers.ConformToContract()
		Expect(m.Match(login)).To(BeTrue())
		Expect(m.NegatedFailureMessage(login)).To(Equal("Expected message\n    " + login + "\nnot to conform to the voice-agentstate contract, but it does\n"))
	})

	It("reports misuse as an error, not a mismatch", func() {
		_, err := matchers.ConformToContract().Match(nil)
		Expect(err).To(MatchError("ConformToContract expects a message, got nil"))
		_, err = matchers.ConformTo("EventAgentLogin").Match(make(chan int))
		Expect(err).To(MatchError(ContainSubstring("ConformTo expects a message as []byte, string, json.RawMessage")))
	})
})

var _ = Describe("ConformTo", func() {
	It("accepts the named event", func() {
		Expect(login).To(matchers.ConformTo("EventAgentLogin"))
	})

	It("rejects a conforming message of another event", func() {
		m := matchers.ConformTo("EventAgentLogout")
		Expect(m.Match(login)).To(BeFalse())
		Expect(m.FailureMessage(login)).To(Equal(`Expected message
    ` + login + `
to be an EventAgentLogout conforming to the voice-agentstate contract, but it breaks 1 rule:
    violation [event.id] message is EventAgentLogin, not EventAgentLogout
`))
	})
})
