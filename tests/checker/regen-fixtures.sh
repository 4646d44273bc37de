#!/usr/bin/env bash
# Regenerate the checker's fixtures (tests/checker/fixtures/) from real
# detector runs: the small programs in tests/checker/fixture_programs/,
# buggy copies of raft/ (fixture_programs/raft_bugs/*.patch) and raft/
# itself.
# tests/checker/fixtures/README.md says what each file is.
#
# Usage: tests/checker/regen-fixtures.sh [runs|field_race]   (about a
# minute; with runs, only fixtures/runs/, about 20 s; with field_race, only
# field_race.c's reports; needs the packages `make deps` installs: clang,
# gcc, valgrind, llvm-symbolizer)
#
# The outputs hold absolute paths (/work/main/... for the programs,
# /tmp/rrl-fixtures.*/ for the buggy trees); the parsers must not care.
# findings_handmade.txt is written by hand and left alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
progs=$root/tests/checker/fixture_programs
fx=$root/tests/checker/fixtures
work=$(mktemp -d /tmp/rrl-fixtures.XXXXXX)
trap 'rm -rf "$work"' EXIT

clang=${CLANG:-$(command -v clang-19 || command -v clang)}
export TSAN_SYMBOLIZER_PATH=${TSAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer-19 || command -v llvm-symbolizer)}
cflags=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -g -fno-omit-frame-pointer)
tsan_opts="halt_on_error=0 second_deadlock_stack=1"

# The sources of one fixture program.
sources() {
	case $1 in
	peer_race) echo "$progs/peer_race.c $progs/raft/ledger.c $progs/store.c" ;;
	*) echo "$progs/$1.c" ;;
	esac
}

# ThreadSanitizer's report file (log_path) for program $1 built by $2,
# saved as tsan_$3_$1.txt.
tsan_fixture() {
	local name=$1 cc=$2 tag=$3 exe=$work/$1-$3
	# shellcheck disable=SC2046
	"$cc" "${cflags[@]}" -O1 -fsanitize=thread $(sources "$name") -o "$exe" -lpthread
	TSAN_OPTIONS="$tsan_opts log_path=$work/$name-$tag" "$exe" >/dev/null 2>&1 || true
	cat "$work/$name-$tag".* >"$fx/tsan_${tag}_$name.txt"
	echo "  tsan_${tag}_$name.txt"
}

# Helgrind's XML for program $1 (and, with $2 = text, its text log too).
helgrind_fixture() {
	local name=$1 exe=$work/$1-plain
	# shellcheck disable=SC2046
	gcc "${cflags[@]}" -O0 $(sources "$name") -o "$exe" -lpthread
	# The program's exit status is its own (ended_holding's is 3).
	valgrind --tool=helgrind --xml=yes --xml-file="$fx/helgrind_$name.xml" "$exe" >/dev/null 2>&1 || true
	echo "  helgrind_$name.xml"
	if [ "${2:-}" = text ]; then
		valgrind --tool=helgrind --log-file="$fx/helgrind_$name.txt" "$exe" >/dev/null 2>&1
		echo "  helgrind_$name.txt"
	fi
}

# A copy of raft/ with one bug patched in (none without $2), built against
# this tree's trusted parts exactly as the checker builds a submission.
buggy_tree() {
	local name=$1 patch=$2 flavour=$3
	if [ ! -d "$work/$name/raft" ]; then
		mkdir -p "$work/$name"
		cp -r raft "$work/$name/raft"
		case $patch in
		"") ;;
		*/*) (cd "$work/$name" && patch -s -p1 <"$root/$patch") ;; # a catalog exercise's
		*) (cd "$work/$name" && patch -s -p1 <"$progs/raft_bugs/$patch") ;;
		esac
	fi
	make --no-print-directory -s RAFT_DIR="$work/$name/raft" OUT="$work/$name/build" \
		"$work/$name/build/$flavour/raft-tests" >/dev/null
}

# One run of TestInitialElection3A on tree $1 as rrl-check makes it
# (checker/plan.c: the same options, TSAN_OPTIONS and Valgrind flags), its
# files named as in the checker's logs directory: runs/$1/$2.seed$3.out and
# .err, and TSan's reports or Helgrind's XML beside them.
record_run() {
	local tree=$1 kind=$2 seed=$3 dir=$fx/runs/$1 bin=$work/$1/build
	local scenario='^TestInitialElection3A$'
	mkdir -p "$dir"
	case $kind in
	plain) "$bin/plain/raft-tests" -run "$scenario" -seed "$seed" -noise 0.05 ;;
	tsan)
		TSAN_OPTIONS="log_path=$dir/tsan.seed$seed second_deadlock_stack=1 halt_on_error=0 exitcode=66 history_size=4" \
			"$bin/tsan/raft-tests" -run "$scenario" -seed "$seed" -noise 0.05
		;;
	helgrind)
		valgrind --tool=helgrind --xml=yes --xml-file="$dir/hg.seed$seed.%p.xml" \
			--suppressions=tests/helgrind.supp --child-silent-after-fork=no \
			"$bin/plain/raft-tests" -run "$scenario" -seed "$seed" -scale 8
		;;
	esac >"$dir/$kind.seed$seed.out" 2>"$dir/$kind.seed$seed.err" || true
	echo "  runs/$tree/$kind.seed$seed.*"
}

# The parser fixtures: each detector's own output.
parser_fixtures() {
	echo "ThreadSanitizer ($clang, gcc):"
	for p in race peer_race lock_order misuse uaf; do tsan_fixture "$p" "$clang" clang; done
	for p in race lock_order misuse; do tsan_fixture "$p" gcc gcc; done

	echo "Helgrind:"
	helgrind_fixture race text
	helgrind_fixture lock_order text
	helgrind_fixture peer_race
	helgrind_fixture misuse
	# ended_holding: a thread stopped holding a lock by _exit, with and
	# without the watchdog's mark before it.
	helgrind_fixture ended_holding
	valgrind --tool=helgrind --xml=yes --xml-file="$fx/helgrind_ended_holding_marked.xml" \
		"$work/ended_holding-plain" mark >/dev/null 2>&1 || true
	echo "  helgrind_ended_holding_marked.xml"
	head -c 3000 "$fx/helgrind_lock_order.xml" >"$fx/helgrind_truncated.xml"
	echo "  helgrind_truncated.xml"

	echo "clang -Wthread-safety:"
	static_flags=(-std=c11 -D_GNU_SOURCE -Iplatform -include raft.h -Iraft -fsyntax-only
		-Wthread-safety -Wthread-safety-beta -Wno-thread-safety-negative)
	"$clang" "${static_flags[@]}" tests/static/wrong_calls.c >"$fx/clang_wrong_calls.txt" 2>&1 || true
	echo "  clang_wrong_calls.txt"
	"$clang" "${static_flags[@]}" "$progs/static_wrong.c" >"$fx/clang_static_wrong.txt" 2>&1 || true
	echo "  clang_static_wrong.txt"

	echo "Buggy raft/ trees:"
	buggy_tree vote vote_reply_without_lock.patch tsan
	TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1" \
		"$work/vote/build/tsan/raft-tests" -run '^TestInitialElection3A$' -seed 7 \
		>"$fx/tsan_raft_vote_reply.txt" 2>&1 || true
	echo "  tsan_raft_vote_reply.txt"

	buggy_tree vote vote_reply_without_lock.patch plain
	# Helgrind sees a race only when the schedule leaves the two accesses
	# unordered; on a loaded machine a run can miss it, so try a few seeds.
	# One XML per process: keep the test process's (the one with errors).
	xml=
	for seed in 7 8 9 10 11; do
		rm -rf "$work/hg" && mkdir -p "$work/hg"
		valgrind --tool=helgrind --xml=yes --xml-file="$work/hg/helgrind.%p.xml" \
			--suppressions=tests/helgrind.supp --child-silent-after-fork=no \
			"$work/vote/build/plain/raft-tests" -run '^TestInitialElection3A$' -seed "$seed" \
			-scale 8 >/dev/null 2>&1 || true
		xml=$(grep -l '<error>' "$work"/hg/helgrind.*.xml | head -1) && break
	done
	[ -n "$xml" ] || { echo "regen: Helgrind reported nothing on the buggy tree" >&2; exit 1; }
	cp "$xml" "$fx/helgrind_raft_vote_reply.xml"
	echo "  helgrind_raft_vote_reply.xml"

	buggy_tree rpc lock_held_during_rpc.patch plain
	"$work/rpc/build/plain/raft-tests" -run '^(TestInitialElection3A|TestReElection3A)$' -seed 11 \
		>"$fx/findings_raft_rpc_lock.txt" 2>&1 || true
	echo "  findings_raft_rpc_lock.txt"

	# A protocol oracle's finding with its history: the lone-candidate
	# exercise under the hunt's noise, until a seed shows it.
	buggy_tree lone buggy/lone-candidate/bug.patch plain
	local line=
	for seed in $(seq 1 20); do
		line=$("$work/lone/build/plain/raft-tests" -run '^TestReElection3A$' -noise 0.2 \
			-seed "$seed" 2>&1 | grep '^RRL-FINDING .*"history":\[{' | head -1) && break
	done
	[ -n "$line" ] || { echo "regen: no oracle finding with a history in 20 seeds" >&2; exit 1; }
	printf '%s\n' "$line" >"$fx/findings_oracle_history.txt"
	echo "  findings_oracle_history.txt"
}

# field_race.c's reports, for the tests that name a race's field: paths
# relative to the repository root, so the tests (run from there) find the
# source lines.
field_race_fixtures() {
	echo "Field naming:"
	tsan_fixture field_race "$clang" clang
	helgrind_fixture field_race
	sed -i "s#$root/##g" "$fx/tsan_clang_field_race.txt" "$fx/helgrind_field_race.xml"
}

# Whole runs of three trees, for the collector's tests.
recorded_runs() {
	echo "Recorded runs:"
	rm -rf "$fx/runs"
	for flavour in plain tsan; do
		buggy_tree candidate_keeps_term candidate_keeps_term.patch $flavour
		buggy_tree vote vote_reply_without_lock.patch $flavour
		buggy_tree reference "" $flavour
	done
	record_run candidate_keeps_term plain 7
	record_run candidate_keeps_term tsan 7
	record_run candidate_keeps_term tsan 8
	record_run candidate_keeps_term helgrind 7
	record_run vote plain 7
	record_run vote tsan 7
	record_run reference plain 9
	record_run reference tsan 9
}

case ${1:-} in
runs) recorded_runs ;;
field_race) field_race_fixtures ;;
*)
	parser_fixtures
	field_race_fixtures
	recorded_runs
	;;
esac
