#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-flood-guest.sh - a flood of ICMP frag-needed at the server of the seed
# topology (selftests/topo.sh, rp_filter=1), with pmtufix and with strict
# RPF alone; run inside the VM (the `make bench` driver boots it). Prints
# Markdown (scripts/bench-report.py).
#
# selftests/icmpflood.c sends the frames from the router into the server's
# eth1 (AF_PACKET sendmmsg), paced at FLOOD_RATE per second, and measures the
# time spent in sendmmsg(), which includes the server's receive path (see
# there). The conditions, each FLOOD_RATE * FLOOD_SECONDS / FLOOD_ROUNDS
# frames a round:
#   floor    the same frames to a MAC nobody has: dropped in ip_rcv
#   forged   errors about no flow (ports and sequence numbers vary), from the
#            switch's management address: strict RPF drops them; pmtufix
#            judges them first (no such flow) and lets RPF drop them
#   valid    errors about the server's idle TCP connection, in window, MTU
#            1500: strict RPF drops them; pmtufix rescues them and the kernel
#            handles them (tcp_v4_err)
# under three settings:
#   strict   module unloaded: strict RPF alone
#   off      module loaded, "set rescue off" in the server's namespace: strict
#            RPF plus pmtufix's hook doing nothing
#   on       module loaded, rescue on ("set log all" too)
# Loading and unloading take seconds here, long enough for the load of this
# shared machine to change; switching the rescue on and off takes nothing.
# So the comparison is made within each round, module loaded: floor, then
# forged and valid with the rescue off and on (the order of those four
# rotates from round to round), then floor again; cost = busy time per frame
# minus the round's floor; ratio = on / off, per round, median [min-max].
# Before the first and after the last round the module is unloaded for a
# block of floor, forged, valid, floor: "off" against "strict" shows what
# the idle hook adds (coarse: minutes apart). qemu retranslates code after
# every insmod and rmmod: a warm-up flood of each kind follows every one.
#
# Environment: FLOOD_RATE (100000 frames/s), FLOOD_SECONDS (10 per condition
# in all), FLOOD_ROUNDS (10), BENCH_RAW=1 prints the samples too. PMTUFIX_KO and
# PMTUFIX_CLI as in selftests/lib.sh; ICMPFLOOD (build/selftests/icmpflood).
top=$(cd "$(dirname "$0")/.." && pwd)
# topo.sh sources lib.sh, which announces TAP: not wanted in a table.
# shellcheck source=../selftests/topo.sh
source "$top/selftests/topo.sh" >/dev/null || exit 1

: "${FLOOD_RATE:=100000}"
: "${FLOOD_SECONDS:=10}"
: "${FLOOD_ROUNDS:=10}"
: "${BENCH_RAW:=0}"
: "${ICMPFLOOD:=$top/build/selftests/icmpflood}"

die() { echo "bench-flood: $*" >&2; exit 1; }

[[ -x $ICMPFLOOD ]] || die "no $ICMPFLOOD: run 'make -C selftests'"
[[ -x $PMTUFIX_CLI ]] || die "no $PMTUFIX_CLI: run 'make cli'"
[[ -f $PMTUFIX_KO ]] || die "no $PMTUFIX_KO: run 'make module'"
pmtufix_unload || die "cannot unload pmtufix"
lib_tmpdir || die "no temporary directory"
RAW=$LIB_TMPDIR/samples
: >"$RAW"
record() { echo "$*" >>"$RAW"; }

PER_ROUND=$((FLOOD_RATE * FLOOD_SECONDS / FLOOD_ROUNDS))
PER_FLOOR=$((PER_ROUND / 4))
((PER_FLOOR > 0)) || die "nothing to send"

topo_seed rpf=1 mgmt_src=1 || die "cannot build the seed topology"
coproc FLOOD { "$ICMPFLOOD" -i "$RTR" -H "$SRV" -p "$CLI" -r "$FLOOD_RATE" 2>&1; }
defer kill "$FLOOD_PID"
read -r -t 60 -u "${FLOOD[0]}" ready || die "icmpflood did not start"
[[ $ready == ready* ]] || die "icmpflood: $ready"

LOADS=0 LOADED_MS=0 LOAD_T0=0
load()
{
	pmtufix_loaded && return 0
	insmod "$PMTUFIX_KO" || die "insmod failed"
	"$PMTUFIX_CLI" -n "$SRV" --backend module set log all >/dev/null ||
		die "pmtufix set log all failed"
	LOADS=$((LOADS + 1))
	now_ms; LOAD_T0=$NOW_MS
}

unload()
{
	pmtufix_loaded || return 0
	now_ms; LOADED_MS=$((LOADED_MS + NOW_MS - LOAD_T0))
	rmmod pmtufix || die "rmmod failed"
}

# send KIND COUNT: one flood, its result line in $OUT
OUT=
send()
{
	echo "$1 $2" >&"${FLOOD[1]}"
	read -r -t 600 -u "${FLOOD[0]}" OUT || die "icmpflood did not answer"
	[[ $OUT == "$1 "* ]] || die "icmpflood: $OUT"
}

rescue() { "$PMTUFIX_CLI" -n "$SRV" --backend module set rescue "$1" >/dev/null || die "rescue $1"; }

warm_up()
{
	local k

	lib_sleep 0.5
	for k in floor forged valid; do
		send "$k" "$PER_FLOOR"
	done
}

# strict_block ROUND: module unloaded
strict_block()
{
	local k seq=0

	unload
	warm_up
	for k in floor forged valid floor; do
		send "$k" "$([[ $k == floor ]] && echo "$PER_FLOOR" || echo "$PER_ROUND")"
		record flood "$1" strict "$((seq++))" "$OUT"
	done
}

# round N: module loaded; off/on pairs in a rotating order between floors
round()
{
	local n=$1 i c seq=0
	local -a conds=("off forged" "on forged" "off valid" "on valid")

	send floor "$PER_FLOOR"
	record flood "$n" on "$((seq++))" "$OUT"
	for ((i = 0; i < 4; i++)); do
		read -r c k <<<"${conds[(i + n) % 4]}"
		rescue "$c"
		send "$k" "$PER_ROUND"
		record flood "$n" "$c" "$((seq++))" "$OUT"
	done
	send floor "$PER_FLOOR"
	record flood "$n" on "$((seq++))" "$OUT"
}

dmesg -C 2>/dev/null
read -r _ _ release _ </proc/version
record info kernel "$release"
record info date "$(date -u +%Y-%m-%d)"
record info cpus "$(nproc)"
record info flood_rate "$FLOOD_RATE"
record info flood_seconds "$FLOOD_SECONDS"
record info flood_rounds "$FLOOD_ROUNDS"
now_ms; t0=$NOW_MS
strict_block 0
load
warm_up
for ((r = 1; r <= FLOOD_ROUNDS; r++)); do
	round "$r"
done
strict_block "$((FLOOD_ROUNDS + 1))"
now_ms
record info elapsed "$(((NOW_MS - t0) / 1000))"

# The forged errors must not have taught the server anything.
mtu=$(route_mtu "$SRV" "$CLI_IP")
record pmtu flood "${mtu:--}"
[[ -z $mtu || $mtu == 1500 ]] || die "the server learnt mtu $mtu toward $CLI_IP from the flood"
lines=$(dmesg | grep -c 'pmtufix: \(rescued\|rejected\) frag-needed')
suppressed=$(dmesg | grep -c 'callbacks suppressed')
limit=$((10 * (LOADED_MS / 5000 + 1 + LOADS) + suppressed))
record log "$lines" "$suppressed" "$limit" "$((LOADED_MS / 1000))" "$LOADS"
((lines <= limit)) || die "pmtufix logged $lines lines in $((LOADED_MS / 1000)) s, more than $limit"

((BENCH_RAW)) && sed 's/^/# /' "$RAW"
"$PYTHON" "$top/scripts/bench-report.py" <"$RAW"
