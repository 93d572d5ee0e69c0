// Package gen generates realistic lawful voice-agentstate streams, deterministically: the reference
// producer driven by a seeded random walk over the stimuli, across many agents and DNs. Benchmarks
// and tests use it for traffic of any size that the contract and the sequence rules accept.
package gen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/sut"
)

// Options say what to generate. Events must be at least 1.
type Options struct {
	Seed   uint64 // the same seed gives the same stream
	Events int    // how many messages
	Agents int    // agents, each with a DN of its own (default 100)
	Tenant string // default t1
}

// Stream returns the messages the reference producer published for a random walk of requests
// until Events were published, each with its key, in order.
func Stream(opts Options) ([]Message, error) {
	if opts.Events < 1 {
		return nil, fmt.Errorf("generate: %d events: expected at least 1", opts.Events)
	}
	if opts.Agents < 1 {
		opts.Agents = 100
	}
	if opts.Tenant == "" {
		opts.Tenant = "t1"
	}
	var mem messages
	clock := time.Unix(1764035100, 0)
	p, err := sut.New(&mem, sut.WithClock(func() time.Time { clock = clock.Add(1700 * time.Microsecond); return clock }))
	if err != nil {
		return nil, err
	}
	w := &walk{p: p, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)), opts: opts, calls: map[string]string{}}
	for steps := 0; len(mem) < opts.Events; steps++ {
		if steps > 100*opts.Events {
			return nil, fmt.Errorf("generate: %d events after %d requests; the walk is stuck", len(mem), steps)
		}
		w.step(context.Background())
	}
	return mem[:opts.Events], nil
}

// messages keeps what the producer publishes; the walk is single-threaded, so it needs no lock.
type messages []Message

func (m *messages) Publish(_ context.Context, key string, value []byte) error {
	*m = append(*m, Message{Key: key, Value: append([]byte(nil), value...)})
	return nil
}

type walk struct {
	p     *sut.Producer
	rng   *rand.Rand
	opts  Options
	refs  drive.RefIDs
	calls map[string]string // DN -> ConnID of its call
}

var (
	readyModes    = []drive.WorkMode{drive.ManualIn, drive.AutoIn, drive.ReturnBack}
	notReadyModes = []drive.WorkMode{drive.AuxWork, drive.AfterCallWork, drive.WalkAway}
	modes         = []drive.ForwardMode{drive.CallForwarding, drive.SendAllCalls}
)

// step performs one random request on a random seat. Refusals are part of a lawful walk: the
// producer publishes nothing for them.
func (w *walk) step(ctx context.Context) {
	i := w.rng.IntN(w.opts.Agents)
	agent, dn := fmt.Sprintf("%d", 100000+i), fmt.Sprintf("%d", 500000+i)
	req := drive.Request{Tenant: w.opts.Tenant, DN: dn, ReferenceID: w.refs.Next()}
	switch w.rng.IntN(14) {
	case 0, 1:
		_ = w.p.Login(ctx, drive.Login{Request: req, Agent: agent, Queue: "7001"})
	case 2:
		_ = w.p.Logout(ctx, drive.Logout{Request: req, Agent: agent})
	case 3, 4:
		_ = w.p.Ready(ctx, drive.Ready{Request: req, Agent: agent, WorkMode: readyModes[w.rng.IntN(len(readyModes))]})
	case 5:
		_ = w.p.NotReady(ctx, drive.NotReady{Request: req, Agent: agent, WorkMode: notReadyModes[w.rng.IntN(len(notReadyModes))], Reasons: map[string]string{"Reason": "Break"}})
	case 6:
		_ = w.p.DNDOn(ctx, req)
	case 7:
		_ = w.p.DNDOff(ctx, req)
	case 8:
		_ = w.p.SetForward(ctx, drive.Forward{Request: req, Target: "599999", Mode: modes[w.rng.IntN(2)]})
	case 9:
		_ = w.p.CancelForward(ctx, req)
	case 10:
		if conn, err := w.p.OffHook(ctx, req); err == nil {
			w.calls[dn] = conn
		}
	case 11:
		_ = w.p.OnHook(ctx, req)
	case 12:
		w.mute(ctx, req)
	default:
		w.service(ctx, req)
	}
}

func (w *walk) mute(ctx context.Context, req drive.Request) {
	m := drive.Mute{Request: req, ConnID: w.calls[req.DN], Role: drive.RoleDestination}
	if w.rng.IntN(2) == 0 {
		_ = w.p.MuteOn(ctx, m)
		return
	}
	_ = w.p.MuteOff(ctx, m)
}

// service takes a DN out of service rarely, and brings it back more often.
func (w *walk) service(ctx context.Context, req drive.Request) {
	if w.rng.IntN(4) == 0 {
		_ = w.p.OutOfService(ctx, req)
		return
	}
	_ = w.p.BackInService(ctx, req)
}

// Message is one generated record: its Kafka key and its value.
type Message = sut.Message
