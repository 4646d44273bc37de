#!/usr/bin/env bash
# A first look: two scenarios under ThreadSanitizer, then where to go next.
set -uo pipefail
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1"
echo "== Running InitialElection3A and BasicAgree3B under ThreadSanitizer"
echo
build/tsan/raft-tests -run 'InitialElection3A|BasicAgree3B' -v 2>&1 | tee build/demo.log
status=${PIPESTATUS[0]}
reports=$(grep -c '^WARNING: ThreadSanitizer' build/demo.log)
echo
if [ "$status" -eq 0 ] && [ "$reports" -eq 0 ]; then
	echo "== The reference Raft elected a leader and agreed on entries; TSan reported 0 problems."
else
	echo "== Something failed (exit $status, $reports TSan reports); the log is build/demo.log."
fi
echo "   Next: 'make test' runs everything; 'make help' lists the targets; see README.md."
exit "$status"
