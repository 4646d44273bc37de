#!/usr/bin/env bash
# clang's thread-safety analysis.
#   1. raft/ and lab/ must give no warning at all.
#   2. tests/static/wrong_calls.c breaks the lock protocol on purpose: every
#      line marked "EXPECT-WARNING" must be flagged, and nothing else.
# Usage: scripts/static-check.sh [clang]
set -uo pipefail
clang=${1:-clang}
flags=(-std=c11 -D_GNU_SOURCE -Ilab -Iraft -Itests -fsyntax-only
	-Wthread-safety -Wthread-safety-beta -Wno-thread-safety-negative)

status=0
out=$("$clang" "${flags[@]}" raft/*.c lab/*.c 2>&1)
count=$(grep -c 'warning:' <<<"$out")
if [ "$count" -ne 0 ]; then
	echo "$out"
	echo "static: FAIL: $count thread-safety warning(s) in raft/ and lab/"
	status=1
else
	echo "static: raft/ and lab/: 0 thread-safety warnings ($clang)"
fi

fixture=tests/static/wrong_calls.c
expected=$(grep -n '/\* EXPECT-WARNING' "$fixture" | cut -d: -f1 | sort -n | tr '\n' ' ')
out=$("$clang" "${flags[@]}" "$fixture" 2>&1)
flagged=$(grep -oE "^$fixture:[0-9]+:[0-9]+: warning:" <<<"$out" | cut -d: -f2 | sort -nu | tr '\n' ' ')
if [ "$expected" != "$flagged" ]; then
	echo "$out"
	echo "static: FAIL: $fixture: expected warnings on lines [ $expected], got [ $flagged]"
	status=1
else
	echo "static: $fixture: the deliberate mistakes are flagged on lines [ $expected]"
fi
exit $status
