#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: side-by-side benchmarks in one VM (scripts/bench-guest.sh says
# what is measured). KVER picks the kernel (default: the newest supported).
# Settings of bench-guest.sh (ROUNDS, TPUT_PAIRS, ...) pass through from the
# environment. Prints Markdown tables; the whole run is kept in
# build/bench-<release>.log.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kver=${KVER:-$(scripts/kernels.sh default)}
[ -n "$kver" ] || { echo "bench: no supported kernel installed (make deps)" >&2; exit 1; }
log=build/bench-$kver.log
mkdir -p build

echo "building pmtufix for $kver ..."
{
	make -s --no-print-directory module KVER="$kver" &&
	make -s --no-print-directory cli &&
	make -s --no-print-directory -C selftests certs
} >"$log" 2>&1 || { cat "$log"; exit 1; }

settings=()
for v in ROUNDS SLOW_EVERY STALL_TIMEOUT WORK_TIMEOUT SETTLE TPUT_PAIRS TPUT_PHASE TPUT_SETTLE TPUT_BUDGET \
	PARTS BENCH_RAW; do
	[ -n "${!v:-}" ] && settings+=("$v=${!v}")
done
echo "booting Linux $kver under qemu; the measurements take 5 to 8 minutes ..."
set +e
selftests/vm/run.sh -k "$kver" -t 1500 -- env "${settings[@]}" scripts/bench-guest.sh 2>&1 |
	tee -a "$log"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || echo "bench: failed (exit $rc); log in $log" >&2
exit "$rc"
