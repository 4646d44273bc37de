#!/usr/bin/env bash
# Wall time of each part of the suite (3A, 3B, 3C, 3D): native, under TSan and
# under Helgrind, with the ratio to native. A measurement, not a test: it
# prints figures and exits 0 unless a run fails.
# BENCH_PARTS picks parts (default "3A 3B 3C 3D"). BENCH_SCALE sets the time scale for native and TSan runs (default: the
# runner's); Helgrind runs use HELGRIND_SCALE (default 8).
set -uo pipefail
read -r -a parts <<<"${BENCH_PARTS:-3A 3B 3C 3D}"
scale_flag=()
[ -n "${BENCH_SCALE:-}" ] && scale_flag=(-scale "$BENCH_SCALE")
export TSAN_OPTIONS="halt_on_error=0 exitcode=66"
status=0

# measure command...: run it quietly; set $elapsed to its wall seconds and
# mark the bench failed if it failed. (Not a $(...) function: a subshell
# could not set status.)
measure() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || status=1
	t1=$(date +%s.%N)
	elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

printf '%-5s %10s %10s %8s %11s %8s\n' part native tsan ratio helgrind ratio
for part in "${parts[@]}"; do
	measure build/plain/raft-tests -run "$part\$" "${scale_flag[@]}"
	native=$elapsed
	measure build/tsan/raft-tests -run "$part\$" "${scale_flag[@]}"
	tsan=$elapsed
	measure scripts/helgrind.sh build/plain/raft-tests -run "$part\$"
	hg=$elapsed
	printf '%-5s %9.1fs %9.1fs %7sx %10.1fs %7sx\n' "$part" "$native" "$tsan" \
		"$(ratio "$tsan" "$native")" "$hg" "$(ratio "$hg" "$native")"
done
[ "$status" -eq 0 ] || echo "bench: at least one run failed; rerun the part with 'make scenarios RUN=...'"
exit $status
