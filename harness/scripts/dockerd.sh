#!/usr/bin/env bash
# dockerd.sh runs a Docker engine (Debian's docker.io) of this project's own, for container mode:
#
#   dockerd.sh start   start dockerd on its own socket, data root and exec root, so that it stays
#                      apart from an engine the machine may run at the default socket; wait until
#                      it answers; print the DOCKER_HOST that reaches it. It keeps Docker's default
#                      bridge: testcontainers-go attaches every container to a bridge network
#                      (and creates one if the daemon has none), even one on the host's network
#   dockerd.sh stop    stop it by its pid (SIGTERM, SIGKILL after 30 s); idempotent. It refuses, and
#                      exits 1, if containers are left on it (docker ps -a): they are a test's leak
#
# Settings: AGENTSTATE_DOCKERD_DIR (default /run/agentstate-docker: the socket and the pid file;
# a short path, as a Unix socket's must be), AGENTSTATE_DOCKERD_DATA (default
# /var/lib/agentstate-docker). It needs root.
set -euo pipefail

readonly DIR=${AGENTSTATE_DOCKERD_DIR:-/run/agentstate-docker}
readonly DATA=${AGENTSTATE_DOCKERD_DATA:-/var/lib/agentstate-docker}
readonly SOCK=$DIR/docker.sock
readonly PID_FILE=$DIR/dockerd.pid
readonly LOG=$DIR/dockerd.log
readonly HOST=unix://$SOCK

say() { printf 'dockerd: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

running() {
  local pid
  [[ -f $PID_FILE ]] || return 1
  pid=$(cat "$PID_FILE")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

start() {
  command -v dockerd >/dev/null 2>&1 || die "no dockerd: install Debian's docker.io (apt-get install docker.io)"
  [[ $(id -u) == 0 ]] || die "dockerd needs root"
  if running >/dev/null; then
    say "already running (pid $(running))"
    echo "DOCKER_HOST=$HOST"
    return
  fi
  mkdir -p "$DIR" "$DATA"
  setsid dockerd -H "$HOST" --pidfile "$PID_FILE" --exec-root "$DIR/exec" --data-root "$DATA" \
    </dev/null >"$LOG" 2>&1 &
  local start=$SECONDS
  until DOCKER_HOST=$HOST docker version >/dev/null 2>&1; do
    if ((SECONDS - start > 60)); then
      tail -n 30 "$LOG" >&2
      die "dockerd did not answer on $SOCK within 60 s (log above: $LOG)"
    fi
    sleep 0.5
  done
  say "running (pid $(running)), log $LOG"
  echo "DOCKER_HOST=$HOST"
}

stop() {
  local pid left start=$SECONDS
  pid=$(running) || {
    say "not running"
    return 0
  }
  left=$(DOCKER_HOST=$HOST docker ps -aq 2>/dev/null || true)
  if [[ -n $left ]]; then
    DOCKER_HOST=$HOST docker ps -a >&2
    DOCKER_HOST=$HOST docker rm -f $left >/dev/null 2>&1 || true
    LEFT=1
  fi
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null && ((SECONDS - start < 30)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    say "dockerd (pid $pid) did not stop within 30 s of SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  say "stopped (pid $pid)"
  if ((${LEFT:-0})); then
    die "containers were left on the engine (above; removed now): a test did not terminate what it started"
  fi
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: dockerd.sh start|stop" >&2
    exit 2
    ;;
esac
