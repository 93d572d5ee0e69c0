// Package suite gives the Ginkgo conformance specs their world: a broker, the system under test
// behind a Driver, a collector consuming the topic, unique agents and DNs per run, and steps that
// drive one stimulus and say exactly what it produced, what is missing and what is extra.
package suite

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/check"
)

// Config is what a suite run needs, read from AGENTSTATE_* variables by ConfigFromEnv.
type Config struct {
	Broker    broker.Config
	Timeout   time.Duration // AGENTSTATE_TIMEOUT: how long a stimulus's events may take (default 10s)
	Settle    time.Duration // AGENTSTATE_SETTLE: how long to watch for extra events after the expected ones (default 0 for the reference producer, which publishes before it answers; 1s for an adapter)
	ReportDir string        // AGENTSTATE_REPORT_DIR: where reports go (default reports/conformance under the repository)
	Tenant    string        // AGENTSTATE_TENANT: the tenant of every request (default t1)
	Prefix    string        // AGENTSTATE_ID_PREFIX: agents and DNs are Prefix+n (default: digits unique to the run)
	SUT       string        // AGENTSTATE_SUT: reference (the default), http or exec
	Fault     string        // AGENTSTATE_FAULT: a fault of the reference producer
	Adapter   Adapter       // how an adapter reaches the team's service (AGENTSTATE_SUT_URL, _COMMAND, _TIMEOUT, AGENTSTATE_WORKDIR)
	// ClockTolerance is AGENTSTATE_CLOCK_TOLERANCE: how far an event's time may lie outside the
	// window from its stimulus to the moment its events were seen (default 1m; see step.time).
	ClockTolerance time.Duration
	// ServiceKey is AGENTSTATE_SERVICE_KEY: how the system under test keys its service events, for
	// the judging of the whole stream (default agent, as the reference producer keys them).
	ServiceKey check.ServiceKey
	// Scenarios is AGENTSTATE_SCENARIOS: a directory of scenario files to run instead of the
	// built-in ones ("": the built-in ones).
	Scenarios string
	// AllowPartial is AGENTSTATE_ALLOW_PARTIAL=true: a filtered run that passes exits 0, although
	// it certifies only part of the contract.
	AllowPartial bool
	// Parallel is AGENTSTATE_PARALLEL: how many flows and per-event specs run at once against the
	// one broker, collector and system under test, so that their settle windows overlap (default
	// DefaultParallel; 1 runs them one after another, each when its spec runs).
	Parallel int
	// Progress, if set, is where a line saying which flows run and what each waits for goes while
	// they run: every 2 seconds when Terminal, else every 10 seconds at most.
	Progress io.Writer
	// Terminal says Progress is a terminal, where the lines name each flow on a line of its own.
	Terminal bool
	// Colour dims the progress lines on a terminal; off with TERM=dumb or NO_COLOR set.
	Colour bool
}

// reference is AGENTSTATE_SUT's default: the built-in reference producer.
const reference = "reference"

// DefaultParallel is AGENTSTATE_PARALLEL's default: more than the suite's flows and per-event
// specs (22), so that the whole suite takes about as long as its longest flow (BENCHMARKS.md).
const DefaultParallel = 32

// ConfigFromEnv reads the whole configuration, once: the broker, the system under test and its
// adapter, the fault, and the suite's settings. The broker defaults to the embedded one, which the
// suite creates the topic on. The adapter's settings are checked when the driver is chosen
// (NewDriver), as Start does.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	getenv = inWorkdir(getenv)
	bc, err := broker.FromEnv(getenv)
	if err != nil {
		return Config{}, err
	}
	if bc.Provider == broker.Embedded || bc.Provider == broker.Container {
		bc.AllowCreate = true
	}
	c := Config{Broker: bc, Timeout: 10 * time.Second, Settle: time.Second, ClockTolerance: time.Minute, Tenant: "t1",
		ReportDir: getenv("AGENTSTATE_REPORT_DIR"), Prefix: getenv("AGENTSTATE_ID_PREFIX"),
		SUT: orDefault(getenv(EnvSUT), reference), Fault: getenv(EnvFault),
		Adapter: Adapter{URL: getenv(EnvURL), Command: getenv(EnvCommand), Timeout: getenv(EnvTimeout), Workdir: getenv(EnvWorkdir)}}
	if c.SUT == reference {
		c.Settle = 0
	}
	c.Colour = getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
	c.Scenarios, c.AllowPartial = getenv("AGENTSTATE_SCENARIOS"), getenv("AGENTSTATE_ALLOW_PARTIAL") == "true"
	if c.Parallel, err = parallelOf(getenv("AGENTSTATE_PARALLEL")); err != nil {
		return c, err
	}
	if v := getenv("AGENTSTATE_TENANT"); v != "" {
		c.Tenant = v
	}
	if v := getenv("AGENTSTATE_SERVICE_KEY"); v != "" {
		if c.ServiceKey, err = check.ParseServiceKey(v); err != nil {
			return c, fmt.Errorf("AGENTSTATE_SERVICE_KEY: %w", err)
		}
	}
	if strings.Contains(c.Tenant, ":") {
		return c, fmt.Errorf("AGENTSTATE_TENANT=%q: a tenant must not hold ':', which separates the key's parts", c.Tenant)
	}
	durations := map[string]*time.Duration{"AGENTSTATE_TIMEOUT": &c.Timeout, "AGENTSTATE_SETTLE": &c.Settle, "AGENTSTATE_CLOCK_TOLERANCE": &c.ClockTolerance}
	for name, d := range durations {
		if v := getenv(name); v != "" {
			if *d, err = time.ParseDuration(v); err != nil || *d < 0 || (*d == 0 && name == "AGENTSTATE_TIMEOUT") {
				return c, fmt.Errorf("%s=%q: expected a positive duration such as 10s", name, v)
			}
		}
	}
	if c.Prefix == "" {
		c.Prefix = fmt.Sprintf("%d", time.Now().UnixNano()%1_000_000)
	}
	return c, nil
}

// parallelOf reads AGENTSTATE_PARALLEL: a whole number from 1.
func parallelOf(v string) (int, error) {
	if v == "" {
		return DefaultParallel, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("AGENTSTATE_PARALLEL=%q: expected how many flows may run at once, a whole number from 1 (1 runs them one after another)", v)
	}
	return n, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// pathSettings are the variables that name a file or directory of the user's.
var pathSettings = map[string]bool{"AGENTSTATE_SCENARIOS": true, "AGENTSTATE_TLS_CA": true, "AGENTSTATE_TLS_CERT": true,
	"AGENTSTATE_TLS_KEY": true, "AGENTSTATE_SASL_PASSWORD_FILE": true}

// inWorkdir reads the environment with every relative path of pathSettings resolved against
// AGENTSTATE_WORKDIR, the directory the user ran from ('make conformance' sets it; the suite
// itself runs in specs/), as a relative adapter command is. Without it, paths are the working
// directory's.
func inWorkdir(getenv func(string) string) func(string) string {
	work := getenv(EnvWorkdir)
	return func(name string) string {
		v := getenv(name)
		if work == "" || !pathSettings[name] || v == "" || filepath.IsAbs(v) {
			return v
		}
		return filepath.Join(work, v)
	}
}
