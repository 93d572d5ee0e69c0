#!/usr/bin/env bash
# suite-image.sh builds the conformance suite itself as an image, the way Kubernetes ships e2e.test:
# the shipped test binary (go test -c ./specs), agentstate, the fixtures and the schemas, on no
# base image (FROM scratch: static Go binaries, and the CA bundle of Debian's ca-certificates for
# TLS to a cluster). It is configured only by AGENTSTATE_* variables and writes its reports
# (JUnit, JSON, the summary, the capture) to /reports, a directory to mount:
#
#   docker run --rm -v "$PWD/reports:/reports" --user "$(id -u)" \
#     -e AGENTSTATE_BROKER=external -e AGENTSTATE_BOOTSTRAP=kafka:9092 agentstate-conformance:dev
#
# Its exit code is the suite's: 0 pass, non-zero fail. Settings: SUITE_IMAGE_TAG (default
# agentstate-conformance:dev), GO (default go), DOCKER (default docker). Prints the tag last.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
readonly TAG=${SUITE_IMAGE_TAG:-agentstate-conformance:dev}
readonly GO=${GO:-go}
readonly DOCKER=${DOCKER:-docker}
readonly CTX=$ROOT/.cache/suite-image/context
readonly CA=/etc/ssl/certs/ca-certificates.crt

say() { printf 'suite-image: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

dockerfile() {
  cat <<DOCKERFILE
FROM scratch
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY agentstate /usr/local/bin/agentstate
COPY fixtures/ /opt/agentstate/fixtures/
COPY schemas/ /opt/agentstate/schemas/
COPY specs.test /opt/agentstate/specs/specs.test
COPY --chown=65532:65532 tmp/ /tmp/
COPY --chown=65532:65532 reports/ /reports/
ENV AGENTSTATE_REPORT_DIR=/reports TMPDIR=/tmp
LABEL org.opencontainers.image.title=agentstate-conformance \\
  org.opencontainers.image.revision=$1 \\
  org.opencontainers.image.description="The voice-agentstate conformance suite (go test -c ./specs), configured by AGENTSTATE_* variables; reports to /reports"
USER 65532:65532
WORKDIR /opt/agentstate/specs
VOLUME /reports
ENTRYPOINT ["/opt/agentstate/specs/specs.test", "-test.run", "^TestSpecs\$", "-ginkgo.no-color"]
DOCKERFILE
}

main() {
  "$DOCKER" version >/dev/null 2>&1 || die "the Docker daemon does not answer (DOCKER_HOST=${DOCKER_HOST:-unset}); start dockerd first"
  [[ -f $CA ]] || die "no $CA: install Debian's ca-certificates"
  local start=$SECONDS rev
  rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  rm -rf "$CTX"
  mkdir -p "$CTX/tmp" "$CTX/reports"
  say "building the suite (go test -c ./specs) and agentstate, static"
  (cd "$ROOT" && CGO_ENABLED=0 "$GO" test -c -trimpath -o "$CTX/specs.test" ./specs)
  (cd "$ROOT" && CGO_ENABLED=0 "$GO" build -trimpath -o "$CTX/agentstate" ./harness/cmd/agentstate)
  cp -r "$ROOT/fixtures" "$ROOT/schemas" "$CTX/"
  find "$CTX/schemas" -name '*_test.go' -delete
  cp "$CA" "$CTX/ca-certificates.crt"
  dockerfile "$rev" >"$CTX/Dockerfile"
  local old
  old=$("$DOCKER" image inspect --format '{{.Id}}' "$TAG" 2>/dev/null || true)
  DOCKER_BUILDKIT=0 "$DOCKER" build -q -t "$TAG" "$CTX" >&2
  if [[ -n $old && $old != $("$DOCKER" image inspect --format '{{.Id}}' "$TAG") ]]; then
    "$DOCKER" image rm "$old" >/dev/null 2>&1 || true # the earlier build, now untagged
  fi
  rm -rf "$CTX"
  say "built $TAG in $((SECONDS - start)) s"
  echo "$TAG"
}

main "$@"
