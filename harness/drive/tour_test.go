package drive_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/drive/drivetest"
)

// TestTourRecordsWhatShouldHaveBeenRefused drives a system that performs everything: each step
// the contract asks it to refuse is a deviation, and the tour goes on to the end.
func TestTourRecordsWhatShouldHaveBeenRefused(t *testing.T) {
	a, err := drive.NewHTTP(fakeServer(t, answer(200, `{"ok":true,"ConnID":"00000000000000ff"}`)).URL)
	if err != nil {
		t.Fatal(err)
	}
	devs, err := drivetest.Tour(t.Context(), a, &drive.RefIDs{}, drivetest.DefaultCast())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range devs {
		got = append(got, d.What)
	}
	want := []string{
		"logout 1001 again on DN 5001", "ready 1001 while logged out on DN 5001",
		"mute-off of the ended call on DN 5001", "mute-off of a new call, never muted on DN 5001", "ready 1002 during the outage on DN 5003",
		"dnd-on during the outage on DN 5004", "off-hook during the outage on DN 5004", "on-hook during the outage on DN 5004",
		"dnd-off during the outage on DN 5004", "back-in-service while in service on DN 5004",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("deviations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s := devs[0].String(); !strings.Contains(s, "step 20 (logout 1001 again on DN 5001) was performed") {
		t.Fatalf("deviation reads %q", s)
	}
}

func TestTourStopsWhenALawfulStepIsRefused(t *testing.T) {
	a, err := drive.NewHTTP(fakeServer(t, answer(409, `{"ok":false,"error":{"code":"invalid-request","message":"unknown agent 1001"}}`)).URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = drivetest.Tour(t.Context(), a, &drive.RefIDs{}, drivetest.DefaultCast())
	if !errors.Is(err, drive.ErrInvalidRequest) || !strings.HasPrefix(err.Error(), "tour step 1 (login 1001 on DN 5001): ") {
		t.Fatalf("got %v, want the refusal of step 1", err)
	}
}

func TestTourStopsOnAnAdapterFailure(t *testing.T) {
	a, err := drive.NewHTTP(fakeServer(t, answer(502, "bad gateway")).URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = drivetest.Tour(t.Context(), a, &drive.RefIDs{}, drivetest.DefaultCast())
	var ae *drive.AdapterError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want an adapter error", err)
	}
}

func TestTourRefusesABadCast(t *testing.T) {
	p, _ := reference(t)
	for name, change := range map[string]func(*drivetest.Cast){
		"an agent named like a DN": func(c *drivetest.Cast) { c.Agents[0] = c.DNs[2] },
		"a DN twice":               func(c *drivetest.Cast) { c.DNs[3] = c.DNs[0] },
		"no tenant":                func(c *drivetest.Cast) { c.Tenant = "" },
		"a tenant with ':'":        func(c *drivetest.Cast) { c.Tenant = "t:1" },
		"no queue":                 func(c *drivetest.Cast) { c.Queue = "" },
	} {
		c := drivetest.DefaultCast()
		change(&c)
		var usage *drive.UsageError
		if _, err := drivetest.Tour(t.Context(), p, &drive.RefIDs{}, c); !errors.As(err, &usage) {
			t.Errorf("%s: got %v, want a usage error", name, err)
		}
	}
}

func TestRefIDsAreUniqueAcrossGoroutines(t *testing.T) {
	var refs drive.RefIDs
	if refs.Issued(1) {
		t.Fatal("1 issued before any Next")
	}
	const workers, each = 8, 1000
	seen := make([][]int64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range each {
				seen[w] = append(seen[w], refs.Next())
			}
		})
	}
	wg.Wait()
	all := map[int64]bool{}
	for _, ids := range seen {
		for _, id := range ids {
			if all[id] || !refs.Issued(id) {
				t.Fatalf("ReferenceID %d handed out twice or not issued", id)
			}
			all[id] = true
		}
	}
	if len(all) != workers*each || refs.Issued(0) || refs.Issued(workers*each+1) {
		t.Fatalf("%d distinct ids; Issued is wrong at the edges", len(all))
	}
}

func TestErrorsRead(t *testing.T) {
	ae := &drive.AdapterError{Stimulus: drive.StimulusLogin, Adapter: "exec ./a.sh", Problem: "exited with status 1", Answer: `"oops"`, Err: errors.New("cause")}
	if got, want := ae.Error(), `drive login via exec ./a.sh: exited with status 1; answer: "oops": cause`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	u := &drive.UsageError{Setting: "AGENTSTATE_SUT", Found: "kafka", Expected: "reference, http or exec"}
	if got, want := u.Error(), `AGENTSTATE_SUT is "kafka"; expected reference, http or exec`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	wrapped := errors.Join(errors.New("context"), drive.ErrNotLoggedIn)
	if !drive.IsRefusal(wrapped) || drive.IsRefusal(ae) || drive.IsRefusal(nil) {
		t.Error("IsRefusal does not tell refusals from the rest")
	}
}

func TestStimuliAndEnums(t *testing.T) {
	if n := len(drive.Stimuli()); n != 14 {
		t.Fatalf("%d stimuli, want 14", n)
	}
	if !drive.ManualIn.ForReady() || drive.ManualIn.ForNotReady() || !drive.WalkAway.ForNotReady() ||
		!drive.WorkModeUnknown.Valid() || drive.WorkMode("AgentReady").Valid() {
		t.Error("work mode categories are wrong")
	}
	if !drive.RoleObserver.Valid() || drive.Role("Observer").Valid() || !drive.SendAllCalls.Valid() || drive.ForwardMode("").Valid() {
		t.Error("roles or forward modes are wrong")
	}
}
