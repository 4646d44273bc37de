#!/usr/bin/env bash
# Every exercise pair, quickly:
#   - its patch (and its fix's patch) still applies to raft/;
#   - the buggy tree builds and its fastest expected detector catches the bug
#     within 5 seeds (so a bug caught in 19 seeds of 20 does not make this
#     test flaky; the matrix measures the real rate);
#   - the fixed tree is clean on one seed under every detector but Helgrind,
#     without the hunt (Helgrind's ~35 s a run and the hunt's ~50 s a seed
#     on a clean tree belong to the matrix). Most fixed trees are raft/
#     itself: those are checked once, together, on the union of their
#     exercises' scenarios, rather than once per exercise on scenarios that
#     overlap;
#   - the reference is clean on one seed of the hunt (make hunt-reference
#     measures 100).
# Usage: tests/catalog/test_exercises.sh [ID...]   (default: every exercise)
# Prints "N passed, N failed" and exits non-zero if any pair fails.
set -uo pipefail
cd "$(dirname "$0")/../.."

CHECK=build/checker/rrl-check
MAX_SEEDS=5
# Cheapest first: a static pass takes seconds, the runtime's own detectors
# ride on plain runs, TSan slows a run down, Helgrind most of all.
SPEED_ORDER=(static lockdep invariants watchdog tsan helgrind)

make -s --no-print-directory "$CHECK" || exit 2
if [ $# -gt 0 ]; then
	ids=("$@")
else
	mapfile -t ids < <(scripts/exercise.sh list | tail -n +2 | awk '{print $1}')
fi
[ ${#ids[@]} -gt 0 ] || { echo "test_exercises: no exercises" >&2; exit 1; }
scripts/exercise.sh materialise "${ids[@]}" || exit 1

fastest_expected() {
	local expected d
	expected=$(jq -r '.expected[]' "build/exercises/$1/buggy/exercise.json")
	for d in "${SPEED_ORDER[@]}"; do
		grep -qx "$d" <<<"$expected" && { echo "$d"; return; }
	done
}

# fixed_is_clean TREE [RUN]: every detector but Helgrind, no hunt, seed 1,
# on RUN's scenarios (default: the exercise's).
fixed_is_clean() {
	"$CHECK" -d static,tsan,lockdep,invariants,watchdog --no-hunt -s 1 ${2:+-r "$2"} "$1"
}

passed=0 failed=0 reference_runs=() reference_ids=()
for id in "${ids[@]}"; do
	tree=build/exercises/$id
	detector=$(fastest_expected "$id")
	if [ -z "$detector" ]; then
		echo "FAIL $id: exercise.json expects no detector"
		failed=$((failed + 1))
		continue
	fi
	caught=0
	for seed in $(seq 1 $MAX_SEEDS); do
		if "$CHECK" -d "$detector" -s "$seed-$seed" "$tree/buggy" >"$tree/buggy.check.log" 2>&1; then
			caught=$seed
			break
		fi
		# Exit 2 is a build or usage error: more seeds will not help.
		[ $? -eq 2 ] && break
	done
	if [ "$caught" -eq 0 ]; then
		echo "FAIL $id: $detector did not catch the bug in $MAX_SEEDS seeds (log: $tree/buggy.check.log)"
		failed=$((failed + 1))
		continue
	fi
	if [ ! -f "fixed/$id/fix.patch" ]; then
		reference_runs+=("$(jq -r .scenarios "$tree/buggy/exercise.json")")
		reference_ids+=("$id")
		echo "ok   $id: $detector caught the bug at seed $caught; the fix is raft/ (checked below)"
		passed=$((passed + 1))
		continue
	fi
	if ! fixed_is_clean "$tree/fixed" "" >"$tree/fixed.check.log" 2>&1; then
		echo "FAIL $id: the fixed tree is not clean on seed 1 (log: $tree/fixed.check.log)"
		failed=$((failed + 1))
		continue
	fi
	echo "ok   $id: $detector caught the bug at seed $caught; the fix is clean"
	passed=$((passed + 1))
done

# The fixed trees that are raft/ itself, once: one plain and one TSan run of
# every scenario any of their exercises names.
if [ ${#reference_ids[@]} -gt 0 ]; then
	union=$(IFS='|'; echo "${reference_runs[*]}")
	log=build/exercises/reference-fixed.log
	if fixed_is_clean "build/exercises/${reference_ids[0]}/fixed" "$union" >"$log" 2>&1; then
		echo "ok   the fixed trees of ${#reference_ids[@]} exercises (raft/ itself): clean on seed 1"
		passed=$((passed + 1))
	else
		echo "FAIL the fixed trees of ${#reference_ids[@]} exercises (raft/ itself): not clean on seed 1 (log: $log)"
		failed=$((failed + 1))
	fi
fi
if [ $# -eq 0 ]; then
	if "$CHECK" -d lockdep,invariants,watchdog -s 1 --variant reference . \
		>build/exercises/reference-hunt.log 2>&1; then
		echo "ok   the reference: clean under the hunt, seed 1"
		passed=$((passed + 1))
	else
		echo "FAIL the reference: findings under the hunt, seed 1 (log: build/exercises/reference-hunt.log)"
		failed=$((failed + 1))
	fi
fi
echo "exercises: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
