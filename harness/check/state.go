package check

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

// put returns a copy of s in which f replaces the fact of its topic and name, in an array from
// the pool (nil: a new one).
func (s state) put(f fact, pool *states) state {
	if pool.owns(s) {
		for i := range s {
			if s[i].topic == f.topic && s[i].name == f.name {
				s[i] = f
				return s
			}
		}
		if len(s) < cap(s) {
			return append(s, f)
		}
	}
	out := pool.get(len(s) + 1)
	for _, g := range s {
		if g.topic != f.topic || g.name != f.name {
			out = append(out, g)
		}
	}
	return append(out, f)
}

// drop returns a copy of s without the facts that match, in an array from the pool (nil: a new
// one), or s itself when none match.
func (s state) drop(match func(fact) bool, pool *states) state {
	n := 0
	for _, f := range s {
		if match(f) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	if n == len(s) {
		return nil
	}
	owned := pool.owns(s)
	out := s[:0]
	if !owned {
		out = pool.get(len(s) - n)
	}
	for _, f := range s {
		if !match(f) {
			out = append(out, f)
		}
	}
	if owned {
		clear(s[len(out):])
	}
	return out
}

func is(t topic, name string) func(fact) bool {
	return func(f fact) bool { return f.topic == t && f.name == name }
}

func about(t topic) func(fact) bool {
	return func(f fact) bool { return f.topic == t }
}

// states recycles the arrays of states a checker has replaced, so that a step, which never writes
// to the state it is given, does not allocate a new array for every event. Only the checker,
// which owns the states, gives arrays back. Arrays are kept by capacity, which is always the
// length asked for, so that a DN's state costs no more memory than its facts.
type states struct {
	free  [stateCap + 1][]state // by capacity
	fresh *fact                 // the array handed out last in this step: the step may change it in place
}

// begin starts a step: no array is the step's own yet.
func (p *states) begin() { p.fresh = nil }

// owns says whether s is the array the pool handed out last in this step.
func (p *states) owns(s state) bool {
	return p != nil && p.fresh != nil && cap(s) > 0 && &s[:1][0] == p.fresh
}

// stateCap is the largest capacity the pool keeps: a DN rarely has more facts.
const stateCap = 8

// maxFree bounds the arrays a pool keeps of each capacity.
const maxFree = 64

func (p *states) get(n int) state {
	if p == nil || n == 0 {
		return make(state, 0, n)
	}
	var s state
	if free := p.free[min(n, stateCap)]; n <= stateCap && len(free) > 0 {
		s = free[len(free)-1]
		p.free[n] = free[:len(free)-1]
	} else {
		s = make(state, 0, n)
	}
	p.fresh = &s[:1][0]
	return s
}

// put gives back an array nothing refers to any more.
func (p *states) put(s state) {
	c := cap(s)
	if c == 0 || c > stateCap || len(p.free[c]) == maxFree {
		return
	}
	clear(s[:c])
	p.free[c] = append(p.free[c], s[:0])
}
