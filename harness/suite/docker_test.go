package suite_test

import (
	"testing"

	"github.com/voice-agentstate/conformance/harness/broker/brokertest"
)

// TestDefaultRunNeverTouchesDocker: on a host whose Docker daemon answers but can pull nothing
// (an air-gapped runner, a registry outage), the whole suite on the embedded default passes with
// the reference producer and sends Docker not one request: a container is started only when
// container mode is asked for (issue 15, item 1; issue 16, item 3).
func TestDefaultRunNeverTouchesDocker(t *testing.T) {
	docker := brokertest.StartFakeDocker(t)
	root, bin := buildSuite(t)
	r := runSuite(t, bin, root, "", "DOCKER_HOST="+docker.Host, "AGENTSTATE_BROKER=")
	if r.code != 0 || len(r.failed) > 0 {
		t.Errorf("the default run failed beside a daemon that cannot pull (exit %d): %v", r.code, r.failed)
	}
	if got := docker.Requests(); len(got) > 0 {
		t.Errorf("the default run sent the Docker daemon %d requests, expected none: %v", len(got), got)
	}
}
