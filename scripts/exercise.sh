#!/usr/bin/env bash
# The exercise catalog: buggy/<id>/ and fixed/<id>/ turned into trees.
#
# An exercise is the reference peer (raft/) plus one patch, buggy/<id>/bug.patch,
# whose bug lines end in a marker comment /* BUG: ... */. Trees are never copied
# by hand; this script materialises them under build/exercises/<id>/:
#   buggy/    raft/ with the markers, exercise.json with bug_lines read from
#             them, and a file 'variant' (buggy): what the checker grades
#   fixed/    raft/ as the reference, or the reference plus fixed/<id>/fix.patch
#             when the fix is not the plain reversal of the bug
#   student/  raft/ as the student gets it: the buggy tree, markers removed
#             (only the comment goes, so every line keeps its number)
#
# Usage: scripts/exercise.sh COMMAND [ARGS]   (the make targets call it)
#   list [--rules]            id, grade and title of every exercise
#   materialise ID...|--all   build the trees; fails if a patch no longer applies
#   bug-lines DIR             the marked lines of DIR/raft, as "raft/file.c:N"
#   start ID                  an editable copy in work/ID/ (never overwritten)
#   check ID [CHECKER-ARGS]   the checker on work/ID (or the student tree), showing
#                             only what a student may see before solving
#   hint ID                   the next hint; work/ID/.hints-shown remembers
#   diff ID                   work/ID (or the student tree) against the fixed tree
#   handout OUT ID...         what an instructor hands out, and nothing more
#   new ID                    authoring: a scratch copy of raft/ to put a bug in
#   save ID                   authoring: write buggy/ID/bug.patch from that copy
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=build/exercises
SRC_BUGGY=buggy
SRC_FIXED=fixed
# DRAFTS=1: the drafts instead (buggy/drafts/, fixed/drafts/; see
# buggy/drafts/README.md), materialised under build/drafts/.
if [ "${DRAFTS:-}" = 1 ]; then
	BUILD=build/drafts SRC_BUGGY=buggy/drafts SRC_FIXED=fixed/drafts
fi
WORK=work
MARKER_RE='/\* BUG(:[^*]*)? \*/'

die() {
	echo "error: $*" >&2
	exit 2
}

# Every exercise id, in order: the directories of buggy/ with metadata.
all_ids() {
	local d
	for d in "$SRC_BUGGY"/*/; do
		[ -f "$d/exercise.json" ] && basename "$d"
	done
	return 0
}

need_id() {
	local id=${1:-}
	[ -n "$id" ] || die "no exercise given; run 'make list' for the ids, then e.g. EX=<id>"
	[ -f "$SRC_BUGGY/$id/exercise.json" ] ||
		die "no exercise '$id' ($SRC_BUGGY/$id/exercise.json is missing); run 'make list' for the ids"
}

meta() {   # meta ID JQ-FILTER
	jq -r "$2" "$SRC_BUGGY/$1/exercise.json"
}

cmd_list() {
	local rules=false id
	[ "${1:-}" = "--rules" ] && rules=true
	if $rules; then
		printf '%-34s %-5s %-5s %s\n' ID GRADE RULE TITLE
	else
		printf '%-34s %-5s %s\n' ID GRADE TITLE
	fi
	for id in $(all_ids); do
		if $rules; then
			printf '%-34s %-5s %-5s %s\n' "$id" "$(meta "$id" .grade)" \
				"$(meta "$id" .rule)" "$(meta "$id" .title)"
		else
			printf '%-34s %-5s %s\n' "$id" "$(meta "$id" .grade)" "$(meta "$id" .title)"
		fi
	done
}

# apply_patch PATCH DIR: apply a patch made against raft/ to DIR/raft.
apply_patch() {
	local patch=$1 dir=$2 out
	if ! out=$(patch --dry-run --batch --silent -p1 -d "$dir" <"$patch" 2>&1); then
		echo "$out" >&2
		die "$patch no longer applies to raft/. Recreate it: scripts/exercise.sh new ID," \
			"redo the change in the copy, then scripts/exercise.sh save ID"
	fi
	patch --batch --silent -p1 -d "$dir" <"$patch"
}

cmd_bug_lines() {
	local dir=$1 f n line code
	[ -d "$dir/raft" ] || die "$dir has no raft/ directory"
	for f in "$dir"/raft/*.c "$dir"/raft/*.h; do
		[ -e "$f" ] || continue
		while IFS=: read -r n line; do
			code=$(sed -E "s#$MARKER_RE##" <<<"$line" | tr -d '[:space:]')
			[ -n "$code" ] || die "${f#"$dir"/}:$n: a BUG marker must end a line of code, not stand alone"
			echo "raft/$(basename "$f"):$n"
		done < <(grep -nE "$MARKER_RE" "$f" || true)
	done
}

# "file:function" for each "file:line" on stdin: the function (ctags) whose
# body holds the line; lines outside every function are left out.
bug_functions() {
	local dir=$1 spec file line
	ctags --version 2>/dev/null | grep -q 'Universal Ctags' ||
		die "universal-ctags is missing: run 'make deps'"
	while IFS= read -r spec; do
		file=${spec%:*} line=${spec##*:}
		ctags --output-format=json --fields=+ne --kinds-C=f -f - "$dir/$file" |
			jq -r --arg file "$file" --argjson line "$line" \
				'select(.line <= $line and $line <= (.end // .line)) | "\($file):\(.name)"'
	done | sort -u
}

# The exercise.json the checker reads: the catalog's metadata with bug_lines
# read from the marked tree, and the functions that hold them.
write_metadata() {
	local id=$1 dir=$2
	local lines functions
	lines=$(cmd_bug_lines "$dir" | jq -R . | jq -s .)
	[ "$lines" != "[]" ] || die "$SRC_BUGGY/$id/bug.patch marks no line with /* BUG: ... */"
	functions=$(cmd_bug_lines "$dir" | bug_functions "$dir" | jq -R . | jq -s .)
	jq --argjson lines "$lines" --argjson functions "$functions" \
		'. + {bug_lines: $lines, bug_functions: $functions}' \
		"$SRC_BUGGY/$id/exercise.json" >"$dir/exercise.json"
}

materialise_one() {
	local id=$1 dest=$BUILD/$1 tmp
	need_id "$id"
	[ -f "$SRC_BUGGY/$id/bug.patch" ] || die "$SRC_BUGGY/$id/bug.patch is missing"
	mkdir -p "$(dirname "$BUILD")"   # a fresh clone has no build/ yet
	tmp=$(mktemp -d "$BUILD.tmp.XXXXXX")
	# Half a tree is removed if a patch no longer applies.
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/buggy" "$tmp/fixed" "$tmp/student"
	cp -r raft "$tmp/buggy/raft"
	apply_patch "$SRC_BUGGY/$id/bug.patch" "$tmp/buggy"
	write_metadata "$id" "$tmp/buggy"
	echo buggy >"$tmp/buggy/variant"

	cp -r raft "$tmp/fixed/raft"
	[ -f "$SRC_FIXED/$id/fix.patch" ] && apply_patch "$SRC_FIXED/$id/fix.patch" "$tmp/fixed"
	cp "$tmp/buggy/exercise.json" "$tmp/fixed/exercise.json"
	echo fixed >"$tmp/fixed/variant"

	cp -r "$tmp/buggy/raft" "$tmp/student/raft"
	sed -i -E "s#[[:space:]]*$MARKER_RE##" "$tmp/student"/raft/*
	rm -rf "$dest"
	mkdir -p "$BUILD"
	mv "$tmp" "$dest"
	trap - EXIT
}

cmd_materialise() {
	local ids=("$@") id
	[ "${1:-}" = "--all" ] && mapfile -t ids < <(all_ids)
	[ ${#ids[@]} -gt 0 ] || die "materialise: give exercise ids or --all"
	for id in "${ids[@]}"; do
		materialise_one "$id"
	done
}

# The tree a student works on: their copy if they made one, else the
# student tree as handed out.
student_tree() {
	local id=$1
	if [ -d "$WORK/$id/raft" ]; then
		echo "$WORK/$id"
	else
		materialise_one "$id"
		echo "$BUILD/$id/student"
	fi
}

cmd_start() {
	local id=${1:-}
	need_id "$id"
	if [ -d "$WORK/$id/raft" ]; then
		echo "work/$id/ already exists; it is left as it is (delete it to start over)."
		return 0
	fi
	materialise_one "$id"
	mkdir -p "$WORK/$id"
	cp -r "$BUILD/$id/student/raft" "$WORK/$id/raft"
	cp "$SRC_BUGGY/$id/README.md" "$WORK/$id/README.md"
	echo "work/$id/: your copy of the buggy peer. Read work/$id/README.md, then:"
	echo "  make check EX=$id    run the detectors on your copy"
	echo "  make hint EX=$id     one hint at a time"
	echo "  make diff EX=$id     your copy against the fixed peer (once you are done)"
}

# The checker with nothing that gives the answer away: the tree is graded as
# a submission, and --student reports each detector as clean or the
# problems it found: no rule, no bug line, no expected list.
cmd_check() {
	local id=${1:-}
	need_id "$id"
	shift
	local tree run hg_run status=0
	tree=$(student_tree "$id")
	run=$(meta "$id" '.scenarios // empty')
	hg_run=$(meta "$id" '.helgrind_scenarios // empty')
	make -s --no-print-directory build/checker/rrl-check
	echo "Checking $tree (exercise $id)"
	build/checker/rrl-check --student --variant submission ${run:+-r "$run"} \
		${hg_run:+--helgrind-run "$hg_run"} "$@" "$tree" || status=$?
	if [ "$status" -eq 1 ]; then
		echo
		echo "Stuck? 'make hint EX=$id' shows one hint at a time."
	fi
	return "$status"
}

cmd_hint() {
	local id=${1:-}
	need_id "$id"
	local hints=("$SRC_BUGGY/$id"/hints/*.md)
	[ -e "${hints[0]}" ] || die "exercise $id has no hints"
	mkdir -p "$WORK/$id"
	local state=$WORK/$id/.hints-shown shown=0
	[ -f "$state" ] && shown=$(cat "$state")
	if [ "$shown" -ge ${#hints[@]} ]; then
		echo "All ${#hints[@]} hints of $id have been shown. Here is the last one again:"
		echo
		cat "${hints[-1]}"
		return 0
	fi
	echo "Hint $((shown + 1)) of ${#hints[@]} for $id:"
	echo
	cat "${hints[$shown]}"
	echo $((shown + 1)) >"$state"
}

cmd_diff() {
	local id=${1:-}
	need_id "$id"
	local tree
	tree=$(student_tree "$id")
	[ -d "$BUILD/$id/fixed" ] || materialise_one "$id"
	echo "diff: $tree/raft against the fixed peer ($BUILD/$id/fixed/raft)"
	git diff --no-index --color=always --function-context \
		"$tree/raft" "$BUILD/$id/fixed/raft" || true
}

# A handout holds, per exercise, the student tree, the student README and the
# hints: no metadata, no markers, no write-up and no fixed code.
cmd_handout() {
	local out=${1:-}
	shift || true
	[ -n "$out" ] || die "handout: give OUT=dir"
	[ $# -gt 0 ] || die "handout: give the exercises, e.g. EXS=\"id1 id2\""
	local id
	for id in "$@"; do
		need_id "$id"
	done
	mkdir -p "$out"
	for id in "$@"; do
		materialise_one "$id"
		rm -rf "${out:?}/$id"
		mkdir -p "$out/$id"
		cp -r "$BUILD/$id/student/raft" "$out/$id/raft"
		# What the README says after this line names the answer.
		sed '/<!-- after-solving -->/,$d' "$SRC_BUGGY/$id/README.md" >"$out/$id/README.md"
		if [ -d "$SRC_BUGGY/$id/hints" ]; then
			cp -r "$SRC_BUGGY/$id/hints" "$out/$id/hints"
		fi
	done
	echo "handout: $# exercise(s) in $out/"
}

cmd_new() {
	local id=${1:-}
	[ -n "$id" ] || die "new: give an id"
	local dir=build/authoring/$id
	[ -e "$dir" ] && die "$dir exists; finish it with 'save $id' or delete it"
	mkdir -p "$dir"
	cp -r raft "$dir/raft"
	if [ -f "$SRC_BUGGY/$id/bug.patch" ]; then
		patch --batch --silent --no-backup-if-mismatch -p1 -d "$dir" <"$SRC_BUGGY/$id/bug.patch" ||
			echo "warning: the old patch did not apply cleanly; redo the change by hand" >&2
	fi
	echo "Edit $dir/raft, mark each bug line with /* BUG: why */ at its end, then run:"
	echo "  scripts/exercise.sh save $id"
}

cmd_save() {
	local id=${1:-}
	local dir=build/authoring/$id
	[ -d "$dir/raft" ] || die "no $dir/raft; start with 'scripts/exercise.sh new $id'"
	[ -n "$(cmd_bug_lines "$dir")" ] || die "$dir/raft has no line marked /* BUG: ... */"
	local tmp
	tmp=$(mktemp -d)
	mkdir -p "$tmp/a" "$tmp/b"
	cp -r raft "$tmp/a/raft"
	cp -r "$dir/raft" "$tmp/b/raft"
	mkdir -p "$SRC_BUGGY/$id"
	(cd "$tmp" && git diff --no-index --no-prefix a/raft b/raft | grep -v "^index ") \
		>"$SRC_BUGGY/$id/bug.patch" || true
	rm -rf "$tmp"
	echo "$SRC_BUGGY/$id/bug.patch: $(grep -c '^[-+][^-+]' "$SRC_BUGGY/$id/bug.patch") changed line(s)"
}

command=${1:-}
shift || true
case "$command" in
list) cmd_list "$@" ;;
materialise) cmd_materialise "$@" ;;
bug-lines) cmd_bug_lines "$@" ;;
start) cmd_start "$@" ;;
check) cmd_check "$@" ;;
hint) cmd_hint "$@" ;;
diff) cmd_diff "$@" ;;
handout) cmd_handout "$@" ;;
new) cmd_new "$@" ;;
save) cmd_save "$@" ;;
*)
	sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
	;;
esac
