package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/check"
	"github.com/voice-agentstate/conformance/harness/collect"
	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/report"
	"github.com/voice-agentstate/conformance/harness/verify"
)

// Env is one suite run's world.
type Env struct {
	Cfg       Config
	Broker    broker.Broker
	Driver    drive.Driver
	Collector *collect.Collector

	pub      *broker.Publisher
	capture  *os.File
	stimuli  *stimulusLog // beside the capture
	ids      atomic.Int64
	mu       sync.Mutex
	requests map[int64]string // the step names of the requests made, by ReferenceID
	flows    flowBook         // the flows' numbers and runs, and the DNs they own
	status   *progress        // what each running flow waits for, for the progress lines
}

// Start starts the broker, the collector (from the topic's current end) and the system under
// test the configuration selects (Config.NewDriver). On error it returns what it started, for
// Stop.
func Start(ctx context.Context, cfg Config) (*Env, error) {
	e := &Env{Cfg: cfg, status: newProgress(cfg.Progress, cfg.Terminal, cfg.Colour)}
	e.status.run()
	var err error
	if e.Broker, err = broker.Start(ctx, cfg.Broker); err != nil {
		return e, fmt.Errorf("start broker: %w", err)
	}
	if e.capture, err = openCapture(cfg.ReportDir); err != nil {
		return e, err
	}
	if e.stimuli, err = openStimulusLog(cfg.ReportDir); err != nil {
		return e, err
	}
	var w io.Writer
	if e.capture != nil {
		w = e.capture
	}
	if e.Collector, err = collect.Start(ctx, e.Broker, collect.Options{Verify: verify.Options{Initial: check.Clean, ServiceKey: cfg.ServiceKey}, Capture: w}); err != nil {
		return e, fmt.Errorf("start collector: %w", err)
	}
	if e.pub, err = broker.NewPublisher(e.Broker); err != nil {
		return e, err
	}
	if e.Driver, err = cfg.NewDriver(e.pub); err != nil {
		return e, err
	}
	return e, nil
}

func openCapture(dir string) (*os.File, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create report directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "capture.jsonl"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	return f, nil
}

// NewAgent returns an agent id not used before in this run.
func (e *Env) NewAgent() string { return fmt.Sprintf("%s%03d", e.Cfg.Prefix, e.ids.Add(1)) }

// NewDN returns a DN not used before in this run. The run owns it: an event on a DN the run
// never handed out belongs to no flow (see Unowned).
func (e *Env) NewDN() string {
	dn := fmt.Sprintf("%s%03d", e.Cfg.Prefix, e.ids.Add(1))
	e.flows.own(dn)
	return dn
}

// Key is the Kafka key of an agent's events.
func (e *Env) Key(agent string) string { return e.Cfg.Tenant + ":" + agent }

// Stop drains and stops the collector and returns the report of the whole stream, judged from a
// clean initial state (the run began at the topic's end, with agents and DNs of its own), then
// stops what Start started. It is nil-safe.
func (e *Env) Stop(ctx context.Context) (*report.Report, error) {
	if e == nil {
		return nil, nil
	}
	var rep *report.Report
	var errs []error
	e.status.close()
	if e.Collector != nil {
		var err error
		rep, err = e.Collector.Stop(ctx)
		errs = append(errs, err)
	}
	e.pub.Close()
	if e.capture != nil {
		errs = append(errs, e.capture.Close())
	}
	errs = append(errs, e.stimuli.close())
	if e.Broker != nil {
		errs = append(errs, e.Broker.Close())
	}
	return rep, errors.Join(errs...)
}

// named remembers the name of a step's request by its ReferenceID, so that a step rule can say
// which request an event's ReferenceID belongs to.
func (e *Env) named(s Step) {
	if s.ReferenceID == 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.requests == nil {
		e.requests = map[int64]string{}
	}
	e.requests[s.ReferenceID] = s.Name
}

// requestName returns the name of the step whose request had a ReferenceID.
func (e *Env) requestName(ref int64) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name, ok := e.requests[ref]
	return name, ok
}

// judge returns the step rules as they stand now: the run's clock tolerance, every event
// consumed so far, and the requests made.
func (e *Env) judge() judge {
	return judge{tolerance: e.Cfg.ClockTolerance, first: e.Collector.First, request: e.requestName}
}
