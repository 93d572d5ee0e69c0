package check

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/voice-agentstate/conformance/harness/finding"
)

// The key rule. The documented template is {tenant_id}:{agent_id}. A key splits at its first ':'
// (tenant ids are taken to hold no ':', agent ids may), unless the payload shows where the
// separator is: a key that starts with CustomerID and ':' has the rest as its agent part, and one
// that ends with ':' and AgentID has the rest as its tenant part. So a tenant id with a ':' is read
// right whenever the payload carries CustomerID.
//
// A record known to have no key (a null key from Kafka, "key": null in a kcat envelope) breaks the
// rule; one whose key is not known (JSON Lines without envelopes) is not judged.
//
// EventDNOutOfService and EventDNBackInService carry no AgentID, and any event may lack
// CustomerID: a part is compared only with an attribute the payload has, so only the separator
// is asked of every key.

func (m model) keyFormat(e *event) []finding.Finding {
	p := e.place
	if p.KeyNull {
		return []finding.Finding{m.report(RuleKeyFormat, e, mark{}, explanation{
			expected: "a key {tenant_id}:{agent_id}", found: "no key (null)",
			message: fmt.Sprintf("%s: the record has no key; Kafka's partitioner then scatters an agent's events over partitions, out of order: key every record {tenant_id}:{agent_id}", e.kind),
		})}
	}
	if !p.HasKey {
		return nil
	}
	if !strings.Contains(p.Key, ":") {
		return []finding.Finding{m.report(RuleKeyFormat, e, mark{}, explanation{
			expected: "a key {tenant_id}:{agent_id}", found: strconv.Quote(p.Key),
			message: fmt.Sprintf("%s: key %q lacks the ':' of {tenant_id}:{agent_id}", e.kind, p.Key),
		})}
	}
	tenant, agent := splitKey(p.Key, e.tenant, e.agent)
	var found []finding.Finding
	if e.agent != "" && agent != e.agent {
		found = append(found, m.report(RuleKeyFormat, e, mark{}, explanation{
			pointer: "/AgentID", expected: "agent part " + strconv.Quote(e.agent) + " (the AgentID)",
			found:   "agent part " + strconv.Quote(agent),
			message: fmt.Sprintf("%s: key %q names agent %q, but AgentID is %q", e.kind, p.Key, agent, e.agent),
		}))
	}
	if e.tenant != "" && tenant != e.tenant {
		found = append(found, m.report(RuleKeyFormat, e, mark{}, explanation{
			pointer: "/CustomerID", expected: "tenant part " + strconv.Quote(e.tenant) + " (the CustomerID)",
			found:   "tenant part " + strconv.Quote(tenant),
			message: fmt.Sprintf("%s: key %q names tenant %q, but CustomerID is %q", e.kind, p.Key, tenant, e.tenant),
		}))
	}
	return found
}

// splitKey splits a key that holds a ':' into its tenant and agent parts.
func splitKey(key, tenant, agent string) (string, string) {
	if tenant != "" && len(key) > len(tenant) && key[len(tenant)] == ':' && strings.HasPrefix(key, tenant) {
		return tenant, key[len(tenant)+1:]
	}
	if i := len(key) - len(agent) - 1; agent != "" && i >= 0 && key[i] == ':' && strings.HasSuffix(key, agent) {
		return key[:i], agent
	}
	t, a, _ := strings.Cut(key, ":")
	return t, a
}
