#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: side-by-side benchmarks, each suite in one VM:
#   rescue  scripts/bench-guest.sh: recovery across the black hole, throughput
#   mss     scripts/bench-mss-guest.sh: what MSS rules cost per connection setup
#   flood   scripts/bench-flood-guest.sh: a flood of frag-needed, forged and
#           valid, with pmtufix and with strict RPF alone
#   agent   scripts/bench-agent-guest.sh: the agent's CPU when idle, and the
#           time from "nft flush ruleset" to its table restored
#   relay   scripts/bench-relay-guest.sh: a frag-needed relayed by the node
#           that has no flow against one delivered to the owner: latency to
#           the owner's route cache, and the transfer's recovery time
# BENCH=rescue|mss|flood|agent|relay|all (default all) picks them; KVER picks the kernel
# (default: the newest supported).
# Settings of bench-guest.sh (ROUNDS, TPUT_PAIRS, ...) pass through from the
# environment. Prints Markdown tables; the whole run is kept in
# build/bench-<release>.log.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kver=${KVER:-$(scripts/kernels.sh default)}
[ -n "$kver" ] || { echo "bench: no supported kernel installed (make deps)" >&2; exit 1; }
case ${BENCH:-all} in
rescue|mss|flood|agent|relay|all) ;;
*) echo "bench: BENCH must be rescue, mss, flood, agent, relay or all" >&2; exit 2 ;;
esac
log=build/bench-$kver.log
mkdir -p build

echo "building pmtufix for $kver ..."
{
	make -s --no-print-directory module KVER="$kver" &&
	make -s --no-print-directory cli &&
	make -s --no-print-directory -C selftests all certs
} >"$log" 2>&1 || { cat "$log"; exit 1; }

# run_suite NAME SCRIPT MINUTES VAR...: one VM; the VARs pass through if set.
rc=0
run_suite() {
	local name=$1 script=$2 minutes=$3 v r
	local -a settings=()
	shift 3
	for v in "$@"; do
		[ -n "${!v:-}" ] && settings+=("$v=${!v}")
	done
	echo "booting Linux $kver under qemu for the $name benchmark; about $minutes minutes ..."
	set +e
	selftests/vm/run.sh -k "$kver" -t 1500 -- env "${settings[@]}" "$script" 2>&1 | tee -a "$log"
	r=${PIPESTATUS[0]}
	set -e
	[ "$r" = 0 ] || { echo "bench: the $name benchmark failed (exit $r); log in $log" >&2; rc=$r; }
}

case ${BENCH:-all} in
rescue|all) run_suite rescue scripts/bench-guest.sh "5 to 8" ROUNDS SLOW_EVERY STALL_TIMEOUT \
	WORK_TIMEOUT SETTLE TPUT_PAIRS TPUT_PHASE TPUT_SETTLE TPUT_BUDGET PARTS BENCH_RAW ;;&
mss|all) run_suite mss scripts/bench-mss-guest.sh "3 to 4" DURATION SLICE THREADS SYN_THREADS \
	MSS_RULES BENCH_RAW ;;&
flood|all) run_suite flood scripts/bench-flood-guest.sh "2 to 4" FLOOD_RATE FLOOD_SECONDS \
	FLOOD_ROUNDS BENCH_RAW ;;&
agent|all) run_suite agent scripts/bench-agent-guest.sh "3" IDLE_SECONDS ROUNDS ;;&
relay|all) run_suite relay scripts/bench-relay-guest.sh "2 to 4" ROUNDS XFER_ROUNDS POLL_US \
	WORK_TIMEOUT BENCH_RAW ;;
esac
exit "$rc"
