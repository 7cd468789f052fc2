#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-rescue-forged.sh - forged ICMP frag-needed errors against pmtufix: only
# an error about a flow the server really has, arriving where that flow
# leaves, with a sane MTU and a usable quote, is rescued; everything else is
# counted under its reason and still dropped by strict reverse-path filtering.
#
#   $CLI 10.10.20.20 ---- $RTR ---- r_srv/eth1 ---- $SRV 10.10.10.10 (eth1)
#                          |        forged ICMP      172.20.20.10 (eth0)
#                          |        from 172.20.20.2 rp_filter=1
#                          +------- r_mgmt/eth0 -----+
#
# (full diagram in topo.sh). forge_icmp.py sends each error from the router's
# management address 172.20.20.2 out r_srv, so that it reaches the server on
# eth1, where strict RPF drops it unless pmtufix rescues it. Flows the errors
# quote, held open for the whole run by one small program:
#   A  TCP 10.10.10.10:P  <- 10.10.20.20:P+1   (idle; its send sequence read
#                                                with TCP_REPAIR)
#   M  TCP 172.20.20.10:P+3 -> 172.20.20.2:P+2 (over eth0, the mgmt network)
#   U  UDP 10.10.10.10:P+4 -> 10.10.20.20:7777  (connected)
#   V  UDP 10.10.10.10:P+5 -> 172.20.20.5:7777  (connected; routed out eth0)
#   W  UDP 0.0.0.0:P+6 on the server            (unconnected: proves nothing)
#
# Each case checks that no PMTU is known before it, sends one error, and then
# that exactly one counter of "pmtufix -j stats" rose (or none, for errors
# pmtufix leaves alone), that IPReversePathFilter rose for every rejected
# error and not for a rescued one, and that the route cache toward the quoted
# peer is unchanged (or shows the rescued MTU). The route cache is flushed
# after every case.
#
# forged_host       the server alone: no conntrack, no forwarding
# forged_conntrack  the same with a masqueraded pod behind the server
#                   (conntrack active, forwarding on), plus a quoted source
#                   that is not local (the pod, with no conntrack entry)
#
# Cases of each pass: positive controls (TCP A in window, UDP U, quote with IP
# options, MTU at the floor, error for M arriving on eth0: not-needed); no-flow
# (TCP, UDP, ICMP, UDP quoting W or U with another peer port); seq-window (A:
# next, previous and far sequence numbers); wrong-iface (M's error arriving on
# eth1; V, whose peer is routed out eth0);
# below-floor (68, 500, 551, and 1399 under "floor 1400"); malformed (quote
# truncated, L4 under 8 bytes, version 6, IHL 4, IHL 15, non-first fragment,
# bad ICMP checksum, addressed to another local address); ICMP type 3 codes
# 1 and 3 (not pmtufix's business: dropped by RPF, no counter moves).
#
# forged_strict     with conntrack and forwarding active: an error about a
#                   connection still in its handshake (SYN-RECV, quoting its
#                   ISN) is no flow although conntrack calls it RELATED:
#                   tcp_v4_err() ignores it; an error to an address without
#                   a route is not counted at all; an error strict RPF lets
#                   through is routed again by the kernel after the later
#                   hooks (one that marks it for a src_valid_mark rule that
#                   routes its source out eth1 gets it dropped)
#
# Usage: test-rescue-forged.sh [-t "case ..."] [-v]
#   PMTUFIX_SKIP_LOAD=1: run without the module (every case must then fail)

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

tests="
	forged_host	forged errors against the server alone
	forged_conntrack	forged errors with conntrack and forwarding active
	forged_strict	what passes no check is not counted as rescued or kept routed"

REASONS="rescued not_needed malformed not_local no_flow seq_window wrong_iface below_floor disabled no_source_route"

# Holds flows A, M and U open until killed and prints "ready SEQ_A SEQ_M" (the
# next sequence number each sends; -1 if TCP_REPAIR is refused). Then forges:
# reads forge_icmp.py command lines from CMD_FIFO, runs each in-process (a
# python start costs a second in the guest) and answers "done RC" on ANS_FIFO,
# back in the server's netns. The kernel handles a forged error before its
# sendto() returns (veth delivers in the sender's context), so after "done"
# the counters are final.
# Arguments: SRV CLI RTR BASE_PORT SELFTESTS_DIR CMD_FIFO ANS_FIFO.
HOLDER_PY='
import os, shlex, socket, sys

from flows import setns, tcp_pair, udp_flow, send_seq

srv, cli, rtr, port, selftests, cmd_fifo, ans_fifo = sys.argv[1:8]
port = int(port)
a = tcp_pair(srv, "10.10.10.10", port, cli, "10.10.20.20", port + 1)
m = tcp_pair(rtr, "172.20.20.2", port + 2, srv, "172.20.20.10", port + 3)
setns(srv)
u = udp_flow("10.10.10.10", port + 4, "10.10.20.20", 7777)
v = udp_flow("10.10.10.10", port + 5, "172.20.20.5", 7777)
w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
w.bind(("0.0.0.0", port + 6))
print("ready %d %d" % (send_seq(a[1]), send_seq(m[2])), flush=True)

sys.path.insert(0, selftests)
import forge_icmp

cmd = os.fdopen(os.open(cmd_fifo, os.O_RDWR), "r")
ans = os.fdopen(os.open(ans_fifo, os.O_RDWR), "w")
for line in cmd:
    sys.argv = ["forge_icmp.py"] + shlex.split(line)
    try:
        rc = forge_icmp.main()
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 2
    setns(srv)
    ans.write("done %d\n" % rc)
    ans.flush()
'

HOLD_PORT=0 SEQ_A=-1 SEQ_M=-1 HOLDER_PID='' CMD_FD='' ANS_FD=''

# hold_flows BASE_PORT: start the holder (killed in the current scope).
# Call it from the test's own shell (it opens file descriptors).
hold_flows()
{
	local log fifo

	lib_tmpdir || return 1
	HOLD_PORT=$1
	log=$LIB_TMPDIR/holder.$1.log
	fifo=$LIB_TMPDIR/holder.$1
	mkfifo "$fifo.cmd" "$fifo.ans" || return 1
	exec {CMD_FD}<>"$fifo.cmd" {ANS_FD}<>"$fifo.ans"
	defer eval "exec $CMD_FD>&- $ANS_FD<&-"
	SNAP_OK=0
	if ! ns_spawn_ready "$SRV" "$log" ready "$PYTHON" -c "$HOLDER_PY" \
		"$SRV" "$CLI" "$RTR" "$HOLD_PORT" "$SELFTESTS_DIR" "$fifo.cmd" \
		"$fifo.ans"; then
		HOLDER_PID=$SPAWNED_PID
		log_info "flow holder: $(<"$log")"
		return 1
	fi
	HOLDER_PID=$SPAWNED_PID
	SEQ_A=${READY_ARGS[0]} SEQ_M=${READY_ARGS[1]}
	log_info "flows held from port $HOLD_PORT: A next seq $SEQ_A, M next seq $SEQ_M"
}

# srv_drops: IPReversePathFilter of $SRV, read through the holder's /proc
# entry (the holder lives in $SRV between forgeries): no process spawned.
srv_drops()
{
	local -a names vals
	local rest i

	while read -r _ rest; do
		if ((${#names[@]} == 0)); then
			read -r -a names <<<"$rest"
			continue
		fi
		read -r -a vals <<<"$rest"
		for i in "${!names[@]}"; do
			if [[ ${names[i]} == IPReversePathFilter ]]; then
				DROPS=${vals[i]}
				return 0
			fi
		done
		names=()
	done <"/proc/$HOLDER_PID/net/netstat"
	return 1
}

# forge ARGS...: forge_icmp.py ARGS, run by the holder.
forge()
{
	local word rc

	((VERBOSE)) && echo "# [rtr] forge_icmp.py $*" >&2
	printf '%q ' "$@" >&"$CMD_FD"
	echo >&"$CMD_FD"
	read -r -t 10 -u "$ANS_FD" word rc || return 124
	[[ $word == "done" ]] || return 125
	return "$rc"
}

declare -A BEFORE=()
DROPS=0
SNAP_OK=0

# snapshot: BEFORE = the counters now; false if they cannot be read.
snapshot()
{
	local r

	BEFORE=()
	pmtufix_stats "$SRV" || return 1
	for r in $REASONS; do
		BEFORE[$r]=${PMTUFIX_STATS[$r]:-0}
	done
}

# moved: something happened since BEFORE (reads PMTUFIX_STATS and DROPS);
# status 2 when the counters cannot be read.
moved()
{
	local r

	srv_drops
	pmtufix_stats "$SRV" || return 2
	((DROPS != BEFORE[drops])) && return 0
	for r in $REASONS; do
		((${PMTUFIX_STATS[$r]:-0} != ${BEFORE[$r]:-0})) && return 0
	done
	return 1
}

# forged WHAT EXPECT NS PEER MTU -- FORGE_ICMP_ARGS...
#   EXPECT  the reason counted (a key of PMTUFIX_STATS), or "none"
#   NS PEER where an update would show: "ip route get PEER" in NS
#   MTU     "" = the error is dropped: no mtu toward PEER, IPReversePathFilter
#           rises; else the error gets through: mtu MTU, no reverse-path drop
# The forge sends from the router's management address to the server's eth1
# address unless the arguments say otherwise (--dst, --dev). Counters are
# read once per case: the reading after one case is the snapshot before the
# next (nothing else in the topology sends frag-needed errors).
forged()
{
	local what=$1 expect=$2 ns=$3 peer=$4 want=$5
	local name="$PASS: $what" r d mtu diff='' i rc

	shift 6
	# A rejected error must leave no mtu: checked after it, which also
	# proves there was none before. An accepted one must create it.
	if [[ -n $want ]] && ! no_pmtu "$ns" "$peer"; then
		log_test "$name"
		return
	fi
	((SNAP_OK)) || snapshot
	srv_drops
	BEFORE[drops]=$DROPS

	forge --ns "$RTR" --src "$RTR_MGMT_IP" --dst "$SRV_IP" "$@"
	rc=$?
	if ((rc)); then
		check_err 1 "forge_icmp.py $* failed ($rc)"
		log_test "$name"
		SNAP_OK=0
		return
	fi
	SNAP_OK=0
	for ((i = 0; i < 20; i++)); do
		moved
		rc=$?
		((rc == 1)) || break
		lib_sleep 0.1
	done
	if ((rc == 2)); then
		check_err 1 "cannot read the counters (pmtufix -j stats)"
	elif ((rc)); then
		check_err 1 "nothing was counted and IPReversePathFilter stayed ${BEFORE[drops]}: did the error arrive?"
	fi
	((${#PMTUFIX_STATS[@]})) && SNAP_OK=1

	for r in $REASONS; do
		d=$((${PMTUFIX_STATS[$r]:-0} - ${BEFORE[$r]:-0}))
		((d)) && diff+=" $r+$d"
		BEFORE[$r]=${PMTUFIX_STATS[$r]:-0}
	done
	if [[ $expect == none ]]; then
		[[ -z $diff ]]
		check_err $? "pmtufix counted it:$diff"
	else
		[[ $diff == " $expect+1" ]]
		check_err $? "expected $expect+1, counted:${diff:- nothing}"
	fi

	mtu=$(route_mtu "$ns" "$peer")
	if [[ -n $want ]]; then
		[[ $mtu == "$want" ]]
		check_err $? "${ns%%-*} shows mtu '${mtu:-none}' toward $peer, not $want"
		((DROPS == BEFORE[drops]))
		check_err $? "IPReversePathFilter rose (${BEFORE[drops]} -> $DROPS)"
	else
		[[ -z $mtu ]]
		check_err $? "${ns%%-*} learnt mtu $mtu toward $peer from a rejected error"
		((DROPS > BEFORE[drops]))
		check_err $? "IPReversePathFilter did not rise (${BEFORE[drops]})"
	fi
	log_test "$name: ${expect//_/-}${want:+, mtu $want}"
	[[ -n $want$mtu ]] && topo_flush_pmtu
}

# Every case of one pass, against the flows held from $HOLD_PORT.
forged_cases()
{
	local p=$HOLD_PORT
	local -a tcp_a=(--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto tcp
			--sport "$p" --dport $((p + 1)))
	local -a tcp_m=(--dst "$SRV_MGMT_IP" --inner-src "$SRV_MGMT_IP"
			--inner-dst "$RTR_MGMT_IP" --proto tcp
			--sport $((p + 3)) --dport $((p + 2)))
	local -a udp_u=(--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto udp
			--sport $((p + 4)) --dport 7777)
	local seq far

	# Positive controls: the same forge gets through when all is right.
	if ((SEQ_A >= 0)); then
		forged "TCP flow, sequence in window" rescued "$SRV" "$CLI_IP" 1500 -- \
			"${tcp_a[@]}" --seq "$SEQ_A"
	else
		log_test_skip "$PASS: TCP flow, sequence in window" "TCP_REPAIR refused"
	fi
	forged "UDP socket" rescued "$SRV" "$CLI_IP" 1500 -- "${udp_u[@]}"
	forged "UDP socket, quoted header with 8 bytes of IP options" rescued \
		"$SRV" "$CLI_IP" 1500 -- "${udp_u[@]}" --inner-options 8
	forged "UDP socket, mtu 552 (the floor)" rescued "$SRV" "$CLI_IP" 552 -- \
		"${udp_u[@]}" --mtu 552
	if ((SEQ_M >= 0)); then
		forged "TCP flow over eth0, error arriving on eth0" not_needed \
			"$SRV" "$RTR_MGMT_IP" 1500 -- "${tcp_m[@]}" --seq "$SEQ_M"
	fi

	# No such flow.
	seq=$((SEQ_A >= 0 ? SEQ_A : 0))
	forged "TCP, no connection on these ports" no_flow "$SRV" "$CLI_IP" "" -- \
		--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto tcp \
		--sport "$p" --dport $((p + 9)) --seq "$seq"
	forged "UDP, no socket on the port" no_flow "$SRV" "$CLI_IP" "" -- \
		--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto udp \
		--sport $((p + 9)) --dport 7777
	forged "ICMP echo" no_flow "$SRV" "$CLI_IP" "" -- \
		--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto icmp --sport 4242
	forged "UDP, unconnected socket on the port" no_flow "$SRV" "$CLI_IP" "" -- \
		--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto udp \
		--sport $((p + 6)) --dport 7777
	forged "UDP, socket connected to another peer port" no_flow "$SRV" "$CLI_IP" "" -- \
		--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto udp \
		--sport $((p + 4)) --dport 7778

	# TCP sequence outside snd_una..snd_nxt (= SEQ_A: A is idle).
	if ((SEQ_A >= 0)); then
		seq=$(((SEQ_A + 1) & 0xffffffff))
		forged "TCP flow, sequence snd_nxt + 1" seq_window "$SRV" "$CLI_IP" "" -- \
			"${tcp_a[@]}" --seq "$seq"
		seq=$(((SEQ_A - 1) & 0xffffffff))
		forged "TCP flow, sequence snd_una - 1" seq_window "$SRV" "$CLI_IP" "" -- \
			"${tcp_a[@]}" --seq "$seq"
		far=$(((SEQ_A + 0x40000000) & 0xffffffff))
	else
		far=$((0x12345678))
	fi
	forged "TCP flow, sequence 2^30 away" seq_window "$SRV" "$CLI_IP" "" -- \
		"${tcp_a[@]}" --seq "$far"

	# The flow does not leave by the interface the error came in on.
	if ((SEQ_M >= 0)); then
		forged "TCP flow over eth0, error arriving on eth1" wrong_iface \
			"$SRV" "$RTR_MGMT_IP" "" -- "${tcp_m[@]}" --seq "$SEQ_M" --dev r_srv
	fi
	forged "UDP socket, peer routed out eth0" wrong_iface "$SRV" 172.20.20.5 "" -- \
		--inner-src "$SRV_IP" --inner-dst 172.20.20.5 --proto udp \
		--sport $((p + 5)) --dport 7777

	# Below the floor (auto: net.ipv4.route.min_pmtu = 552, then 1400).
	forged "UDP socket, mtu 68" below_floor "$SRV" "$CLI_IP" "" -- "${udp_u[@]}" --mtu 68
	forged "UDP socket, mtu 500" below_floor "$SRV" "$CLI_IP" "" -- "${udp_u[@]}" --mtu 500
	forged "UDP socket, mtu 551" below_floor "$SRV" "$CLI_IP" "" -- "${udp_u[@]}" --mtu 551
	if ((SEQ_A >= 0)); then
		forged "TCP flow in window, mtu 500" below_floor "$SRV" "$CLI_IP" "" -- \
			"${tcp_a[@]}" --seq "$SEQ_A" --mtu 500
	fi
	if pmtufix "$SRV" set floor 1400; then
		forged "floor 1400: UDP socket, mtu 1399" below_floor "$SRV" "$CLI_IP" "" -- \
			"${udp_u[@]}" --mtu 1399
		forged "floor 1400: UDP socket, mtu 1400" rescued "$SRV" "$CLI_IP" 1400 -- \
			"${udp_u[@]}" --mtu 1400
	else
		check_err 1 "pmtufix set floor 1400 failed"
		log_test "$PASS: floor 1400"
	fi
	pmtufix "$SRV" set floor auto
	SNAP_OK=0

	# The quote cannot be used.
	forged "quote truncated to 12 bytes" malformed "$SRV" "$CLI_IP" "" -- \
		"${udp_u[@]}" --truncate 12
	forged "quoted L4 header of 4 bytes" malformed "$SRV" "$CLI_IP" "" -- \
		"${udp_u[@]}" --l4-bytes 4
	forged "quoted IP version 6" malformed "$SRV" "$CLI_IP" "" -- \
		"${udp_u[@]}" --inner-version 6
	forged "quoted IHL 4" malformed "$SRV" "$CLI_IP" "" -- "${udp_u[@]}" --inner-ihl 4
	forged "quoted IHL 15 without the options" malformed "$SRV" "$CLI_IP" "" -- \
		"${udp_u[@]}" --inner-ihl 15
	forged "quoted non-first fragment" malformed "$SRV" "$CLI_IP" "" -- \
		"${udp_u[@]}" --inner-frag-offset 185
	forged "bad ICMP checksum" malformed "$SRV" "$CLI_IP" "" -- \
		"${udp_u[@]}" --bad-csum
	forged "sent to $SRV_IP, quoting $SRV_MGMT_IP" malformed "$SRV" "$CLI_IP" "" -- \
		--inner-src "$SRV_MGMT_IP" --inner-dst "$CLI_IP" --proto udp \
		--sport $((p + 4)) --dport 7777

	# Not frag-needed: left to the kernel, which drops it.
	forged "type 3 code 1 (host unreachable)" none "$SRV" "$CLI_IP" "" -- \
		"${udp_u[@]}" --code 1
	forged "type 3 code 3 (port unreachable)" none "$SRV" "$CLI_IP" "" -- \
		"${udp_u[@]}" --code 3
}

forged_host()
{
	PASS="no conntrack"
	if ! hold_flows 5100; then
		check_err 1 "cannot open the flows to quote"
		log_test "$PASS: setup"
		return
	fi
	forged_cases
}

forged_conntrack()
{
	PASS="conntrack"
	if ! topo_add_pod; then
		check_err 1 "cannot add the pod"
		log_test "$PASS: setup"
		return
	fi
	if ! hold_flows 5200; then
		check_err 1 "cannot open the flows to quote"
		log_test "$PASS: setup"
		return
	fi
	forged_cases

	# The pod's address, routed by the router through the server: not a
	# local address, and no conntrack entry for the flow.
	if rtr ip route add 10.244.1.0/24 via "$SRV_IP" dev r_srv; then
		defer rtr ip route del 10.244.1.0/24 via "$SRV_IP" dev r_srv
		forged "quoted source $POD_IP, no such connection" not_local \
			"$POD" "$CLI_IP" "" -- --dst "$POD_IP" --inner-src "$POD_IP" \
			--inner-dst "$CLI_IP" --proto udp --sport 5299 --dport 7777
	else
		check_err 1 "cannot route the pod network on the router"
		log_test "$PASS: quoted source $POD_IP: setup"
	fi
}

# A connection from the client left in SYN-RECV on the server: the client
# drops the SYN-ACKs (nft) after reading their sequence number from a packet
# socket. Prints "synack ISN". Arguments: SRV CLI SRV_IP CLI_IP LPORT CPORT.
REQ_PY='
import socket, struct, sys, time

from flows import setns

srv, cli, srv_ip, cli_ip, lport, cport = sys.argv[1:7]
lport, cport = int(lport), int(cport)
setns(srv)
lsock = socket.socket()
lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsock.bind((srv_ip, lport))
lsock.listen(8)
setns(cli)
cap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
cap.settimeout(5)
c = socket.socket()
c.bind((cli_ip, cport))
c.setblocking(False)
c.connect_ex((srv_ip, lport))
while True:
    pkt = cap.recv(2048)
    ihl = (pkt[0] & 15) * 4
    if pkt[9] != 6 or socket.inet_ntoa(pkt[12:16]) != srv_ip:
        continue
    sport, dport, seq = struct.unpack("!HHI", pkt[ihl:ihl + 8])
    if sport == lport and dport == cport and pkt[ihl + 13] & 0x12 == 0x12:
        print("synack %d" % seq, flush=True)
        break
time.sleep(3600)
'

strict_syn_recv()
{
	local lport=$((HOLD_PORT + 20)) cport=$((HOLD_PORT + 21))
	local log isn=''

	if ! cli nft -f - <<-EOF; then
		table ip pmtufix_test_req {
			chain input {
				type filter hook input priority filter; policy accept;
				ip saddr $SRV_IP tcp sport $lport drop
			}
		}
	EOF
		check_err 1 "cannot drop the SYN-ACKs at the client"
		log_test "$PASS: connection in SYN-RECV: setup"
		return
	fi
	defer cli nft delete table ip pmtufix_test_req
	log=$LIB_TMPDIR/req.log
	ns_spawn_ready "$SRV" "$log" synack "$PYTHON" -c "$REQ_PY" "$SRV" "$CLI" \
		"$SRV_IP" "$CLI_IP" "$lport" "$cport" && isn=${READY_ARGS[0]}
	if [[ -z $isn ]]; then
		check_err 1 "no SYN-ACK seen: $(<"$log")"
		log_test "$PASS: connection in SYN-RECV: setup"
		return
	fi
	SNAP_OK=0
	forged "TCP connection in SYN-RECV, its ISN" no_flow "$SRV" "$CLI_IP" "" -- \
		--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto tcp \
		--sport "$lport" --dport "$cport" --seq "$isn"
}

# in_errors: IP input drops for want of a route into ERRS (InAddrErrors +
# InNoRoutes: which one rises depends on forwarding).
ERRS=0
in_errors()
{
	local a n

	a=$(ns_netstat "$SRV" InAddrErrors) && n=$(ns_netstat "$SRV" InNoRoutes) &&
		ERRS=$((a + n))
}

strict_no_route()
{
	local name="$PASS: sent to 198.51.100.7, which the server cannot route"
	local before r d diff='' i

	if ! rtr ip route add 198.51.100.7/32 via "$SRV_IP" dev r_srv; then
		check_err 1 "cannot route 198.51.100.7 on the router"
		log_test "$name"
		return
	fi
	defer rtr ip route del 198.51.100.7/32 via "$SRV_IP" dev r_srv
	snapshot && in_errors
	check_err $? "cannot read the counters"
	before=$ERRS
	forge --ns "$RTR" --src "$RTR_MGMT_IP" --dst 198.51.100.7 \
		--inner-src 198.51.100.7 --inner-dst "$CLI_IP" --proto udp \
		--sport $((HOLD_PORT + 4)) --dport 7777
	check_err $? "forge_icmp.py failed"
	for ((i = 0; i < 20; i++)); do
		in_errors && ((ERRS != before)) && break
		lib_sleep 0.1
	done
	((ERRS > before))
	check_err $? "InAddrErrors + InNoRoutes stayed $before: did the error arrive?"
	pmtufix_stats "$SRV"
	check_err $? "cannot read the counters"
	for r in $REASONS; do
		d=$((${PMTUFIX_STATS[$r]:-0} - ${BEFORE[$r]:-0}))
		((d)) && diff+=" $r+$d"
	done
	[[ -z $diff ]]
	check_err $? "pmtufix counted it:$diff"
	log_test "$name: not counted"
	SNAP_OK=0
}

# Last: from here on the server routes marked ICMP by table 100.
strict_later_mark()
{
	local p=$HOLD_PORT

	if ((SEQ_M < 0)); then
		log_test_skip "$PASS: error marked after pmtufix" "TCP_REPAIR refused"
		return
	fi
	if ! srv nft -f - <<-EOF; then
		table ip pmtufix_test_mark {
			chain prerouting {
				type filter hook prerouting priority filter; policy accept;
				icmp type destination-unreachable meta mark set 1
			}
		}
	EOF
		check_err 1 "cannot add the marking chain"
		log_test "$PASS: error marked after pmtufix: setup"
		return
	fi
	defer srv nft delete table ip pmtufix_test_mark
	if ! srv ip -batch - <<-EOF; then
		rule add pref 100 fwmark 1 lookup 100
		route add 172.20.20.0/24 via $RTR_SRV_IP dev eth1 table 100
	EOF
		check_err 1 "cannot add the policy rule"
		log_test "$PASS: error marked after pmtufix: setup"
		return
	fi
	defer srv ip rule del pref 100
	ns_sysctl "$SRV" net.ipv4.conf.all.src_valid_mark=1
	defer ns_sysctl "$SRV" net.ipv4.conf.all.src_valid_mark=0
	forged "TCP flow over eth0, error on eth0 marked after pmtufix for RPF via eth1" \
		not_needed "$SRV" "$RTR_MGMT_IP" "" -- --dst "$SRV_MGMT_IP" \
		--inner-src "$SRV_MGMT_IP" --inner-dst "$RTR_MGMT_IP" --proto tcp \
		--sport $((p + 3)) --dport $((p + 2)) --seq "$SEQ_M"
}

forged_strict()
{
	PASS="strict"
	if ! topo_add_pod; then
		check_err 1 "cannot add the pod"
		log_test "$PASS: setup"
		return
	fi
	if ! hold_flows 5400; then
		check_err 1 "cannot open the flows to quote"
		log_test "$PASS: setup"
		return
	fi
	strict_syn_recv
	strict_no_route
	strict_later_mark
}

tests_parse_args "$@"

require_root
require_cmd ip ss nft "$PYTHON" insmod rmmod
require_pmtufix
log_info "kernel $(uname -r)"

must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load
must_setup "topology" "cannot build the seed topology" topo_seed rpf=1 mgmt_src=1

tests_run

ksft_finish
