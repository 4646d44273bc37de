#!/usr/bin/env bash
# Grade one student's tree as `make grade` grades a class (docs/grading.md):
# rrl-grade, every build and run in the sandbox. The Gradescope and GitHub
# Classroom autograders both grade through this.
#
#   autograders/grade-one.sh SUBMISSION OUT [NAME]
#
# SUBMISSION is what the student handed in: a tree holding raft/, the .c and
# .h files themselves, or a folder with a raft/ somewhere below (as a zip of
# the lab's folder unpacks). The grades go to OUT/NAME/ (NAME: student):
# results.json (Gradescope), classroom.json (GitHub Classroom), report.md.
#
# From the environment: RRL_EXERCISE (the exercise whose scenarios to run;
# empty: the checker's default set), RRL_SEEDS (default 2), RRL_POLICY (a
# score policy file), RRL_JOBS (runs at a time; default: the CPUs this
# container may use).
set -euo pipefail
toolkit=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 2 ]; then
	echo "usage: autograders/grade-one.sh SUBMISSION OUT [NAME]" >&2
	exit 2
fi
submission=$1 out=$2 name=${3:-student}

# The directory whose .c and .h files are the peer. Links are never
# followed: the grader leaves them out, and says so.
peer_dir() {
	if [ -d "$1/raft" ] && [ ! -L "$1/raft" ]; then
		echo "$1/raft"
	elif compgen -G "$1/*.c" >/dev/null; then
		echo "$1"
	else
		find "$1" -maxdepth 4 -type d -name raft -print -quit
	fi
}

# The CPUs this container may use: its CPU quota, which nproc does not see.
# rrl-check runs as many runs at a time as it sees CPUs, and a container
# given half a CPU on a large host would run dozens, each then missing the
# scenarios' time limits.
cpus_allowed() {
	local quota period
	if read -r quota period 2>/dev/null </sys/fs/cgroup/cpu.max && [ "$quota" != max ]; then
		echo $(((quota + period - 1) / period))
	elif quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null) && [ "$quota" -gt 0 ]; then
		period=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)
		echo $(((quota + period - 1) / period))
	else
		nproc
	fi
}

# rrl-grade takes a directory with one folder per student: this one has one.
class=$(mktemp -d)
trap 'rm -rf "$class"' EXIT
mkdir -p "$class/$name/raft"
from=$(peer_dir "$submission")
if [ -n "$from" ]; then
	cp -RP -- "$from/." "$class/$name/raft/"
fi

# The sandbox's unprivileged user reads the copy rrl-grade makes in OUT.
mkdir -p "$out"
chmod 755 "$out"

make -s --no-print-directory -C "$toolkit" OUT=build checker build/plain/raft-tests
args=(--submissions "$class" --out "$out" --seeds "${RRL_SEEDS:-2}" -j "${RRL_JOBS:-$(cpus_allowed)}")
if [ -n "${RRL_EXERCISE:-}" ]; then
	args+=(--exercise "$RRL_EXERCISE")
fi
if [ -n "${RRL_POLICY:-}" ]; then
	args+=(--policy "$RRL_POLICY")
fi
"$toolkit/build/checker/rrl-grade" "${args[@]}"
