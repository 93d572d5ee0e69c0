package sut

import (
	"fmt"
	"time"
)

// Opt configures a Producer.
type Opt interface{ apply(*cfg) }

type cfg struct {
	fault  string
	clock  func() time.Time
	server int
}

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

func defaultCfg() cfg { return cfg{clock: time.Now, server: 1} }

func (c cfg) validate() error {
	if c.clock == nil {
		return fmt.Errorf("configure producer: the clock is nil")
	}
	if c.server < 0 {
		return fmt.Errorf("configure producer: Server %d is negative", c.server)
	}
	if c.fault == "" {
		return nil
	}
	if _, err := ParseFault(c.fault); err != nil {
		return fmt.Errorf("configure producer: %w", err)
	}
	return nil
}

// WithFault makes the producer break one part of the contract, named as in Faults; the default,
// "", is none. An unknown name makes New fail with a *drive.UsageError listing the names.
func WithFault(name string) Opt { return optFunc(func(c *cfg) { c.fault = name }) }

// WithClock sets where the time attribute comes from; the default is time.Now.
func WithClock(now func() time.Time) Opt { return optFunc(func(c *cfg) { c.clock = now }) }

// WithServer sets the Server attribute, the id of the client's connection; the default is 1.
func WithServer(id int) Opt { return optFunc(func(c *cfg) { c.server = id }) }
