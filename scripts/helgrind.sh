#!/usr/bin/env bash
# Run the scenario suite under Helgrind with XML output, one XML file per
# test process, and count the errors with an XML parser (xmllint).
# Usage: scripts/helgrind.sh RUNNER [runner flags...]
# HELGRIND_SCALE stretches time (default 8): Helgrind runs every thread on
# one core and needs about 20x the CPU of a native run, so the protocol's
# timeouts must stretch with it.
# At 8 the whole suite passes with Helgrind busy less than half of the wall
# time (3C: 9 min of CPU in 21 min), which leaves room for a loaded machine;
# wall time is about the suite's logical time times the scale.
set -uo pipefail
runner=$1
shift
# XML goes next to the runner's build (build/helgrind for build/plain/...);
# HELGRIND_OUT overrides it, so two runs at once need not share a directory.
out=${HELGRIND_OUT:-$(dirname "$(dirname "$runner")")/helgrind}
rm -rf "$out"
mkdir -p "$out"
scale=${HELGRIND_SCALE:-8}

# tests/helgrind.supp: false positives in glibc and in Helgrind's own
# pthread wrappers, each explained there. Nothing in raft/, platform/ or harness/.
valgrind --tool=helgrind --xml=yes --xml-file="$out/helgrind.%p.xml" \
	--suppressions="$(dirname "$0")/../tests/helgrind.supp" \
	--child-silent-after-fork=no --error-exitcode=67 \
	"$runner" -scale "$scale" "$@"
status=$?

errors=0
for f in "$out"/helgrind.*.xml; do
	[ -s "$f" ] || continue
	n=$(xmllint --xpath 'count(//valgrindoutput/error)' "$f" 2>/dev/null || echo 0)
	if [ "${n%.*}" -gt 0 ]; then
		echo "helgrind: $f: $n error(s)"
		xmllint --xpath '//valgrindoutput/error/kind/text()' "$f" 2>/dev/null | sort | uniq -c
	fi
	errors=$((errors + ${n%.*}))
done
echo "helgrind: $errors error(s) in $(ls "$out" | wc -l) process(es); XML in $out/"
[ "$status" -eq 0 ] && [ "$errors" -eq 0 ]
