#!/usr/bin/env bash
# A handout must not give the answer away. For every exercise in the catalog,
# build a handout and check that it holds
#   - no BUG marker and no metadata file (exercise.json, bug.patch, variant);
#   - no rule number ("rule 3", "Rule 3", "R3-07") and no real-bugs id;
#   - no write-up: nothing from fixed/<id>/README.md;
#   - no fixed code: no line the fix adds that the buggy tree lacks;
#   - a peer tree that is exactly the buggy tree without its markers.
# Prints "N passed, N failed" and exits non-zero on any leak.
set -uo pipefail
cd "$(dirname "$0")/../.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mapfile -t ids < <(scripts/exercise.sh list | tail -n +2 | awk '{print $1}')
if [ ${#ids[@]} -eq 0 ]; then
	echo "test_handout: no exercises in buggy/" >&2
	exit 1
fi
scripts/exercise.sh handout "$out" "${ids[@]}" >/dev/null || exit 1

passed=0 failed=0
fail() {
	echo "FAIL $id: $*"
	failed=$((failed + 1))
	ok=false
}

# Lines the fix adds and the buggy tree lacks: the code a handout must not show.
fix_lines() {
	git diff --no-index --no-prefix -U0 "build/exercises/$id/buggy/raft" "build/exercises/$id/fixed/raft" |
		grep -E '^\+[^+]' | sed -E 's/^\+[[:space:]]*//; s/[[:space:]]+$//' | grep -E '.{12,}' |
		while IFS= read -r line; do
			grep -rqF -- "$line" "build/exercises/$id/student/raft" || echo "$line"
		done
}

for id in "${ids[@]}"; do
	ok=true
	dir=$out/$id
	grep -rnE '/\* BUG' "$dir" >/dev/null && fail "a BUG marker is in the handout"
	for f in exercise.json bug.patch fix.patch variant; do
		[ -n "$(find "$dir" -name "$f")" ] && fail "$f is in the handout"
	done
	grep -rnEi '\brule [0-5]\b|\bR[0-5]-[0-9]{2}\b' "$dir" >/dev/null &&
		fail "a rule number or real-bugs id is in the handout: $(grep -rnEoi '\brule [0-5]\b|\bR[0-5]-[0-9]{2}\b' "$dir" | head -1)"
	while IFS= read -r sentence; do
		grep -rqF -- "$sentence" "$dir" && fail "the write-up leaks: '$sentence'"
	done < <(awk '/^```/ {code = !code; next} !code' "fixed/$id/README.md" |
		grep -vE '^(#|\||$)' | grep -E '.{40,}' | head -20)
	while IFS= read -r line; do
		grep -rqF -- "$line" "$dir" && fail "fixed code leaks: '$line'"
	done < <(fix_lines)
	diff -r "$dir/raft" "build/exercises/$id/student/raft" >/dev/null ||
		fail "the peer tree is not the student tree"
	$ok && passed=$((passed + 1))
done
echo "handout: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
