#!/usr/bin/env bash
# Are the unit tests robust to load? Runs `make unit` N times in a row
# (default 20) while `make scenarios` runs beside it, restarted whenever it
# ends, and reports how many unit runs passed. Logs go to
# build/unit-under-load/.
# Usage: scripts/unit-under-load.sh [N]   (MAKE= names the make to use)
set -uo pipefail
runs=${1:-20}
make=${MAKE:-make}
out=build/unit-under-load
rm -rf "$out"
mkdir -p "$out"

# Build first, so the load beside the tests is the scenarios, not a compiler.
"$make" --no-print-directory build/tsan/unit-tests build/tsan/raft-tests >/dev/null || exit 2

# The load, in a process group of its own so it can be stopped as a whole.
set -m
(
	k=0
	while :; do
		k=$((k + 1))
		"$make" --no-print-directory scenarios >"$out/scenarios-$k.log" 2>&1
		echo "scenarios run $k: exit $?" >>"$out/scenarios.txt"
	done
) &
load=$!
set +m
trap 'kill -- -"$load" 2>/dev/null; wait "$load" 2>/dev/null' EXIT

start=$(date +%s)
passed=0
for i in $(seq 1 "$runs"); do
	log="$out/unit-$i.log"
	t0=$(date +%s)
	if "$make" --no-print-directory unit >"$log" 2>&1; then
		passed=$((passed + 1))
		verdict=pass
	else
		verdict="FAIL (see $log)"
	fi
	printf 'unit run %2d: %s in %ds\n' "$i" "$verdict" $(($(date +%s) - t0))
done
kill -- -"$load" 2>/dev/null
wait "$load" 2>/dev/null
trap - EXIT

touch "$out/scenarios.txt"
scenario_runs=$(grep -c . "$out/scenarios.txt")
scenario_passes=$(grep -c 'exit 0$' "$out/scenarios.txt")
echo "unit-under-load: $passed/$runs unit runs passed in $(($(date +%s) - start))s," \
	"beside $scenario_runs finished scenario run(s) ($scenario_passes passed)"
[ "$passed" -eq "$runs" ]
