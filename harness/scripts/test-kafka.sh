#!/usr/bin/env bash
# test-kafka.sh: what `make test-kafka` runs against the real Apache Kafka broker that
# kafka.sh test started (it sets AGENTSTATE_REAL_KAFKA to the broker's env file):
#   1. the real-Kafka integration tests (observe, verify, groups, TLS, SASL, kcat);
#   2. the Ginkgo conformance suite in external mode, over PLAINTEXT and over SASL/SCRAM-SHA-512,
#      against the reference producer: it must pass;
#   3. the same suite with faults injected into the reference producer: it must fail;
#   4. the suite against the example service (harness/examples/agentservice) over HTTP and exec.
# Reports go to reports/real-kafka/.
set -euo pipefail

: "${AGENTSTATE_REAL_KAFKA:?run me through harness/scripts/kafka.sh test}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=/dev/null
source "$AGENTSTATE_REAL_KAFKA"
GO=${GO:-go}
REPORTS=$ROOT/reports/real-kafka
mkdir -p "$REPORTS"

echo "== real-Kafka integration tests"
# The TestRealKafka* tests need listeners of their own; the table tests that run over both brokers
# (brokertest.Each) run their real subtest once AGENTSTATE_REAL_KAFKA is set.
"$GO" test -count=1 -timeout 10m -v -run '^(TestRealKafka.*|TestObserveFindsWhatVerifyFindsWithKafkaCoordinates|TestObserversShareATopicThroughAGroupAndMergeToOneVerdict)$' ./harness/cmd/agentstate/

echo "== building the conformance suite"
"$GO" test -c -o "$REPORTS/specs.test" ./specs

# suite NAME ENV... runs the compiled suite with the given settings; returns its exit status.
suite() {
  local name=$1
  shift
  (cd specs && env "$@" AGENTSTATE_BROKER=external AGENTSTATE_ALLOW_CREATE_TOPIC=true \
    AGENTSTATE_TOPIC="voice-agentstate-$name-$$" AGENTSTATE_REPORT_DIR="$REPORTS/$name" \
    "$REPORTS/specs.test" -test.run '^TestSpecs$' -ginkgo.no-color >"$REPORTS/$name.log" 2>&1)
}

echo "== conformance suite against Kafka $KAFKA_VERSION over PLAINTEXT ($KAFKA_PLAINTEXT)"
suite plaintext AGENTSTATE_BOOTSTRAP="$KAFKA_PLAINTEXT" || {
  tail -50 "$REPORTS/plaintext.log"
  echo "test-kafka: the conformance suite failed against real Kafka (log: $REPORTS/plaintext.log)" >&2
  exit 1
}
grep -E '^Ran [0-9]+ of' "$REPORTS/plaintext.log" || true

echo "== conformance suite over SASL/SCRAM-SHA-512 ($KAFKA_SASL_PLAINTEXT)"
suite scram AGENTSTATE_BOOTSTRAP="$KAFKA_SASL_PLAINTEXT" AGENTSTATE_SASL_MECHANISM=SCRAM-SHA-512 \
  AGENTSTATE_SASL_USER="$KAFKA_SASL_USER" AGENTSTATE_SASL_PASSWORD_FILE="$KAFKA_SASL_PASSWORD_FILE" || {
  tail -50 "$REPORTS/scram.log"
  echo "test-kafka: the conformance suite failed over SCRAM (log: $REPORTS/scram.log)" >&2
  exit 1
}
if grep -qF "$(cat "$KAFKA_SASL_PASSWORD_FILE")" "$REPORTS/scram.log" "$REPORTS/scram/"*; then
  echo "test-kafka: the SASL password appears in the suite's output or reports" >&2
  exit 1
fi

for fault in muteoff-without-referenceid event-during-outage wrong-key; do
  echo "== conformance suite with FAULT=$fault: it must fail"
  if suite "fault-$fault" AGENTSTATE_BOOTSTRAP="$KAFKA_PLAINTEXT" AGENTSTATE_FAULT="$fault" AGENTSTATE_TIMEOUT=3s; then
    echo "test-kafka: FAULT=$fault passed the suite against real Kafka" >&2
    exit 1
  fi
  grep -cE '^\s*\[FAIL\]' "$REPORTS/fault-$fault.log" | sed "s/^/  failing specs: /"
done
echo "== the example service (harness/examples/agentservice) over HTTP and exec against Kafka $KAFKA_VERSION"
EXAMPLE_BROKER=external AGENTSTATE_BOOTSTRAP="$KAFKA_PLAINTEXT" EXAMPLE_REPORTS="$REPORTS/example" GO="$GO" \
  bash harness/examples/agentservice/conformance.sh || {
  echo "test-kafka: the example service failed the conformance suite against real Kafka (reports: $REPORTS/example)" >&2
  exit 1
}
echo "test-kafka: all passed"
