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

// Opt configures a Checker.
type Opt interface{ apply(*cfg) }

type cfg struct {
	initial InitialState
}

func defaultCfg() cfg { return cfg{initial: Unknown} }

func (c cfg) validate() error {
	if c.initial != Unknown && c.initial != Clean {
		return fmt.Errorf("check: initial state %d: expected Unknown or Clean", int(c.initial))
	}
	return nil
}

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

// WithInitialState sets what the checker assumes before the first event, overriding the default
// Unknown.
func WithInitialState(s InitialState) Opt { return optFunc(func(c *cfg) { c.initial = s }) }
