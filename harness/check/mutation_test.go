package check

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// judging is how a mutated stream is read and judged: over how many partitions (0: JSON Lines),
// from which initial state, with which ServiceKey.
type judging struct {
	initial InitialState
	service ServiceKey
	parts   int
}

// A mutation breaks one rule at one event of a lawful stream. targets lists the events it may be
// applied to when judged so; apply returns the mutated copy, the index of the event that
// must now raise a violation, and its rule.
type mutation struct {
	name      string
	kafkaOnly bool
	targets   func(evs []genEvent, j judging) []int
	apply     func(evs []genEvent, i int, pick chooser) ([]genEvent, int, string)
}

var mutations = []mutation{
	{name: "drop a login", targets: freshLogins, apply: dropLogin},
	{name: "strip the ReferenceID of a mute-off", targets: each("EventMuteOff"), apply: stripReference},
	{name: "insert an off-hook during an outage", targets: pairedOutages, apply: insertOffHook},
	{name: "repeat a back-in-service", targets: pairedBacks, apply: repeatBack},
	{name: "swap a logout before its ready", targets: workBeforeLogout, apply: swapLogout},
	{name: "corrupt a key", kafkaOnly: true, targets: all, apply: corruptKey},
}

func agentOf(g genEvent) string { s, _ := g.doc["AgentID"].(string); return s }

func dnOf(g genEvent) string { s, _ := g.doc["ThisDN"].(string); return s }

func isAgentEvent(id string) bool { return strings.HasPrefix(id, "EventAgent") }

// nextOfAgent returns the index of the agent's next event after i, or -1.
func nextOfAgent(evs []genEvent, i int, agent string) int {
	for j := i + 1; j < len(evs); j++ {
		if isAgentEvent(evs[j].id) && agentOf(evs[j]) == agent {
			return j
		}
	}
	return -1
}

// prevOfSeat returns the index of the last event of the agent on the DN before i, or -1.
func prevOfSeat(evs []genEvent, i int, agent, dn string) int {
	for j := i - 1; j >= 0; j-- {
		if isAgentEvent(evs[j].id) && agentOf(evs[j]) == agent && dnOf(evs[j]) == dn {
			return j
		}
	}
	return -1
}

func each(id string) func([]genEvent, judging) []int {
	return func(evs []genEvent, _ judging) []int {
		var out []int
		for i, g := range evs {
			if g.id == id {
				out = append(out, i)
			}
		}
		return out
	}
}

func all(evs []genEvent, _ judging) []int {
	out := make([]int, len(evs))
	for i := range out {
		out[i] = i
	}
	return out
}

// freshLogins are the logins of an agent known logged out of the DN, followed by another event
// of the agent than a login: dropping one leaves that event to an agent known logged out.
func freshLogins(evs []genEvent, j judging) []int {
	initial := j.initial
	var out []int
	for i, g := range evs {
		if g.id != "EventAgentLogin" {
			continue
		}
		a, dn := agentOf(g), dnOf(g)
		next, prev := nextOfAgent(evs, i, a), prevOfSeat(evs, i, a, dn)
		knownOut := (prev < 0 && initial == Clean) || (prev >= 0 && evs[prev].id == "EventAgentLogout")
		if knownOut && next >= 0 && evs[next].id != "EventAgentLogin" {
			out = append(out, i)
		}
	}
	return out
}

// dropLogin removes a fresh login: the agent's next event breaks the rule of its kind.
func dropLogin(evs []genEvent, i int, _ chooser) ([]genEvent, int, string) {
	next := nextOfAgent(evs, i, agentOf(evs[i]))
	rule := RuleStateWhileLoggedOut
	if evs[next].id == "EventAgentLogout" {
		rule = RuleLogoutAfterLogin
	}
	return slices.Delete(slices.Clone(evs), i, i+1), next - 1, rule
}

func stripReference(evs []genEvent, i int, _ chooser) ([]genEvent, int, string) {
	out := slices.Clone(evs)
	out[i].doc = maps.Clone(out[i].doc)
	delete(out[i].doc, "ReferenceID")
	return out, i, RuleMuteOffReferenceID
}

// pairedOutages are the EventDNOutOfService the checker pairs with the next event of their key:
// all of them without Kafka coordinates or with ServiceKeyTenant (whose worlds key them "t1:"), and
// with ServiceKeyAgent those whose key names an agent.
func pairedOutages(evs []genEvent, j judging) []int { return paired(evs, j, "EventDNOutOfService") }

// pairedBacks are the EventDNBackInService the checker pairs with the next event of their key.
func pairedBacks(evs []genEvent, j judging) []int { return paired(evs, j, "EventDNBackInService") }

func paired(evs []genEvent, j judging, id string) []int {
	var out []int
	for _, i := range each(id)(evs, j) {
		if j.parts == 0 || j.service == ServiceKeyTenant || j.service == ServiceKeyAgent && !strings.HasSuffix(evs[i].key, ":") {
			out = append(out, i)
		}
	}
	return out
}

// repeatBack sends an EventDNBackInService again right after itself, under the same key.
func repeatBack(evs []genEvent, i int, _ chooser) ([]genEvent, int, string) {
	return slices.Insert(slices.Clone(evs), i+1, evs[i]), i + 1, RuleBackAfterOut
}

// insertOffHook puts an EventOffHook for the DN right after its EventDNOutOfService, under the
// same key, with the time of the last timed event before it.
func insertOffHook(evs []genEvent, i int, _ chooser) ([]genEvent, int, string) {
	when := map[string]any{"seconds": json.Number("1700000000"), "useconds": json.Number("0")}
	for j := i; j >= 0; j-- {
		if t, ok := evs[j].doc["time"]; ok {
			when = t.(map[string]any)
			break
		}
	}
	doc := map[string]any{"id": "EventOffHook", "Server": json.Number("1"), "ThisDN": dnOf(evs[i]), "time": when}
	off := genEvent{id: "EventOffHook", doc: doc, key: evs[i].key}
	return slices.Insert(slices.Clone(evs), i+1, off), i + 1, RuleEventDuringOutage
}

// workBeforeLogout are the named ready and not-ready events whose agent's next event is a logout.
func workBeforeLogout(evs []genEvent, _ judging) []int {
	var out []int
	for i, g := range evs {
		if g.id != "EventAgentReady" && g.id != "EventAgentNotReady" || agentOf(g) == "" {
			continue
		}
		if next := nextOfAgent(evs, i, agentOf(g)); next >= 0 && evs[next].id == "EventAgentLogout" {
			out = append(out, i)
		}
	}
	return out
}

// swapLogout moves the agent's logout before its ready, with the ready's time.
func swapLogout(evs []genEvent, i int, _ chooser) ([]genEvent, int, string) {
	j := nextOfAgent(evs, i, agentOf(evs[i]))
	logout := evs[j]
	logout.doc = maps.Clone(logout.doc)
	logout.doc["time"] = evs[i].doc["time"]
	out := slices.Delete(slices.Clone(evs), j, j+1)
	return slices.Insert(out, i, logout), i + 1, RuleStateWhileLoggedOut
}

// corruptKey changes a key on the wire, after it chose the partition: its separator, its agent
// part when the payload names the agent, or its tenant part when it names the tenant.
func corruptKey(evs []genEvent, i int, pick chooser) ([]genEvent, int, string) {
	out := slices.Clone(evs)
	g := &out[i]
	g.route = g.key
	tenant, agent, _ := strings.Cut(g.key, ":")
	ways := []string{tenant + "-" + agent}
	if agentOf(*g) != "" {
		ways = append(ways, tenant+":x"+agent)
	}
	if _, ok := g.doc["CustomerID"]; ok {
		ways = append(ways, "t9:"+agent)
	}
	g.key = ways[pick.intn(len(ways))]
	return out, i, RuleKeyFormat
}
