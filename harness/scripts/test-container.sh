#!/usr/bin/env bash
# test-container.sh: what `make test-container` runs, in container mode (AGENTSTATE_BROKER=container,
# host networking, TESTCONTAINERS_RYUK_DISABLED=true; the Makefile sets them), against the image
# AGENTSTATE_KAFKA_IMAGE names (make kafka-image builds agentstate-kafka:4.4.0):
#   1. the broker tests: a Kafka container through testcontainers-go's generic container API;
#   2. the cluster fault tests: a three-broker KRaft cluster whose leader is stopped in the middle
#      of observe --until-end and of a whole suite run;
#   3. the whole conformance suite in container mode with the reference producer: it must pass;
#   4. the suite with faults injected into the reference producer (at least three): each must fail;
#   5. the suite shipped as an image (AGENTSTATE_SUITE_IMAGE, make suite-image) against a Kafka
#      container: its exit code and JUnit report;
# and, at the end, that no container is left (docker ps -a). Reports go to reports/container/.
set -euo pipefail

: "${AGENTSTATE_KAFKA_IMAGE:?run me through make test-container}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
GO=${GO:-go}
REPORTS=$ROOT/reports/container
FAULTS=${CONTAINER_FAULTS:-muteoff-without-referenceid event-during-outage wrong-key}
rm -rf "$REPORTS"
mkdir -p "$REPORTS"

# left_over fails when a container is left on the daemon (this project's tests terminate theirs).
left_over() {
  local left
  left=$(docker ps -aq)
  if [[ -n $left ]]; then
    docker ps -a >&2
    echo "test-container: containers are left after the run (above); every test terminates what it starts" >&2
    return 1
  fi
}

# A failing run still says what it left behind.
trap 'status=$?; if ((status != 0)); then left_over || true; fi' EXIT

elapsed() { echo "  ($(($(date +%s) - $1)) s)"; }

t=$(date +%s)
echo "== broker tests in container mode ($AGENTSTATE_KAFKA_IMAGE)"
if ! "$GO" test -count=1 -timeout 10m -v -run '^TestContainer' ./harness/broker/ >"$REPORTS/broker.log" 2>&1; then
  grep -vE '🐳|✅|🔔|🚫|⏳' "$REPORTS/broker.log" | tail -40
  echo "test-container: the broker tests failed (log: $REPORTS/broker.log)" >&2
  exit 1
fi
grep -E '^--- ' "$REPORTS/broker.log"
grep -q '^--- PASS: TestContainerBroker' "$REPORTS/broker.log" || { echo "test-container: TestContainerBroker did not run" >&2; exit 1; }
elapsed "$t"

t=$(date +%s)
echo "== cluster fault tests: three brokers, partition 0's leader stopped mid-run"
if ! "$GO" test -count=1 -timeout 20m -v -run '^TestContainerCluster' ./harness/cmd/agentstate/ >"$REPORTS/cluster.log" 2>&1; then
  grep -vE '🐳|✅|🔔|🚫|⏳' "$REPORTS/cluster.log" | tail -40
  echo "test-container: the cluster fault tests failed (log: $REPORTS/cluster.log)" >&2
  exit 1
fi
grep -E 'cluster_test.go|^--- ' "$REPORTS/cluster.log"
elapsed "$t"

echo "== building the conformance suite"
"$GO" test -c -o "$REPORTS/specs.test" ./specs

# suite NAME ENV... runs the compiled suite in container mode; returns its exit status.
suite() {
  local name=$1
  shift
  (cd specs && env "$@" AGENTSTATE_REPORT_DIR="$REPORTS/$name" \
    "$REPORTS/specs.test" -test.run '^TestSpecs$' -ginkgo.no-color >"$REPORTS/$name.log" 2>&1)
}

t=$(date +%s)
echo "== conformance suite in container mode, reference producer: it must pass"
suite correct AGENTSTATE_FAULT= || {
  tail -50 "$REPORTS/correct.log"
  echo "test-container: the conformance suite failed in container mode (log: $REPORTS/correct.log)" >&2
  exit 1
}
grep -E '^Ran [0-9]+ of' "$REPORTS/correct.log"
grep -q 'runs a Kafka container' "$REPORTS/correct/junit.xml" || { echo "test-container: the container spec did not run in container mode" >&2; exit 1; }
head -n1 "$REPORTS/correct/summary.md"
grep -E '^- broker:' "$REPORTS/correct/summary.md"
elapsed "$t"

for fault in $FAULTS; do
  t=$(date +%s)
  echo "== conformance suite in container mode with FAULT=$fault: it must fail"
  if suite "fault-$fault" AGENTSTATE_FAULT="$fault" AGENTSTATE_TIMEOUT=3s; then
    echo "test-container: FAULT=$fault passed the suite in container mode" >&2
    exit 1
  fi
  n=$(grep -o 'failures="[0-9]*"' "$REPORTS/fault-$fault/junit.xml" | head -n1 | tr -dc 0-9)
  if [[ -z $n || $n == 0 ]]; then
    echo "test-container: FAULT=$fault failed the run but its JUnit report names no failing spec" >&2
    exit 1
  fi
  echo "  failing specs: $n$(elapsed "$t")"
done

t=$(date +%s)
echo "== the suite as an image ($AGENTSTATE_SUITE_IMAGE) against a Kafka container"
if ! "$GO" test -count=1 -timeout 10m -v -run '^TestSuiteImage$' ./harness/suite/ >"$REPORTS/suite-image.log" 2>&1; then
  grep -vE '🐳|✅|🔔|🚫|⏳' "$REPORTS/suite-image.log" | tail -40
  echo "test-container: the suite image test failed (log: $REPORTS/suite-image.log)" >&2
  exit 1
fi
grep -E 'image_test.go|^--- ' "$REPORTS/suite-image.log"
elapsed "$t"

left_over
echo "test-container: all passed; docker ps -a is empty"
