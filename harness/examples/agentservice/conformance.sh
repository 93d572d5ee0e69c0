#!/usr/bin/env bash
# conformance.sh: the conformance suite against the example service, as a producer team would run
# it against theirs: build the service, start it, run `make conformance` over the HTTP adapter and
# over the exec adapter, stop the service (also when a run fails). A fresh service per transport,
# so that each run certifies a service that starts from nothing. Exits 1 if any run failed.
#
#   conformance.sh [http] [exec]        (default: both)
#
# Settings:
#   EXAMPLE_BROKER        embedded (default): the suite's embedded broker listens on
#                         EXAMPLE_KAFKA_LISTEN (default 127.0.0.1:29392) and the service connects to
#                         it; external: the cluster at AGENTSTATE_BOOTSTRAP, on a topic of its own
#                         per run, created by the suite (AGENTSTATE_ALLOW_CREATE_TOPIC=true)
#   EXAMPLE_REPORTS       where the reports go (default reports/example), one directory per run
# The service's log of each run is beside its reports (service.log).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$ROOT"
GO=${GO:-go}
MAKE=${MAKE:-make}
BROKER=${EXAMPLE_BROKER:-embedded}
LISTEN=${EXAMPLE_KAFKA_LISTEN:-127.0.0.1:29392}
REPORTS=${EXAMPLE_REPORTS:-$ROOT/reports/example}
BIN=$ROOT/.cache/bin/agentservice
transports=("$@")
if ((${#transports[@]} == 0)); then transports=(http exec); fi

say() { printf 'example: %s\n' "$*"; }

echo "== building the example service (harness/examples/agentservice)"
"$GO" build -o "$BIN" ./harness/examples/agentservice

service_pid=
stop_service() {
  if [[ -n $service_pid ]]; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
    service_pid=
  fi
}
trap stop_service EXIT

# start_service DIR BOOTSTRAP TOPIC starts the service, waits until it listens, and sets url.
start_service() {
  local dir=$1 bootstrap=$2 topic=$3
  rm -f "$dir/url"
  "$BIN" serve --bootstrap "$bootstrap" --topic "$topic" --listen 127.0.0.1:0 --url-file "$dir/url" >"$dir/service.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 100); do
    if [[ -s $dir/url ]]; then
      url=$(cat "$dir/url")
      return 0
    fi
    if ! kill -0 "$service_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  cat "$dir/service.log" >&2
  say "the service did not start (log: $dir/service.log)" >&2
  return 1
}

failed=()
for transport in "${transports[@]}"; do
  name=$BROKER-$transport
  dir=$REPORTS/$name
  mkdir -p "$dir"
  env=(AGENTSTATE_SERVICE_KEY=tenant AGENTSTATE_SETTLE=0 AGENTSTATE_REPORT_DIR="$dir")
  case $BROKER in
    embedded)
      bootstrap=$LISTEN topic=voice-agentstate
      env+=(AGENTSTATE_BROKER=embedded AGENTSTATE_LISTEN="$LISTEN")
      ;;
    external)
      bootstrap=${AGENTSTATE_BOOTSTRAP:?EXAMPLE_BROKER=external needs AGENTSTATE_BOOTSTRAP}
      topic=voice-agentstate-example-$transport-$$
      env+=(AGENTSTATE_BROKER=external AGENTSTATE_TOPIC="$topic" AGENTSTATE_ALLOW_CREATE_TOPIC=true)
      ;;
    *) say "EXAMPLE_BROKER=$BROKER: expected embedded or external" >&2; exit 2 ;;
  esac
  start_service "$dir" "$bootstrap" "$topic"
  case $transport in
    http) env+=(AGENTSTATE_SUT=http AGENTSTATE_SUT_URL="$url") ;;
    exec) env+=(AGENTSTATE_SUT=exec AGENTSTATE_SUT_COMMAND="$BIN forward $url") ;;
    *) say "transport $transport: expected http or exec" >&2; exit 2 ;;
  esac
  echo "== conformance suite against the example service over $transport ($BROKER broker, service at $url)"
  start=$(date +%s.%N)
  status=0
  env "${env[@]}" "$MAKE" --no-print-directory conformance NO_COLOR=1 >"$dir/suite.log" 2>&1 || status=$?
  took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  stop_service
  grep -E '^(Ran [0-9]+ of|# voice-agentstate conformance)' "$dir/suite.log" || true
  if ((status != 0)); then
    tail -60 "$dir/suite.log"
    say "$name: FAIL (exit $status, ${took}s; log: $dir/suite.log, service log: $dir/service.log)" >&2
    failed+=("$name")
  else
    say "$name: PASS in ${took}s (reports: $dir)"
  fi
done
if ((${#failed[@]} > 0)); then
  say "failed: ${failed[*]}" >&2
  exit 1
fi
