package matchers_test

import (
	"fmt"

	"github.com/onsi/gomega"

	"github.com/voice-agentstate/conformance/harness/matchers"
)

// newGomega returns a Gomega whose failures are printed, so that examples show them.
func newGomega() gomega.Gomega {
	return gomega.NewGomega(func(message string, _ ...int) { fmt.Println(message) })
}

// A producer team checks one message its service published.
func ExampleConformToContract() {
	g := newGomega()
	msg := `{"id":"EventAgentReady","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":1000000}}`
	g.Expect(msg).To(matchers.ConformToContract())
	// Output:
	// Expected message
	//     {"id":"EventAgentReady","Server":3,"ThisDN":"5001","time":{"seconds":1764035100,"useconds":1000000}}
	// to conform to the voice-agentstate contract, but it breaks 2 rules:
	//     violation [schema.required] EventAgentReady: mandatory attribute AgentWorkMode is missing
	//     violation [schema.maximum] EventAgentReady: attribute time.useconds: expected a number <= 999999, found 1000000
}

// ConformTo also checks which event the message is.
func ExampleConformTo() {
	g := newGomega()
	msg := `{"id":"EventMuteOff","ThisDN":"5001","ThisDNRole":"RoleObserver","ConnID":"007102385535e00e","ReferenceID":17}`
	ok := g.Expect(msg).To(matchers.ConformTo("EventMuteOff"))
	fmt.Println(ok)
	// Output: true
}

// A recorded stream is judged by the sequence rules; the failure names the earlier event that
// set the context.
func ExampleSatisfyInvariants() {
	g := newGomega()
	stream := `{"id":"EventAgentLogin","Server":1,"ThisDN":"5001","time":{"seconds":1700000001,"useconds":0},"AgentID":"1001"}
{"id":"EventAgentLogout","Server":1,"ThisDN":"5001","time":{"seconds":1700000002,"useconds":0},"AgentID":"1001"}
{"id":"EventAgentReady","Server":1,"ThisDN":"5001","time":{"seconds":1700000003,"useconds":0},"AgentID":"1001","AgentWorkMode":"AgentManualIn"}
`
	g.Expect(stream).To(matchers.SatisfyInvariants())
	// Output:
	// Expected the stream of 3 events
	// to satisfy the voice-agentstate sequence invariants (initial state unknown), but it breaks 1 rule:
	//     stream:3: violation [agent.state-while-logged-out] EventAgentReady: agent 1001 on DN 5001 is logged out (EventAgentLogout at stream:2); after a logout only EventAgentLogin may come for it
}
