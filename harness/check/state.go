package check

import "slices"

// mark is the compact place of the event that set a fact: its kind, file, line and offset. The
// partition is the scope's own; the key is not kept (see the package doc on memory).
// The zero mark, whose event is no kind, stands for no event.
type mark struct {
	event  kind
	file   uint32 // index+1 into the checker's file names; 0 when the event came from no file
	line   int
	offset int64
}

// topic is what a fact is about.
type topic uint8

const (
	topicSeat    topic = iota + 1 // an agent's login on the DN; name is the AgentID, "" when unnamed
	topicService                  // the DN's service
	topicDND                      // the DN's do-not-disturb
	topicForward                  // the DN's forwarding
	topicHook                     // the DN's handset
	topicMute                     // the DN's mute on a call; name is the ConnID
)

// status is what is known of a topic. off is every topic's clean baseline.
type status uint8

const (
	unknown status = iota
	on
	off
	several // forwarding: set more than once since none was known to stand
)

// Names of the statuses per topic.
const (
	loggedIn     = on
	loggedOut    = off
	outOfService = on
	inService    = off
	handsetOff   = on
	handsetOn    = off
	muted        = on
	unmuted      = off
	fwdOne       = on
	fwdNone      = off
	fwdSeveral   = several
)

// fact is one thing known about a DN, with the event that made it known.
type fact struct {
	topic  topic
	status status
	at     mark
	name   string
}

// state is what is known about one DN in one scope, beyond the baseline of the initial state. It
// is a value: the methods below never write to the receiver's array, so a state handed to the
// model's step is never changed by it.
type state []fact

func (s state) get(t topic, name string) (fact, bool) {
	for _, f := range s {
		if f.topic == t && f.name == name {
			return f, true
		}
	}
	return fact{}, false
}

// put returns a copy of s in which f replaces the fact of its topic and name. s is never
// written to: a state is a value, shared by whoever holds it.
func (s state) put(f fact) state {
	out := make(state, 0, len(s)+1)
	for _, g := range s {
		if g.topic != f.topic || g.name != f.name {
			out = append(out, g)
		}
	}
	return slices.Clip(append(out, f))
}

// drop returns a copy of s without the facts that match, or s itself when none match.
func (s state) drop(match func(fact) bool) state {
	n := 0
	for _, f := range s {
		if match(f) {
			n++
		}
	}
	switch n {
	case 0:
		return s
	case len(s):
		return nil
	}
	out := make(state, 0, len(s)-n)
	for _, f := range s {
		if !match(f) {
			out = append(out, f)
		}
	}
	return out
}

func is(t topic, name string) func(fact) bool {
	return func(f fact) bool { return f.topic == t && f.name == name }
}

func about(t topic) func(fact) bool {
	return func(f fact) bool { return f.topic == t }
}
