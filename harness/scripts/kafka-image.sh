#!/usr/bin/env bash
# kafka-image.sh builds agentstate-kafka:VERSION, a local Docker image of Apache Kafka that follows
# the official apache/kafka image's interface (KAFKA_* variables, CLUSTER_ID, started by
# /etc/kafka/docker/run), from Debian's packages and Maven Central only: no image is pulled from
# any registry, so it builds on an air-gapped runner that reaches a Debian mirror and Maven.
#
#   1. a root file system with Java 17: debootstrap --variant=minbase --include=openjdk-17-jre-headless
#      bookworm, from the mirror apt already uses, trimmed (documentation, manuals, locales, apt's
#      lists and caches), cached as a tarball under .cache/kafka-image/;
#   2. the Kafka jars harness/scripts/kafka.sh fetches from Maven Central (.cache/kafka/VERSION/libs);
#   3. harness/kafka/image/run as /etc/kafka/docker/run, and harness/kafka/log4j2.properties;
#   4. docker build FROM scratch over them (no step runs a container, so the daemon needs no
#      network), labelled with a digest of every input: when an image of
#      that tag already carries the digest, nothing is built.
#
# Settings: KAFKA_VERSION (default 4.4.0), KAFKA_IMAGE_TAG (default agentstate-kafka:$KAFKA_VERSION),
# DEBIAN_MIRROR (default: the first Debian mirror in /etc/apt/sources.list*), DEBIAN_SUITE
# (default bookworm), DOCKER (default docker). Prints the tag on its last line.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}
readonly KAFKA_VERSION
readonly TAG=${KAFKA_IMAGE_TAG:-agentstate-kafka:$KAFKA_VERSION}
readonly SUITE=${DEBIAN_SUITE:-bookworm}
readonly PACKAGES=openjdk-17-jre-headless
readonly CACHE=$ROOT/.cache/kafka-image
readonly LIBS=$ROOT/.cache/kafka/$KAFKA_VERSION/libs
readonly DOCKER=${DOCKER:-docker}
readonly LABEL=org.voice-agentstate.inputs

say() { printf 'kafka-image: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# mirror prints the Debian mirror apt uses here (deb822 .sources first, then one-line lists).
mirror() {
  if [[ -n ${DEBIAN_MIRROR:-} ]]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local m
  m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
  [[ -n $m ]] || m=$(grep -hs -E '^deb +[^ ]+/debian/? ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' | head -n1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

# rootfs prints the path of the trimmed root file system's tarball, building it once per suite,
# mirror and package list.
rootfs() {
  local key tar dir
  key=$(printf '%s\n' "$SUITE" "$(mirror)" "$PACKAGES" "$(declare -f trim)" | sha256sum | cut -c1-16)
  tar=$CACHE/rootfs-$SUITE-$key.tar
  if [[ -f $tar ]]; then
    say "root file system cached: $tar"
    echo "$tar"
    return
  fi
  command -v debootstrap >/dev/null 2>&1 || die "no debootstrap: install Debian's debootstrap package (apt-get install debootstrap)"
  [[ $(id -u) == 0 ]] || die "debootstrap needs root to build the root file system"
  dir=$CACHE/rootfs-$key.work
  rm -rf "$dir"
  mkdir -p "$dir"
  say "debootstrap --variant=minbase --include=$PACKAGES $SUITE from $(mirror) (about a minute)"
  if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$dir" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1; then
    tail -n 30 "$CACHE/debootstrap.log" >&2
    die "debootstrap failed (full log: $CACHE/debootstrap.log); check that the mirror $(mirror) is reachable (DEBIAN_MIRROR)"
  fi
  trim "$dir"
  tar -C "$dir" --numeric-owner -cf "$tar.tmp" .
  mv "$tar.tmp" "$tar"
  rm -rf "$dir"
  say "root file system: $tar ($(du -h "$tar" | cut -f1))"
  echo "$tar"
}

# trim removes from the root file system what a broker never reads, and adds the broker's user.
trim() {
  local dir=$1
  rm -rf "$dir"/usr/share/{doc,man,info,locale,lintian,linda,bash-completion} "$dir"/var/cache/apt/* \
    "$dir"/var/lib/apt/lists/* "$dir"/var/cache/debconf/*-old "$dir"/var/log/* "$dir"/debootstrap
  find "$dir"/usr/share/zoneinfo -mindepth 1 -maxdepth 1 ! -name UTC ! -name Etc -exec rm -rf {} + 2>/dev/null || true
  echo 'appuser:x:1000:1000:Kafka:/opt/kafka:/bin/bash' >>"$dir/etc/passwd"
  echo 'appuser:x:1000:' >>"$dir/etc/group"
}

# inputs prints a digest of everything the image is made of.
inputs() {
  {
    printf '%s\n' "$KAFKA_VERSION" "$1"
    (cd "$LIBS" && sha256sum -- *.jar)
    sha256sum "$ROOT/harness/kafka/image/run" "$ROOT/harness/kafka/log4j2.properties" "${BASH_SOURCE[0]}"
  } | sha256sum | cut -c1-32
}

# owned writes owned.tar: the directories the broker (uid 1000) writes to, and its log4j
# configuration, owned by it. An image step that ran chown would need a container, and so a
# network on the daemon; extracting a tarball needs neither.
owned() {
  local dir=$1/owned
  mkdir -p "$dir/opt/kafka/config" "$dir/var/lib/kafka/data" "$dir/var/lib/kafka/logs"
  cp "$ROOT/harness/kafka/log4j2.properties" "$dir/opt/kafka/config/"
  tar -C "$dir" --owner=1000 --group=1000 --numeric-owner -cf "$1/owned.tar" opt/kafka/config var/lib/kafka
  rm -rf "$dir"
}

dockerfile() {
  cat <<DOCKERFILE
FROM scratch
ADD rootfs.tar /
COPY libs/ /opt/kafka/libs/
ADD owned.tar /
COPY run /etc/kafka/docker/run
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
LABEL $LABEL=$1 org.opencontainers.image.title=agentstate-kafka org.opencontainers.image.version=$KAFKA_VERSION \\
  org.opencontainers.image.description="Apache Kafka $KAFKA_VERSION (Maven Central) on Debian $SUITE, apache/kafka's interface, built offline by the voice-agentstate conformance suite"
USER 1000:1000
WORKDIR /opt/kafka
EXPOSE 9092 9093
ENTRYPOINT ["/etc/kafka/docker/run"]
DOCKERFILE
}

main() {
  command -v "$DOCKER" >/dev/null 2>&1 || die "no docker client on PATH"
  "$DOCKER" version >/dev/null 2>&1 || die "the Docker daemon does not answer (DOCKER_HOST=${DOCKER_HOST:-unset}); start dockerd first"
  bash "$ROOT/harness/scripts/kafka.sh" fetch >&2
  mkdir -p "$CACHE"
  local tar digest have ctx start=$SECONDS
  tar=$(rootfs)
  digest=$(inputs "$tar")
  have=$("$DOCKER" image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$TAG" 2>/dev/null || true)
  if [[ $have == "$digest" ]]; then
    say "$TAG is up to date (inputs $digest); nothing to build"
    echo "$TAG"
    return
  fi
  ctx=$CACHE/context
  rm -rf "$ctx"
  mkdir -p "$ctx"
  ln "$tar" "$ctx/rootfs.tar" 2>/dev/null || cp "$tar" "$ctx/rootfs.tar"
  cp -r "$LIBS" "$ctx/libs"
  rm -f "$ctx/libs/.complete"
  cp "$ROOT/harness/kafka/image/run" "$ctx/"
  owned "$ctx"
  dockerfile "$digest" >"$ctx/Dockerfile"
  say "building $TAG (inputs $digest)"
  local old
  old=$("$DOCKER" image inspect --format '{{.Id}}' "$TAG" 2>/dev/null || true)
  DOCKER_BUILDKIT=0 "$DOCKER" build -q -t "$TAG" "$ctx" >&2
  if [[ -n $old ]]; then
    "$DOCKER" image rm "$old" >/dev/null 2>&1 || true # the image of the earlier inputs, now untagged
  fi
  rm -rf "$ctx"
  say "built $TAG in $((SECONDS - start)) s"
  echo "$TAG"
}

main "$@"
