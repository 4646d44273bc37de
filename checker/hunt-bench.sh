#!/usr/bin/env bash
# make hunt-bench / make hunt-reference: the invariants detector at the
# checker's default settings (its hunt, checker/README.md), measured, with
# the table written into docs/measurements.md between this script's markers.
#
# Usage: checker/hunt-bench.sh [options] bugs [ID...] | reference
#   bugs        the rule-2, -3 and -5 test set: every draft (buggy/drafts/) and
#               every catalog exercise of rule 2, 3 or 5 that expects the
#               invariants detector, buggy variant, or only the IDs given
#               (default 20 seeds)
#   reference   the reference peer, where any finding is a false alarm
#               (default 100 seeds)
#   --seeds N   seeds 1..N
#   --run REGEX the reference's scenarios (default: the checker's); a regex
#               that selects a 3D test brings in the snapshot lanes, e.g.
#               --run SnapshotInit3D --section reference-3d
#   -j N        runs at a time (default: the CPUs; more, and a loaded machine
#               slows the peers' threads enough to fail the reference's
#               timing checks under the hunt's noise)
#   --no-write  print the table, leave docs/measurements.md alone
#   --section S write between the markers "<!-- hunt-bench S begin/end -->"
#               (default: bugs or reference), e.g. a re-measure of a few IDs
#
# The acceptance it checks (the ✓ column): a bug is detected on at least 95%
# of the seeds, its bug lines (or the functions that hold them) are among a
# finding's history sites on at least 75%, and the median time from a run's
# start to its first finding is at most 10 s; the reference has no finding.
set -euo pipefail
cd "$(dirname "$0")/.."

DOC=docs/measurements.md
die() {
	echo "hunt-bench: $*" >&2
	exit 2
}

seeds= jobs=$(nproc) write=true mode= only=() section= run=
while [ $# -gt 0 ]; do
	case $1 in
	--seeds) seeds=${2:?--seeds needs a number}; shift 2 ;;
	--run) run=${2:?--run needs a regex}; shift 2 ;;
	-j) jobs=${2:?-j needs a number}; shift 2 ;;
	--no-write) write=false; shift ;;
	--section) section=${2:?--section needs a name}; shift 2 ;;
	bugs | reference) mode=$1; shift ;;
	-*) die "unknown option '$1' (see the top of $0)" ;;
	*) [ "$mode" = bugs ] || die "unknown argument '$1' (see the top of $0)"; only+=("$1"); shift ;;
	esac
done
[ -n "$mode" ] || die "say what to measure: bugs or reference"
section=${section:-$mode}

make -s --no-print-directory build/checker/rrl-check
json=build/hunt-bench-$mode.json
check=(build/checker/rrl-check -q -d invariants -j "$jobs" --json "$json")

if [ "$mode" = bugs ]; then
	seeds=${seeds:-20}
	mapfile -t drafts < <(DRAFTS=1 scripts/exercise.sh list | tail -n +2 | awk '{print $1}')
	mapfile -t landed < <(for f in buggy/*/exercise.json; do
		jq -r 'select((.rule == 2 or .rule == 3 or .rule == 5) and (.expected | index("invariants"))) | .id' "$f"
	done)
	if [ ${#only[@]} -gt 0 ]; then
		keep() { local id; for id in "$@"; do [[ " ${only[*]} " == *" $id "* ]] && echo "$id"; done; return 0; }
		mapfile -t drafts < <(keep "${drafts[@]}")
		mapfile -t landed < <(keep "${landed[@]}")
	fi
	trees=()
	if [ ${#drafts[@]} -gt 0 ]; then
		DRAFTS=1 scripts/exercise.sh materialise "${drafts[@]}" >/dev/null
		for id in "${drafts[@]}"; do trees+=("build/drafts/$id/buggy"); done
	fi
	if [ ${#landed[@]} -gt 0 ]; then
		scripts/exercise.sh materialise "${landed[@]}" >/dev/null
		for id in "${landed[@]}"; do trees+=("build/exercises/$id/buggy"); done
	fi
	[ ${#trees[@]} -gt 0 ] || die "no rule-2, -3 or -5 bugs, drafted or landed"
	command="make hunt-bench SEEDS=$seeds${only[*]:+ IDS=\"${only[*]}\"}"
	echo "hunt-bench: ${#trees[@]} bugs, seeds 1-$seeds, $jobs runs at a time" >&2
	"${check[@]}" -s "$seeds" "${trees[@]}" || [ $? -eq 1 ]
else
	seeds=${seeds:-100}
	command="make hunt-reference SEEDS=$seeds"
	[ -z "$run" ] || command+=" RUN=\"$run\""
	echo "hunt-bench: the reference, seeds 1-$seeds${run:+, scenarios $run}, $jobs runs at a time" >&2
	"${check[@]}" -s "$seeds" ${run:+-r "$run"} --variant reference . || [ $? -eq 1 ]
fi

# One row per target, from the JSON report.
table=$(jq -r --arg mode "$mode" '
	def secs: if . == null then "–" else "\(. * 10 | round / 10) s" end;
	.check as $c
	| (if $mode == "bugs" then
		"| bug | rule | source | detected | at a bug line | at a bug line or its function | median to the first finding | what saw it | ✓ |",
		"|---|---|---|---|---|---|---|---|---|"
	  else
		"| tree | seeds | findings | of which kinds | ✓ |",
		"|---|---|---|---|---|"
	  end),
	(.results[] | .detectors.invariants as $d
	 | if $mode == "bugs" then
		(.exercise.id // .target) as $id
		| ($d.runs) as $n
		| (($d.detected >= 0.95 * $n) and (($d.detected_at_bug // 0) >= 0.75 * $n)
		   and ($d.median_detect_s != null and $d.median_detect_s <= 10)) as $ok
		| "| \($id)\(if (.target | test("drafts")) then " (draft)" else "" end) | \(.exercise.rule // "?") | \(.exercise.source // "?") | \($d.detected)/\($n) | \($d.detected_on_bug_line // $d.detected_at_bug // 0)/\($n) | \($d.detected_at_bug // 0)/\($n) | \($d.median_detect_s | secs) | \([$d.findings[].kind] | unique | join(", ")) | \(if $ok then "✓" else "✗" end) |"
	   else
		"| \(.target) | \($d.runs) | \($d.findings | length) | \([$d.findings[].kind] | unique | join(", ") | if . == "" then "–" else . end) | \(if ($d.findings | length) == 0 then "✓" else "✗" end) |"
	   end)' "$json")
when=$(date -u '+%Y-%m-%d %H:%M UTC')
hunt=$(jq -r '.check.hunt | if . == null then "none" else "noise \(.noise), lanes \([.lanes[].name] | join(", "))" end' "$json")
took=$(jq -r '.check.seconds / 60 | round' "$json")
section_text="<!-- hunt-bench $section begin -->
Made by \`$command\` (checker/hunt-bench.sh) on $when: \`rrl-check -d invariants\` at its defaults, seeds 1–$seeds;
hunt: $hunt; the check took $took min.

$table
<!-- hunt-bench $section end -->"
echo "$section_text"
$write || exit 0

begin="<!-- hunt-bench $section begin -->" end="<!-- hunt-bench $section end -->"
grep -qF "$begin" "$DOC" || die "$DOC has no '$begin' line; add the markers where the table belongs"
awk -v begin="$begin" -v end="$end" -v section="$section_text" '
	$0 == begin { print section; skipping = 1; next }
	$0 == end { skipping = 0; next }
	!skipping { print }' "$DOC" >"$DOC.new"
mv "$DOC.new" "$DOC"
echo "hunt-bench: wrote the table into $DOC" >&2
