#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-guest.sh - the measurements of `make bench`, run inside the VM
# (scripts/bench.sh boots it). Prints Markdown tables (scripts/bench-report.py).
#
# The machine is noisy, so nothing here is compared with a fixed number: the
# variants run in rounds, in a rotating order, and the report gives ratios
# between variants measured in the same round (median, min-max).
#
# 1. Recovery across the black hole (selftests/topo.sh, rp_filter=1 on the
#    server unless the variant changes it). For each variant, from a flushed
#    PMTU cache: the 64 KiB server->client transfer (xfer.py's elapsed) and the
#    TLS handshake (curl -k to openssl s_server, curl's time_appconnect).
#      rpf2     rp_filter=2 on the server (the lab's fix; the reference)
#      pmtufix  module loaded, rp_filter=1
#      nftmark  nft marks frag-needed, src_valid_mark=1, "ip rule fwmark" to a
#               table whose default route leaves through the ingress interface
#      probing  tcp_mtu_probing=1 in the server's namespace
#      strict   rp_filter=1 and nothing else: stalls, costs STALL_TIMEOUT
#    The two slow ones (seconds per run) only run every SLOW_EVERY-th round;
#    the others, whose differences are small, in every round.
# 2. Steady TCP throughput: one iperf3 stream between two namespaces over a
#    veth pair (every segment and every ACK crosses PRE_ROUTING in the
#    receiving namespace, where the module's hook runs once it is loaded);
#    the module is loaded and unloaded in turn (off, on, off, ..., off:
#    TPUT_PAIRS loaded phases of TPUT_PHASE s), bytes counted on the
#    receiver's eth0.
#
# Environment: ROUNDS (15), SLOW_EVERY (5), STALL_TIMEOUT (5 s), WORK_TIMEOUT
# (30 s), SETTLE (0.3 s between a variant's setup and its first measurement),
# TPUT_PAIRS (60 loaded phases at most), TPUT_PHASE (0.5 s), TPUT_SETTLE
# (0.3 s), TPUT_BUDGET (150 s: no new loaded phase after that), PARTS
# ("recovery throughput"), BENCH_RAW=1 prints the samples too.
top=$(cd "$(dirname "$0")/.." && pwd)
# topo.sh sources lib.sh, which announces TAP: not wanted in a table.
# shellcheck source=../selftests/topo.sh
source "$top/selftests/topo.sh" >/dev/null || exit 1

: "${ROUNDS:=15}"
: "${SLOW_EVERY:=5}"
: "${STALL_TIMEOUT:=5}"
: "${WORK_TIMEOUT:=30}"
: "${SETTLE:=0.3}"
: "${TPUT_PAIRS:=60}"
: "${TPUT_PHASE:=0.5}"
: "${TPUT_SETTLE:=0.3}"
: "${TPUT_BUDGET:=150}"
: "${PARTS:=recovery throughput}"
: "${BENCH_RAW:=0}"

VARIANTS=(rpf2 pmtufix nftmark probing strict)
declare -A SLOW=([probing]=1 [strict]=1)
MARK=0x10
MARK_TABLE=110
TA_IP=192.168.77.1
TB_IP=192.168.77.2
IPERF_PORT=5201

die() { echo "bench: $*" >&2; exit 1; }

lib_tmpdir || die "no temporary directory"
RAW=$LIB_TMPDIR/samples
: >"$RAW"
record() { echo "$*" >>"$RAW"; }

##############################################################################
# Variants of part 1: each setup queues its own undoing (defer), the caller
# pops the scope.

variant_rpf2() { topo_set_rpf 2 && defer topo_set_rpf 1; }

variant_pmtufix() { pmtufix_load; }

variant_nftmark()
{
	defer nftmark_undo
	srv nft -f - <<-EOF || return 1
		table ip pmtufix_bench_mark {
			chain prerouting {
				type filter hook prerouting priority mangle; policy accept;
				iifname "eth1" icmp type destination-unreachable icmp code frag-needed meta mark set $MARK
			}
		}
	EOF
	srv ip -batch - <<-EOF || return 1
		rule add fwmark $MARK lookup $MARK_TABLE priority $MARK_TABLE
		route add default via $RTR_SRV_IP dev eth1 table $MARK_TABLE
	EOF
	ns_sysctl "$SRV" net.ipv4.conf.all.src_valid_mark=1 net.ipv4.conf.eth1.src_valid_mark=1
}

nftmark_undo()
{
	ns_sysctl "$SRV" net.ipv4.conf.all.src_valid_mark=0 net.ipv4.conf.eth1.src_valid_mark=0
	srv ip -force -batch - <<-EOF 2>/dev/null
		rule del fwmark $MARK lookup $MARK_TABLE priority $MARK_TABLE
		route flush table $MARK_TABLE
	EOF
	srv nft delete table ip pmtufix_bench_mark 2>/dev/null
	return 0
}

variant_probing()
{
	ns_sysctl "$SRV" net.ipv4.tcp_mtu_probing=1 &&
		defer ns_sysctl "$SRV" net.ipv4.tcp_mtu_probing=0
}

variant_strict() { :; }

##############################################################################
# Measurements of part 1: milliseconds in $MS, "stall" when nothing arrived
# within the timeout.

MS=
measure_xfer()
{
	local timeout=$1

	topo_flush_pmtu || die "cannot flush the PMTU cache"
	MS=stall
	if ! seed_transfer "$timeout"; then
		[[ $XFER_OUT == *result=stall* ]] || die "xfer.py said: $XFER_OUT"
		return 0
	fi
	[[ $XFER_OUT =~ elapsed=([0-9]+)\.([0-9]{3}) ]] || die "xfer.py said: $XFER_OUT"
	MS=$((10#${BASH_REMATCH[1]}${BASH_REMATCH[2]}))
}

measure_tls()
{
	local timeout=$1
	local out

	topo_flush_pmtu || die "cannot flush the PMTU cache"
	MS=stall
	out=$(ip netns exec "$CLI" curl -k -sS -o /dev/null -w '%{time_appconnect}' \
		--connect-timeout "$timeout" --max-time "$((timeout + 10))" \
		"https://$SRV_IP:$TLS_PORT/healthz" 2>/dev/null)
	local rc=$?
	# A stalled handshake leaves the server's flight retransmitting (and
	# teaching PMTU to whatever runs next): kill what is left of it.
	ss -N "$SRV" -K -tn "sport = :$TLS_PORT" >/dev/null 2>&1
	# 28: timeout, i.e. a stall; anything else is a broken setup.
	((rc == 28)) && return 0
	((rc == 0)) || die "curl failed (exit $rc)"
	[[ $out =~ ^([0-9]+)\.([0-9]{3}) ]] || die "curl said: $out"
	MS=$((10#${BASH_REMATCH[1]}${BASH_REMATCH[2]}))
}

recovery()
{
	local round v i k n shift_by timeout mtu
	local -a vs
	local -A MTU_SEEN=()

	topo_seed rpf=1 mgmt_src=1 || die "cannot build the seed topology"
	# The router may send as many errors as the variants provoke: a stalled
	# variant must not use up the rate limit of the one after it.
	ns_sysctl "$RTR" net.ipv4.icmp_ratelimit=0 || die "icmp_ratelimit"
	tls_certs >/dev/null || die "no certificates"
	tls_server_start >/dev/null || die "openssl s_server does not listen"

	# Not measured: neighbours resolved, caches and page cache warm.
	defer_scope_push
	variant_rpf2 || die "cannot set up variant rpf2"
	measure_xfer "$WORK_TIMEOUT"
	measure_tls "$WORK_TIMEOUT"
	defer_scope_pop

	for ((round = 1; round <= ROUNDS; round++)); do
		vs=()
		for v in "${VARIANTS[@]}"; do
			[[ -n ${SLOW[$v]-} ]] && (((round - 1) % SLOW_EVERY)) && continue
			vs+=("$v")
		done
		# Each round starts elsewhere in the list, slow rounds included.
		shift_by=$((round - 1 + (round - 1) / SLOW_EVERY))
		n=${#vs[@]}
		for ((i = 0; i < n; i++)); do
			v=${vs[(shift_by + i) % n]}
			timeout=$WORK_TIMEOUT
			[[ $v == strict ]] && timeout=$STALL_TIMEOUT
			defer_scope_push
			"variant_$v" || die "cannot set up variant $v"
			# Whatever the setup left running (insmod's aftermath,
			# nft's) must not land in the measurement.
			lib_sleep "$SETTLE"
			measure_xfer "$timeout"
			record recovery "$v" xfer "$round" "$MS" "$timeout"
			if [[ -z ${MTU_SEEN[$v]-} ]]; then
				MTU_SEEN[$v]=1
				mtu=$(route_mtu "$SRV" "$CLI_IP")
				record pmtu "$v" "${mtu:--}"
			fi
			measure_tls "$timeout"
			record recovery "$v" tls "$round" "$MS" "$timeout"
			if [[ $v == pmtufix ]] && pmtufix_stats "$SRV"; then
				for k in "${!PMTUFIX_STATS[@]}"; do
					record stats "$k" "${PMTUFIX_STATS[$k]}"
				done
			fi
			defer_scope_pop
		done
	done
}

##############################################################################
# Part 2: one long iperf3 stream over veth between two namespaces, while the
# module is loaded and unloaded in turn. Short phases next to each other see
# the same load of the machine, which changes by a factor of two within
# seconds here: separate iperf3 runs per variant were too far apart to pair.
# Every phase follows a real insmod or rmmod (each takes about half a second
# of CPU under TCG, and the stream catches up after it): phases that followed
# none ran 20% slower, so the order is strictly off, on, off, ..., off and
# each loaded phase is compared with the mean of its two neighbours, which
# also cancels a linear drift.

SERVER_PID=
RX_BYTES=
RX_US=
# Bytes received by the server's eth0 and the time, without a spawn:
# /proc/PID/net/dev of a process that lives in its namespace.
rx_sample()
{
	local name rest

	RX_US=${EPOCHREALTIME/[.,]/}
	while read -r name rest; do
		if [[ $name == eth0: ]]; then
			read -r RX_BYTES _ <<<"$rest"
			return 0
		fi
	done <"/proc/$SERVER_PID/net/dev"
	return 1
}

throughput()
{
	local seq side b0 t0 t_toggle t_end client phases=$((2 * TPUT_PAIRS + 1))

	setup_ns -L TA TB || die "cannot create namespaces"
	ip link add eth0 netns "$TA" type veth peer name eth0 netns "$TB" || die "veth"
	ns_exec "$TA" ip -batch - <<-EOF || die "ta"
		link set lo up
		link set eth0 up
		addr add $TA_IP/24 dev eth0
	EOF
	ns_exec "$TB" ip -batch - <<-EOF || die "tb"
		link set lo up
		link set eth0 up
		addr add $TB_IP/24 dev eth0
	EOF
	for ns in "$TA" "$TB"; do
		ns_sysctl "$ns" net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1 \
			net.ipv4.conf.eth0.rp_filter=1 || die "sysctl"
	done
	ns_spawn "$TB" "$LIB_TMPDIR/iperf3-s.log" iperf3 -s -1 -B "$TB_IP" -p "$IPERF_PORT"
	SERVER_PID=$SPAWNED_PID
	busywait 10000 tcp_listening "$TB" "$IPERF_PORT" >/dev/null || die "iperf3 -s does not listen"

	# Outlives the phases; stopped after them.
	ns_spawn "$TA" "$LIB_TMPDIR/iperf3-c.log" \
		iperf3 -c "$TB_IP" -p "$IPERF_PORT" -t "$((TPUT_BUDGET + 120))" -i 0
	client=$SPAWNED_PID
	now_ms; t_end=$((NOW_MS + TPUT_BUDGET * 1000))
	# Not measured: slow start, caches warm; the first phase (off) must
	# follow an rmmod too.
	pmtufix_loaded || insmod "$PMTUFIX_KO" || die "cannot load $PMTUFIX_KO"
	lib_sleep 1
	rx_sample || die "no eth0 in the server's namespace"

	# Ends on an unloaded phase: after 2 * TPUT_PAIRS + 1 phases, or the
	# first one past TPUT_BUDGET s (insmod and rmmod slow down under load).
	for ((seq = 1; ; seq++)); do
		now_ms; t_toggle=$NOW_MS
		if ((seq % 2)); then
			side=off
			rmmod pmtufix || die "cannot unload pmtufix"
		else
			side=on
			insmod "$PMTUFIX_KO" || die "cannot load $PMTUFIX_KO"
		fi
		now_ms
		record toggle "$side" "$((NOW_MS - t_toggle))"
		lib_sleep "$TPUT_SETTLE"
		rx_sample
		b0=$RX_BYTES t0=$RX_US
		lib_sleep "$TPUT_PHASE"
		rx_sample
		((RX_BYTES > b0)) || die "the iperf3 stream stopped in phase $seq ($side):" \
			"$(tail -n 5 "$LIB_TMPDIR"/iperf3-*.log)"
		record throughput "$side" "$seq" "$(((RX_BYTES - b0) * 8000000 / (RX_US - t0)))"
		now_ms
		[[ $side == off ]] && ((seq > 1 && (seq >= phases || NOW_MS > t_end))) && break
	done
	kill "$client" 2>/dev/null
	pmtufix_loaded && die "pmtufix is still loaded"
	return 0
}

##############################################################################

[[ -f $PMTUFIX_KO ]] || die "no module $PMTUFIX_KO (make module KVER=$(uname -r))"
for c in iperf3 curl openssl nft ss "$PYTHON"; do
	command -v "$c" >/dev/null || die "'$c' not found (make deps)"
done
pmtufix_unload || die "pmtufix is loaded and cannot be unloaded"

# An IPv4 PRE_ROUTING chain in a namespace of its own, for the whole run:
# the kernel's static key for that hook stays on, as on any node with
# firewall rules, so loading the module only adds an entry to each
# namespace's hook list and no kernel code is patched under a running
# stream. (Under TCG, jump-label patching while ip_rcv() ran at full speed
# once oopsed the guest: "Oops: int3" at ip_rcv+0x42.) The measured
# namespaces themselves have no hook but pmtufix's.
setup_ns KEEP || die "cannot create a namespace"
ns_exec "$KEEP" nft -f - <<-EOF || die "cannot add the chain that keeps the hook key on"
	table ip pmtufix_bench_keep {
		chain prerouting { type filter hook prerouting priority 0; policy accept; }
	}
EOF

read -r _ _ release _ </proc/version
now_ms; t0=$NOW_MS
record info kernel "$release"
record info date "$(date -u +%Y-%m-%d)"
record info cpus "$(nproc)"
record info rounds "$ROUNDS"
record info tput_pairs "$TPUT_PAIRS"
record info tput_phase "$TPUT_PHASE"

for part in $PARTS; do
	case $part in
	recovery|throughput) "$part" ;;
	*) die "unknown part '$part'" ;;
	esac
done

now_ms
record info elapsed "$(((NOW_MS - t0) / 1000))"
((BENCH_RAW)) && sed 's/^/# /' "$RAW"
"$PYTHON" "$top/scripts/bench-report.py" <"$RAW"
