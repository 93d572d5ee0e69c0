package check

import (
	"fmt"
	"strconv"
)

// InitialState says what the checker may assume about agents, DNs and calls before the first
// event it reads.
type InitialState int

const (
	// Unknown assumes nothing: the stream may start mid-life, with agents already logged in, DNs
	// already out of service and calls already muted. Only what the stream itself showed can be
	// contradicted. It is the default.
	Unknown InitialState = iota
	// Clean assumes that every agent starts logged out, every DN in service with DND off, no
	// forwarding and its handset on hook, and that no call is active.
	Clean
)

// ParseInitialState reads "unknown" or "clean".
func ParseInitialState(s string) (InitialState, error) {
	switch s {
	case "unknown":
		return Unknown, nil
	case "clean":
		return Clean, nil
	}
	return Unknown, fmt.Errorf("parse initial state: %q: expected unknown or clean", s)
}

// String returns "unknown" or "clean".
func (s InitialState) String() string {
	switch s {
	case Unknown:
		return "unknown"
	case Clean:
		return "clean"
	}
	return "initial-state(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText renders the state as its name, so that it can be a flag.TextVar or a JSON value.
func (s InitialState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses what MarshalText wrote.
func (s *InitialState) UnmarshalText(b []byte) error {
	v, err := ParseInitialState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ServiceKey says how the producer keys EventDNOutOfService and EventDNBackInService, which carry
// no AgentID and whose key the contract does not document. It decides which service events the
// checker can pair within a Kafka partition; events read without Kafka coordinates are in one
// order and always paired.
type ServiceKey int

const (
	// ServiceKeyAgent: keyed by the agent on the DN, {tenant_id}:{agent_id}, as the key template
	// reads, and {tenant_id}: when no agent is on it. A service event keyed by an agent is paired
	// with the later events of the same key in its partition, until that agent next logs in or
	// out on the DN: while the agent stays logged in, every service event of the DN has its key.
	// One keyed {tenant_id}: is not paired: agents may come and go in other partitions between two
	// of them. It is the default.
	ServiceKeyAgent ServiceKey = iota
	// ServiceKeyTenant: always keyed {tenant_id}:, so that all the service events of a DN share a
	// partition. Such an event is paired with every later event of the DN in its partition; one
	// whose key names an agent is not paired.
	ServiceKeyTenant
	// ServiceKeyUnknown assumes nothing: over Kafka no service event is paired, so
	// dn.back-after-out and dn.event-during-outage are judged only without Kafka coordinates.
	ServiceKeyUnknown
)

var serviceKeyNames = [...]string{ServiceKeyAgent: "agent", ServiceKeyTenant: "tenant", ServiceKeyUnknown: "unknown"}

// ParseServiceKey reads "agent", "tenant" or "unknown".
func ParseServiceKey(s string) (ServiceKey, error) {
	for k, name := range serviceKeyNames {
		if s == name {
			return ServiceKey(k), nil
		}
	}
	return ServiceKeyAgent, fmt.Errorf("parse service key: %q: expected agent, tenant or unknown", s)
}

// String returns "agent", "tenant" or "unknown".
func (k ServiceKey) String() string {
	if k >= 0 && int(k) < len(serviceKeyNames) {
		return serviceKeyNames[k]
	}
	return "service-key(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText renders the setting as its name, so that it can be a flag.TextVar or a JSON value.
func (k ServiceKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText parses what MarshalText wrote.
func (k *ServiceKey) UnmarshalText(b []byte) error {
	v, err := ParseServiceKey(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Opt configures a Checker.
type Opt interface{ apply(*cfg) }

type cfg struct {
	initial    InitialState
	serviceKey ServiceKey
}

func defaultCfg() cfg { return cfg{initial: Unknown, serviceKey: ServiceKeyAgent} }

func (c cfg) validate() error {
	if c.initial != Unknown && c.initial != Clean {
		return fmt.Errorf("check: initial state %d: expected Unknown or Clean", int(c.initial))
	}
	if c.serviceKey < ServiceKeyAgent || c.serviceKey > ServiceKeyUnknown {
		return fmt.Errorf("check: service key %d: expected ServiceKeyAgent, ServiceKeyTenant or ServiceKeyUnknown", int(c.serviceKey))
	}
	return nil
}

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

// WithInitialState sets what the checker assumes before the first event, overriding the default
// Unknown.
func WithInitialState(s InitialState) Opt { return optFunc(func(c *cfg) { c.initial = s }) }

// WithServiceKey sets how the producer keys the service events, overriding the default
// ServiceKeyAgent.
func WithServiceKey(k ServiceKey) Opt { return optFunc(func(c *cfg) { c.serviceKey = k }) }
