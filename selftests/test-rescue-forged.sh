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
# quote, held open for the whole run by one small program (forged_holder.py):
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
# The cases of each pass are the rows of FORGED_MATRIX below: positive
# controls, no flow, sequence outside the window, wrong interface, below the
# floor, unusable quotes, and ICMP codes that are not pmtufix's business.
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

# forged_holder.py holds the flows and forges on request (see there).
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
	if ! ns_spawn_ready "$SRV" "$log" ready "$PYTHON" "$SELFTESTS_DIR/forged_holder.py" \
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
	netstat_field IPReversePathFilter <"/proc/$HOLDER_PID/net/netstat" &&
		DROPS=$NETSTAT_VALUE
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

# The matrix of every pass, one case a line, fields separated by tabs (as
# the kernel's pmtu.sh lists its tests):
#   need    - | seq_a | seq_m: TCP_REPAIR gave flow A's (M's) sequence number
#           | floor1400: run under "pmtufix set floor 1400"
#   case    its name in the TAP line ($VARS expanded)
#   expect  the reason counted (a key of PMTUFIX_STATS), or none
#   toward  where an update would show: cli ($CLI_IP), mgmt ($RTR_MGMT_IP),
#           or an address
#   mtu     - = the error is dropped; else the mtu it makes the server learn
#   forge   forge_icmp.py arguments, shell words: $TCP_A, $TCP_M and $UDP_U
#           are the held flows, p their base port, SEQ_ANY = SEQ_A or 0,
#           SEQ_FAR = SEQ_A + 2^30 (or a constant)
# shellcheck disable=SC2016 # expanded case by case
FORGED_MATRIX='
# Positive controls: the same forge gets through when all is right.
seq_a	TCP flow, sequence in window	rescued	cli	1500	"${TCP_A[@]}" --seq "$SEQ_A"
-	UDP socket	rescued	cli	1500	"${UDP_U[@]}"
-	UDP socket, quoted header with 8 bytes of IP options	rescued	cli	1500	"${UDP_U[@]}" --inner-options 8
-	UDP socket, mtu 552 (the floor)	rescued	cli	552	"${UDP_U[@]}" --mtu 552
seq_m	TCP flow over eth0, error arriving on eth0	not_needed	mgmt	1500	"${TCP_M[@]}" --seq "$SEQ_M"
# No such flow.
-	TCP, no connection on these ports	no_flow	cli	-	--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto tcp --sport "$p" --dport $((p + 9)) --seq "$SEQ_ANY"
-	UDP, no socket on the port	no_flow	cli	-	--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto udp --sport $((p + 9)) --dport 7777
-	ICMP echo	no_flow	cli	-	--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto icmp --sport 4242
-	UDP, unconnected socket on the port	no_flow	cli	-	--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto udp --sport $((p + 6)) --dport 7777
-	UDP, socket connected to another peer port	no_flow	cli	-	--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto udp --sport $((p + 4)) --dport 7778
# TCP sequence outside snd_una..snd_nxt (= SEQ_A: A is idle).
seq_a	TCP flow, sequence snd_nxt + 1	seq_window	cli	-	"${TCP_A[@]}" --seq $(((SEQ_A + 1) & 0xffffffff))
seq_a	TCP flow, sequence snd_una - 1	seq_window	cli	-	"${TCP_A[@]}" --seq $(((SEQ_A - 1) & 0xffffffff))
-	TCP flow, sequence 2^30 away	seq_window	cli	-	"${TCP_A[@]}" --seq "$SEQ_FAR"
# The flow does not leave by the interface the error came in on.
seq_m	TCP flow over eth0, error arriving on eth1	wrong_iface	mgmt	-	"${TCP_M[@]}" --seq "$SEQ_M" --dev r_srv
-	UDP socket, peer routed out eth0	wrong_iface	172.20.20.5	-	--inner-src "$SRV_IP" --inner-dst 172.20.20.5 --proto udp --sport $((p + 5)) --dport 7777
# Below the floor (auto: net.ipv4.route.min_pmtu = 552, then 1400).
-	UDP socket, mtu 68	below_floor	cli	-	"${UDP_U[@]}" --mtu 68
-	UDP socket, mtu 500	below_floor	cli	-	"${UDP_U[@]}" --mtu 500
-	UDP socket, mtu 551	below_floor	cli	-	"${UDP_U[@]}" --mtu 551
seq_a	TCP flow in window, mtu 500	below_floor	cli	-	"${TCP_A[@]}" --seq "$SEQ_A" --mtu 500
floor1400	floor 1400: UDP socket, mtu 1399	below_floor	cli	-	"${UDP_U[@]}" --mtu 1399
floor1400	floor 1400: UDP socket, mtu 1400	rescued	cli	1400	"${UDP_U[@]}" --mtu 1400
# The quote cannot be used.
-	quote truncated to 12 bytes	malformed	cli	-	"${UDP_U[@]}" --truncate 12
-	quoted L4 header of 4 bytes	malformed	cli	-	"${UDP_U[@]}" --l4-bytes 4
-	quoted IP version 6	malformed	cli	-	"${UDP_U[@]}" --inner-version 6
-	quoted IHL 4	malformed	cli	-	"${UDP_U[@]}" --inner-ihl 4
-	quoted IHL 15 without the options	malformed	cli	-	"${UDP_U[@]}" --inner-ihl 15
-	quoted non-first fragment	malformed	cli	-	"${UDP_U[@]}" --inner-frag-offset 185
-	bad ICMP checksum	malformed	cli	-	"${UDP_U[@]}" --bad-csum
-	sent to $SRV_IP, quoting $SRV_MGMT_IP	malformed	cli	-	--inner-src "$SRV_MGMT_IP" --inner-dst "$CLI_IP" --proto udp --sport $((p + 4)) --dport 7777
# Not frag-needed: left to the kernel, which drops it.
-	type 3 code 1 (host unreachable)	none	cli	-	"${UDP_U[@]}" --code 1
-	type 3 code 3 (port unreachable)	none	cli	-	"${UDP_U[@]}" --code 3
'

# forged_row NEED: false (and a SKIP line for the case) when NEED is not met;
# moves the floor to what the row needs.
FLOOR=auto
forged_row()
{
	local need=$1 desc=$2

	if [[ $need == floor1400 && $FLOOR == auto ]]; then
		if ! pmtufix "$SRV" set floor 1400; then
			check_err 1 "pmtufix set floor 1400 failed"
			log_test "$PASS: floor 1400"
			FLOOR=failed
		else
			FLOOR=1400
		fi
		SNAP_OK=0
	elif [[ $need != floor1400 && $FLOOR != auto ]]; then
		pmtufix "$SRV" set floor auto
		FLOOR=auto
		SNAP_OK=0
	fi
	case $need in
	seq_a) ((SEQ_A >= 0)) || { log_test_skip "$PASS: $desc" "TCP_REPAIR refused"; return 1; } ;;
	seq_m) ((SEQ_M >= 0)) || { log_test_skip "$PASS: $desc" "TCP_REPAIR refused"; return 1; } ;;
	floor1400) [[ $FLOOR == 1400 ]] || return 1 ;;
	esac
}

# Every case of the matrix, against the flows held from $HOLD_PORT.
forged_cases()
{
	local p=$HOLD_PORT need desc expect toward mtu forge peer
	# shellcheck disable=SC2034 # used through the matrix
	local SEQ_ANY=$((SEQ_A >= 0 ? SEQ_A : 0))
	# shellcheck disable=SC2034
	local SEQ_FAR=$((SEQ_A >= 0 ? (SEQ_A + 0x40000000) & 0xffffffff : 0x12345678))
	local -a args
	# shellcheck disable=SC2034 # used through the matrix
	local -a TCP_A=(--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto tcp
			--sport "$p" --dport $((p + 1)))
	# shellcheck disable=SC2034
	local -a TCP_M=(--dst "$SRV_MGMT_IP" --inner-src "$SRV_MGMT_IP"
			--inner-dst "$RTR_MGMT_IP" --proto tcp
			--sport $((p + 3)) --dport $((p + 2)))
	# shellcheck disable=SC2034
	local -a UDP_U=(--inner-src "$SRV_IP" --inner-dst "$CLI_IP" --proto udp
			--sport $((p + 4)) --dport 7777)

	# fd 3: the cases' commands must not read the matrix.
	while IFS=$'\t' read -r -u 3 need desc expect toward mtu forge; do
		[[ -z $need || $need == \#* ]] && continue
		eval "desc=\"$desc\"; args=($forge)"
		forged_row "$need" "$desc" || continue
		case $toward in
		cli) peer=$CLI_IP ;;
		mgmt) peer=$RTR_MGMT_IP ;;
		*) peer=$toward ;;
		esac
		[[ $mtu == - ]] && mtu=''
		forged "$desc" "$expect" "$SRV" "$peer" "$mtu" -- "${args[@]}"
	done 3<<<"$FORGED_MATRIX"
	forged_row -
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

# A connection from the client left in SYN-RECV on the server
# (synrecv_holder.py): an error quoting its ISN.
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
	ns_spawn_ready "$SRV" "$log" synack "$PYTHON" "$SELFTESTS_DIR/synrecv_holder.py" "$SRV" "$CLI" \
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
