package verify

// Rules of the findings about a run itself rather than an event, shared by every way of running
// the pipeline (a capture, or a live topic).
const (
	// RuleInterrupted: the run was stopped (SIGINT, SIGTERM, a cancelled context) before the end
	// of its input or any of its stop conditions, so the verdict covers only what was read.
	RuleInterrupted = "run.interrupted"
	// RuleError: the run failed with an I/O error; its report is written all the same, and it
	// is never a pass.
	RuleError = "run.error"
)

// Rules lists the rule IDs of the findings the pipeline adds of its own: a capture's order and
// conflicts, and the run's. The findings of the schemas (the fast path's disagreement with
// jsonschema/v5 among them) and the sequence rules are contract.Rules and check.Rules.
func Rules() []string {
	return []string{RuleCaptureOrder, RuleCaptureConflict, RuleInterrupted, RuleError}
}
