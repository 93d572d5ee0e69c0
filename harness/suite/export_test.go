package suite

// Compare matches the outcome's events with what its step wants, as Env.Run does, for tests
// that build an outcome by hand.
func (o *Outcome) Compare() { o.compare(judge{}) }
