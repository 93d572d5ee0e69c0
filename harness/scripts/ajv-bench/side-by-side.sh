#!/usr/bin/env bash
# The whole-process side-by-side of agentstate verify with ajv, on one generated file, in one run:
# each command RUNS times (default 5), the commands alternating so that the machine's noise falls
# on all of them alike; the medians of wall and CPU time (user+sys) and the ratios to ajv in its
# default mode (allErrors: false, the mode a team would pick for a gate) are printed as a
# Markdown table. EVENTS (default 1000000) lawful events of about 170 bytes over 1,000 agents
# (go run ./harness/cmd/genstream), kept in .cache/ajv-bench/.
#   bash harness/scripts/ajv-bench/side-by-side.sh        (make bench-ajv)
set -euo pipefail
cd "$(dirname "$0")/../../.."
GO=${GO:-go}
RUNS=${RUNS:-5}
EVENTS=${EVENTS:-1000000}
dir=.cache/ajv-bench
mkdir -p "$dir"
file=$dir/gen-$EVENTS.jsonl
[ -s "$file" ] || "$GO" run ./harness/cmd/genstream -events "$EVENTS" -seed 1 >"$file"
"$GO" build -o "$dir/agentstate" ./harness/cmd/agentstate
[ -d harness/scripts/ajv-bench/node_modules ] || (cd harness/scripts/ajv-bench && npm ci --no-audit --no-fund >/dev/null)
ajv="node harness/scripts/ajv-bench/bench.mjs"
names=("agentstate verify --initial-state clean (schemas and sequence rules)"
	"the same, one core (GOMAXPROCS=1)"
	"ajv 8, allErrors: false (its default; compiled validators, routed on id, schemas only, one thread)"
	"ajv 8, allErrors: true"
	"wc -l (reading the file)")
cmds=("$dir/agentstate verify --initial-state clean $file"
	"env GOMAXPROCS=1 $dir/agentstate verify --initial-state clean $file"
	"$ajv schemas $file"
	"$ajv --all-errors schemas $file"
	"wc -l $file")
times=$dir/times.txt
: >"$times"
for run in $(seq "$RUNS"); do
	for i in "${!cmds[@]}"; do
		/usr/bin/time -f "$i %e %U %S" -a -o "$times" ${cmds[$i]} >/dev/null
	done
done
# shellcheck source=harness/scripts/medians.sh
source harness/scripts/medians.sh
ajvWall=$(wall 2)
ajvCPU=$(cpu 2)
echo "$EVENTS events ($(wc -c <"$file") bytes), $RUNS alternating runs each, medians, $(nproc) cores, $(date -u +%F):"
echo
echo "| | wall | CPU | events/s (wall) | wall / ajv | CPU / ajv |"
echo "|---|---|---|---|---|---|"
for i in "${!cmds[@]}"; do
	w=$(wall "$i")
	c=$(cpu "$i")
	awk -v n="${names[$i]}" -v w="$w" -v c="$c" -v aw="$ajvWall" -v ac="$ajvCPU" -v e="$EVENTS" \
		'BEGIN {printf "| %s | %.2f s | %.2f s | %.2f M | %.2f | %.2f |\n", n, w, c, (w > 0 ? e / w / 1e6 : 0), w / aw, c / ac}'
done
