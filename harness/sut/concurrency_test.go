package sut_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/voice-agentstate/conformance/harness/drive"
)

// TestConcurrentRequestsKeepOrderPerDN drives many DNs at once: each DN's events come out in the
// order of its requests, and nothing is lost.
func TestConcurrentRequestsKeepOrderPerDN(t *testing.T) {
	p, mem := newProducer(t)
	var refs drive.RefIDs
	const dns, rounds = 16, 50
	var wg sync.WaitGroup
	for i := range dns {
		wg.Go(func() {
			dn := fmt.Sprint(5000 + i)
			for range rounds {
				r := drive.Request{Tenant: "t1", DN: dn, ReferenceID: refs.Next()}
				if err := p.DNDOn(t.Context(), r); err != nil {
					t.Error(err)
				}
				r.ReferenceID = refs.Next()
				if err := p.DNDOff(t.Context(), r); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	last := map[string]string{}
	evs := decodeAll(t, mem.Messages())
	for _, e := range evs {
		if last[e.str("ThisDN")] == e.id() {
			t.Fatalf("two %s in a row on DN %s", e.id(), e.str("ThisDN"))
		}
		last[e.str("ThisDN")] = e.id()
	}
	if len(evs) != dns*rounds*2 {
		t.Fatalf("%d messages, want %d", len(evs), dns*rounds*2)
	}
}
