package suite

import "github.com/voice-agentstate/conformance/harness/contract"

// Compare matches the outcome's events with what its step wants, as Env.Run does, for tests
// that build an outcome by hand.
func (o *Outcome) Compare() { o.compare(judge{}) }

// FailBuiltin makes the built-in schema set fail to load with err until the test ends.
func FailBuiltin(t interface{ Cleanup(func()) }, err error) {
	old := builtinSet
	builtinSet = func() (*contract.Set, error) { return nil, err }
	t.Cleanup(func() { builtinSet = old })
}
