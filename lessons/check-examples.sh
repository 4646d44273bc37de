#!/usr/bin/env bash
# Run every example in lessons/code/ and check that it does what its lesson
# says. Each example states that in its header, one line per claim:
#
#   expect: clean            exit 0, no ThreadSanitizer report, no finding
#   expect: tsan-race        TSan reports a data race naming every line
#                            marked RACE (exit 66)
#   expect: tsan-lock-order  TSan reports a lock-order inversion naming every
#                            line marked ORDER
#   expect: broken           TSan and the runtime stay silent, yet the
#                            example's own check fails: it prints "BROKEN:"
#                            and exits 1 (the bug only a protocol check sees)
#   expect: hang             the watchdog ends the program (exit 3) and its
#                            thread table names every line marked HANGS
#   expect: lockdep KIND     the runtime reports a lockdep finding of KIND at
#                            every line marked LOCKDEP
#   expect: static           clang -Wthread-safety warns on exactly the lines
#                            marked WARNS
#
# Marks are end-of-line comments: /* RACE */, /* HANGS: why */, and so on.
#
# Usage: lessons/check-examples.sh CLANG BIN_DIR OUT_DIR [NAME...]
# Each program's output goes to OUT_DIR/NAME.txt, where check-docs.sh
# compares it with the output a lesson quotes.
set -uo pipefail
cd "$(dirname "$0")/.."

clang=$1 bin=$2 out=$3
shift 3
mkdir -p "$out"
if [ $# -eq 0 ]; then
	set -- $(cd lessons/code && ls *.c | sed 's/\.c$//')
fi

export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1"

fail() {
	echo "lessons: FAIL: lessons/code/$name.c: $*"
}

marked_lines() {   # marked_lines MARK: the line numbers carrying /* MARK ... */
	grep -nE "/\* ([A-Z]+ )*$1[ :*]" "$src" | cut -d: -f1
}

check_one() {
	name=$1
	src=lessons/code/$name.c
	local log=$out/$name.txt
	local expects
	expects=$(sed -n 's/^ \* expect: //p' "$src")
	if [ -z "$expects" ]; then
		fail "no 'expect:' line in its header"
		return
	fi

	: >"$log"
	if grep -qx 'static' <<<"$expects"; then
		local static_flags=(-std=c11 -D_GNU_SOURCE -fsyntax-only -Iplatform -Iharness
			-Wthread-safety -Wthread-safety-beta -Wno-thread-safety-negative)
		local want got
		want=$(marked_lines WARNS | tr '\n' ' ')
		"$clang" "${static_flags[@]}" "$src" >"$log" 2>&1
		got=$(grep -oE "^$src:[0-9]+:[0-9]+: warning:" "$log" | cut -d: -f2 | sort -nu | tr '\n' ' ')
		[ -n "$want" ] || fail "expects static warnings but marks no line WARNS"
		[ "$want" = "$got" ] || fail "clang should warn on lines [ $want], warned on [ $got]"
	fi

	# The program itself. A hang the watchdog misses is stopped here.
	timeout 60 "$bin/$name" >>"$log" 2>&1
	local status=$?
	local want_status=0
	grep -qE '^(tsan-race|tsan-lock-order)$' <<<"$expects" && want_status=66
	grep -qx 'broken' <<<"$expects" && want_status=1
	grep -qx 'hang' <<<"$expects" && want_status=3
	[ "$status" -eq "$want_status" ] ||
		fail "exit status $status, expected $want_status (output: $log)"

	local line
	if grep -qx 'tsan-race' <<<"$expects"; then
		grep -q 'WARNING: ThreadSanitizer: data race' "$log" || fail "no TSan data race report"
		for line in $(marked_lines RACE); do
			grep -q "$name\.c:$line:" "$log" || fail "TSan did not name line $line (marked RACE)"
		done
	elif grep -qx 'tsan-lock-order' <<<"$expects"; then
		grep -q 'WARNING: ThreadSanitizer: lock-order-inversion' "$log" ||
			fail "no TSan lock-order-inversion report"
		for line in $(marked_lines ORDER); do
			grep -q "$name\.c:$line:" "$log" || fail "TSan did not name line $line (marked ORDER)"
		done
	elif grep -q 'WARNING: ThreadSanitizer' "$log"; then
		fail "unexpected ThreadSanitizer report"
	fi

	if grep -qx 'broken' <<<"$expects"; then
		grep -q '^BROKEN:' "$log" || fail "its own check did not report BROKEN"
	elif grep -q '^BROKEN:' "$log"; then
		fail "its own check failed: $(grep -m1 '^BROKEN:' "$log")"
	fi

	if grep -qx 'hang' <<<"$expects"; then
		grep -q '^watchdog: ' "$log" || fail "the watchdog did not report"
		for line in $(marked_lines HANGS); do
			grep -q "$name\.c:$line in " "$log" ||
				fail "the watchdog's table does not name line $line (marked HANGS)"
		done
	fi

	local kind
	kind=$(sed -n 's/^lockdep //p' <<<"$expects")
	if [ -n "$kind" ]; then
		for line in $(marked_lines LOCKDEP); do
			# One awk, not a pipe into grep -q: under pipefail the first
			# grep's SIGPIPE, once grep -q has its match, fails the check.
			awk -v kind="\"kind\":\"$kind\"" -v at="$name.c\",\"line\":$line," \
				'/^RRL-FINDING / && index($0, "\"detector\":\"lockdep\"") &&
				 index($0, kind) && index($0, at) { found = 1; exit }
				 END { exit !found }' "$log" ||
				fail "no lockdep $kind finding at line $line (marked LOCKDEP)"
		done
	elif grep -q '^RRL-FINDING .*"detector":"lockdep"' "$log"; then
		fail "unexpected lockdep finding: $(grep -m1 '"detector":"lockdep"' "$log")"
	fi
	if ! grep -qx 'hang' <<<"$expects" && grep -q '"detector":"watchdog"' "$log"; then
		fail "unexpected watchdog finding"
	fi
}

# Four at a time: the examples mostly wait (sleeps, hangs until the watchdog).
export -f check_one fail marked_lines
export clang bin out
results=$(printf '%s\n' "$@" | xargs -P 4 -I{} bash -c 'check_one {}' 2>&1)
[ -n "$results" ] && echo "$results"
failed=$(grep -o '^lessons: FAIL: [^:]*' <<<"$results" | sort -u | wc -l)
echo "lessons examples: $(($# - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
