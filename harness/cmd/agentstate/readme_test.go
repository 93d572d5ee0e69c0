package main

import (
	"bufio"
	"io"
	"os"
	"strings"
	"testing"
)

// TestREADMECommandsParse keeps the README's command lines true: every `agentstate` line in its
// shell blocks names a command that exists and flags that command takes.
func TestREADMECommandsParse(t *testing.T) {
	f, err := os.Open("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	inShell := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "```sh"):
			inShell = true
		case strings.HasPrefix(line, "```"):
			inShell = false
		case inShell && strings.HasPrefix(line, "agentstate "):
			lines = append(lines, line)
		}
	}
	if len(lines) < 4 {
		t.Fatalf("found only %d agentstate command lines in the README's shell blocks", len(lines))
	}
	for _, line := range lines {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		args := strings.Fields(strings.TrimSuffix(strings.TrimSpace(line), "&"))[1:]
		if err := parses(args); err != nil {
			t.Errorf("README: %q: %v", line, err)
		}
	}
}

func parses(args []string) error {
	env := func(string) string { return "" }
	switch args[0] {
	case "verify":
		_, err := parseVerify(args[1:], io.Discard, env)
		return err
	case "observe":
		_, err := parseObserve(args[1:], io.Discard, env)
		return err
	case "broker", "merge":
		return nil
	}
	return errUnknown(args[0])
}

type errUnknown string

func (e errUnknown) Error() string { return "unknown command " + string(e) }
