#!/usr/bin/env bash
# Pack the zip Gradescope wants: setup.sh and run_autograder at its root,
# the toolkit under rrl/, and autograder.env, which tells run_autograder
# the exercise and the seeds (README.md here).
#
#   EX=id SEEDS=N POLICY=file autograders/gradescope/make_autograder.sh OUT_DIR
#   make gradescope-autograder OUT=dir EX=id [SEEDS=N] [POLICY=file]
#
# Writes OUT_DIR/autograder-ID.zip (autograder.zip without EX).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: EX=id SEEDS=N POLICY=file autograders/gradescope/make_autograder.sh OUT_DIR}
ex=${EX:-} seeds=${SEEDS:-2} policy=${POLICY:-}

die() {
	echo "make_autograder: $*" >&2
	exit 2
}

# Checked here, where a mistake costs nothing; on Gradescope it would cost
# every submission.
case $ex in
*[!a-z0-9-]*) die "'$ex' is not an exercise id ('make list' shows them)" ;;
esac
if [ -n "$ex" ] && [ ! -f "$root/buggy/$ex/exercise.json" ]; then
	die "no exercise '$ex' ('make list' shows them)"
fi
case $seeds in
'' | *[!0-9]* | 0) die "SEEDS must be a number from 1, not '$seeds'" ;;
esac
if [ -n "$policy" ] &&
	! jq -e 'type == "object" and (has("detectors") or has("scenarios"))' "$policy" >/dev/null 2>&1; then
	die "$policy is not a score policy (see docs/grading.md)"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The toolkit as git would commit it: tracked and new files, nothing that
# git ignores (build/, work/, node_modules/).
mkdir "$stage/rrl"
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
	tar --null --files-from=- --ignore-failed-read -cf -) | tar -C "$stage/rrl" -xf -

cp "$here/setup.sh" "$here/run_autograder" "$stage/"
if [ -n "$policy" ]; then
	cp "$policy" "$stage/score-policy.json"
fi
cat >"$stage/autograder.env" <<EOF
# Written by make_autograder.sh: what run_autograder grades against.
# A value already set in the environment wins.
export RRL_EXERCISE=\${RRL_EXERCISE-$ex}
export RRL_SEEDS=\${RRL_SEEDS-$seeds}
EOF

mkdir -p "$out"
zip=$(cd "$out" && pwd)/autograder${ex:+-$ex}.zip
rm -f "$zip"
# Python's zipfile keeps each file's mode: run_autograder stays executable.
(cd "$stage" && python3 -m zipfile -c "$zip" ./*)
echo "make_autograder: wrote $zip: upload it on the assignment's Configure Autograder page" \
	"(base image Ubuntu 22.04)"
