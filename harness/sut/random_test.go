package sut_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/internal/testkit"
	"github.com/voice-agentstate/conformance/harness/sut"
)

// gen makes random requests over two tenants, each with 8 DNs and 6 agents. Many are refused:
// ready of an agent logged out, requests during outages, a mute of a call that ended, a work mode
// of the wrong kind.
type gen struct {
	rng   *rand.Rand
	d     drive.Driver
	refs  drive.RefIDs
	conns map[string]string // the last ConnID off-hook returned, by tenant/DN
	seats map[string]string // the agent last logged in with success, by tenant/DN: a hint only
	outs  []drive.Request   // DNs taken out of service, to bring back
}

var tenants = []struct{ name, dnBase, agentBase string }{{"t1", "50", "10"}, {"t2", "60", "20"}}

func (g *gen) pick(n int) int { return g.rng.IntN(n) }

func (g *gen) request() drive.Request {
	t := tenants[g.pick(len(tenants))]
	return drive.Request{Tenant: t.name, DN: fmt.Sprintf("%s%02d", t.dnBase, 1+g.pick(8)), ReferenceID: g.refs.Next()}
}

// agent picks the agent the generator last logged in on the DN, most of the time.
func (g *gen) agent(r drive.Request) string {
	if a, ok := g.seats[r.Tenant+"/"+r.DN]; ok && g.pick(4) > 0 {
		return a
	}
	base := tenants[0].agentBase
	if r.Tenant == tenants[1].name {
		base = tenants[1].agentBase
	}
	return fmt.Sprintf("%s%02d", base, 1+g.pick(6))
}

func (g *gen) mode() drive.WorkMode {
	modes := []drive.WorkMode{"", drive.WorkModeUnknown, drive.ManualIn, drive.AutoIn, drive.ReturnBack,
		drive.AfterCallWork, drive.AuxWork, drive.LegalGuard, drive.NoCallDisconnect, drive.WalkAway}
	return modes[g.pick(len(modes))]
}

func (g *gen) conn(r drive.Request) string {
	switch g.pick(10) {
	case 0:
		return "00000000deadbeef"
	case 1:
		return ""
	}
	return g.conns[r.Tenant+"/"+r.DN]
}

func (g *gen) role() drive.Role {
	return []drive.Role{drive.RoleOrigination, drive.RoleDestination, drive.RoleObserver, drive.RoleConferenceMember}[g.pick(4)]
}

// next sends one random request. Agent requests are weighted up, so that agents do log in and
// work; outages are rare and mostly end soon.
func (g *gen) next(ctx context.Context) error {
	r := g.request()
	switch n := g.pick(40); {
	case n < 6:
		return g.login(ctx, r)
	case n < 9:
		a := g.agent(r)
		err := g.d.Logout(ctx, drive.Logout{Request: r, Agent: a})
		if err == nil {
			delete(g.seats, r.Tenant+"/"+r.DN)
		}
		return err
	case n < 10:
		g.outs = append(g.outs, r)
		return g.d.OutOfService(ctx, r)
	case n < 12 && len(g.outs) > 0:
		i := g.pick(len(g.outs))
		back := g.outs[i]
		g.outs = slices.Delete(g.outs, i, i+1)
		back.ReferenceID = r.ReferenceID
		return g.d.BackInService(ctx, back)
	}
	return g.feature(ctx, r)
}

func (g *gen) login(ctx context.Context, r drive.Request) error {
	a := g.agent(r)
	err := g.d.Login(ctx, drive.Login{Request: r, Agent: a, Queue: []string{"", "8001", "8002"}[g.pick(3)], WorkMode: g.mode()})
	if err == nil {
		g.seats[r.Tenant+"/"+r.DN] = a
	}
	return err
}

// feature sends a request of an agent at work, or of the DN's features.
func (g *gen) feature(ctx context.Context, r drive.Request) error {
	switch n := g.pick(20); {
	case n < 4:
		return g.d.Ready(ctx, drive.Ready{Request: r, Agent: g.agent(r), WorkMode: g.mode()})
	case n < 9:
		reasons := []map[string]string{nil, {"Reason": "Break", "Code": "7"}}[g.pick(2)]
		return g.d.NotReady(ctx, drive.NotReady{Request: r, Agent: g.agent(r), WorkMode: g.mode(), Reasons: reasons})
	case n < 10:
		modes := []drive.ForwardMode{drive.CallForwarding, drive.SendAllCalls}
		return g.d.SetForward(ctx, drive.Forward{Request: r, Target: g.request().DN, Mode: modes[g.pick(2)]})
	case n < 11:
		conn, err := g.d.OffHook(ctx, r)
		if err == nil {
			g.conns[r.Tenant+"/"+r.DN] = conn
		}
		return err
	case n < 13:
		m := drive.Mute{Request: r, ConnID: g.conn(r), Role: g.role()}
		return []func(context.Context, drive.Mute) error{g.d.MuteOn, g.d.MuteOff}[g.pick(2)](ctx, m)
	}
	plain := []func(context.Context, drive.Request) error{
		g.d.DNDOn, g.d.DNDOff, g.d.CancelForward, g.d.OnHook, g.d.OnHook, g.d.BackInService,
	}
	return plain[g.pick(len(plain))](ctx, r)
}

// steppingClock advances one millisecond a call, from epoch.
func steppingClock() func() time.Time {
	now := epoch
	return func() time.Time { now = now.Add(time.Millisecond); return now }
}

func TestRandomRequestsPublishOnlyLawfulMessages(t *testing.T) {
	const requests = 4000
	set := testkit.Builtin(t)
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			p, mem := newProducer(t, sut.WithClock(steppingClock()))
			g := &gen{rng: rand.New(rand.NewPCG(seed, 42)), d: p, conns: map[string]string{}, seats: map[string]string{}}
			refused := map[string]int{}
			for i := range requests {
				err := g.next(t.Context())
				if err != nil && !drive.IsRefusal(err) {
					t.Fatalf("request %d: %v", i+1, err)
				}
				if err != nil {
					refused[refusalName(err)]++
				}
			}
			msgs := mem.Messages()
			requireValid(t, set, msgs)
			evs := decodeAll(t, msgs)
			if err := lawless(evs, &g.refs); err != nil {
				t.Fatal(err)
			}
			covered(t, evs, refused)
			t.Logf("%d requests, %d refused %v, %d messages", requests, sum(refused), refused, len(msgs))
		})
	}
}

func refusalName(err error) string {
	for name, e := range map[string]error{
		"out-of-service": drive.ErrOutOfService, "not-logged-in": drive.ErrNotLoggedIn, "invalid-state": drive.ErrInvalidState,
		"invalid-connid": drive.ErrInvalidConnID, "invalid-request": drive.ErrInvalidRequest,
	} {
		if errors.Is(err, e) {
			return name
		}
	}
	return err.Error()
}

func sum(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}

// covered proves that the random run meant something: every event was published, and every
// kind of refusal happened.
func covered(t *testing.T, evs []event, refused map[string]int) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range evs {
		seen[e.id()] = true
	}
	for _, id := range []string{evLogin, evLogout, evReady, evNotReady, evOutOfService, evBackInService, evDNDOn,
		evDNDOff, evForwardSet, evForwardCancel, evOffHook, evOnHook, evMuteOn, evMuteOff} {
		if !seen[id] {
			t.Errorf("no %s was published", id)
		}
	}
	if len(refused) != 5 {
		t.Errorf("want all 5 kinds of refusal, got %v", refused)
	}
}
