#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-relay-module.sh - the module's side of the relay of frag-needed errors
# that land on the wrong host: its configuration over genetlink, the errors
# it hands to the relay group, and how it judges relayed errors written into
# the relay device (a TUN, as the agent's). IPv4; the module's IPv6 relay is
# tested through the agents, in test-relay6.sh. Strict rp_filter=1 everywhere.
#
#   cli 10.0.1.2/24 --c0----n0-- node 10.0.1.1/24   VIP 10.9.9.9/32 on lo
#                                node 10.0.2.1/24 --n1----r0-- rtr 10.0.2.2/24
#                                node: rl0 (TUN, no address, the relay device)
#
# The node holds TCP 10.9.9.9:PORT <- 10.0.1.2:PORT+1 (rescue_holder.py).
# Errors reach the node from cli (a raw socket: rp_filter passes, the relay
# does not care) and from the TUN (strict RPF alone would drop them: the
# TUN has no address).

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
source "$dir/lib.sh" || exit 1

: "${PYTHON:=python3}"
VIP=10.9.9.9
CLI_IP=10.0.1.2
RTR_IP=10.0.2.2
PORT=5400
SEQ=-1
RL_IFINDEX=0

tests="
	config	set-relay, get-relay, off; refusals change nothing
	userns	an unprivileged user namespace can neither set nor listen
	out_noflow	an error for no flow of ours reaches the relay group, bytes identical
	out_rpf_rescue_off	relayed whatever RPF and the rescue switch say
	out_flow	an error for a flow of ours is not relayed
	out_lo	an error looped back is not relayed
	out_undelivered	no listener, or too long: undelivered
	out_rate	a burst of errors: burst sent, the rest rate-limited
	in_rescued	relayed error quoting our flow: PMTU learnt, rescued, event flagged relayed
	in_rejected	relayed error with a wrong sequence or no flow: dropped, counted, event flagged relayed"

node() { ns_exec "$NODE" "$@"; }

relay_nl() # NS ARGS...
{
	local ns=$1

	shift
	ip netns exec "$ns" "$PYTHON" "$SELFTESTS_DIR/relay_nl.py" "$@"
}

declare -A STATS=()
# stats: the node's relay counters into STATS (relay_out.sent, ...).
stats()
{
	local k v

	STATS=()
	while read -r k v; do
		STATS[$k]=$v
	done < <(relay_nl "$NODE" stats)
	((${#STATS[@]} > 0))
}

declare -A BEFORE=()
snapshot()
{
	local k

	stats || return 1
	BEFORE=()
	for k in "${!STATS[@]}"; do
		BEFORE[$k]=${STATS[$k]}
	done
}

# moved KEY: how much the counter KEY rose since the snapshot (STATS read).
moved()
{
	echo $((${STATS[$1]:-0} - ${BEFORE[$1]:-0}))
}

# expect_moves "KEY=N ...": after a snapshot, these counters moved by N, all
# others (the rescue's stats.*, relay_out.*, relay_in.*) not at all: each
# packet is counted once, by the rescue or the relay.
expect_moves()
{
	local -A want=()
	local kv k

	for kv in $1; do
		want[${kv%=*}]=${kv#*=}
	done
	stats
	check_err $? "cannot read the counters"
	for k in "${!want[@]}"; do
		[[ -n ${STATS[$k]+set} ]]
		check_err $? "the kernel reports no counter $k"
	done
	for k in "${!STATS[@]}"; do
		(($(moved "$k") == ${want[$k]:-0}))
		check_err $? "$k moved by $(moved "$k"), not ${want[$k]:-0}"
	done
}

# forge ARGS...: a frag-needed from cli to the VIP (forge_icmp.py).
forge_args()
{
	FORGE=(--src "$CLI_IP" --dst "$VIP" --id 4242 --mtu 1300 --inner-src "$VIP"
	       --proto tcp "$@")
}

forge()
{
	forge_args "$@"
	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$CLI" "${FORGE[@]}"
}

forge_hex()
{
	forge_args "$@"
	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --hex "${FORGE[@]}"
}

# listen TIMEOUT [COUNT [WHAT]]: a listener of the relay group (WHAT
# "events": of the events group) in the node, its output in $LISTEN_LOG;
# false if it could not join.
listen()
{
	lib_tmpdir || return 1
	LISTEN_LOG=$(mktemp "$LIB_TMPDIR/listen.XXXXXX") || return 1
	ns_spawn_ready "$NODE" "$LISTEN_LOG" ready "$PYTHON" "$SELFTESTS_DIR/relay_nl.py" \
		"${3:-listen}" --timeout "$1" ${2:+--count "$2"}
	LISTEN_PID=$SPAWNED_PID
}

# listened: wait for the listener to end; the packets (or events) it got in
# PACKETS.
listened()
{
	local i w rest

	for ((i = 0; i < 200; i++)); do
		kill -0 "$LISTEN_PID" 2>/dev/null || break
		lib_sleep 0.05
	done
	PACKETS=()
	while read -r w rest; do
		[[ $w == packet || $w == event ]] && PACKETS+=("$rest")
	done <"$LISTEN_LOG"
}

relay_on() # ARGS... for relay_nl.py set (the prefix and the device are given)
{
	local out

	out=$(relay_nl "$NODE" set --prefix 2,10.9.9.0,24 --ifindex "$RL_IFINDEX" "$@")
	[[ $out == ok ]] || { log_info "set-relay: $out"; return 1; }
}

setup()
{
	setup_ns -L NODE CLI RTR || return 1
	ip link add c0 netns "$CLI" type veth peer name n0 netns "$NODE" || return 1
	ip link add r0 netns "$RTR" type veth peer name n1 netns "$NODE" || return 1
	node ip -batch - <<-EOF || return 1
		link set lo up
		addr add $VIP/32 dev lo
		addr add 10.0.1.1/24 dev n0
		link set n0 up
		addr add 10.0.2.1/24 dev n1
		link set n1 up
		tuntap add dev rl0 mode tun
		link set rl0 up
	EOF
	ns_exec "$CLI" ip -batch - <<-EOF || return 1
		link set lo up
		addr add $CLI_IP/24 dev c0
		link set c0 up
		route add 10.9.9.0/24 via 10.0.1.1
	EOF
	ns_exec "$RTR" ip -batch - <<-EOF || return 1
		link set lo up
		addr add $RTR_IP/24 dev r0
		link set r0 up
		route add default via 10.0.2.1
	EOF
	local ns
	for ns in "$NODE" "$CLI" "$RTR"; do
		ns_sysctl "$ns" net.ipv4.conf.all.rp_filter=1 \
			net.ipv4.conf.default.rp_filter=1 || return 1
	done
	ns_sysctl "$NODE" net.ipv4.conf.n0.rp_filter=1 net.ipv4.conf.n1.rp_filter=1 \
		net.ipv4.conf.rl0.rp_filter=1 || return 1
	RL_IFINDEX=$(ip netns exec "$NODE" cat /sys/class/net/rl0/ifindex) || return 1
	pmtufix_load || return 1
	lib_tmpdir || return 1
	local log=$LIB_TMPDIR/holder.log
	ns_spawn_ready "$NODE" "$log" ready "$PYTHON" "$SELFTESTS_DIR/rescue_holder.py" \
		"$NODE" "$CLI" "$VIP" "$CLI_IP" "$PORT" "" || {
		log_info "flow holder: $(<"$log")"
		return 1
	}
	SEQ=${READY_ARGS[0]}
	((SEQ >= 0)) || { log_info "TCP_REPAIR refused"; return 1; }
	log_info "flow held: $VIP:$PORT <- $CLI_IP:$((PORT + 1)), next sequence $SEQ"
}

config()
{
	local out want before

	out=$(relay_nl "$NODE" get)
	[[ $out == off ]]
	check_err $? "relay not off at load: $out"

	out=$(relay_nl "$NODE" set --prefix 2,10.9.9.0,24 --prefix 10,2001:db8::,32 \
		--ifindex "$RL_IFINDEX")
	check_err $? "set-relay refused: $out"
	want="prefix 10.9.9.0/24
prefix 2001:db8::/32
rate 20
burst 40
ifindex $RL_IFINDEX"
	out=$(relay_nl "$NODE" get)
	[[ $out == "$want" ]]
	check_err $? "get-relay after set: '$out'"
	log_test "set-relay, get-relay: prefixes, default rate 20, burst 40, device"

	before=$out
	local -a bad=(
		"family 7|--prefix 7,10.9.9.0,24|family must be AF_INET or AF_INET6"
		"host bits|--prefix 2,10.9.9.1,24|host bits must be zero"
		"IPv4 /33|--prefix 2,10.9.9.0,33|an IPv4 prefix length is 0..32"
		"IPv4 prefix of 16 bytes|--prefix 2,hex:0a090900000000000000000000000000,24|an IPv4 prefix is 4 bytes long"
		"rate 0|--prefix 2,10.9.9.0,24 --rate 0|"
		"rate 10001|--prefix 2,10.9.9.0,24 --rate 10001|"
		"burst 0|--prefix 2,10.9.9.0,24 --burst 0|"
		"no such device|--prefix 2,10.9.9.0,24 --ifindex 99999|no such device"
		"the loopback as relay device|--prefix 2,10.9.9.0,24 --ifindex 1|loopback"
	)
	local b name args msg i p
	for b in "${bad[@]}"; do
		IFS='|' read -r name args msg <<<"$b"
		# shellcheck disable=SC2086 # args split on purpose
		out=$(relay_nl "$NODE" set $args)
		[[ $out == error* && $out == *"$msg"* ]]
		check_err $? "$name: '$out'"
		[[ $(relay_nl "$NODE" get) == "$before" ]]
		check_err $? "$name changed the configuration"
	done
	args=()
	for ((i = 0; i <= 64; i++)); do
		args+=(--prefix "2,10.$i.0.0,16")
	done
	out=$(relay_nl "$NODE" set "${args[@]}")
	[[ $out == "error 28 "*64* ]]
	check_err $? "65 prefixes: '$out'"
	[[ $(relay_nl "$NODE" get) == "$before" ]]
	check_err $? "65 prefixes changed the configuration"
	out=$(relay_nl "$NODE" set "${args[@]:2}")
	[[ $out == ok ]]
	check_err $? "64 prefixes refused: '$out'"
	p=$(relay_nl "$NODE" get | grep -c '^prefix')
	((p == 64))
	check_err $? "$p prefixes after setting 64"
	log_test "refused: family, host bits, length, rate, burst, device, 65 prefixes; nothing changed"

	out=$(relay_nl "$NODE" set --empty)
	[[ $out == ok && $(relay_nl "$NODE" get) == off ]]
	check_err $? "empty nest: '$out', then '$(relay_nl "$NODE" get)'"
	relay_on >/dev/null
	out=$(relay_nl "$NODE" set --rate 5)
	[[ $out == ok && $(relay_nl "$NODE" get) == off ]]
	check_err $? "no prefix: '$out', then '$(relay_nl "$NODE" get)'"
	log_test "an empty relay nest, or one without prefixes, turns the relay off"
}

userns()
{
	local out

	relay_on || check_err 1 "cannot set the relay"
	out=$(ip netns exec "$NODE" unshare -U "$PYTHON" "$SELFTESTS_DIR/relay_nl.py" \
		set --prefix 2,10.0.0.0,8)
	[[ $out == "error 1 "* ]]
	check_err $? "set-relay from an unprivileged user namespace: '$out'"
	[[ $(relay_nl "$NODE" get) == "prefix 10.9.9.0/24"* ]]
	check_err $? "the configuration changed"
	out=$(ip netns exec "$NODE" unshare -U "$PYTHON" "$SELFTESTS_DIR/relay_nl.py" \
		listen --timeout 1)
	[[ $out == "error 1"* ]]
	check_err $? "joining the relay group from an unprivileged user namespace: '$out'"
	log_test "unprivileged user namespace: set-relay and the relay group refused (EPERM)"
}

out_noflow()
{
	local want

	relay_on || check_err 1 "cannot set the relay"
	snapshot || check_err 1 "cannot read the counters"
	want=$(forge_hex --inner-dst 10.0.1.77 --sport 80 --dport 5555 --seq 1)
	if listen 10 1; then
		forge --inner-dst 10.0.1.77 --sport 80 --dport 5555 --seq 1
		check_err $? "forge_icmp.py failed"
		listened
		[[ ${#PACKETS[@]} == 1 ]]
		check_err $? "${#PACKETS[@]} packets reached the relay group, not 1"
		n0=$(ip netns exec "$NODE" cat /sys/class/net/n0/ifindex)
		[[ ${PACKETS[0]-} == "$n0 $want" ]]
		check_err $? "relayed '${PACKETS[0]-}', sent '$n0 $want'"
	else
		check_err 1 "cannot join the relay group: $(<"$LISTEN_LOG")"
	fi
	expect_moves "relay_out.sent=1"
	log_test "no flow here: relayed, the bytes as they arrived, with the device"
}

# not_relayed WHAT MOVES CMD...: the error CMD sends reaches no listener;
# only the counters MOVES (see expect_moves) move.
not_relayed()
{
	local what=$1 moves=$2

	shift 2
	relay_on || check_err 1 "cannot set the relay"
	snapshot || check_err 1 "cannot read the counters"
	if listen 3 1; then
		"$@"
		listened
		[[ ${#PACKETS[@]} == 0 ]]
		check_err $? "${#PACKETS[@]} packets reached the relay group"
	else
		check_err 1 "cannot join the relay group: $(<"$LISTEN_LOG")"
	fi
	expect_moves "$moves"
	log_test "$what"
}

# The relay does not care whether strict RPF would drop the error, nor
# whether the rescue is on; the rescue does not count what was relayed.
out_rpf_rescue_off()
{
	relay_on || check_err 1 "cannot set the relay"
	[[ $(relay_nl "$NODE" rescue off) == ok ]] || check_err 1 "cannot switch the rescue off"
	snapshot || check_err 1 "cannot read the counters"
	if listen 10 1; then
		# The router's address, routed out n1: strict RPF drops it on n0.
		forge --src "$RTR_IP" --inner-dst 10.0.1.77 --sport 80 --dport 5558
		check_err $? "forge_icmp.py failed"
		listened
		[[ ${#PACKETS[@]} == 1 ]]
		check_err $? "${#PACKETS[@]} packets reached the relay group, not 1"
	else
		check_err 1 "cannot join the relay group: $(<"$LISTEN_LOG")"
	fi
	expect_moves "relay_out.sent=1"
	relay_nl "$NODE" rescue on >/dev/null
	log_test "strict RPF would drop it, rescue off: relayed all the same, counted by the relay only"
}

out_flow()
{
	local q=(--inner-dst "$CLI_IP" --sport "$PORT" --dport $((PORT + 1)))

	# Strict RPF lets these pass (cli is routed out n0): the rescue's
	# "not needed", nothing of the relay's.
	not_relayed "our flow, sequence in window: not relayed" stats.not_needed=1 \
		forge "${q[@]}" --seq "$SEQ"
	not_relayed "our flow, sequence outside the window: not relayed" stats.not_needed=1 \
		forge "${q[@]}" --seq $(((SEQ + 1000000) % 4294967296))
}

out_lo()
{
	not_relayed "looped back (lo): not relayed" "" \
		"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$NODE" --src "$VIP" --dst "$VIP" \
		--mtu 1300 --inner-src "$VIP" --inner-dst 10.0.1.77 --sport 80 --dport 5555
}

out_undelivered()
{
	relay_on || check_err 1 "cannot set the relay"
	snapshot || check_err 1 "cannot read the counters"
	forge --inner-dst 10.0.1.77 --sport 80 --dport 5556
	check_err $? "forge_icmp.py failed"
	lib_sleep 0.2
	expect_moves "relay_out.undelivered=1"
	log_test "no listener: undelivered"

	snapshot || check_err 1 "cannot read the counters"
	if listen 3 1; then
		forge --inner-dst 10.0.1.77 --sport 80 --dport 5556 --extra 1300
		check_err $? "forge_icmp.py failed"
		listened
		[[ ${#PACKETS[@]} == 0 ]]
		check_err $? "a packet of more than 1280 bytes reached the group"
	else
		check_err 1 "cannot join the relay group: $(<"$LISTEN_LOG")"
	fi
	expect_moves "relay_out.undelivered=1"
	log_test "longer than 1280 bytes: undelivered"
}

out_rate()
{
	local n=10 sent rl

	relay_on --rate 1 --burst 3 || check_err 1 "cannot set the relay"
	snapshot || check_err 1 "cannot read the counters"
	if listen 5 "$n"; then
		forge --inner-dst 10.0.1.77 --sport 80 --dport 5557 --count "$n"
		check_err $? "forge_icmp.py failed"
		lib_sleep 1
		kill "$LISTEN_PID" 2>/dev/null
		listened
		stats
		sent=$(moved relay_out.sent)
		rl=$(moved relay_out.rate_limited)
		log_info "sent $sent, rate-limited $rl, received ${#PACKETS[@]}"
		# One more token may have come in while the burst went out.
		((sent >= 3 && sent <= 4 && sent + rl == n))
		check_err $? "$n errors: sent $sent, rate-limited $rl"
		((${#PACKETS[@]} == sent))
		check_err $? "${#PACKETS[@]} received, $sent sent"
	else
		check_err 1 "cannot join the relay group: $(<"$LISTEN_LOG")"
	fi
	log_test "rate 1 burst 3: a burst of $n errors, 3 sent, the rest rate-limited"
}

# in_case WHAT EXPECT_KEY MTU FORGE_ARGS...: an error from the router to the
# VIP written into the TUN; MTU the mtu the node must then cache toward cli
# ("" none).
in_case()
{
	local what=$1 key=$2 want=$3 hex mtu i

	shift 3
	relay_on || check_err 1 "cannot set the relay"
	node ip route flush cache
	mtu=$(ns_route_mtu "$NODE" "$CLI_IP" from "$VIP")
	[[ -z $mtu ]]
	check_err $? "mtu $mtu cached toward $CLI_IP before the error"
	snapshot || check_err 1 "cannot read the counters"
	hex=$("$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --hex --src "$RTR_IP" --dst "$VIP" \
		--mtu 1300 --inner-src "$VIP" --inner-dst "$CLI_IP" --proto tcp "$@")
	listen 5 1 events || check_err 1 "cannot join the events group: $(<"$LISTEN_LOG")"
	relay_nl "$NODE" tunwrite rl0 "$hex"
	check_err $? "cannot write into the TUN"
	listened
	[[ ${PACKETS[*]} == "${key#relay_in.} relayed" ]]
	check_err $? "events: '${PACKETS[*]}', not '${key#relay_in.} relayed'"
	for ((i = 0; i < 20; i++)); do
		mtu=$(ns_route_mtu "$NODE" "$CLI_IP" from "$VIP")
		[[ -n $want && -n $mtu ]] && break
		stats && (($(moved "$key") > 0)) && [[ -z $want ]] && break
		lib_sleep 0.1
	done
	[[ $mtu == "$want" ]]
	check_err $? "mtu '${mtu:-none}' cached toward $CLI_IP, want '${want:-none}'"
	expect_moves "$key=1"
	log_test "$what"
}

in_rescued()
{
	in_case "relayed, our flow in window: mtu 1300 learnt, relay-in rescued" \
		relay_in.rescued 1300 --sport "$PORT" --dport $((PORT + 1)) --seq "$SEQ"
}

in_rejected()
{
	in_case "relayed, sequence outside the window: dropped, seq_window" \
		relay_in.seq_window "" --sport "$PORT" --dport $((PORT + 1)) \
		--seq $(((SEQ + 1000000) % 4294967296))
	in_case "relayed, no such flow: dropped, no_flow" relay_in.no_flow "" \
		--sport "$PORT" --dport $((PORT + 7)) --seq "$SEQ"
	in_case "relayed, mtu below the floor: dropped, below_floor" relay_in.below_floor "" \
		--sport "$PORT" --dport $((PORT + 1)) --seq "$SEQ" --mtu 400
}

tests_parse_args "$@"

require_root
require_cmd ip unshare "$PYTHON"
[[ -f $PMTUFIX_KO ]] || ksft_skip_all "no $PMTUFIX_KO: run 'make module'"
[[ -e /dev/net/tun ]] || modprobe tun 2>/dev/null
[[ -e /dev/net/tun ]] || ksft_skip_all "no /dev/net/tun"
log_info "kernel $(uname -r)"

must_setup "setup: topology, module, flow" "cannot set up" setup

tests_run -s

ksft_finish
