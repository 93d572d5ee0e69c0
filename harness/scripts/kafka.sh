#!/usr/bin/env bash
# kafka.sh runs a real Apache Kafka broker on loopback for the integration tests: one process in
# KRaft mode (broker and controller), fetched from Maven Central with Maven, never built here.
#
#   kafka.sh up       fetch Kafka if not cached, format a fresh log directory, start, wait until
#                     it answers; print the listeners and the file describing them
#   kafka.sh down     stop it: SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT seconds; idempotent
#   kafka.sh status   say whether it runs (exit 0) or not (exit 1)
#   kafka.sh check    say whether this machine can run it: Java 17+, and Maven unless cached
#   kafka.sh test CMD...
#                     up, run CMD with AGENTSTATE_REAL_KAFKA set, down (also when CMD fails);
#                     exits with CMD's status. Without Java or Maven it skips, except in CI
#                     (CI=true), where that is a failure.
#
# Listeners, each on its own loopback port: PLAINTEXT; SASL_PLAINTEXT with SCRAM-SHA-256 and
# SCRAM-SHA-512 for a user made up per run; SSL with a throw-away CA. The password is written
# to a 0600 file and never printed. Everything lives under .cache/kafka/ (git-ignored):
#   .cache/kafka/VERSION/libs     the broker's jars, fetched once per version
#   .cache/kafka/run/             this run: config, data, server.log, TLS files, secrets
#   .cache/kafka/run/agentstate-real-kafka.env
#                                 the listeners, CA and credential paths (no secret), which
#                                 the tests read through AGENTSTATE_REAL_KAFKA
#
# Settings: KAFKA_VERSION (default below), KAFKA_PORT (first of four consecutive ports tried,
# default 19092: below Linux's ephemeral range, 32768-60999, so that no outgoing connection of a
# concurrent test can hold one of them), KAFKA_START_TIMEOUT (s, default 120), KAFKA_STOP_TIMEOUT (s, default 30),
# KAFKA_HEAP (default 1g), JAVA_HOME.
set -euo pipefail

readonly DEFAULT_KAFKA_VERSION=4.4.0

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
readonly TEMPLATES=$ROOT/harness/kafka
readonly CACHE=$ROOT/.cache/kafka
readonly RUN=$CACHE/run
readonly ENV_FILE=$RUN/agentstate-real-kafka.env
readonly PID_FILE=$RUN/kafka.pid
readonly LOG_FILE=$RUN/server.log
KAFKA_VERSION=${KAFKA_VERSION:-$DEFAULT_KAFKA_VERSION}
readonly KAFKA_VERSION
readonly LIBS=$CACHE/$KAFKA_VERSION/libs
readonly SCRAM_USER=agentstate-probe

JAVA=java
if [[ -n ${JAVA_HOME:-} ]]; then
  JAVA=$JAVA_HOME/bin/java
fi
readonly JAVA

say() { printf 'kafka: %s\n' "$*"; }
die() {
  printf 'kafka: %s\n' "$*" >&2
  exit 1
}

# missing prints what this machine lacks to run the broker, or nothing.
missing() {
  if ! command -v "$JAVA" >/dev/null 2>&1; then
    echo "no Java: Kafka $KAFKA_VERSION needs Java 17 or later on PATH (or JAVA_HOME)"
    return
  fi
  local major
  major=$(java_major)
  if ((major < 17)); then
    echo "Java $major found ($JAVA): Kafka $KAFKA_VERSION needs Java 17 or later; set JAVA_HOME to one"
    return
  fi
  if [[ ! -f $LIBS/.complete ]] && ! command -v mvn >/dev/null 2>&1; then
    echo "no Maven: it fetches Kafka $KAFKA_VERSION from Maven Central once (then cached in $LIBS); install Maven 3.8 or later"
  fi
}

# java_major prints the major version of $JAVA: 17 for "17.0.15", 8 for "1.8.0_402".
java_major() {
  local v
  v=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
  v=${v#1.}
  v=${v%%[.+-]*}
  if [[ $v =~ ^[0-9]+$ ]]; then echo "$v"; else echo 0; fi
}

# fetch copies Kafka's jars and their runtime dependencies from Maven Central into $LIBS, once.
fetch() {
  if [[ -f $LIBS/.complete ]]; then
    return
  fi
  command -v mvn >/dev/null 2>&1 || die "$(missing)"
  local work=$CACHE/$KAFKA_VERSION/fetch
  rm -rf "$work" "$LIBS"
  mkdir -p "$work"
  cp "$TEMPLATES/pom.xml" "$work/pom.xml"
  say "fetching Apache Kafka $KAFKA_VERSION (org.apache.kafka:kafka_2.13) and its runtime dependencies from Maven Central"
  if ! mvn -B -q -f "$work/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$work/libs" >"$work/mvn.log" 2>&1; then
    tail -n 40 "$work/mvn.log" >&2
    die "Maven could not fetch Kafka $KAFKA_VERSION (full log: $work/mvn.log); check that Maven Central is reachable and the version exists (KAFKA_VERSION)"
  fi
  [[ -f $work/libs/kafka_2.13-$KAFKA_VERSION.jar ]] || die "Maven finished but $work/libs lacks kafka_2.13-$KAFKA_VERSION.jar"
  mv "$work/libs" "$LIBS"
  touch "$LIBS/.complete"
  rm -rf "$work"
  say "cached $(find "$LIBS" -name '*.jar' | wc -l) jars in $LIBS"
}

# running prints the broker's pid if the pid file names a live Kafka of this tree.
running() {
  [[ -f $PID_FILE ]] || return 1
  local pid
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: the process must be this tree's broker.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$RUN/server.properties" || return 1
  echo "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_ports sets PORTS to four consecutive free loopback ports, trying blocks from KAFKA_PORT.
pick_ports() {
  local base=${KAFKA_PORT:-19092} try p busy
  for ((try = 0; try < 20; try++)); do
    busy=0
    for ((p = base; p < base + 4; p++)); do
      if port_in_use "$p"; then
        busy=1
        break
      fi
    done
    if ((busy == 0)); then
      PORTS=("$base" "$((base + 1))" "$((base + 2))" "$((base + 3))")
      return
    fi
    base=$((base + 10))
  done
  die "no four free consecutive loopback ports from ${KAFKA_PORT:-19092} on; set KAFKA_PORT to a free range"
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

# cluster_id prints a random Kafka UUID (22 characters of base64url) that cannot pass for a flag.
cluster_id() {
  local id=-
  while [[ $id == -* ]]; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  done
  echo "$id"
}

# make_tls creates a throw-away CA and a server keystore for 127.0.0.1 and localhost, with the
# JDK's keytool; the CA is also written as PEM for the clients.
make_tls() {
  local dir=$RUN/tls
  mkdir -p "$dir"
  chmod 700 "$dir"
  export KAFKA_SH_STOREPASS=$1
  local kt=(keytool -storetype PKCS12 -storepass:env KAFKA_SH_STOREPASS -keypass:env KAFKA_SH_STOREPASS)
  if [[ -n ${JAVA_HOME:-} ]]; then kt[0]=$JAVA_HOME/bin/keytool; fi
  {
    "${kt[@]}" -genkeypair -keystore "$dir/ca.p12" -alias ca -dname "CN=agentstate throw-away test CA" \
      -keyalg EC -groupname secp256r1 -validity 7 -ext bc:c
    "${kt[@]}" -exportcert -rfc -keystore "$dir/ca.p12" -alias ca -file "$dir/ca.pem"
    "${kt[@]}" -genkeypair -keystore "$dir/server.p12" -alias broker -dname "CN=localhost" \
      -keyalg EC -groupname secp256r1 -validity 7
    "${kt[@]}" -certreq -keystore "$dir/server.p12" -alias broker -file "$dir/server.csr"
    "${kt[@]}" -gencert -keystore "$dir/ca.p12" -alias ca -infile "$dir/server.csr" -outfile "$dir/server.pem" \
      -rfc -validity 7 -ext san=dns:localhost,ip:127.0.0.1 -ext ku:c=digitalSignature -ext eku=serverAuth
    "${kt[@]}" -importcert -keystore "$dir/server.p12" -alias ca -file "$dir/ca.pem" -noprompt
    "${kt[@]}" -importcert -keystore "$dir/server.p12" -alias broker -file "$dir/server.pem"
  } >"$dir/keytool.log" 2>&1 || {
    cat "$dir/keytool.log" >&2
    die "keytool could not make the test CA and the broker's keystore in $dir"
  }
  unset KAFKA_SH_STOREPASS
  chmod 600 "$dir"/*
  chmod 644 "$dir/ca.pem"
}

sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

# write_config fills in the broker's configuration from the template.
write_config() {
  local storepass=$1
  (
    umask 077
    sed -e "s|@PLAINTEXT_PORT@|${PORTS[0]}|g" -e "s|@SASL_PORT@|${PORTS[1]}|g" \
      -e "s|@SSL_PORT@|${PORTS[2]}|g" -e "s|@CONTROLLER_PORT@|${PORTS[3]}|g" \
      -e "s|@DATA_DIR@|$(sed_escape "$RUN/data")|g" -e "s|@KEYSTORE@|$(sed_escape "$RUN/tls/server.p12")|g" \
      -e "s|@KEYSTORE_PASSWORD@|$storepass|g" \
      "$TEMPLATES/server.properties.in" >"$RUN/server.properties"
  )
  if grep -q '@[A-Z_]*@' "$RUN/server.properties"; then
    die "$RUN/server.properties still has a placeholder: $(grep -o '@[A-Z_]*@' "$RUN/server.properties" | head -n1)"
  fi
}

# format formats the KRaft log directory and creates the SCRAM user for both mechanisms. The
# password reaches kafka-storage as an argument (the tool reads it nowhere else), on this
# machine only, for the second the tool runs.
format() {
  local password=$1 out
  if ! out=$("$JAVA" -cp "$LIBS/*" -Dlog4j2.configurationFile="$TEMPLATES/log4j2.properties" \
    kafka.tools.StorageTool format -t "$(cluster_id)" -c "$RUN/server.properties" \
    --add-scram "SCRAM-SHA-256=[name=$SCRAM_USER,password=$password]" \
    --add-scram "SCRAM-SHA-512=[name=$SCRAM_USER,password=$password]" 2>&1); then
    printf '%s\n' "${out//$password/[redacted]}" >&2
    die "kafka-storage format failed for $RUN/data"
  fi
}

# launch starts the broker in its own session, so that it outlives the shell that started it,
# and records its pid.
launch() {
  local heap=${KAFKA_HEAP:-1g}
  : >"$LOG_FILE"
  # The inner shell writes its own pid, then becomes the JVM: $$ must not expand here.
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' kafka-launch "$PID_FILE" \
    "$JAVA" -Xms256m -Xmx"$heap" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$TEMPLATES/log4j2.properties" -Dkafka.logs.dir="$RUN" \
    -cp "$LIBS/*" kafka.Kafka "$RUN/server.properties" </dev/null >>"$LOG_FILE" 2>&1 &
  local start=$SECONDS
  while ! running >/dev/null && ((SECONDS - start < 10)); do
    sleep 0.1
  done
}

# answers says whether every listener accepts connections and, where kcat is installed, the
# PLAINTEXT listener answers a metadata request.
answers() {
  local p
  for p in "${PORTS[@]}"; do
    port_in_use "$p" || return 1
  done
  if command -v kcat >/dev/null 2>&1; then
    timeout 10 kcat -L -b "127.0.0.1:${PORTS[0]}" -m 5 >/dev/null 2>&1 || return 1
  fi
}

# await waits, at most KAFKA_START_TIMEOUT seconds, for the started line and the listeners.
await() {
  local timeout=${KAFKA_START_TIMEOUT:-120} start=$SECONDS pid
  while ((SECONDS - start < timeout)); do
    if ! pid=$(running); then
      tail -n 60 "$LOG_FILE" >&2
      die "the broker exited while starting (log above; full log: $LOG_FILE)"
    fi
    if grep -q 'Kafka Server started' "$LOG_FILE" && answers; then
      return
    fi
    sleep 0.5
  done
  tail -n 60 "$LOG_FILE" >&2
  stop || true
  die "the broker did not answer within ${timeout}s (log above; full log: $LOG_FILE); raise KAFKA_START_TIMEOUT on a slow machine"
}

write_env() {
  local tmp=$ENV_FILE.tmp
  cat >"$tmp" <<EOF
# Written by harness/scripts/kafka.sh up; read by the tests through AGENTSTATE_REAL_KAFKA.
# No secret is in this file: the SASL password is in KAFKA_SASL_PASSWORD_FILE (mode 0600).
KAFKA_VERSION=$KAFKA_VERSION
KAFKA_PLAINTEXT=127.0.0.1:${PORTS[0]}
KAFKA_SASL_PLAINTEXT=127.0.0.1:${PORTS[1]}
KAFKA_SASL_MECHANISMS=SCRAM-SHA-256,SCRAM-SHA-512
KAFKA_SASL_USER=$SCRAM_USER
KAFKA_SASL_PASSWORD_FILE=$RUN/secrets/sasl-password
KAFKA_SSL=127.0.0.1:${PORTS[2]}
KAFKA_TLS_CA=$RUN/tls/ca.pem
EOF
  mv "$tmp" "$ENV_FILE"
}

print_env() {
  say "Apache Kafka $KAFKA_VERSION is up (pid $1); log: $LOG_FILE"
  grep -E '^KAFKA_(PLAINTEXT|SASL_PLAINTEXT|SSL)=' "$ENV_FILE" | sed 's/^/kafka:   /'
  echo "AGENTSTATE_REAL_KAFKA=$ENV_FILE"
}

up() {
  local why pid
  why=$(missing)
  [[ -z $why ]] || die "$why"
  if pid=$(running); then
    say "already running"
    print_env "$pid"
    return
  fi
  fetch
  rm -rf "$RUN"
  mkdir -p "$RUN/secrets" "$RUN/data"
  chmod 700 "$RUN" "$RUN/secrets"
  pick_ports
  local password storepass
  password=$(random_hex 24)
  storepass=$(random_hex 16)
  (
    umask 077
    printf '%s\n' "$password" >"$RUN/secrets/sasl-password"
  )
  make_tls "$storepass"
  write_config "$storepass"
  say "formatting a KRaft log directory in $RUN/data"
  format "$password"
  say "starting the broker: PLAINTEXT ${PORTS[0]}, SASL_PLAINTEXT ${PORTS[1]}, SSL ${PORTS[2]}, controller ${PORTS[3]}"
  launch
  await
  write_env
  print_env "$(running)"
}

# stop ends the broker: SIGTERM for a clean shutdown, SIGKILL after KAFKA_STOP_TIMEOUT seconds.
stop() {
  local pid timeout=${KAFKA_STOP_TIMEOUT:-30} start=$SECONDS
  if ! pid=$(running); then
    rm -f "$PID_FILE"
    return 1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((SECONDS - start < timeout)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "the broker (pid $pid) did not stop within ${timeout}s of SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((SECONDS - start < timeout + 10)); do
      sleep 0.2
    done
  fi
  rm -f "$PID_FILE" "$ENV_FILE"
}

down() {
  if stop; then
    say "stopped (log kept: $LOG_FILE)"
  else
    say "not running"
  fi
}

status() {
  local pid
  if pid=$(running); then
    say "running, pid $pid, Apache Kafka $KAFKA_VERSION"
    grep -E '^KAFKA_(PLAINTEXT|SASL_PLAINTEXT|SSL)=' "$ENV_FILE" 2>/dev/null | sed 's/^/kafka:   /' || true
    return 0
  fi
  say "not running"
  return 1
}

check() {
  local why
  why=$(missing)
  if [[ -n $why ]]; then
    say "$why"
    return 3
  fi
  say "Java $(java_major) ($JAVA); Kafka $KAFKA_VERSION $([[ -f $LIBS/.complete ]] && echo "cached in $LIBS" || echo "to be fetched with Maven")"
}

# TEST_CHILD is the pid of the command kafka.sh test runs, once started.
TEST_CHILD=0

stop_child() {
  if ((TEST_CHILD > 0)); then
    kill -TERM "$TEST_CHILD" 2>/dev/null || true
    wait "$TEST_CHILD" 2>/dev/null || true
  fi
}

# run_test runs a command against the broker (started unless it runs), then stops the broker
# whatever the command did, and returns the command's status.
run_test() {
  (($# > 0)) || die "test: no command given; usage: kafka.sh test CMD [ARG...]"
  local why
  why=$(missing)
  if [[ -n $why ]]; then
    if [[ ${CI:-} == true ]]; then
      die "$why; CI (CI=true) must run the real-Kafka tests: install it in .ci/run"
    fi
    say "SKIPPED the real-Kafka tests: $why"
    return 0
  fi
  # The broker runs in a session of its own, so Ctrl-C or a CI timeout would not reach it: such
  # a signal ends the command and this script, and every exit stops the broker. The command runs
  # in the background so that a signal is handled at once, not when the command ends.
  local code=0
  trap 'down' EXIT
  trap 'stop_child; exit 130' INT
  trap 'stop_child; exit 143' TERM
  up
  AGENTSTATE_REAL_KAFKA=$ENV_FILE "$@" &
  TEST_CHILD=$!
  wait "$TEST_CHILD" || code=$?
  if ((code != 0)); then
    say "the tests failed (exit $code); broker log: $LOG_FILE"
  fi
  return "$code"
}

main() {
  local cmd=${1:-}
  (($# > 0)) && shift
  case $cmd in
    up) up ;;
    down) down ;;
    status) status ;;
    check) check ;;
    fetch) fetch ;;
    test) run_test "$@" ;;
    *)
      echo "usage: kafka.sh up|down|status|check|fetch|test CMD..." >&2
      exit 2
      ;;
  esac
}

main "$@"
