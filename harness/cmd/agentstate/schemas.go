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

const schemasDiffUsage = `Says whether two sets of the contract's event schemas are compatible, per event, in Schema
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

Each flag is also read from the environment variable named in brackets; a flag given on the
command line wins over its variable.
`

// schemasDiffFlags are the flags and arguments of schemas diff.
type schemasDiffFlags struct {
	Format   string   `name:"format" default:"text" placeholder:"text|json|github" help:"how the result is printed: text, json (one object) or github (GitHub Actions annotations)"`
	Mode     string   `name:"mode" default:"backward" placeholder:"backward|forward|full" help:"the compatibility the exit code judges: backward, forward or full"`
	Examples string   `name:"examples" placeholder:"DIR" help:"directory of event fixtures (as fixtures/events) to build witnesses from, besides the messages generated from the schemas"`
	Dirs     []string `arg:"" optional:"" name:"DIR" help:"OLD_DIR and NEW_DIR: the two schema sets"`
}

func runSchemas(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
		args = append([]string{"diff"}, args...) // its one subcommand's help
	}
	if len(args) == 0 || args[0] != "diff" {
		complain(stderr, "schemas: expected the subcommand diff: agentstate schemas diff OLD_DIR NEW_DIR")
		return exitUsage
	}
	var f schemasDiffFlags
	err := command{name: "schemas diff", about: schemasDiffUsage, flags: &f}.parse(args[1:], stdout, getenv)
	if code, failed := begin(err, "schemas diff", stderr); failed {
		return code
	}
	mode, err := schemadiff.ParseMode(f.Mode)
	if err == nil {
		_, err = parseFormat(f.Format)
	}
	if err == nil && len(f.Dirs) != 2 {
		err = fmt.Errorf("schemas diff: expected OLD_DIR and NEW_DIR, got %s", plural(len(f.Dirs), "argument"))
	}
	if err != nil {
		complain(stderr, err)
		complain(stderr, usageHint("schemas diff"))
		return exitUsage
	}
	res, err := diffSchemas(f.Dirs[0], f.Dirs[1], f.Examples)
	if err != nil {
		complain(stderr, err)
		return exitUsage
	}
	switch f.Format {
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
