package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/voice-agentstate/conformance/harness/contract"
	"github.com/voice-agentstate/conformance/harness/schemadiff"
)

const schemasDiffUsage = `Usage: agentstate schemas diff [flags] OLD_DIR NEW_DIR

Says whether two sets of the contract's event schemas are compatible, per event, in Schema
Registry's terms: backward (NEW accepts every message OLD accepted), forward (OLD accepts every
message NEW accepts), full (both). Each incompatibility names its reason (a new required
attribute, a narrowed type or enum, an attribute removed under additionalProperties false, a
tighter pattern, length or range) and a witness message that jsonschema/v5 accepts under one
set and rejects under the other. Compatible is claimed only where structural rules prove it;
elsewhere (a changed pattern with no witness, a keyword beyond the rules) the verdict is unknown.

Examples:
  agentstate schemas diff released/schemas schemas
  agentstate schemas diff --mode full --examples fixtures/events old new

Exit codes: 0 compatible in the mode, 1 incompatible or unknown, 2 usage or I/O error.

Flags (each also read from the environment variable named in brackets):
`

func runSchemas(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 || args[0] != "diff" {
		complain(stderr, "schemas: expected the subcommand diff: agentstate schemas diff OLD_DIR NEW_DIR")
		return exitUsage
	}
	fs := newFlagSet("schemas diff", schemasDiffUsage, stderr)
	format := fs.String("format", envOr(getenv, "AGENTSTATE_FORMAT", formatText), "how the result is printed: text, json (one object) or github (GitHub Actions annotations) [AGENTSTATE_FORMAT]")
	modeName := fs.String("mode", envOr(getenv, "AGENTSTATE_COMPAT_MODE", string(schemadiff.Backward)), "the compatibility the exit code judges: backward, forward or full [AGENTSTATE_COMPAT_MODE]")
	examples := fs.String("examples", getenv("AGENTSTATE_EXAMPLES"), "directory of event fixtures (as fixtures/events: {\"event\",\"minimal\",\"full\"}) to build witnesses from, besides the messages generated from the schemas [AGENTSTATE_EXAMPLES]")
	if code, failed := parseFailed(fs.Parse(args[1:]), stderr); failed {
		return code
	}
	mode, err := schemadiff.ParseMode(*modeName)
	if err == nil {
		_, err = parseFormat(*format)
	}
	if err == nil && fs.NArg() != 2 {
		err = fmt.Errorf("schemas diff: expected OLD_DIR and NEW_DIR, got %d arguments", fs.NArg())
	}
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	res, err := diffSchemas(fs.Arg(0), fs.Arg(1), *examples)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	switch *format {
	case formatJSON:
		_ = res.WriteJSON(stdout, mode)
	case formatGitHub:
		res.WriteGitHub(stdout, mode)
	default:
		res.WriteText(stdout, mode)
	}
	if res.Verdict(mode) != schemadiff.Compatible {
		return exitFindings
	}
	return exitPass
}

func diffSchemas(oldDir, newDir, examplesDir string) (schemadiff.Result, error) {
	oldSet, err := contract.LoadDir(oldDir)
	if err != nil {
		return schemadiff.Result{}, fmt.Errorf("old: %w", err)
	}
	newSet, err := contract.LoadDir(newDir)
	if err != nil {
		return schemadiff.Result{}, fmt.Errorf("new: %w", err)
	}
	ex, err := readExamples(examplesDir)
	if err != nil {
		return schemadiff.Result{}, err
	}
	return schemadiff.Compare(oldSet, newSet, ex), nil
}

// readExamples reads the minimal and full message of each fixtures/events-style file of dir.
func readExamples(dir string) (schemadiff.Examples, error) {
	out := schemadiff.Examples{}
	if dir == "" {
		return out, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("read examples: no *.json file in %s", dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read examples: %w", err)
		}
		var fx struct {
			Event         string
			Minimal, Full map[string]any
		}
		if err := json.Unmarshal(b, &fx); err != nil {
			return nil, fmt.Errorf("read examples %s: %w", f, err)
		}
		out[fx.Event] = append(out[fx.Event], fx.Minimal, fx.Full)
	}
	return out, nil
}
