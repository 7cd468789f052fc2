#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-relay-guest.sh - what the relay of frag-needed errors costs against the
# module's rescue alone; run inside the VM (the `make bench` driver boots it).
# The topology of selftests/topo_relay.sh: the router's errors for the VIP go
# to $NB ("relayed": $NB has no flow, its agent relays them to $NA) or to $NA
# itself ("direct": the control, the module alone). Agents with the relay
# line run on both nodes throughout. Prints Markdown.
#
#   latency   ROUNDS rounds of one forged frag-needed from the router quoting a
#             live idle flow on $NA (in window), a fresh lower MTU each time,
#             direct and relayed in alternating order: time from the error's
#             arrival at the first node to $NA's route cache showing the MTU
#             (selftests/relay_latency.py: polls RTM_GETROUTE; its resolution
#             is printed)
#   recovery  XFER_ROUNDS pairs, interleaved (the order alternates): the 64 KiB
#             transfer from $NA via the VIP from a flushed PMTU cache, its
#             elapsed time (xfer.py, 1 ms resolution) with the errors relayed
#             and direct; median each, the ratio relayed / direct (the goal is
#             <= 1.2), and the median of each round's difference
#
# Environment: ROUNDS (20), XFER_ROUNDS (20), POLL_US (100, the pause between
# two polls), WORK_TIMEOUT (15 s per transfer), BENCH_RAW=1 prints the samples.
# PMTUFIX_KO and PMTUFIX_CLI as in selftests/lib.sh.
top=$(cd "$(dirname "$0")/.." && pwd)
# topo_relay.sh sources lib.sh, which announces TAP: not wanted in a table.
# shellcheck source=../selftests/topo_relay.sh
source "$top/selftests/topo_relay.sh" >/dev/null || exit 1

: "${ROUNDS:=20}"
: "${XFER_ROUNDS:=20}"
: "${POLL_US:=100}"
: "${WORK_TIMEOUT:=15}"
: "${BENCH_RAW:=0}"

die() { echo "bench-relay: $*" >&2; exit 1; }

[[ -x $PMTUFIX_CLI ]] || die "no $PMTUFIX_CLI: run 'make cli'"
[[ -f $PMTUFIX_KO ]] || die "no $PMTUFIX_KO: run 'make module'"
[[ -c /dev/net/tun ]] || modprobe tun 2>/dev/null
[[ -c /dev/net/tun ]] || die "no /dev/net/tun"

setup_relay || die "cannot build the topology"
pmtufix_load || die "insmod failed"
start_agents "$NA" "$NB" || die "$retmsg"
lib_tmpdir || die "no temporary directory"

# median of the numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END {
	print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

latency()
{
	"$PYTHON" "$SELFTESTS_DIR/relay_latency.py" --owner "$NA" --router "$RTR" \
		--client "$CLI" --vip "$VIP" --client-ip "$CLI_IP" --mgmt "$MGMT" \
		--owner-ip "$NA_IP" --other-ip "$NB_IP" --rounds "$ROUNDS" \
		--poll-us "$POLL_US" >"$LIB_TMPDIR/latency" || die "relay_latency.py failed"
}

# xfer_ms MODE: one transfer from a flushed PMTU cache, its time in ms in $MS;
# a relayed one must have been relayed by $NB and rescued on $NA.
MS=
xfer_ms()
{
	local s0 r0

	errors_to "$([[ $1 == relayed ]] && echo "$NB_IP" || echo "$NA_IP")"
	na ip route flush cache || die "cannot flush the PMTU cache"
	[[ -z $(route_mtu "$NA" "$CLI_IP") ]] || die "the PMTU survived the flush"
	s0=$(sent "$NB") r0=$(received "$NA" rescued)
	owner_transfer "$WORK_TIMEOUT" || die "$1 transfer did not complete: $XFER_OUT"
	[[ $XFER_OUT =~ elapsed=([0-9]+)\.([0-9]{3}) ]] || die "xfer.py said: $XFER_OUT"
	MS=$((10#${BASH_REMATCH[1]} * 1000 + 10#${BASH_REMATCH[2]}))
	if [[ $1 == relayed ]]; then
		busywait 3000 above received "$NA" rescued "$r0" ||
			die "a relayed transfer completed without a rescued relayed error"
		(($(sent "$NB") > s0)) || die "a relayed transfer completed without $NB relaying"
	fi
}

recovery()
{
	local i m
	local -a order

	: >"$LIB_TMPDIR/xfer.direct"
	: >"$LIB_TMPDIR/xfer.relayed"
	for ((i = 0; i < XFER_ROUNDS; i++)); do
		order=(direct relayed)
		((i % 2)) && order=(relayed direct)
		for m in "${order[@]}"; do
			lib_sleep 0.3
			xfer_ms "$m"
			echo "$MS" >>"$LIB_TMPDIR/xfer.$m"
			((BENCH_RAW)) && echo "# xfer $m $i $MS ms: $XFER_OUT"
		done
	done
}

field() { local re="(^| )$1=([0-9]+)"; [[ $2 =~ $re ]] && echo "${BASH_REMATCH[2]}"; }

latency
recovery
((BENCH_RAW)) && sed 's/^/# /' "$LIB_TMPDIR/latency"

direct=$(grep '^summary direct ' "$LIB_TMPDIR/latency")
relayed=$(grep '^summary relayed ' "$LIB_TMPDIR/latency")
poll=$(field poll_us "$(grep '^resolution ' "$LIB_TMPDIR/latency")")
xd=$(median <"$LIB_TMPDIR/xfer.direct")
xr=$(median <"$LIB_TMPDIR/xfer.relayed")
# Each round's pair ran moments apart: their difference cancels most of the
# machine's load, which moves both.
xdiff=$(paste "$LIB_TMPDIR/xfer.relayed" "$LIB_TMPDIR/xfer.direct" | awk '{ print $1 - $2 }' | median)
echo
echo "### pmtufix relay: latency and recovery, relayed vs direct"
echo
echo "Kernel $(uname -r), $(nproc) CPUs. Latency: from the frag-needed's arrival at the"
echo "first node to the owner's route cache showing its MTU, $ROUNDS each (polled with"
echo "RTM_GETROUTE every ${poll} us, median). Recovery: the 64 KiB transfer from a flushed"
echo "PMTU cache (xfer.py elapsed), $XFER_ROUNDS each, interleaved."
echo
echo "| what | direct (module alone) | relayed (via the other node) | relayed / direct |"
echo "|---|---:|---:|---:|"
printf '| error -> route cache, median | %s us | %s us | |\n' \
	"$(field median_us "$direct")" "$(field median_us "$relayed")"
printf '| error -> route cache, p90 | %s us | %s us | |\n' \
	"$(field p90_us "$direct")" "$(field p90_us "$relayed")"
printf '| error -> route cache, min-max | %s-%s us | %s-%s us | |\n' \
	"$(field min_us "$direct")" "$(field max_us "$direct")" \
	"$(field min_us "$relayed")" "$(field max_us "$relayed")"
printf '| sendto() of the error (the first node handles it within), median | %s us | %s us | |\n' \
	"$(field sendto_us "$direct")" "$(field sendto_us "$relayed")"
printf '| 64 KiB transfer, median | %s ms | %s ms | %s |\n' "$xd" "$xr" \
	"$(awk -v r="$xr" -v d="$xd" 'BEGIN { printf "%.2f", (d > 0 ? r / d : 0) }')"
printf '| 64 KiB transfer, relayed - direct in the same round, median | | %s ms | |\n' "$xdiff"
printf '| 64 KiB transfer, min-max | %s-%s ms | %s-%s ms | |\n' \
	"$(sort -n "$LIB_TMPDIR/xfer.direct" | head -1)" "$(sort -n "$LIB_TMPDIR/xfer.direct" | tail -1)" \
	"$(sort -n "$LIB_TMPDIR/xfer.relayed" | head -1)" "$(sort -n "$LIB_TMPDIR/xfer.relayed" | tail -1)"
echo
echo "Relayed by the other node: $(sent "$NB") sent, $(sent "$NB" rate_limited) rate-limited;" \
	"relayed errors rescued on the owner: $(received "$NA" rescued)."
# Not every relayed error is rescued: the router answers each oversized
# segment of a burst, and by the time the later ones arrive the owner has
# resent that data smaller and had it acknowledged (seq_window), or the
# transfer is over (no_flow). What the owner made of them, by its reason:
echo "The owner's verdicts on relayed errors:" \
	"$(http "$NA" /metrics | sed -n 's/^pmtufix_relay_received_total{result="\([^"]*\)"} \([0-9]*\).*/\1 \2/p' |
		awk '$2 > 0 { printf "%s%s %s", n++ ? ", " : "", $1, $2 }')."
