#!/usr/bin/env bash
# Refuse a peer tree that brings its own copy of a trusted header.
#   scripts/check-peer-tree.sh RAFT_DIR HEADER...
# Each HEADER is a path relative to platform/ ("raft.h", "rt/rt.h"). A peer
# file that includes "raft.h" finds a copy in its own directory before ours,
# so a changed copy would compile and then corrupt memory at run time. The
# peer is always built against platform/: delete the copies.
set -euo pipefail
dir=$1
shift
copies=()
for header in "$@"; do
	[ -e "$dir/$header" ] && copies+=("$dir/$header")
done
[ ${#copies[@]} -eq 0 ] && exit 0
for copy in "${copies[@]}"; do
	echo "error: $copy is a copy of a trusted header (platform/${copy#"$dir"/})" >&2
done
echo "       The peer is always compiled against the project's platform/ headers, which" >&2
echo "       define the interface the harness calls. Delete the copies above and include" >&2
echo "       the headers by name (#include \"raft.h\"); a change to them cannot be submitted." >&2
exit 2
