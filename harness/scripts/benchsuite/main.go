// Command benchsuite is make bench-suite: it times the conformance suite against the reference
// producer behind the HTTP adapter, as a team's service would be driven, on an embedded broker
// the suite reaches as an external cluster, with AGENTSTATE_SETTLE=1s and a producer that
// publishes 500 ms after it answers. It runs the longest flow alone, then the whole suite with
// its flows one after another (AGENTSTATE_PARALLEL=1) and at once (the default), and writes the
// wall times, with the commands, between the bench-suite markers of BENCHMARKS.md. It is a
// benchmark, not a test: it judges nothing but the suite's own exit status.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/voice-agentstate/conformance/harness/broker"
	"github.com/voice-agentstate/conformance/harness/drive"
	"github.com/voice-agentstate/conformance/harness/sut"
)

const (
	startMarker = "<!-- bench-suite: written by make bench-suite -->"
	endMarker   = "<!-- /bench-suite -->"
)

func main() {
	bin := flag.String("suite", "", "the compiled suite (go test -c ./specs)")
	out := flag.String("benchmarks", "BENCHMARKS.md", "the file whose bench-suite section is rewritten")
	delay := flag.Duration("delay", 500*time.Millisecond, "how long after answering the producer publishes")
	flag.Parse()
	if err := run(*bin, *out, *delay); err != nil {
		fmt.Fprintln(os.Stderr, "bench-suite:", err)
		os.Exit(2)
	}
}

// timing is one timed run of the suite.
type timing struct {
	what, vars, args string
	took             time.Duration
}

func run(bin, out string, delay time.Duration) error {
	if bin == "" {
		return errors.New("run: -suite names no compiled suite (go test -c -o .cache/specs.test ./specs)")
	}
	b, err := broker.StartEmbedded(broker.Config{Partitions: 3})
	if err != nil {
		return fmt.Errorf("start broker: %w", err)
	}
	defer b.Close()
	url, stop, err := serve(b, delay)
	if err != nil {
		return err
	}
	defer stop()
	common := []string{"AGENTSTATE_BROKER=external", "AGENTSTATE_BOOTSTRAP=" + strings.Join(b.Info().Bootstrap, ","),
		"AGENTSTATE_SUT=http", "AGENTSTATE_SUT_URL=" + url, "AGENTSTATE_SETTLE=1s"}
	runs := []timing{
		{what: "the longest flow alone (outage, 14 steps)", vars: "AGENTSTATE_PARALLEL=1 AGENTSTATE_ALLOW_PARTIAL=true", args: "-ginkgo.focus=outage.json"},
		{what: "the whole suite, flows one after another", vars: "AGENTSTATE_PARALLEL=1"},
		{what: "the whole suite, flows at once (default AGENTSTATE_PARALLEL)", vars: ""},
		{what: "the whole suite, AGENTSTATE_PARALLEL=4", vars: "AGENTSTATE_PARALLEL=4"},
	}
	for i := range runs {
		if runs[i].took, err = timeSuite(bin, common, runs[i]); err != nil {
			return err
		}
		fmt.Printf("%-60s %6.1f s\n", runs[i].what, runs[i].took.Seconds())
	}
	return write(out, section(runs, delay))
}

// timeSuite runs the compiled suite once and returns its wall time; a failing run is an error.
func timeSuite(bin string, common []string, t timing) (time.Duration, error) {
	args := []string{"-test.run", "^TestSpecs$", "-ginkgo.no-color"}
	if t.args != "" {
		args = append(args, t.args)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = "specs" // make runs it from the repository's top
	cmd.Env = append(append(os.Environ(), common...), strings.Fields(t.vars)...)
	cmd.Env = append(cmd.Env, "AGENTSTATE_REPORT_DIR="+filepath.Join(os.TempDir(), "bench-suite-report"))
	began := time.Now()
	b, err := cmd.CombinedOutput()
	took := time.Since(began)
	if err != nil {
		return took, fmt.Errorf("run %s: %w\n%s", t.what, err, tail(b))
	}
	return took, nil
}

// serve starts the reference producer behind the HTTP adapter protocol, publishing to b delay
// after it answers, and returns its URL.
func serve(b broker.Broker, delay time.Duration) (string, func(), error) {
	pub, err := broker.NewPublisher(b)
	if err != nil {
		return "", nil, err
	}
	late := newLatePublisher(pub, delay)
	p, err := sut.New(late)
	if err != nil {
		return "", nil, err
	}
	h, err := drive.Handler(p)
	if err != nil {
		return "", nil, err
	}
	srv := httptest.NewServer(h)
	return srv.URL, func() { srv.Close(); late.close(); pub.Close() }, nil
}

func section(runs []timing, delay time.Duration) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s\n\nMeasured %s on %d cores (GOMAXPROCS), `make bench-suite`: the compiled suite (`go test -c ./specs`) against the reference producer behind the HTTP adapter, publishing %s after it answers, on an embedded broker reached as an external cluster, with `AGENTSTATE_SETTLE=1s`. One run each: read them as rough figures. `AGENTSTATE_PARALLEL=1` is the suite as it ran before issue 17 (each flow when its spec runs, one after another): the before figure; the default is the after.\n\n",
		startMarker, time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.GOMAXPROCS(0), delay)
	s.WriteString("| run | settings | wall time |\n|---|---|---|\n")
	for _, r := range runs {
		settings := strings.TrimSpace(r.vars + " " + r.args)
		if settings == "" {
			settings = "(the defaults)"
		} else {
			settings = "`" + settings + "`"
		}
		fmt.Fprintf(&s, "| %s | %s | %.1f s |\n", r.what, settings, r.took.Seconds())
	}
	longest, parallel := runs[0].took, runs[2].took
	fmt.Fprintf(&s, "\nThe whole suite at once takes %.0f%% of its longest flow alone (goal: at most 120%%); one after another it takes %.1f times as long.\n\n%s\n",
		100*parallel.Seconds()/longest.Seconds(), runs[1].took.Seconds()/parallel.Seconds(), endMarker)
	return s.String()
}

// write puts the section between the markers of the file, or at its end.
func write(path, sec string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("write benchmarks: %w", err)
	}
	text := string(b)
	i, j := strings.Index(text, startMarker), strings.Index(text, endMarker)
	if i >= 0 && j > i {
		text = text[:i] + sec + text[j+len(endMarker)+1:]
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n## The conformance suite against a service that publishes late (issue 17)\n\n" + sec
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

func tail(b []byte) string {
	if len(b) > 3000 {
		return string(b[len(b)-3000:])
	}
	return string(b)
}
