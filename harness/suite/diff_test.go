package suite_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/diff"
	"github.com/voice-agentstate/conformance/harness/sut"
)

// diffRuns is how many runs of the same build TestDiffOfTheSameBuildIsEmpty compares.
const diffRuns = 20

// TestDiffOfTheSameBuildIsEmpty runs the whole suite against the reference producer 20 times,
// each with its own ID prefix and Ginkgo seed (every spec's order randomised, so ReferenceIDs
// and the order of flows differ), and diffs each run against the first: the pairing of events
// through the stimulus log must make them all the same. It also diffs, against the first
// correct run, a run with each fault of the reference producer: each must show the difference
// it makes, classified by the rule the table names.
func TestDiffOfTheSameBuildIsEmpty(t *testing.T) {
	root, bin := buildSuite(t)
	set, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	opts := diff.Options{Enums: diff.EnumsOf(set)}
	dirs := make([]string, diffRuns)
	parallel(len(dirs), func(i int) {
		dirs[i] = suiteRun(t, bin, root, "", fmt.Sprintf("AGENTSTATE_ID_PREFIX=%d", 700+i*13), fmt.Sprintf("-ginkgo.seed=%d", 1000+i*7919))
	})
	base := loadRun(t, dirs[0])
	for i, dir := range dirs[1:] {
		res := compare(t, base, loadRun(t, dir), opts)
		if len(res.Differences) > 0 {
			t.Errorf("run %d of the same build differs from run 1: %+v", i+2, res.Differences)
		}
	}
	t.Run("faults", func(t *testing.T) { diffFaults(t, bin, root, base, opts) })
}

// faultDiffs names, for each fault of the reference producer, a rule the diff against a
// correct run must report, and its class.
var faultDiffs = map[string]struct {
	rule  string
	class diff.Class
}{
	sut.FaultMuteOffWithoutRef:  {diff.RuleAttrRemoved, diff.Breaking},
	sut.FaultLogoutWithoutLogin: {diff.RuleEventAdded, diff.Notable},
	sut.FaultReadyWithoutMode:   {diff.RuleAttrRemoved, diff.Breaking},
	sut.FaultMissingTime:        {diff.RuleAttrRemoved, diff.Breaking},
	sut.FaultThisDNNumber:       {diff.RuleTypeChanged, diff.Breaking},
	sut.FaultBackWithoutOut:     {diff.RuleEventAdded, diff.Notable},
	sut.FaultEventDuringOutage:  {diff.RuleEventAdded, diff.Notable},
	sut.FaultWrongKey:           {diff.RuleValueChanged, diff.Breaking},
	sut.FaultRefNotEchoed:       {diff.RuleValueChanged, diff.Breaking},
	sut.FaultAgentIDMissing:     {diff.RuleAttrRemoved, diff.Breaking},
	sut.FaultSilent:             {diff.RuleEventRemoved, diff.Breaking},
	sut.FaultUnknownWorkMode:    {diff.RuleEnumValue, diff.Notable},
	sut.FaultMuteOnWithoutConn:  {diff.RuleAttrRemoved, diff.Breaking},
	sut.FaultTimeInMilliseconds: {diff.RuleValueChanged, diff.Breaking}, // seconds outside their bound
	sut.FaultRefOnPhysical:      {diff.RuleAttrAdded, diff.Notable},
	// The diff does not compare partitions: the fault shows only through the flows it stopped.
	sut.FaultAgentOnTwoPartitions:   {diff.RuleStimulusMissing, diff.Breaking},
	sut.FaultCustomerIDNotKeyTenant: {diff.RuleValueChanged, diff.Breaking},
	sut.FaultMuteOffOnHangUp:        {diff.RuleEventAdded, diff.Notable},
	sut.FaultMuteKept:               {diff.RuleEventRemoved, diff.Breaking},
	sut.FaultSilentLogout:           {diff.RuleEventRemoved, diff.Breaking},
}

func diffFaults(t *testing.T, bin, root string, base *diff.Run, opts diff.Options) {
	faults := sut.Faults()
	dirs := make([]string, len(faults))
	parallel(len(faults), func(i int) { dirs[i] = suiteRun(t, bin, root, faults[i].Name, "AGENTSTATE_ID_PREFIX=9") })
	for i, f := range faults {
		want, ok := faultDiffs[f.Name]
		if !ok {
			t.Errorf("fault %s: faultDiffs names no difference for it; add the rule its diff must report", f.Name)
			continue
		}
		res := compare(t, base, loadRun(t, dirs[i]), opts)
		if !has(res, want.rule, want.class) {
			t.Errorf("fault %s: the diff against the correct run reports no %s difference %s; it reports %+v", f.Name, want.class, want.rule, res.Differences)
		}
	}
}

func has(res diff.Result, rule string, class diff.Class) bool {
	for _, d := range res.Differences {
		if d.Rule == rule && d.Class == class {
			return true
		}
	}
	return false
}

// parallel runs f for 0..n-1, two at a time.
func parallel(n int, f func(int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			f(i)
		}()
	}
	wg.Wait()
}

// suiteRun runs the suite binary with every spec's order randomised and returns its report
// directory. A fault makes the suite fail (exit 1); anything else is an error of the test.
func suiteRun(t *testing.T, bin, root, fault string, args ...string) string {
	dir := t.TempDir()
	var env []string
	flags := []string{"-test.run", "^TestSpecs$", "-ginkgo.no-color", "-ginkgo.randomize-all"}
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
		} else {
			env = append(env, a)
		}
	}
	cmd := exec.Command(bin, flags...)
	cmd.Dir = filepath.Join(root, "specs")
	cmd.Env = append(append(os.Environ(), "AGENTSTATE_FAULT="+fault, "AGENTSTATE_TIMEOUT=1s", "AGENTSTATE_REPORT_DIR="+dir), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case fault == "" && err != nil:
		t.Errorf("the correct run failed: %v\n%s", err, tail(out))
	case fault != "" && !errors.As(err, &exit):
		t.Errorf("fault %s: the run did not fail as it must: %v\n%s", fault, err, tail(out))
	}
	return dir
}

func loadRun(t *testing.T, dir string) *diff.Run {
	t.Helper()
	r, err := diff.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func compare(t *testing.T, base, cand *diff.Run, opts diff.Options) diff.Result {
	t.Helper()
	res, err := diff.Compare(base, cand, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
