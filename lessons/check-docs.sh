#!/usr/bin/env bash
# Keep the lessons and the decks true to the code. Checks:
#
#   1. every lesson exists in English (lessons/en/), in Chinese (lessons/zh/)
#      and as a deck (slides/), and lessons/README.md links both texts;
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
#      In the first, every EXAMPLE.c:LINE must appear in the fresh output. In
#      the second, every stack frame or table row "FUNC ... raft/F.c:LINE"
#      must name a line inside FUNC in the exercise's buggy raft/F.c;
#   4. relative links resolve, and each lesson points at an exercise
#      (../../buggy/ID/README.md) or names a real bug (R4-03); a real bug
#      whose exercise has landed (its exercise.json "source") must be linked.
#
# Usage: lessons/check-docs.sh OUT_DIR   (OUT_DIR: the examples' outputs)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/lessons/out}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

problems=0
problem() {
	echo "lessons: FAIL: $*"
	problems=$((problems + 1))
}

# ---- 1. Both languages and a deck for every lesson ---------------------------

lessons=$( (ls lessons/en lessons/zh slides 2>/dev/null) | grep -E '^[0-9]{2}-[a-z0-9-]+\.md$' | sort -u)
for f in $lessons; do
	for dir in lessons/en lessons/zh slides; do
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

docs=$(ls lessons/en/*.md lessons/zh/*.md slides/*.md 2>/dev/null)
quotes=0
for doc in $docs; do
	blocks "$doc" quote
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
			problem "$doc:$at: the quote of $path ${what} differs from the source:"
			diff "$tmp/block.$n" "$tmp/source" | head -10 | sed 's/^/    /'
		fi
	done
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
		if [ "$source" = exercise ]; then
			# The buggy tree: raft/ plus the exercise's patch, built here in a
			# directory of our own (make -j test materialises exercises too).
			tree=$tmp/exercise-$id
			if [ ! -f buggy/$id/bug.patch ]; then
				problem "$doc:$at: no exercise $id (buggy/$id/bug.patch)"
				continue
			fi
			if [[ " $materialised " != *" $id "* ]]; then
				mkdir -p "$tree" && cp -r raft "$tree/" &&
					patch --batch --silent -p1 -d "$tree" <"buggy/$id/bug.patch" >/dev/null ||
					problem "$doc:$at: buggy/$id/bug.patch no longer applies to raft/"
				materialised="$materialised $id"
			fi
			# "#0 FUNC /path/raft/F.c:LINE" (TSan), "raft/F.c:LINE FUNC" (checker)
			# and "at 0x1F: FUNC (F.c:LINE)" (Helgrind, for files of raft/).
			{
				grep -oE '#[0-9]+ [a-z_0-9]+ [^ ]*raft/[a-z_]+\.c:[0-9]+|raft/[a-z_]+\.c:[0-9]+ [a-z_0-9]+' "$block" |
					sed -E 's/^#[0-9]+ ([a-z_0-9]+) [^ ]*(raft\/[a-z_]+\.c):([0-9]+)/\1 \2 \3/; s/^(raft\/[a-z_]+\.c):([0-9]+) ([a-z_0-9]+)/\3 \1 \2/'
				grep -oE '(at|by) 0x[0-9A-F]+: [a-z_0-9]+ \([a-z_]+\.c:[0-9]+\)' "$block" |
					sed -E 's/^(at|by) 0x[0-9A-F]+: ([a-z_0-9]+) \(([a-z_]+\.c):([0-9]+)\)/\2 raft\/\3 \4/' |
					while read -r f file l; do [ -f "raft/${file#raft/}" ] && echo "$f $file $l"; done
			} | sort -u >"$tmp/frames"
			[ -s "$tmp/frames" ] || problem "$doc:$at: the output names no line in raft/"
			while read -r func file line; do
				got=$(func_at "$tree/$file" "$line")
				[ "$got" = "$func" ] ||
					problem "$doc:$at: $file:$line is in ${got:-no function} in exercise $id, the output says $func"
			done <"$tmp/frames"
		else
			fresh=$out/$source.txt
			if [ ! -f "lessons/code/$source.c" ]; then
				problem "$doc:$at: no example lessons/code/$source.c"
				continue
			fi
			[ -f "$fresh" ] || { problem "$doc:$at: no fresh output of $source (run make lessons)"; continue; }
			for loc in $(grep -oE "$source\.c:[0-9]+" "$block" | sort -u); do
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

if [ "$problems" -ne 0 ]; then
	echo "lessons docs: $problems problem(s)"
	exit 1
fi
echo "lessons docs: $(wc -w <<<"$lessons") lessons in both languages with decks, $quotes quotes match the source, $outputs outputs match a fresh run"
