package diff

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/voice-agentstate/conformance/harness/contract"
)

// Run is one suite run: its capture and its stimulus log, paired. Build it with Load or NewRun.
type Run struct {
	Capture *Capture
	Log     []Entry
	flows   map[string][]*flowRun // by flow; each flow's instances sorted by what they produced
	loose   []normEvent           // events of the capture no stimulus was credited with
	all     []normEvent           // every event of the capture, normalised
}

type flowRun struct {
	flow  string
	steps []stepRun
	sig   string
}

type stepRun struct {
	entry  Entry
	events []normEvent
}

// normEvent is an event with the run's numbers, times and ReferenceIDs replaced by what they
// stand for, flattened to attribute paths ("time/seconds").
type normEvent struct {
	id    string
	key   string
	attrs map[string]attr
	line  int
	bad   string // why the record is no event; "" for an event
}

type attr struct {
	typ   string // the JSON type: string, integer, number, boolean, null, array, object
	value string // the normalised value, as JSON; "" for an object (its members are paths of their own)
}

// Load reads the capture and the stimulus log beside it (see LogBeside).
func Load(capture string) (*Run, error) {
	capPath, logPath, err := LogBeside(capture)
	if err != nil {
		return nil, err
	}
	c, err := ReadCapture(capPath)
	if err != nil {
		return nil, err
	}
	log, err := ReadLog(logPath)
	if err != nil {
		return nil, err
	}
	return NewRun(c, log)
}

// NewRun pairs a capture with its stimulus log. An entry naming a position the capture lacks
// is an error: the log and the capture are not of the same run.
func NewRun(c *Capture, log []Entry) (*Run, error) {
	r := &Run{Capture: c, Log: log, flows: map[string][]*flowRun{}}
	n := newNormaliser(log)
	credited := map[Position]bool{}
	byInstance := map[string]*flowRun{}
	var order []string
	for _, e := range log {
		st := stepRun{entry: e}
		for _, p := range e.Events {
			ev, ok := c.At(p)
			if !ok {
				return nil, fmt.Errorf("pair stimulus log with %s: flow %q step %d names partition %d offset %d, which the capture lacks: the log and the capture are not of one run", c.File, e.Flow, e.Step, p.Partition, p.Offset)
			}
			credited[p] = true
			st.events = append(st.events, n.event(ev, &e))
		}
		k := fmt.Sprintf("%s\x00%d", e.Flow, e.Instance)
		if byInstance[k] == nil {
			byInstance[k] = &flowRun{flow: e.Flow}
			order = append(order, k)
		}
		byInstance[k].steps = append(byInstance[k].steps, st)
	}
	for _, k := range order {
		fr := byInstance[k]
		sort.SliceStable(fr.steps, func(i, j int) bool { return fr.steps[i].entry.Step < fr.steps[j].entry.Step })
		fr.sig = fr.signature()
		r.flows[fr.flow] = append(r.flows[fr.flow], fr)
	}
	for _, runs := range r.flows {
		sort.SliceStable(runs, func(i, j int) bool { return runs[i].sig < runs[j].sig })
	}
	for _, ev := range c.Events {
		ne := n.event(ev, nil)
		r.all = append(r.all, ne)
		if !credited[ev.Pos] {
			r.loose = append(r.loose, ne)
		}
	}
	return r, nil
}

// signature is what the instance produced, normalised, so that the instances of a flow (which
// may run at once, in any order) pair by what they did, the same way in every run.
func (f *flowRun) signature() string {
	var b strings.Builder
	for _, s := range f.steps {
		fmt.Fprintf(&b, "%d %s:", s.entry.Step, s.entry.Do)
		for _, ev := range s.events {
			j, _ := json.Marshal(ev.attrs)
			fmt.Fprintf(&b, " %s %s %s;", ev.id, ev.key, j)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// normaliser replaces what differs between two runs of the same stimuli: fresh agent and DN
// numbers and ConnIDs (by their names in the flow), the tenant, ReferenceIDs (by whose they
// are) and times.
type normaliser struct {
	names  map[string]string
	refs   map[int64]bool
	tenant map[string]bool
}

func newNormaliser(log []Entry) *normaliser {
	n := &normaliser{names: map[string]string{}, refs: map[int64]bool{}, tenant: map[string]bool{}}
	for _, e := range log {
		for v, name := range e.Names {
			n.names[v] = name
		}
		n.refs[e.ReferenceID] = true
		if e.Tenant != "" {
			n.tenant[e.Tenant] = true
		}
	}
	return n
}

// event normalises an event; e is the stimulus it is credited to, nil for none.
func (n *normaliser) event(ev Event, e *Entry) normEvent {
	out := normEvent{id: ev.ID, line: ev.Line, bad: ev.Err, attrs: map[string]attr{}}
	if ev.HasKey {
		out.key = n.key(ev.Key)
	}
	for name, v := range ev.Doc {
		n.flatten(out.attrs, name, name, v, e)
	}
	return out
}

func (n *normaliser) key(k string) string {
	tenant, agent, ok := strings.Cut(k, ":")
	if !ok {
		return n.str(k)
	}
	return n.str(tenant) + ":" + n.str(agent)
}

func (n *normaliser) flatten(out map[string]attr, top, path string, v any, e *Entry) {
	if m, ok := v.(map[string]any); ok {
		out[path] = attr{typ: "object"}
		for k, child := range m {
			n.flatten(out, top, path+"/"+k, child, e)
		}
		return
	}
	a := attr{typ: contract.JSONType(v)}
	switch {
	case top == "time":
		a.value = timeValue(path, v)
	case path == "ReferenceID" && a.typ == "integer":
		a.value = n.ref(v.(json.Number), e)
	default:
		a.value = n.render(v)
	}
	out[path] = a
}

func (n *normaliser) ref(num json.Number, e *Entry) string {
	id, err := num.Int64()
	switch {
	case err != nil:
		return num.String()
	case e != nil && id == e.ReferenceID:
		return `"<the request's ReferenceID>"`
	case n.refs[id]:
		return `"<another request's ReferenceID>"`
	}
	return `"<a ReferenceID the suite did not issue>"`
}

func (n *normaliser) render(v any) string {
	b, _ := json.Marshal(n.value(v))
	return string(b)
}

func (n *normaliser) value(v any) any {
	switch t := v.(type) {
	case string:
		return n.str(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = n.value(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = n.value(x)
		}
		return out
	}
	return v
}

func (n *normaliser) str(s string) string {
	if name, ok := n.names[s]; ok {
		return "<" + name + ">"
	}
	if n.tenant[s] {
		return "<tenant>"
	}
	return s
}

// timeValue normalises a time attribute away, keeping what a consumer relies on: seconds since
// the epoch within the schemas' bound (2000-01-01 to 2099-12-31), useconds within a second. A
// value outside is kept as such, so a change of unit (milliseconds) is a changed value.
func timeValue(path string, v any) string {
	num, ok := v.(json.Number)
	if !ok {
		return `"<time>"`
	}
	n, err := num.Int64()
	switch {
	case err != nil:
		return `"<time, not an integer>"`
	case path == "time/seconds" && (n < 946684800 || n > 4102444799):
		return `"<seconds outside 2000-01-01..2099-12-31>"`
	case path == "time/useconds" && (n < 0 || n > 999999):
		return `"<useconds outside 0..999999>"`
	}
	return `"<time>"`
}
