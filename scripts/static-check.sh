#!/usr/bin/env bash
# clang's thread-safety analysis.
#   1. raft/, platform/ and harness/ must give no warning at all. Each is
#      compiled with the include paths the build gives it.
#   2. tests/static/wrong_calls.c breaks the lock protocol on purpose: every
#      line marked "EXPECT-WARNING" must be flagged, and nothing else.
# Usage: scripts/static-check.sh [clang]
set -uo pipefail
clang=${1:-clang}
flags=(-std=c11 -D_GNU_SOURCE -fsyntax-only
	-Wthread-safety -Wthread-safety-beta -Wno-thread-safety-negative)
peer_flags=("${flags[@]}" -Iplatform -include raft.h)
trusted_flags=("${flags[@]}" -Iplatform -Iharness)

status=0
out=$("$clang" "${peer_flags[@]}" raft/*.c 2>&1; "$clang" "${trusted_flags[@]}" platform/*.c harness/*.c 2>&1)
count=$(grep -c 'warning:' <<<"$out")
if [ "$count" -ne 0 ]; then
	echo "$out"
	echo "static: FAIL: $count thread-safety warning(s) in raft/, platform/ and harness/"
	status=1
else
	echo "static: raft/, platform/ and harness/: 0 thread-safety warnings ($clang)"
fi

fixture=tests/static/wrong_calls.c
expected=$(grep -n '/\* EXPECT-WARNING' "$fixture" | cut -d: -f1 | sort -n | tr '\n' ' ')
out=$("$clang" "${peer_flags[@]}" -Iraft "$fixture" 2>&1)
flagged=$(grep -oE "^$fixture:[0-9]+:[0-9]+: warning:" <<<"$out" | cut -d: -f2 | sort -nu | tr '\n' ' ')
if [ "$expected" != "$flagged" ]; then
	echo "$out"
	echo "static: FAIL: $fixture: expected warnings on lines [ $expected], got [ $flagged]"
	status=1
else
	echo "static: $fixture: the deliberate mistakes are flagged on lines [ $expected]"
fi
exit $status
