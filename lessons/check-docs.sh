#!/usr/bin/env bash
# Keep the lessons and the decks true to the code. Checks:
#
#   1. every lesson exists in English (lessons/en/), in Chinese (lessons/zh/)
#      and as a deck in each language (slides/, slides/zh/), and
#      lessons/README.md links both texts;
#   2. quoted code matches the source. A quote is a fenced block right after
#          <!-- quote: PATH -->                 the whole file
#          <!-- quote: PATH NAME -->            function NAME's definition
#          <!-- quote: PATH struct NAME -->     struct NAME { ... };
#      PATH is from the project root (raft/raft.c, lessons/code/bank_racy.c);
#      append "with-comment" to include the comment block just above;
#   3. quoted output names the lines a fresh run names. An output block is a
#      fenced block right after
#          <!-- output: NAME -->                lessons/code/NAME.c's last run
#          <!-- output: exercise ID -->         a run of exercise ID's buggy tree
#                                               (raft/ plus buggy/ID/bug.patch)
#          <!-- output: patch PATH -->          a run of raft/ plus the patch PATH
#                                               (a variant a lesson shows)
#      In the first, every EXAMPLE.c:LINE, and every line of platform/,
#      harness/ or tests/ it names, must appear in the fresh output. In the
#      others, every stack frame, table row or history line naming
#      "FUNC ... raft/F.c:LINE" must name a line inside FUNC in the patched
#      raft/F.c, and every stack frame in platform/, harness/ or tests/ a
#      line inside FUNC there;
#   4. relative links resolve, and each lesson points at an exercise
#      (../../buggy/ID/README.md) or names a real bug (R4-03); a real bug
#      whose exercise has landed (its exercise.json "source") must be linked;
#   5. measured figures match docs/matrix.md. Between
#          <!-- matrix: rule N -->  and  <!-- matrix end -->
#      stand the header of the matrix's table of buggy variants and its rows
#      for rule N's exercises, exactly as there; between
#          <!-- matrix: design -->  and  <!-- matrix end -->
#      its table of the design's predictions against the measurement.
#
# Usage: lessons/check-docs.sh [--update] OUT_DIR   (OUT_DIR: the examples' outputs)
#
# --update rewrites every quote that differs from the source with the source
# (then read the text around it: it may describe the old code). It changes
# nothing else: output blocks must be re-run and pasted by hand. It also
# rewrites the matrix's rows (5) from docs/matrix.md.
set -uo pipefail
cd "$(dirname "$0")/.."
update=
if [ "${1:-}" = --update ]; then
	update=1
	shift
fi
out=${1:-build/lessons/out}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

problems=0
problem() {
	echo "lessons: FAIL: $*"
	problems=$((problems + 1))
}

# ---- 1. Both languages and both decks for every lesson -----------------------

lessons=$( (ls lessons/en lessons/zh slides slides/zh 2>/dev/null) | grep -E '^[0-9]{2}-[a-z0-9-]+\.md$' | sort -u)
for f in $lessons; do
	for dir in lessons/en lessons/zh slides slides/zh; do
		[ -f "$dir/$f" ] || problem "$dir/$f is missing (the lesson exists elsewhere)"
	done
	for lang in en zh; do
		grep -q "]($lang/$f)" lessons/README.md ||
			problem "lessons/README.md does not link $lang/$f"
	done
done
[ -n "$lessons" ] || problem "no lessons found in lessons/en/"

# ---- 2. Quoted code ------------------------------------------------------------

# extract PATH [NAME | struct NAME] [with-comment]: print the quoted lines.
extract() {
	local path=$1 what=${2:-} comment=${3:-}
	if [ -z "$what" ]; then
		cat "$path"
		return
	fi
	awk -v what="$what" -v comment="$comment" '
	BEGIN {
		if (what ~ /^struct /) { start_re = "^" what " \\{$"; end_re = "^};$" }
		else { start_re = "^[A-Za-z_].*[ *]" what "\\("; end_re = "^}$" }
	}
	{ line[NR] = $0 }
	# A definition, not a prototype: no line up to the "{" ends in ";".
	start == 0 && pending == 0 && $0 ~ start_re { pending = NR }
	start == 0 && pending > 0 && /;$/ { pending = 0 }
	start == 0 && pending > 0 && /^{$/ { start = pending }
	start == 0 && pending > 0 && what ~ /^struct / { start = pending }
	start > 0 && stop == 0 && NR > start && $0 ~ end_re { stop = NR }
	END {
		if (start == 0 || stop == 0) exit 1
		first = start
		if (comment == "with-comment" && line[start - 1] ~ /\*\/$/) {
			first = start - 1
			while (first > 1 && line[first] !~ /^\/\*/) first--
		}
		for (i = first; i <= stop; i++) print line[i]
	}' "$path"
}

# blocks FILE KIND: for each <!-- KIND: ARGS --> followed by a fenced block,
# write the block to $tmp/block.N and its arguments and line to $tmp/args.N.
blocks() {
	rm -f "$tmp"/block.* "$tmp"/args.*
	awk -v kind="$2" -v dir="$tmp" '
	state == 0 && match($0, "^<!-- " kind ": .* -->$") {
		n++; args = $0; sub("^<!-- " kind ": ", "", args); sub(" -->$", "", args)
		print args > (dir "/args." n); print NR >> (dir "/args." n)
		close(dir "/args." n); state = 1; next
	}
	state == 1 && /^```/ { state = 2; printf "" > (dir "/block." n); next }
	state == 1 && /^$/ { next }
	state == 1 { state = 0; next }
	state == 2 && /^```$/ { state = 0; close(dir "/block." n); next }
	state == 2 { print >> (dir "/block." n) }
	' "$1"
}

# rewrite DOC AT SOURCE: replace the fenced block after line AT of DOC with
# the lines of SOURCE, keeping the fences.
rewrite() {
	awk -v at="$2" -v src="$3" '
	NR == at { state = 1; print; next }
	state == 1 && /^```/ { print; while ((getline l < src) > 0) print l; state = 2; next }
	state == 2 && /^```$/ { state = 0; print; next }
	state == 2 { next }
	{ print }
	' "$1" >"$tmp/rewritten" && cat "$tmp/rewritten" >"$1"
}

docs=$(ls lessons/en/*.md lessons/zh/*.md slides/*.md slides/zh/*.md 2>/dev/null)
quotes=0
for doc in $docs; do
	blocks "$doc" quote
	: >"$tmp/stale"
	for args in "$tmp"/args.*; do
		[ -e "$args" ] || continue
		n=${args##*.}
		read -r path what <<<"$(sed -n 1p "$args")"
		at=$(sed -n 2p "$args")
		comment=
		case "$what" in
		*with-comment) comment=with-comment what=${what% with-comment} ;;
		with-comment) comment=with-comment what= ;;
		esac
		quotes=$((quotes + 1))
		if [ ! -f "$path" ]; then
			problem "$doc:$at: quotes $path, which does not exist"
		elif [ ! -f "$tmp/block.$n" ]; then
			problem "$doc:$at: a quote marker without a fenced block after it"
		elif ! extract "$path" "$what" "$comment" >"$tmp/source"; then
			problem "$doc:$at: $path has no ${what:-content} to quote"
		elif ! diff -q "$tmp/source" "$tmp/block.$n" >/dev/null; then
			if [ -n "$update" ]; then
				cp "$tmp/source" "$tmp/source.$n"
				echo "$at $n" >>"$tmp/stale"
				echo "lessons: updated $doc:$at: the quote of $path ${what}"
				continue
			fi
			problem "$doc:$at: the quote of $path ${what} differs from the source:"
			diff "$tmp/block.$n" "$tmp/source" | head -10 | sed 's/^/    /'
		fi
	done
	# From the last block up, so the line numbers of the others still hold.
	sort -rn "$tmp/stale" | while read -r at n; do
		rewrite "$doc" "$at" "$tmp/source.$n"
	done
	rm -f "$tmp"/source.*
done

# ---- 3. Quoted output ----------------------------------------------------------

# func_at FILE LINE: the function whose definition contains LINE.
func_at() {
	awk -v want="$2" '
	/^[A-Za-z_].*[ *][A-Za-z_][A-Za-z0-9_]*\(/ {
		name = $0; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name); cand = name
	}
	/;$/ { cand = "" }
	/^{$/ { current = cand }
	NR == want { print current; exit }
	/^}$/ { current = "" }
	' "$1"
}

# A file of the trusted code (the runtime, the harness, the tests) as a
# frame names it.
trusted_file='(platform/rt|platform|harness|tests)/[a-z_0-9]+\.c'

materialised=
outputs=0
for doc in $docs; do
	blocks "$doc" output
	for args in "$tmp"/args.*; do
		[ -e "$args" ] || continue
		n=${args##*.}
		read -r source id <<<"$(sed -n 1p "$args")"
		at=$(sed -n 2p "$args")
		outputs=$((outputs + 1))
		block=$tmp/block.$n
		[ -f "$block" ] || { problem "$doc:$at: an output marker without a fenced block"; continue; }
		if [ "$source" = exercise ] || [ "$source" = patch ]; then
			# The buggy tree: raft/ plus the exercise's patch (or the
			# variant's), built here in a directory of our own (make -j test
			# materialises exercises too).
			if [ "$source" = exercise ]; then
				bug=buggy/$id/bug.patch label="exercise $id"
			else
				bug=$id label="the variant $id"
			fi
			tree=$tmp/tree-$(tr '/.' '__' <<<"$bug")
			if [ ! -f "$bug" ]; then
				problem "$doc:$at: no $label ($bug)"
				continue
			fi
			if [[ " $materialised " != *" $bug "* ]]; then
				mkdir -p "$tree" && cp -r raft "$tree/" &&
					patch --batch --silent -p1 -d "$tree" <"$bug" >/dev/null ||
					problem "$doc:$at: $bug no longer applies to raft/"
				materialised="$materialised $bug"
			fi
			# "#0 FUNC /path/raft/F.c:LINE" (TSan), "raft/F.c:LINE  FUNC" (checker),
			# "raft/F.c:LINE FUNC()" (a finding's history) and
			# "at 0x1F: FUNC (F.c:LINE)" (Helgrind, for files of raft/).
			{
				grep -oE '#[0-9]+ [a-z_0-9]+ [^ ]*raft/[a-z_]+\.c:[0-9]+|raft/[a-z_]+\.c:[0-9]+ +[a-z_0-9]+' "$block" |
					sed -E 's/^#[0-9]+ ([a-z_0-9]+) [^ ]*(raft\/[a-z_]+\.c):([0-9]+)/\1 \2 \3/; s/^(raft\/[a-z_]+\.c):([0-9]+) +([a-z_0-9]+)/\3 \1 \2/'
				grep -oE '(at|by) 0x[0-9A-F]+: [a-z_0-9]+ \([a-z_]+\.c:[0-9]+\)' "$block" |
					sed -E 's/^(at|by) 0x[0-9A-F]+: ([a-z_0-9]+) \(([a-z_]+\.c):([0-9]+)\)/\2 raft\/\3 \4/' |
					while read -r f file l; do [ -f "raft/${file#raft/}" ] && echo "$f $file $l"; done
			} | sort -u >"$tmp/frames"
			[ -s "$tmp/frames" ] || problem "$doc:$at: the output names no line in raft/"
			# Frames in the trusted code, which no patch changes: the
			# project's own file.
			grep -oE "#[0-9]+ [a-z_0-9]+ [^ ]*$trusted_file:[0-9]+" "$block" |
				sed -E "s@^#[0-9]+ ([a-z_0-9]+) [^ ]*($trusted_file):([0-9]+)@\1 \2 \4@" |
				sort -u >"$tmp/trusted_frames"
			while read -r func file line; do
				case $file in
				raft/*) got=$(func_at "$tree/$file" "$line") ;;
				*) got=$(func_at "$file" "$line") ;;
				esac
				[ "$got" = "$func" ] ||
					problem "$doc:$at: $file:$line is in ${got:-no function} in $label, the output says $func"
			done < <(cat "$tmp/frames" "$tmp/trusted_frames")
		else
			fresh=$out/$source.txt
			if [ ! -f "lessons/code/$source.c" ]; then
				problem "$doc:$at: no example lessons/code/$source.c"
				continue
			fi
			[ -f "$fresh" ] || { problem "$doc:$at: no fresh output of $source (run make lessons)"; continue; }
			for loc in $(grep -oE "($source\.c|$trusted_file):[0-9]+" "$block" | sort -u); do
				grep -q "$loc\b" "$fresh" ||
					problem "$doc:$at: quotes $loc, which a fresh run of $source does not name"
			done
		fi
	done
done

# ---- 4. Links, exercises and real bugs -----------------------------------------

for doc in lessons/README.md lessons/en/*.md lessons/zh/*.md; do
	dir=$(dirname "$doc")
	for target in $(grep -oE '\]\([^)#: ]+(#[^)]*)?\)' "$doc" | sed -E 's/^\]\(//; s/\)$//; s/#.*//'); do
		[ -e "$dir/$target" ] || problem "$doc: broken link $target"
	done
done
for doc in lessons/en/*.md lessons/zh/*.md; do
	grep -qE '\]\(\.\./\.\./buggy/[a-z0-9-]+/README\.md\)|\bR[0-5]-[0-9]{2}\b' "$doc" ||
		problem "$doc: points at no exercise and names no real bug (R1-01 ...)"
done
for meta in buggy/*/exercise.json; do
	[ -f "$meta" ] || continue
	id=$(basename "$(dirname "$meta")")
	src=$(jq -r '.source // empty' "$meta")
	[ -n "$src" ] || continue
	for doc in $(grep -lw -- "$src" lessons/en/*.md lessons/zh/*.md 2>/dev/null); do
		grep -q "](../../buggy/$id/README.md)" "$doc" ||
			problem "$doc: names real bug $src, whose exercise has landed: link ../../buggy/$id/README.md"
	done
done

# A rule's lesson links every exercise of that rule; a lesson that links an
# exercise does not say it has none.
for meta in buggy/*/exercise.json; do
	[ -f "$meta" ] || continue
	id=$(basename "$(dirname "$meta")")
	rule=$(jq -r '.rule' "$meta")
	for doc in lessons/en/[0-9][0-9]-rule-"$rule".md lessons/zh/[0-9][0-9]-rule-"$rule".md; do
		[ -f "$doc" ] || continue
		grep -q "](../../buggy/$id/README.md)" "$doc" ||
			problem "$doc: does not link exercise $id, which breaks rule $rule"
	done
done
for doc in lessons/en/*.md lessons/zh/*.md; do
	grep -q '](../../buggy/[a-z0-9-]*/README.md)' "$doc" &&
		grep -qiE 'no exercise for this lesson|还没有(对应的)?练习题' "$doc" &&
		problem "$doc: links an exercise, yet says the lesson has none"
done

# ---- 5. Measured figures ---------------------------------------------------------

# matrix_rows WHAT: for "rule N", the header of docs/matrix.md's buggy table
# and its rows whose rule column is N; for "design", the table of the
# design's predictions against the measurement.
matrix_rows() {
	local section='## Buggy variants' rule=${1#rule }
	[ "$1" = design ] && section="## The design's table against the measurement" rule=
	awk -v section="$section" -v rule="$rule" '
	/^## / { inside = ($0 == section) }
	inside && /^\|/ {
		if (++row <= 2 || rule == "") { print; next }
		split($0, cell, "|"); gsub(/ /, "", cell[3])
		if (cell[3] == rule) print
	}' docs/matrix.md
}

# replace_between DOC AT SOURCE: the lines after line AT of DOC, up to the
# next "<!-- matrix end -->", become those of SOURCE.
replace_between() {
	awk -v at="$2" -v src="$3" '
	NR == at { print; while ((getline l < src) > 0) print l; skip = 1; next }
	skip && /^<!-- matrix end -->$/ { skip = 0 }
	skip { next }
	{ print }
	' "$1" >"$tmp/rewritten" && cat "$tmp/rewritten" >"$1"
}

figures=0
for doc in $docs; do
	grep -nE '^<!-- matrix: (rule [0-9]|design) -->$' "$doc" | sort -rn | while IFS=: read -r at marker; do
		what=${marker#<!-- matrix: } what=${what% -->}
		awk -v at="$at" 'NR > at && /^<!-- matrix end -->$/ { exit } NR > at { print }' "$doc" >"$tmp/quoted"
		# Not sed | grep -q: grep stops at the first match, and under
		# pipefail the SIGPIPE sed then gets fails a long lesson.
		awk -v at="$at" 'NR > at && /^<!-- matrix end -->$/ { found = 1; exit } END { exit !found }' "$doc" ||
			{ echo "$doc:$at: a matrix marker without <!-- matrix end --> after it" >>"$tmp/figure-problems"; continue; }
		matrix_rows "$what" >"$tmp/measured"
		[ "$(wc -l <"$tmp/measured")" -gt 2 ] ||
			{ echo "$doc:$at: docs/matrix.md has no rows for $what" >>"$tmp/figure-problems"; continue; }
		diff -q "$tmp/measured" "$tmp/quoted" >/dev/null && continue
		if [ -n "$update" ]; then
			replace_between "$doc" "$at" "$tmp/measured"
			echo "lessons: updated $doc:$at: the rows for $what of docs/matrix.md"
		else
			{
				echo "$doc:$at: the rows for $what differ from docs/matrix.md (lessons/check-docs.sh --update):"
				diff "$tmp/quoted" "$tmp/measured" | head -6 | sed 's/^/    /'
			} >>"$tmp/figure-problems"
		fi
	done
	figures=$((figures + $(grep -cE '^<!-- matrix: (rule [0-9]|design) -->$' "$doc")))
done
if [ -s "$tmp/figure-problems" ]; then
	while IFS= read -r line; do
		case $line in
		"    "*) echo "$line" ;;
		*) problem "$line" ;;
		esac
	done <"$tmp/figure-problems"
fi

if [ "$problems" -ne 0 ]; then
	echo "lessons docs: $problems problem(s)"
	exit 1
fi
echo "lessons docs: $(wc -w <<<"$lessons") lessons in both languages with decks in both, $quotes quotes match the source, $outputs outputs match a fresh run, $figures tables match docs/matrix.md"
