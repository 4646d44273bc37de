#!/usr/bin/env bash
# Check for, or install, the Debian packages Raft Race Lab needs.
#   scripts/deps.sh check     exit 1 with the apt line to run if anything is missing
#   scripts/deps.sh install   install what is missing (as root, or through sudo)
set -euo pipefail

# clang-19 is the newest clang Debian 12 ships; its TSan runtime is a
# separate package.
packages=(
	gcc make pkg-config
	clang-19 libclang-rt-19-dev libtsan2
	valgrind
	libcunit1-dev libjansson-dev libxml2-dev libxml2-utils libmsgpack-dev
	libdw-dev  # elfutils: the checker reads a binary's types to name a race's field
	jq patch git
)

missing() {
	local p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done
}

mode=${1:-check}
need=$(missing | tr '\n' ' ')
need=${need% }

case "$mode" in
check)
	if [ -n "$need" ]; then
		echo "error: missing Debian packages: $need" >&2
		echo "       run 'make deps', or: sudo apt-get install -y $need" >&2
		exit 1
	fi
	;;
install)
	if [ -z "$need" ]; then
		echo "deps: all packages present"
		exit 0
	fi
	if [ "$(id -u)" -eq 0 ]; then
		sudo=()
	elif command -v sudo >/dev/null 2>&1; then
		sudo=(sudo)
	else
		echo "error: need root to install: $need" >&2
		echo "       as root, run: apt-get update && apt-get install -y $need" >&2
		exit 1
	fi
	echo "deps: installing $need"
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq $need
	;;
*)
	echo "usage: scripts/deps.sh check|install" >&2
	exit 2
	;;
esac
