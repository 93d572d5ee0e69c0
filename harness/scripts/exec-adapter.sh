#!/usr/bin/env bash
# exec-adapter.sh: the test adapter of the exec protocol (harness/drive/adapter-protocol.md).
# The harness runs it once per stimulus: one request body on stdin, one answer body on stdout,
# the stimulus's name in AGENTSTATE_STIMULUS.
#
# With AGENTSTATE_ADAPTER_URL set, it forwards the request with curl to the HTTP adapter at that
# base URL (drive.Handler in the tests) and prints its answer: 200 and 409 are answers, any other
# status is this adapter's failure (exit 4). Without curl it says so and exits 3.
#
# Otherwise it is a fake whose answer AGENTSTATE_FAKE chooses, to exercise every outcome:
#   ok       {"ok": true}, with a ConnID for off-hook (the default)
#   refuse   a refusal: out-of-service
#   unknown  a refusal with a code the protocol does not define
#   garbage  not JSON
#   big      2 MB of output
#   sleep    no answer for 60 s
#   fail     a message on stderr and exit status 7
#   empty    nothing at all, and exit status 0
# With AGENTSTATE_FAKE_ONLY set to a stimulus, the fake answers only that stimulus so, and every
# other with ok, so that a test can show that the harness goes on after a failure.
set -euo pipefail

request=$(cat)

if [[ -n "${AGENTSTATE_ADAPTER_URL:-}" ]]; then
  if ! command -v curl >/dev/null 2>&1; then
    echo "exec-adapter: curl is not installed; it is needed to forward to $AGENTSTATE_ADAPTER_URL" >&2
    exit 3
  fi
  out=$(printf '%s' "$request" | curl --silent --show-error --max-time 30 \
    -H 'Content-Type: application/json' --data-binary @- \
    --write-out '\n%{http_code}' "${AGENTSTATE_ADAPTER_URL%/}/v1/stimulus")
  status=${out##*$'\n'}
  body=${out%$'\n'*}
  case "$status" in
    200 | 409) printf '%s\n' "$body" ;;
    *) printf 'exec-adapter: HTTP status %s: %s\n' "$status" "$body" >&2; exit 4 ;;
  esac
  exit 0
fi

mode=${AGENTSTATE_FAKE:-ok}
if [[ -n "${AGENTSTATE_FAKE_ONLY:-}" && "$AGENTSTATE_FAKE_ONLY" != "${AGENTSTATE_STIMULUS:-}" ]]; then
  mode=ok
fi

case "$mode" in
  ok)
    if [[ "${AGENTSTATE_STIMULUS:-}" == off-hook ]]; then
      echo '{"ok": true, "ConnID": "00000000000000ff"}'
    else
      echo '{"ok": true}'
    fi
    ;;
  refuse) echo '{"ok": false, "error": {"code": "out-of-service", "message": "DN 5001 is out of service"}}' ;;
  unknown) echo '{"ok": false, "error": {"code": "busy", "message": "try later"}}' ;;
  garbage) echo '<html><body>502 Bad Gateway</body></html>' ;;
  big) head -c 2000000 /dev/zero | tr '\0' 'x' ;;
  sleep) sleep 60 ;;
  fail) echo 'exec-adapter: the service is down' >&2; exit 7 ;;
  empty) ;;
  *) echo "exec-adapter: unknown AGENTSTATE_FAKE=$mode" >&2; exit 2 ;;
esac
