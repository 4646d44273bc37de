#!/usr/bin/env bash
# The scenario runner's -run: a pattern that selects no test, or is not a
# regular expression, is an error (exit 2 and a message), never a PASS;
# `make scenarios RUN=...` passes that on. A pattern that does select runs.
# -parallel N runs N tests side by side.
# Usage: scripts/check-runner-cli.sh RUNNER   (MAKE= names the make to use)
set -uo pipefail
runner=$1
make=${MAKE:-make}
failed=0

# expect STATUS TEXT COMMAND...: COMMAND exits with STATUS and prints TEXT.
expect() {
	local want=$1 text=$2
	shift 2
	local out status
	out=$("$@" 2>&1)
	status=$?
	if [ "$status" -ne "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
		echo "runner-cli: FAIL: $*: want exit $want and \"$text\", got exit $status:"
		sed 's/^/    /' <<<"$out"
		failed=1
	elif [ "$want" -ne 0 ] && grep -q '^PASS' <<<"$out"; then
		echo "runner-cli: FAIL: $*: exit $want but it printed PASS"
		failed=1
	fi
}

expect 2 'matches no test' "$runner" -run NoSuchTest
expect 2 'matches no test' "$runner" -list -run NoSuchTest
expect 2 'invalid -run pattern' "$runner" -run '('
expect 0 'TestInitialElection3A' "$runner" -list -run '^TestInitialElection3A$'
if [ "$("$runner" -list -run '^TestInitialElection3A$' | wc -l)" -ne 1 ]; then
	echo "runner-cli: FAIL: -list -run '^TestInitialElection3A\$' lists more than that test"
	failed=1
fi
expect 2 'for -parallel' "$runner" -parallel 0
# Two tests side by side: both start before either ends, each passes.
out=$("$runner" -v -parallel 2 -run '^Test(InitialElection|ReElection)3A$' -seed 1 2>&1)
if ! grep -q '2 passed' <<<"$out" ||
	[ "$(grep -m2 -E '^(=== RUN|--- PASS)' <<<"$out" | grep -c '^=== RUN')" -ne 2 ]; then
	echo "runner-cli: FAIL: -parallel 2 did not run two tests side by side:"
	sed 's/^/    /' <<<"$out"
	failed=1
fi
# The verdicts' and findings' own channels: a descriptor that is not open
# is refused; one that is gets a JSON line per test and the counts.
expect 2 'want an open descriptor' "$runner" -results-fd 7 -run '^TestInitialElection3A$'
expect 2 'want an open descriptor' "$runner" -findings-fd 1 -run '^TestInitialElection3A$'
results=$(mktemp)
"$runner" -run '^TestInitialElection3A$' -seed 1 -results-fd 3 -findings-fd 4 3>"$results" 4>/dev/null >/dev/null 2>&1
if ! grep -q '^{"test":"TestInitialElection3A","seed":1,"passed":true' "$results" ||
	! grep -q '^{"done":true,"passed":1,"failed":0}$' "$results"; then
	echo "runner-cli: FAIL: -results-fd 3 did not get the verdict and the counts:"
	sed 's/^/    /' "$results"
	failed=1
fi
rm -f "$results"
# make reports a failed recipe with exit status 2.
expect 2 'matches no test' "$make" --no-print-directory scenarios RUN=NoSuchTest

[ "$failed" -eq 0 ] && echo "runner-cli: ok (a -run that selects nothing exits 2, also through make; -parallel 2 runs two tests at once; -results-fd gets the verdicts)"
exit "$failed"
