#!/usr/bin/env bash
# The whole-process side-by-side of agentstate observe with kcat on a real Kafka, in one run: a new
# topic (3 partitions) is filled with EVENTS (default 500000) lawful events of about 170 bytes over
# 1,000 agents, keyed as the reference producer keys them (harness/scripts/kcatbench), then each
# command runs RUNS times (default 5), the commands alternating so that the machine's noise falls
# on all of them alike:
#   kcat -C -b B -t T -e -q | wc -l                 (kcat's own consumption of the topic)
#   agentstate observe --until-end                   (schemas and sequence rules)
#   agentstate observe --until-end --record FILE     (the same, and the capture written)
# The medians of wall and CPU time (user+sys, of the whole pipeline for kcat) and the ratios to
# kcat are printed as a Markdown table; a speed-up is kcat's wall time over the command's.
#
#   bash harness/scripts/observe-vs-kcat.sh          (make bench-kcat)
#
# The broker: BOOTSTRAP (host:port) if set; else the PLAINTEXT listener of the file named by
# AGENTSTATE_REAL_KAFKA (written by harness/scripts/kafka.sh up); else the script starts a broker
# with kafka.sh (KAFKA_PORT, default 19092 there) for the run and stops it afterwards.
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/../.."
GO=${GO:-go}
RUNS=${RUNS:-5}
EVENTS=${EVENTS:-500000}

if [[ -z ${BOOTSTRAP:-} && -z ${AGENTSTATE_REAL_KAFKA:-} ]]; then
	exec bash harness/scripts/kafka.sh test bash "$self" "$@"
fi
if [[ -z ${BOOTSTRAP:-} ]]; then
	BOOTSTRAP=$(sed -n 's/^KAFKA_PLAINTEXT=//p' "$AGENTSTATE_REAL_KAFKA")
	[[ -n $BOOTSTRAP ]] || {
		echo "observe-vs-kcat: $AGENTSTATE_REAL_KAFKA names no KAFKA_PLAINTEXT listener; set BOOTSTRAP=host:port" >&2
		exit 2
	}
fi
command -v kcat >/dev/null || {
	echo "observe-vs-kcat: kcat is not on PATH; install it (apt-get install kcat)" >&2
	exit 2
}

dir=.cache/kcat-bench
mkdir -p "$dir"
"$GO" build -o "$dir/agentstate" ./harness/cmd/agentstate
"$GO" build -o "$dir/kcatbench" ./harness/scripts/kcatbench
topic=bench-$(date -u +%Y%m%d%H%M%S)-$$
"$dir/kcatbench" -bootstrap "$BOOTSTRAP" -topic "$topic" -events "$EVENTS" -seed 1
got=$(kcat -C -b "$BOOTSTRAP" -t "$topic" -e -q | wc -l)
[[ $got -eq $EVENTS ]] || {
	echo "observe-vs-kcat: kcat read $got records from $topic, not the $EVENTS produced" >&2
	exit 1
}

capture=$dir/capture.jsonl
observe="$dir/agentstate observe --bootstrap $BOOTSTRAP --topic $topic --from earliest --until-end --initial-state clean --quiet"
names=("kcat -C -e -q \\\\| wc -l (kcat's own consumption)"
	"agentstate observe --until-end (schemas and sequence rules)"
	"agentstate observe --until-end --record FILE")
cmds=("kcat -C -b $BOOTSTRAP -t $topic -e -q | wc -l"
	"$observe"
	"$observe --record $capture")
times=$dir/times.txt
: >"$times"
for run in $(seq "$RUNS"); do
	for i in "${!cmds[@]}"; do
		rm -f "$capture"
		# Exit 1 (findings) would fail the run below: a lawful stream must pass.
		/usr/bin/time -f "$i %e %U %S" -a -o "$times" bash -c "set -o pipefail; ${cmds[$i]} >/dev/null"
	done
	lines=$(wc -l <"$capture")
	[[ $lines -eq $EVENTS ]] || {
		echo "observe-vs-kcat: the capture has $lines lines, not $EVENTS" >&2
		exit 1
	}
done
# shellcheck source=harness/scripts/medians.sh
source harness/scripts/medians.sh
kWall=$(wall 0)
kCPU=$(cpu 0)
echo "$EVENTS records ($(wc -c <"$capture") bytes captured) on Kafka $(sed -n 's/^KAFKA_VERSION=//p' "${AGENTSTATE_REAL_KAFKA:-/dev/null}" 2>/dev/null) at $BOOTSTRAP, topic of 3 partitions,"
echo "$RUNS alternating runs each, medians, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F):"
echo
echo "| | wall | CPU | records/s (wall) | speed / kcat | CPU / kcat |"
echo "|---|---|---|---|---|---|"
for i in "${!cmds[@]}"; do
	w=$(wall "$i")
	c=$(cpu "$i")
	awk -v n="${names[$i]}" -v w="$w" -v c="$c" -v kw="$kWall" -v kc="$kCPU" -v e="$EVENTS" \
		'BEGIN {printf "| %s | %.2f s | %.2f s | %.2f M | %.2f | %.2f |\n", n, w, c, (w > 0 ? e / w / 1e6 : 0), (w > 0 ? kw / w : 0), c / kc}'
done
