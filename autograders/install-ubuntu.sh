#!/usr/bin/env bash
# Install what Raft Race Lab needs on Ubuntu 22.04 (Gradescope's base image)
# or 24.04 (GitHub's runners): the packages scripts/deps.sh lists for
# Debian 12, under the same names, so that the build's own check of them
# (make deps-check) passes. As root, or through sudo.
#
# Ubuntu 24.04 has every one of them (clang-19 in noble-updates). Ubuntu
# 22.04 lacks two:
#   clang-19, libclang-rt-19-dev  taken from apt.llvm.org. The toolkit looks
#                                 for clang-22 down to clang-19, then plain
#                                 clang; 22.04's newest is clang-15, whose
#                                 TSan stops at start on kernels with 32 bits
#                                 of mmap randomness (LLVM 18 fixed that)
#   python3-rfc3987               taken from Debian 12 itself: pure Python,
#                                 pinned by its checksum; only the SARIF
#                                 tests use it
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Each word after the first that differs from it, one a line.
without() {
	local drop=$1 word
	shift
	for word; do
		[ "$word" = "$drop" ] || echo "$word"
	done
}

# The list itself, from scripts/deps.sh, so that the two cannot drift apart.
packages=()
eval "$(sed -n '/^packages=(/,/^)/p' scripts/deps.sh)"
# The symbolizer TSan names source lines with (llvm-symbolizer-19): Debian
# brings it through clang-19's recommends, which an image may not install.
packages+=(llvm-19)
local_debs=()

export DEBIAN_FRONTEND=noninteractive
# shellcheck source=/dev/null
. /etc/os-release
case "${VERSION_CODENAME:-}" in
noble) ;;
jammy)
	as_root apt-get update -qq
	as_root apt-get install -y -qq ca-certificates curl
	as_root install -d -m 0755 /etc/apt/keyrings
	curl -fsSL https://apt.llvm.org/llvm-snapshot.gpg.key |
		as_root tee /etc/apt/keyrings/apt.llvm.org.asc >/dev/null
	echo "deb [signed-by=/etc/apt/keyrings/apt.llvm.org.asc] http://apt.llvm.org/jammy/ llvm-toolchain-jammy-19 main" |
		as_root tee /etc/apt/sources.list.d/llvm-toolchain-19.list >/dev/null

	deb=/tmp/python3-rfc3987_1.3.8-2_all.deb
	curl -fsSLo "$deb" https://deb.debian.org/debian/pool/main/p/python-rfc3987/python3-rfc3987_1.3.8-2_all.deb
	echo "2c924daa7ff20cd814c16636236926400a7994bdd8931c94751caedf5e3ab2c7  $deb" | sha256sum -c --quiet
	mapfile -t packages < <(without python3-rfc3987 "${packages[@]}")
	local_debs+=("$deb")
	;;
*)
	echo "install-ubuntu: made for Ubuntu 22.04 and 24.04, not ${PRETTY_NAME:-this system};" \
		"trying the Debian names as they are" >&2
	;;
esac

as_root apt-get update -qq
as_root apt-get install -y -qq "${packages[@]}" "${local_debs[@]}"
scripts/deps.sh check
echo "install-ubuntu: every package scripts/deps.sh lists is installed"
