package suite_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/suite"
	"github.com/voice-agentstate/conformance/harness/sut"
)

// startEnv starts a suite world on the embedded broker, stopped when the test ends, with no
// system under test yet: each case brings its own.
func startEnv(t *testing.T) *suite.Env {
	t.Helper()
	getenv := func(name string) string {
		return map[string]string{"AGENTSTATE_BROKER": "embedded", "AGENTSTATE_TIMEOUT": "5s"}[name]
	}
	cfg, err := suite.ConfigFromEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	env, err := suite.Start(t.Context(), cfg)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = env.Stop(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// tamper is a Publisher that lets a test rewrite each event before it goes to the broker.
type tamper struct {
	pub  sut.Publisher
	edit func(doc map[string]any)
}

func (p tamper) Publish(ctx context.Context, key string, value []byte) error {
	if p.edit == nil {
		return p.pub.Publish(ctx, key, value)
	}
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(value)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	p.edit(doc)
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return p.pub.Publish(ctx, key, b)
}

// lastRefs remembers the ReferenceID of the last request of each stimulus the Driver got.
type lastRefs struct {
	drive.Driver
	mu   sync.Mutex
	refs map[drive.Stimulus]int64
}

func (d *lastRefs) note(s drive.Stimulus, r drive.Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.refs[s] = r.ReferenceID
}

func (d *lastRefs) ref(s drive.Stimulus) int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.refs[s]
}

func (d *lastRefs) OffHook(ctx context.Context, r drive.Request) (string, error) {
	d.note(drive.StimulusOffHook, r)
	return d.Driver.OffHook(ctx, r)
}

func (d *lastRefs) DNDOn(ctx context.Context, r drive.Request) error {
	d.note(drive.StimulusDNDOn, r)
	return d.Driver.DNDOn(ctx, r)
}

// stepCase is a producer that breaks one thing only a step can tell from its stimulus, the
// steps that show it, and the words the last step's report must have.
type stepCase struct {
	name  string
	pub   func(t *testing.T, env *suite.Env) sut.Publisher // nil: the env's broker, keyed
	edit  func(d *lastRefs) func(doc map[string]any)
	clock func() time.Time
	steps []suite.Stimulus
	want  []string // in the failing step's report; none: every step passes
}

var (
	login      = suite.Stimulus{Do: drive.StimulusLogin, Agent: "A", DN: "D", Expect: []string{"EventAgentLogin"}}
	logout     = suite.Stimulus{Do: drive.StimulusLogout, Agent: "A", DN: "D", Expect: []string{"EventAgentLogout"}}
	offHook    = suite.Stimulus{Do: drive.StimulusOffHook, DN: "D", Call: "C", Expect: []string{"EventOffHook"}}
	onHook     = suite.Stimulus{Do: drive.StimulusOnHook, DN: "D", Expect: []string{"EventOnHook"}}
	dndOn      = suite.Stimulus{Do: drive.StimulusDNDOn, DN: "D", Expect: []string{"EventDNDOn"}}
	dndOff     = suite.Stimulus{Do: drive.StimulusDNDOff, DN: "D", Expect: []string{"EventDNDOff"}}
	everything = []suite.Stimulus{login, dndOn, dndOff, offHook, onHook, logout}
)

func keyedPublisher(t *testing.T, env *suite.Env, opts ...kgo.Opt) sut.Publisher {
	t.Helper()
	pub, err := broker.NewPublisher(env.Broker, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pub.Close)
	return pub
}

var stepCases = []stepCase{
	{name: "a correct producer", steps: everything},
	{name: "a clock an hour behind",
		clock: func() time.Time { return time.Now().Add(-time.Hour) },
		steps: []suite.Stimulus{login},
		want:  []string{"step.time", "EventAgentLogin", "AGENTSTATE_CLOCK_TOLERANCE"}},
	{name: "seconds in milliseconds",
		clock: func() time.Time { return time.UnixMilli(time.Now().UnixMilli() * 1000) },
		steps: []suite.Stimulus{login},
		want:  []string{"step.time", "EventAgentLogin", "milliseconds"}},
	{name: "a hook event that echoes the off-hook's ReferenceID",
		edit: func(d *lastRefs) func(map[string]any) {
			return func(doc map[string]any) {
				if doc["id"] == "EventOffHook" {
					doc["ReferenceID"] = d.ref(drive.StimulusOffHook)
				}
			}
		},
		steps: []suite.Stimulus{offHook},
		want:  []string{"step.reference-id", "EventOffHook", "off-hook", "no client request"}},
	{name: "an event that claims another request's ReferenceID",
		edit: func(d *lastRefs) func(map[string]any) {
			return func(doc map[string]any) {
				if doc["id"] == "EventDNDOff" {
					doc["ReferenceID"] = d.ref(drive.StimulusDNDOn)
				}
			}
		},
		steps: []suite.Stimulus{dndOn, dndOff},
		want:  []string{"step.reference-id", "EventDNDOff", "another request", "dnd-on on DN"}},
	{name: "an agent's events on two partitions",
		pub: func(t *testing.T, env *suite.Env) sut.Publisher {
			return keyedPublisher(t, env, kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
		},
		steps: []suite.Stimulus{login, logout},
		want:  []string{"step.partition", "EventAgentLogout", "EventAgentLogin", "one partition"}},
	{name: "a CustomerID that is not the key's tenant",
		edit: func(*lastRefs) func(map[string]any) {
			return func(doc map[string]any) {
				if _, ok := doc["CustomerID"]; ok {
					doc["CustomerID"] = "tenant-t1"
				}
			}
		},
		steps: []suite.Stimulus{login},
		want:  []string{"step.customer-id", "EventAgentLogin", `"tenant-t1"`, `"t1"`}},
}

// TestAStepJudgesWhatItsStimulusCaused: the step that drives a stimulus judges, of every event it
// caused, what only the stimulus knows: that its time is the run's (item 4), that it claims no
// ReferenceID but its own request's (item 7), that it is in the partition of its agent's earlier
// events and its CustomerID is its key's tenant (item 8); so the failing spec names the stimulus,
// not only the whole-stream check at the end. The correct producer passes every step.
func TestAStepJudgesWhatItsStimulusCaused(t *testing.T) {
	env := startEnv(t)
	for _, c := range stepCases {
		t.Run(c.name, func(t *testing.T) {
			var pub sut.Publisher = keyedPublisher(t, env)
			if c.pub != nil {
				pub = c.pub(t, env)
			}
			refs := &lastRefs{refs: map[drive.Stimulus]int64{}}
			tp := tamper{pub: pub}
			if c.edit != nil {
				tp.edit = c.edit(refs)
			}
			opts := []sut.Opt{}
			if c.clock != nil {
				opts = append(opts, sut.WithClock(c.clock))
			}
			p, err := sut.New(tp, opts...)
			if err != nil {
				t.Fatal(err)
			}
			refs.Driver = p
			env.Driver = refs
			outcomes, err := suite.Scenario{Name: c.name, Steps: c.steps, File: c.name}.Run(t.Context(), env)
			if err != nil {
				t.Fatal(err)
			}
			last := outcomes[len(outcomes)-1]
			if len(c.want) == 0 {
				if !last.OK() || len(outcomes) != len(c.steps) {
					t.Fatalf("the correct producer fails step %d of %d:\n%s", len(outcomes), len(c.steps), last.Report())
				}
				return
			}
			if last.OK() {
				t.Fatalf("every step passed, want the last to fail:\n%s", last.Report())
			}
			if len(outcomes) != len(c.steps) {
				t.Fatalf("step %d of %d failed, want the last to fail only:\n%s", len(outcomes), len(c.steps), last.Report())
			}
			t.Log(last.Report())
			for _, w := range c.want {
				if !strings.Contains(last.Report(), w) {
					t.Errorf("the report lacks %q:\n%s", w, last.Report())
				}
			}
		})
	}
}
