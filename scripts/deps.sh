#!/usr/bin/env bash
# Check for, or install, the Debian packages Raft Race Lab needs.
#   scripts/deps.sh check     exit 1 with the apt line to run if anything is missing
#   scripts/deps.sh install   install what is missing (as root, or through sudo)
#   scripts/deps.sh slides    check the slide tool's packages, then install the
#                             npm packages pinned in package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."

# clang-19 is the newest clang Debian 12 ships; its TSan runtime is a
# separate package.
packages=(
	gcc make pkg-config
	clang-19 libclang-rt-19-dev libtsan2
	valgrind
	libcunit1-dev libjansson-dev libxml2-dev libxml2-utils libmsgpack-dev
	libdw-dev  # elfutils: the checker reads a binary's types to name a race's field
	jq patch git
	universal-ctags  # the function each bug line is in (scripts/exercise.sh)
	python3-jsonschema python3-rfc3987  # the SARIF report is tested against its schema
	bubblewrap  # rrl-sandbox: a submission's builds and runs
	libcsv-dev  # rrl-grade writes grades.csv
	shellcheck python3-yaml  # make test-autograders: the autograders' scripts and workflow
)

# The slides (slides/, make slides) need Node.js for Marp and Chromium for
# the PDFs and the deck test. Node and npm come from Debian when missing.
slide_packages=(
	chromium
	fonts-noto-cjk  # Noto Sans CJK SC: the Chinese decks (slides/zh/) would show empty boxes without it
)
command -v node >/dev/null 2>&1 || slide_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || slide_packages+=(npm)

# The npm packages, exactly as package-lock.json pins them; again only
# when the lock file changed since the last install.
install_slide_tool() {
	if [ node_modules/.installed -nt package-lock.json ]; then
		return 0
	fi
	echo "deps: installing the slide tool (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed
}

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done
}

mode=${1:-check}
need=$(missing "${packages[@]}" | tr '\n' ' ')
need=${need% }

case "$mode" in
check)
	if [ -n "$need" ]; then
		echo "error: missing Debian packages: $need" >&2
		echo "       run 'make deps', or: sudo apt-get install -y $need" >&2
		exit 1
	fi
	;;
slides)
	slide_need=$(missing "${slide_packages[@]}" | tr '\n' ' ')
	if [ -n "$slide_need" ]; then
		echo "error: the slides need Debian packages: ${slide_need% }" >&2
		echo "       run 'make deps', or: sudo apt-get install -y ${slide_need% }" >&2
		exit 1
	fi
	install_slide_tool
	;;
install)
	need=$(missing "${packages[@]}" "${slide_packages[@]}" | tr '\n' ' ')
	need=${need% }
	if [ -z "$need" ]; then
		echo "deps: all packages present"
		install_slide_tool
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
	install_slide_tool
	;;
*)
	echo "usage: scripts/deps.sh check|install|slides" >&2
	exit 2
	;;
esac
