package main

import (
	"os"
	"testing"
)

// runMainEnv makes the test binary behave as the agentstate command itself, so that a test can
// start it as a process and send it signals (see startAgentstate).
const runMainEnv = "AGENTSTATE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Args = append([]string{"agentstate"}, os.Args[1:]...)
		main()
	}
	os.Exit(m.Run())
}
