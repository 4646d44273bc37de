#!/usr/bin/env bash
# Run the whole suite under TSan once per seed (1..N) and count passes and
# TSan reports, P tests at a time as make scenarios runs them (default 1).
# Logs go to build/tsan-seeds/seed-N.log.
# Usage: scripts/tsan-seeds.sh RUNNER [N [P]]
set -uo pipefail
runner=$1
n=${2:-20}
parallel=${3:-1}
out=build/tsan-seeds
mkdir -p "$out"
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1"

pass=0 reports=0
start=$(date +%s)
for seed in $(seq 1 "$n"); do
	log="$out/seed-$seed.log"
	t0=$(date +%s)
	"$runner" -seed "$seed" -parallel "$parallel" >"$log" 2>&1
	status=$?
	r=$(grep -c '^WARNING: ThreadSanitizer' "$log")
	reports=$((reports + r))
	if [ "$status" -eq 0 ] && [ "$r" -eq 0 ]; then
		pass=$((pass + 1))
		verdict=pass
	else
		verdict="FAIL (exit $status, $r TSan reports; see $log)"
	fi
	printf 'seed %3d: %s in %ds\n' "$seed" "$verdict" $(($(date +%s) - t0))
done
echo "tsan-seeds: $pass/$n seeds passed, $reports TSan reports, $(($(date +%s) - start))s wall"
[ "$pass" -eq "$n" ] && [ "$reports" -eq 0 ]
