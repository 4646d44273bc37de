#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image
# (Ubuntu 22.04): the zip is unpacked in /autograder/source, the toolkit in
# its rrl/ folder (make_autograder.sh packs it so).
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
source_dir=$root/source
toolkit=$source_dir/rrl

# An unzip may drop the execute bits the zip holds: every script (a file
# that starts with #!) gets its own back.
find "$toolkit" -type f -print0 | while IFS= read -r -d '' file; do
	if [ "$(head -c 2 "$file")" = '#!' ]; then
		chmod a+x "$file"
	fi
done

"$toolkit/autograders/install-ubuntu.sh"

# The trusted parts once, here, rather than in every submission's run.
make -C "$toolkit" -s --no-print-directory OUT=build checker build/plain/raft-tests build/tsan/raft-tests

# A submission is built and run as the unprivileged user nobody, against
# the toolkit's files: it must be able to reach and read them.
chmod -R a+rX "$toolkit"
chmod a+x "$root" "$source_dir"
