#!/usr/bin/env bash
# make grade-bench: a class graded the way docs/grading.md's acceptance asks,
# timed, and graded again to see whether the grades hold.
#
# The class (OUT/submissions/, one directory per student):
#   ref-01 ... ref-NN   copies of the reference peer: each must get full marks
#   hostile-NAME        each attack of tests/hostile/ (its README): each must
#                       be refused or contained, and say so in its report
#   bug-ID              the buggy tree of each exercise in --bugs
#
# It is graded --runs times with rrl-grade --regrade (against the reference
# suite, as `make grade` without EX=), each batch into OUT/run-K/. At the end,
# OUT/summary.md has each batch's wall time and, per student, the scores the
# batches gave and whether they all agree; it is printed too.
#
# Usage: scripts/grade-bench.sh [options] OUT
#   --copies N      copies of the reference (default 30)
#   --runs R        batches (default 1)
#   --seeds S       the grader's seeds (default: rrl-grade's)
#   --bugs "ID..."  exercises whose buggy tree joins the class (default:
#                   get-state and vote-call, rules 1 and 4, and step-down,
#                   which only the invariants see)
#   --no-hostile    leave the hostile trees out
#
# Run as root, as the sandbox needs (docs/grading.md). A grading takes about
# a minute a student on two CPUs (the default class, 35 min: docs/
# measurements.md); measure regrading on a smaller class.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
	echo "grade-bench: $*" >&2
	exit 2
}

copies=30 runs=1 seeds='' bugs="get-state vote-call step-down" hostile=true out=''
while [ $# -gt 0 ]; do
	case $1 in
	--copies) copies=${2:?--copies needs a number}; shift 2 ;;
	--runs) runs=${2:?--runs needs a number}; shift 2 ;;
	--seeds) seeds=${2:?--seeds needs a number}; shift 2 ;;
	--bugs) bugs=${2?--bugs needs a list}; shift 2 ;;
	--no-hostile) hostile=false; shift ;;
	-*) die "unknown option '$1' (see the top of $0)" ;;
	*) [ -z "$out" ] || die "one OUT directory only"; out=$1; shift ;;
	esac
done
[ -n "$out" ] || die "say where the class and its grades go: scripts/grade-bench.sh OUT"
[ "$(id -u)" -eq 0 ] || die "run as root: the sandbox needs it"
[[ $copies =~ ^[0-9]+$ && $runs =~ ^[1-9][0-9]*$ ]] || die "--copies and --runs take numbers"

make -s --no-print-directory OUT=build checker build/plain/raft-tests
class=$out/submissions
rm -rf "$class"
mkdir -p "$class"

for ((i = 1; i <= copies; i++)); do
	student=$(printf 'ref-%02d' "$i")
	mkdir -p "$class/$student"
	cp -r raft "$class/$student/"
done

# A hostile tree: raft/ with the attack's file in it, called first thing in
# raft_make, as the driver's hostile suite builds it (tests/hostile/README.md).
if $hostile; then
	for source in tests/hostile/*.c; do
		name=$(basename "$source" .c)
		tree=$class/hostile-$name
		mkdir -p "$tree"
		cp -r raft "$tree/"
		cp "$source" "$tree/raft/hostile.c"
		awk '/^raft \*raft_make\(/ && !done { print "void hostile_act(void);"; in_make = 1 }
			in_make && /\{/ { sub(/\{/, "{ hostile_act();"); in_make = 0; done = 1 }
			{ print }' raft/raft.c >"$tree/raft/raft.c"
		grep -q 'hostile_act();' "$tree/raft/raft.c" || die "could not find raft_make in raft/raft.c"
	done
fi

if [ -n "$bugs" ]; then
	# shellcheck disable=SC2086 # the ids are words
	scripts/exercise.sh materialise $bugs >/dev/null
	for id in $bugs; do
		mkdir -p "$class/bug-$id"
		cp -r "build/exercises/$id/buggy/raft" "$class/bug-$id/"
	done
fi
students=$(find "$class" -mindepth 1 -maxdepth 1 -type d | wc -l)
echo "grade-bench: $students students in $class ($copies reference copies), $runs batch(es)" >&2

walls=()
for ((k = 1; k <= runs; k++)); do
	grades=$out/run-$k
	start=$(date +%s)
	build/checker/rrl-grade --submissions "$class" --out "$grades" --regrade \
		${seeds:+--seeds "$seeds"}
	walls+=("$(($(date +%s) - start))")
	echo "grade-bench: batch $k of $runs took ${walls[-1]} s" >&2
done

# Per student: the score of each batch, and whether they all agree.
table=$(for ((k = 1; k <= runs; k++)); do
	jq -r --arg k "$k" '.[] | [.student, $k, .score, .max_score, .build] | @tsv' "$out/run-$k/grades.json"
done | sort -k1,1 -k2,2n | awk -F'\t' -v runs="$runs" '
	{ scores[$1] = scores[$1] (scores[$1] == "" ? "" : " ") $3; max[$1] = $4; build[$1] = $5
	  if (!($1 in first)) { first[$1] = $3; order[++n] = $1 } else if ($3 != first[$1]) differ[$1] = 1 }
	END {
		print "| student | build | its score in each batch | the same in every batch |"
		print "|---|---|---|---|"
		for (i = 1; i <= n; i++) { s = order[i]
			printf "| %s | %s | %s (of %s) | %s |\n", s, build[s], scores[s], max[s],
				(s in differ) ? "no" : "yes " runs "/" runs }
	}')
{
	echo "# grade-bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "\`scripts/grade-bench.sh --copies $copies --runs $runs${seeds:+ --seeds $seeds} --bugs \"$bugs\"$($hostile || echo ' --no-hostile')\`:"
	echo "$students students; wall time per batch: ${walls[*]} s."
	echo
	echo "$table"
} >"$out/summary.md"
cat "$out/summary.md"
