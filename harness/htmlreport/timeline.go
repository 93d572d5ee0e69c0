package htmlreport

import (
	"fmt"
	"sort"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// Geometry of the timelines, in SVG user units.
const (
	laneHeight = 28
	laneLabel  = 190 // width of the lane names' column
	laneTop    = 22  // room for the axis
	minStep    = 4   // horizontal distance between two events, at least
	maxStep    = 48
	plotWidth  = 900 // the width the events are spread over, when they fit
)

// states names the state each event announces, for the band drawn after it on its lanes: the
// agent's for the agent events, the DN's for the others. It is a picture of what the events say,
// not a judgement: the sequence rules judge.
var states = map[string]string{
	"EventAgentLogin": "logged in", "EventAgentLogout": "logged out", "EventAgentReady": "ready", "EventAgentNotReady": "not ready",
	"EventDNOutOfService": "out of service", "EventDNBackInService": "in service", "EventDNDOn": "do not disturb", "EventDNDOff": "disturb allowed",
	"EventForwardSet": "forwarded", "EventForwardCancel": "not forwarded", "EventOffHook": "off hook", "EventOnHook": "on hook",
	"EventMuteOn": "muted", "EventMuteOff": "unmuted",
}

// stateClass is the colour of a state's band.
func stateClass(state string) string {
	switch state {
	case "ready", "in service", "on hook", "unmuted", "disturb allowed", "not forwarded":
		return "st-ok"
	case "not ready", "do not disturb", "forwarded", "muted", "off hook":
		return "st-busy"
	case "logged out", "out of service":
		return "st-off"
	case "logged in":
		return "st-on"
	}
	return "st-unknown"
}

// timeline is what the template draws: one lane per DN and per agent.
type timeline struct {
	Width, Height int
	AxisX         int
	Lanes         []lane
	Links         []link // from each finding to the earlier event that set its context
	Events        int    // events drawn
	LanesLeft     int    // lanes not drawn
	Empty         string // why nothing is drawn, when nothing is
}

type lane struct {
	Name   string
	Y, Mid int
	Bands  []band
	Marks  []mark
}

type band struct {
	X, Y, W int
	Class   string
	State   string // the state, in the band's title
	Label   string // the state, written in the band when it is wide enough
}

type mark struct {
	X, Y    int
	Title   string
	Finding string // the anchor of its first finding; "" for an event without one
	Record  string // the anchor of its record excerpt, if listed
}

type link struct {
	X1, Y1, X2, Y2 int
	Title          string
}

// drawTimeline lays out the kept events of s on their lanes, in the order they were read, and
// marks each finding at its event, linked to its entry and to its context's event.
func drawTimeline(s *Stream, fs []finding.Finding) timeline {
	if s == nil || len(s.events) == 0 {
		return timeline{Empty: "no event to draw"}
	}
	step := max(minStep, min(maxStep, plotWidth/len(s.events)))
	x := func(i int) int { return laneLabel + step/2 + i*step }
	names, left := laneNames(s.events)
	t := timeline{Width: laneLabel + step*len(s.events) + 10, Height: laneTop + laneHeight*len(names) + 4, Events: len(s.events), LanesLeft: left, AxisX: laneLabel}
	where := map[string]int{} // lane name -> index
	for i, n := range names {
		y := laneTop + i*laneHeight
		t.Lanes = append(t.Lanes, lane{Name: pr(n), Y: y, Mid: y + laneHeight/2})
		where[n] = i
	}
	flagged := flaggedEvents(s, fs)
	for i, ev := range s.events {
		for _, n := range lanesOf(ev) {
			li, ok := where[n]
			if !ok {
				continue
			}
			l := &t.Lanes[li]
			fi, ok := flagged[i]
			if !ok {
				fi = -1
			}
			l.Marks = append(l.Marks, markOf(ev, x(i), l.Mid, fi))
			l.Bands = extend(l.Bands, x(i), l.Y+3, states[ev.ID])
		}
	}
	for li := range t.Lanes {
		closeBands(t.Lanes[li].Bands, t.Width-10)
	}
	t.Links = contextLinks(s, fs, where, x)
	return t
}

// laneNames is the DNs and then the agents, each sorted, at most DefaultMaxLanes; left says
// how many more there were.
func laneNames(events []Event) (names []string, left int) {
	seen := map[string]bool{}
	var dns, agents []string
	for _, ev := range events {
		for _, n := range lanesOf(ev) {
			if seen[n] {
				continue
			}
			seen[n] = true
			if n[0] == 'D' {
				dns = append(dns, n)
			} else {
				agents = append(agents, n)
			}
		}
	}
	sort.Strings(dns)
	sort.Strings(agents)
	names = append(dns, agents...)
	if len(names) > DefaultMaxLanes {
		return names[:DefaultMaxLanes], len(names) - DefaultMaxLanes
	}
	return names, 0
}

// lanesOf is the lanes an event is drawn on: its DN's and its agent's.
func lanesOf(ev Event) []string {
	var out []string
	if ev.DN != "" {
		out = append(out, "DN "+ev.DN)
	}
	if ev.Agent != "" {
		out = append(out, "agent "+ev.Agent)
	}
	if len(out) == 0 {
		out = append(out, "(no DN, no agent)")
	}
	return out
}

// flaggedEvents maps each kept event with a finding to the index of its first finding.
func flaggedEvents(s *Stream, fs []finding.Finding) map[int]int {
	out := map[int]int{}
	for i := range fs {
		if ev, ok := s.at(&fs[i].Place); ok {
			if _, dup := out[ev]; !dup {
				out[ev] = i
			}
		}
	}
	return out
}

func markOf(ev Event, x, y, fi int) mark {
	m := mark{X: x, Y: y, Title: pr(fmt.Sprintf("%s at %s", orNoID(ev.ID), ev.Place))}
	if fi >= 0 {
		m.Finding = findingAnchor(fi)
		m.Record = eventAnchor(ev.N)
	}
	return m
}

// extend ends the lane's last band at x and starts the one of the state the event announces;
// an event that announces none (an unknown id) keeps the state the lane was in.
func extend(bands []band, x, y int, state string) []band {
	if len(bands) == 0 {
		bands = append(bands, band{X: laneLabel, Y: y, Class: "st-unknown", State: "unknown", Label: "unknown"})
	}
	last := &bands[len(bands)-1]
	if state == "" || state == last.State {
		return bands
	}
	last.W = x - last.X
	return append(bands, band{X: x, Y: y, Class: stateClass(state), State: state, Label: state})
}

func closeBands(bands []band, end int) {
	if n := len(bands); n > 0 {
		bands[n-1].W = max(end-bands[n-1].X, 1)
	}
	for i := range bands {
		if bands[i].W < 40 {
			bands[i].Label = "" // too narrow to read; the mark's title says it
		}
	}
}

// contextLinks draws, for each finding whose context event was kept, a line from that earlier
// event to the finding's event, on the first lane they share (or each one's first lane).
func contextLinks(s *Stream, fs []finding.Finding, where map[string]int, x func(int) int) []link {
	var out []link
	for _, f := range fs {
		at, ok1 := s.at(&f.Place)
		ctx, ok2 := s.at(f.Context)
		if !ok1 || !ok2 {
			continue
		}
		l1, l2, ok := sharedLanes(s.events[ctx], s.events[at], where)
		if !ok {
			continue
		}
		out = append(out, link{X1: x(ctx), Y1: laneTop + l1*laneHeight + laneHeight/2, X2: x(at), Y2: laneTop + l2*laneHeight + laneHeight/2,
			Title: pr(fmt.Sprintf("[%s] context: %s", f.Rule, f.Context))})
	}
	return out
}

func sharedLanes(a, b Event, where map[string]int) (int, int, bool) {
	for _, n := range lanesOf(b) {
		for _, m := range lanesOf(a) {
			if n == m {
				i, ok := where[n]
				return i, i, ok
			}
		}
	}
	la, oka := where[lanesOf(a)[0]]
	lb, okb := where[lanesOf(b)[0]]
	return la, lb, oka && okb
}

func orNoID(id string) string {
	if id == "" {
		return "(no id)"
	}
	return id
}
