#!/usr/bin/env bash
# make test-autograders: the Gradescope and GitHub Classroom autograders
# (autograders/), with no network: shellcheck on their scripts, the
# workflow's shape, the zip's contents, and run_autograder on a fake
# /autograder in a temporary directory, once with an empty submission and
# once with a copy of the reference, in the sandbox's fallback as on
# Gradescope (one seed of the get-state exercise: about two minutes on the
# project's machine, building included). Needs no root and no Docker.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=/usr/bin/python3 # Debian's, with python3-yaml and python3-jsonschema
exercise=get-state
scenarios=(TestInitialElection3A TestReElection3A) # get-state's (buggy/get-state/exercise.json)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The sandbox's user reads the copies of the submissions made under here.
chmod 755 "$tmp"
passed=0 failed=0

check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
		passed=$((passed + 1))
	else
		echo "FAIL: $what"
		failed=$((failed + 1))
	fi
}

zip_has_its_parts() {
	EX=$exercise SEEDS=1 autograders/gradescope/make_autograder.sh "$tmp/zip" >/dev/null &&
		$python tests/autograders/checks.py zip "$tmp/zip/autograder-$exercise.zip" "$exercise"
}

# A fake /autograder: source/ holds only the zip's autograder.env (the
# toolkit is this tree, through RRL_TOOLKIT), and submission/ what a
# student would upload. Runs run_autograder on it; the log goes to
# ROOT/log.
run_autograder_in() {
	local root=$1
	mkdir -p "$root/source" "$root/submission"
	$python -m zipfile -e "$tmp/zip/autograder-$exercise.zip" "$tmp/unzipped" &&
		cp "$tmp/unzipped/autograder.env" "$root/source/" &&
		AUTOGRADER_ROOT=$root RRL_TOOLKIT=$PWD autograders/gradescope/run_autograder >"$root/log" 2>&1
}

empty_submission_scores_zero() {
	local root=$tmp/empty
	run_autograder_in "$root" &&
		$python tests/autograders/checks.py gradescope "$root/results/results.json" &&
		jq -e '.score == 0 and (.output | contains("no C sources"))' \
			"$root/results/results.json" >/dev/null
}

# The reference in a folder of its own, as a zip of the lab's folder
# unpacks: graded against the exercise the zip names, with one seed, in
# the sandbox's fallback, as on Gradescope, where bubblewrap cannot make
# its namespaces: here a bwrap that fails stands for that. Its score is
# not checked: on a busy machine a correct peer can miss a scenario's time
# limit (docs/grading.md).
reference_is_graded() {
	local root=$tmp/reference no_namespaces=$tmp/no-namespaces
	mkdir -p "$root/submission/lab3" "$no_namespaces"
	cp -R raft "$root/submission/lab3/"
	printf '#!/bin/sh\nexit 1\n' >"$no_namespaces/bwrap"
	chmod 755 "$no_namespaces" "$no_namespaces/bwrap"
	PATH=$no_namespaces:$PATH run_autograder_in "$root" &&
		$python tests/autograders/checks.py gradescope "$root/results/results.json" "${scenarios[@]}" &&
		$python tests/autograders/checks.py classroom "$root/rrl-grades/submission/classroom.json" &&
		jq -e '.build == "ok" and (.sandbox | startswith("fallback"))' \
			"$root/rrl-grades/submission/grade.json" >/dev/null &&
		jq -r '"reference: \(.score) of \(.max_score) points, sandbox: \(.sandbox)"' \
			"$root/rrl-grades/submission/grade.json"
}

check "shellcheck on the autograders' scripts" \
	shellcheck autograders/*.sh autograders/gradescope/*.sh autograders/gradescope/run_autograder \
	tests/autograders/*.sh
check "the Classroom workflow parses and names its steps" \
	$python tests/autograders/checks.py workflow autograders/github-classroom/.github/workflows/classroom.yml
check "the Gradescope zip: setup.sh and run_autograder at its root, the toolkit" zip_has_its_parts
check "run_autograder, an empty submission: 0 points, and why" empty_submission_scores_zero
check "run_autograder, the reference, in the sandbox's fallback: results.json as Gradescope reads it" \
	reference_is_graded

if [ "$failed" -gt 0 ]; then
	for log in "$tmp"/*/log; do
		echo "== $log"
		tail -n 30 "$log"
	done
fi
echo "autograders: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
