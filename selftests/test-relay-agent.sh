#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-relay-agent.sh - the agents' side of the relay on the module backend:
# a frag-needed error that lands on the node without the flow goes, through
# both agents (relay group, UDP, the relay device), to the node that has it,
# whose module judges it. Strict rp_filter=1 everywhere. IPv4.
#
#   cli 10.0.3.2 --c0--a2-- A 10.0.3.1          VIP 10.9.9.9/32 on lo of A and B
#                           A 10.0.0.1 --a0--b0-- B 10.0.0.2
#                                                 B 10.0.1.1 --b1--r0-- rtr 10.0.1.2
#
# A holds TCP 10.9.9.9:PORT <- 10.0.3.2:PORT+1 (rescue_holder.py); the errors
# come from rtr to B, which has no such flow. Each agent's file is the same:
# prefixes 10.9.9.0/24, peers A and B (each skips itself).
#
# relay_config   both agents: the module has the file's prefixes, rate, burst
#                and the device pmtufix0 (up, no address)
# relay_noflow   an error for no flow of either: B hands it on (relay_out.sent),
#                A judges it (relay_in.no_flow); A learns no MTU
# relay_window   the flow's error with a sequence outside the window: A rejects
#                it (relay_in.seq_window), no MTU
# relay_rescued  the flow's error: A rescues it (relay_in.rescued), its route to
#                the client has the error's MTU, monitor marks it relayed
# relay_foreign  from an address that is no peer: unknown_peer; from a peer, a
#                datagram that is no whole error: malformed; the agent serves on
# relay_dns      peers as dns:NAME (each namespace's /etc/hosts, as ip netns exec
#                mounts it): relayed as before; a name moved to another address
#                and SIGHUP: the agent sends there, A gets nothing
# relay_reload   rmmod + insmod: the module forgets the relay; both agents set it
#                again (with their devices) and join its new relay group: an
#                error for no flow goes from B to A again
# relay_move     without the module the agent runs on nft and relays there
#                (chain relay, the route out pmtufix0); the module appears:
#                the agent moves there, sets the relay, relays, and removes
#                the nft table and routing
# relay_down     SIGTERM with --down-on-exit: the relay is off, the device gone
#
# Usage: test-relay-agent.sh [-t "case ..."] [-v]

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
source "$dir/lib.sh" || exit 1

: "${PYTHON:=python3}"
VIP=10.9.9.9
CLI_IP=10.0.3.2
RTR_IP=10.0.1.2
A_IP=10.0.0.1
B_IP=10.0.0.2
PORT=5400
HTTP=9883
SEQ=-1
declare -A AGENT_PID=() AGENT_LOG=()
AGENT_N=0

tests="
	relay_config	the module has the file's relay and the agent's device
	relay_noflow	no flow on either node: handed on by B, no_flow on A
	relay_window	the flow, sequence outside the window: seq_window on A
	relay_rescued	the flow: rescued on A, the route learns the MTU
	relay_foreign	not from a peer: unknown_peer; garbage from a peer: malformed
	relay_dns	peers by name; SIGHUP resolves them again
	relay_reload	rmmod + insmod: both agents set the relay again and relay
	relay_move	default backend: the module appears: the relay starts with it
	relay_down	--down-on-exit: relay off, device gone"

# agent_start NS [BACKEND [WANT]]: the agent with the relay file, serving HTTP
# on 127.0.0.1; waits until /healthz says WANT (default ok; "" any answer).
agent_start()
{
	local ns=$1 backend=${2-module} want=${3-ok} i body
	local -a opt=()

	[[ -n $backend ]] && opt=(--backend "$backend")
	lib_tmpdir || return 1
	AGENT_LOG[$ns]=$LIB_TMPDIR/agent-${ns%%-*}.$((++AGENT_N)).log
	ns_spawn "$ns" "${AGENT_LOG[$ns]}" "$PMTUFIX_CLI" "${opt[@]}" agent \
		--config "$CONF" --listen "127.0.0.1:$HTTP" --down-on-exit
	AGENT_PID[$ns]=$SPAWNED_PID
	for ((i = 0; i < 100; i++)); do
		body=$(http "$ns" /healthz)
		[[ -n $body && ( -z $want || $body == "$want" ) ]] && return 0
		kill -0 "${AGENT_PID[$ns]}" 2>/dev/null || break
		lib_sleep 0.1
	done
	log_info "agent in ${ns%%-*}: $(cat "${AGENT_LOG[$ns]}")"
	return 1
}

nft_relay_there() # NS: the nft backend's relay chain, and its route out pmtufix0
{
	ip netns exec "$1" nft list chain inet pmtufix relay >/dev/null 2>&1 &&
		[[ $(ip -n "$1" route show table 501) == *"dev pmtufix0"* ]]
}

healthz_says() # NS TEXT: /healthz's body contains TEXT
{
	[[ $(http "$1" /healthz) == *"$2"* ]]
}

http() # NS PATH: the body
{
	ip netns exec "$1" curl -s -m 5 "http://127.0.0.1:$HTTP$2"
}

# metric NS SAMPLE: the value of SAMPLE (name and labels) in NS's /metrics.
metric()
{
	local line

	while read -r line; do
		[[ $line == "$2 "* ]] && { echo "${line##* }"; return 0; }
	done < <(http "$1" /metrics)
	return 1
}

declare -A A_BEFORE=() B_BEFORE=()
snapshot()
{
	local k

	A_BEFORE=() B_BEFORE=()
	pmtufix_stats "$A" || return 1
	for k in "${!PMTUFIX_STATS[@]}"; do A_BEFORE[$k]=${PMTUFIX_STATS[$k]}; done
	pmtufix_stats "$B" || return 1
	for k in "${!PMTUFIX_STATS[@]}"; do B_BEFORE[$k]=${PMTUFIX_STATS[$k]}; done
}

a_moved() # KEY
{
	local k=$1

	pmtufix_stats "$A" || return 1
	echo $((${PMTUFIX_STATS[$k]:-0} - ${A_BEFORE[$k]:-0}))
}

b_moved() # KEY
{
	local k=$1

	pmtufix_stats "$B" || return 1
	echo $((${PMTUFIX_STATS[$k]:-0} - ${B_BEFORE[$k]:-0}))
}

b_moved_is() # KEY N
{
	[[ $(b_moved "$1") == "$2" ]]
}

a_moved_is() # KEY N
{
	[[ $(a_moved "$1") == "$2" ]]
}

# agents_said: the last lines of both agents' logs, after a failure.
agents_said()
{
	((RET)) || return 0
	log_info "A's agent: $(tail -5 "${AGENT_LOG[$A]}")"
	log_info "B's agent: $(tail -5 "${AGENT_LOG[$B]}")"
	log_info "B: $(pmtufix "$B" stats | tr '\n' ' ')"
}

# forge ARGS...: rtr's frag-needed to the VIP, about a segment to the client.
forge()
{
	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$RTR" --src "$RTR_IP" --dst "$VIP" \
		--mtu 1300 --inner-src "$VIP" --proto tcp "$@"
}

# udp_send NS SRC HEX: one datagram from SRC to A's relay port.
udp_send()
{
	ip netns exec "$1" "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
s.sendto(bytes.fromhex(sys.argv[2]), (sys.argv[3], 9884))
' "$2" "$3" "$A_IP"
}

setup()
{
	setup_ns A B RTR CLI || return 1
	ip link add a0 netns "$A" type veth peer name b0 netns "$B" || return 1
	ip link add b1 netns "$B" type veth peer name r0 netns "$RTR" || return 1
	ip link add a2 netns "$A" type veth peer name c0 netns "$CLI" || return 1
	ns_exec "$A" ip -batch - <<-EOF || return 1
		addr add $VIP/32 dev lo
		addr add $A_IP/24 dev a0
		link set a0 up
		addr add 10.0.3.1/24 dev a2
		link set a2 up
		route add 10.0.1.0/24 via $B_IP
	EOF
	ns_exec "$B" ip -batch - <<-EOF || return 1
		addr add $VIP/32 dev lo
		addr add $B_IP/24 dev b0
		link set b0 up
		addr add 10.0.1.1/24 dev b1
		link set b1 up
		route add 10.0.3.0/24 via $A_IP
	EOF
	ns_exec "$RTR" ip -batch - <<-EOF || return 1
		addr add $RTR_IP/24 dev r0
		link set r0 up
		route add default via 10.0.1.1
	EOF
	ns_exec "$CLI" ip -batch - <<-EOF || return 1
		addr add $CLI_IP/24 dev c0
		link set c0 up
		route add default via 10.0.3.1
	EOF
	local ns
	for ns in "$A" "$B" "$RTR" "$CLI"; do
		ns_sysctl "$ns" net.ipv4.conf.all.rp_filter=1 \
			net.ipv4.conf.default.rp_filter=1 || return 1
	done
	ns_sysctl "$B" net.ipv4.ip_forward=1 || return 1
	pmtufix_load
}

# The agents and A's flow, once the module is known to relay.
start()
{
	lib_tmpdir || return 1
	CONF=$LIB_TMPDIR/relay.conf
	printf '%s\n' "set rescue on" "relay set prefixes 10.9.9.0/24 peers $A_IP,$B_IP rate 50" >"$CONF"
	agent_start "$A" && agent_start "$B" || return 1
	local log=$LIB_TMPDIR/holder.log
	ns_spawn_ready "$A" "$log" ready "$PYTHON" "$SELFTESTS_DIR/rescue_holder.py" \
		"$A" "$CLI" "$VIP" "$CLI_IP" "$PORT" "" || {
		log_info "flow holder: $(<"$log")"
		return 1
	}
	SEQ=${READY_ARGS[0]}
	((SEQ >= 0)) || { log_info "TCP_REPAIR refused"; return 1; }
}

relay_config()
{
	local ns out idx

	for ns in "$A" "$B"; do
		idx=$(ip netns exec "$ns" cat /sys/class/net/pmtufix0/ifindex)
		check_err $? "no pmtufix0 in ${ns%%-*}"
		out=$(pmtufix "$ns" relay show)
		[[ $out == "relay: on
prefixes: 10.9.9.0/24
rate: 50/s burst 100
device: ifindex $idx (the agent's)" ]]
		check_err $? "relay show in ${ns%%-*}: '$out'"
		[[ $(ip -n "$ns" -o link show pmtufix0) == *"UP"* ]]
		check_err $? "pmtufix0 is not up in ${ns%%-*}"
		[[ -z $(ip -n "$ns" -o addr show dev pmtufix0 scope global) ]]
		check_err $? "pmtufix0 has an address in ${ns%%-*}"
	done
	log_test "relay_config: file's prefixes, rate and burst; the agent's device, up"
}

relay_noflow()
{
	snapshot || check_err 1 "cannot read the counters"
	forge --inner-dst 10.0.3.77 --sport 80 --dport 5555 --seq 1
	check_err $? "forge_icmp.py failed"
	busywait 3000 a_moved_is relay_in.no_flow 1
	check_err $? "A: relay_in.no_flow moved by $(a_moved relay_in.no_flow), not 1"
	[[ $(b_moved relay_out.sent) == 1 ]]
	check_err $? "B: relay_out.sent moved by $(b_moved relay_out.sent), not 1"
	[[ $(a_moved relay_out.sent) == 0 && $(a_moved relay_in.rescued) == 0 ]]
	check_err $? "A relayed or rescued something"
	[[ -z $(ns_route_mtu "$A" 10.0.3.77 from "$VIP") ]]
	check_err $? "A learnt an MTU for no flow"
	[[ $(metric "$B" 'pmtufix_relay_sent_total{result="send_error"}') == 0 ]]
	check_err $? "B: send errors"
	log_test "relay_noflow: handed on by B, judged no_flow by A"
}

relay_window()
{
	snapshot || check_err 1 "cannot read the counters"
	forge --inner-dst "$CLI_IP" --sport "$PORT" --dport $((PORT + 1)) \
		--seq $(((SEQ + 1000000) % 4294967296))
	check_err $? "forge_icmp.py failed"
	busywait 3000 a_moved_is relay_in.seq_window 1
	check_err $? "A: relay_in.seq_window moved by $(a_moved relay_in.seq_window), not 1"
	[[ -z $(ns_route_mtu "$A" "$CLI_IP" from "$VIP") ]]
	check_err $? "A learnt an MTU from a sequence outside the window"
	log_test "relay_window: wrong sequence, relayed from a peer: rejected, no MTU"
}

relay_rescued()
{
	local mon=$LIB_TMPDIR/monitor.log

	ns_spawn "$A" "$mon" "$PMTUFIX_CLI" --backend module monitor
	lib_sleep 0.5
	snapshot || check_err 1 "cannot read the counters"
	forge --inner-dst "$CLI_IP" --sport "$PORT" --dport $((PORT + 1)) --seq "$SEQ"
	check_err $? "forge_icmp.py failed"
	busywait 3000 a_moved_is relay_in.rescued 1
	check_err $? "A: relay_in.rescued moved by $(a_moved relay_in.rescued), not 1"
	busywait 3000 grep -q "^rescued .* relayed$" "$mon"
	check_err $? "monitor on A: no rescued event marked relayed: '$(cat "$mon")'"
	[[ $(ns_route_mtu "$A" "$CLI_IP" from "$VIP") == 1300 ]]
	check_err $? "A's route to the client: mtu '$(ns_route_mtu "$A" "$CLI_IP" from "$VIP")'"
	[[ $(metric "$A" 'pmtufix_relay_received_total{result="rescued"}') -ge 1 ]]
	check_err $? "A's /metrics does not count it rescued"
	log_test "relay_rescued: the owner rescues it, its route has mtu 1300"
}

relay_foreign()
{
	local good
	local unknown malformed

	unknown=$(metric "$A" 'pmtufix_relay_received_total{result="unknown_peer"}')
	malformed=$(metric "$A" 'pmtufix_relay_received_total{result="malformed"}')
	good=$("$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --hex --src "$RTR_IP" --dst "$VIP" \
		--mtu 1300 --inner-src "$VIP" --inner-dst "$CLI_IP" --proto tcp \
		--sport "$PORT" --dport $((PORT + 1)) --seq "$SEQ")
	udp_send "$RTR" "$RTR_IP" "504d545201000000$good"
	check_err $? "cannot send from rtr"
	udp_send "$B" "$B_IP" "504d545201000000deadbeef"
	check_err $? "cannot send from B"
	udp_send "$B" "$B_IP" "00"
	lib_sleep 0.5
	[[ $(metric "$A" 'pmtufix_relay_received_total{result="unknown_peer"}') == $((unknown + 1)) ]]
	check_err $? "unknown_peer: not counted once"
	[[ $(metric "$A" 'pmtufix_relay_received_total{result="malformed"}') == $((malformed + 2)) ]]
	check_err $? "malformed: not counted twice"
	[[ $(http "$A" /healthz) == ok ]]
	check_err $? "A's agent no longer serves"
	log_test "relay_foreign: a good error from a non-peer: unknown_peer; garbage from a peer: malformed"
}

agent_stop() # NS: SIGTERM, and wait for the end
{
	kill -TERM "${AGENT_PID[$1]}" 2>/dev/null
	busywait 5000 eval "! kill -0 ${AGENT_PID[$1]} 2>/dev/null"
}

hosts() # NS A_ADDR: NS's /etc/hosts names A a.relay.test, B b.relay.test
{
	printf '%s a.relay.test\n%s b.relay.test\n' "$2" "$B_IP" >"/etc/netns/$1/hosts"
}

relay_dns()
{
	local ns

	for ns in "$A" "$B"; do
		agent_stop "$ns" || check_err 1 "the agent in ${ns%%-*} did not stop"
		mkdir -p "/etc/netns/$ns" && hosts "$ns" "$A_IP"
		check_err $? "cannot write /etc/netns/${ns%%-*}/hosts"
		defer rm -rf "/etc/netns/$ns"
	done
	echo "relay set prefixes 10.9.9.0/24 peers dns:a.relay.test,dns:b.relay.test rate 50" \
		>"$CONF"
	agent_start "$A" && agent_start "$B"
	check_err $? "the agents did not start with dns: peers"
	snapshot || check_err 1 "cannot read the counters"
	forge --inner-dst 10.0.3.79 --sport 80 --dport 5558 --seq 1
	check_err $? "forge_icmp.py failed"
	busywait 3000 a_moved_is relay_in.no_flow 1
	check_err $? "A: relay_in.no_flow moved by $(a_moved relay_in.no_flow), not 1"
	log_test "relay_dns: peers named dns:NAME are resolved and relayed to"

	hosts "$B" 10.0.0.99
	kill -HUP "${AGENT_PID[$B]}"
	lib_sleep 1
	snapshot || check_err 1 "cannot read the counters"
	forge --inner-dst 10.0.3.79 --sport 80 --dport 5559 --seq 1
	check_err $? "forge_icmp.py failed"
	busywait 3000 b_moved_is relay_out.sent 1
	check_err $? "B did not hand it on"
	lib_sleep 1
	[[ $(a_moved relay_in.no_flow) == 0 ]]
	check_err $? "A still got it after B's peer name moved"
	log_test "relay_dns: SIGHUP resolves again: a peer's new address is used"

	hosts "$B" "$A_IP"
	kill -HUP "${AGENT_PID[$B]}"
	lib_sleep 1
}

relay_on_with_device() # NS
{
	[[ $(pmtufix "$1" relay show) == *"device: ifindex $(ip netns exec "$1" \
		cat /sys/class/net/pmtufix0/ifindex 2>/dev/null) "* ]]
}

relay_reload()
{
	pmtufix_unload
	check_err $? "rmmod failed"
	insmod "$PMTUFIX_KO"
	check_err $? "insmod failed"
	busywait 5000 relay_on_with_device "$A"
	check_err $? "A: after insmod: '$(pmtufix "$A" relay show 2>&1)'"
	busywait 5000 relay_on_with_device "$B"
	check_err $? "B: after insmod: '$(pmtufix "$B" relay show 2>&1)'"
	snapshot || check_err 1 "cannot read the counters"
	forge --inner-dst 10.0.3.78 --sport 80 --dport 5557 --seq 1
	check_err $? "forge_icmp.py failed"
	busywait 3000 a_moved_is relay_in.no_flow 1
	check_err $? "A: relay_in.no_flow moved by $(a_moved relay_in.no_flow), not 1"
	agents_said
	log_test "relay_reload: rmmod + insmod: the agents set the relay again and relay"
}

relay_move()
{
	local ns

	for ns in "$A" "$B"; do
		agent_stop "$ns" || check_err 1 "the agent in ${ns%%-*} did not stop"
	done
	# relay_dns left a file of the relay line only: give it a rest to apply.
	printf '%s\n' "set rescue on" "relay set prefixes 10.9.9.0/24 peers $A_IP,$B_IP rate 50" \
		>"$CONF"
	pmtufix_unload
	check_err $? "rmmod failed"
	for ns in "$A" "$B"; do
		agent_start "$ns" "" ""
		check_err $? "the agent did not start in ${ns%%-*} without the module"
	done
	# On nft the table relays: its chain, and the relay device in its routing.
	busywait 5000 nft_relay_there "$A"
	check_err $? "on nft, no relay in the table: $(cat "${AGENT_LOG[$A]}")"
	busywait 3000 healthz_says "$A" ok
	check_err $? "A's /healthz on nft: '$(http "$A" /healthz)'"
	insmod "$PMTUFIX_KO"
	check_err $? "insmod failed"
	busywait 8000 relay_on_with_device "$A"
	check_err $? "A: after insmod: '$(pmtufix "$A" relay show 2>&1)'"
	busywait 8000 relay_on_with_device "$B"
	check_err $? "B: after insmod: '$(pmtufix "$B" relay show 2>&1)'"
	snapshot || check_err 1 "cannot read the counters"
	forge --inner-dst 10.0.3.80 --sport 80 --dport 5560 --seq 1
	check_err $? "forge_icmp.py failed"
	busywait 3000 a_moved_is relay_in.no_flow 1
	check_err $? "A: relay_in.no_flow moved by $(a_moved relay_in.no_flow), not 1"
	! ip netns exec "$A" nft list table inet pmtufix >/dev/null 2>&1
	check_err $? "A: the nft table outlived the move to the module"
	[[ -z $(ip -n "$A" rule show pref 497) ]]
	check_err $? "A: the nft relay's ip rules outlived the move to the module"
	log_test "relay_move: from nft to the module: the relay starts there and relays"
}

relay_down()
{
	agent_stop "$B"
	check_err $? "B's agent did not stop"
	[[ $(pmtufix "$B" relay show) == "relay: off" ]]
	check_err $? "B: relay show: '$(pmtufix "$B" relay show)'"
	! ip -n "$B" link show pmtufix0 >/dev/null 2>&1
	check_err $? "B: pmtufix0 is still there"
	log_test "relay_down: --down-on-exit turns the relay off; the device goes with the agent"
}

tests_parse_args "$@"

require_root
require_cmd ip curl "$PYTHON"
require_pmtufix
# The node appears when the tun module is loaded (as "ip tuntap" loads it).
[[ -c /dev/net/tun ]] || modprobe tun 2>/dev/null
[[ -c /dev/net/tun ]] || ksft_skip_all "no /dev/net/tun"
must_setup "setup" "cannot set up the relay topology" setup
pmtufix "$A" relay show >/dev/null 2>&1 ||
	ksft_skip_all "this module does not relay: $(pmtufix "$A" relay show 2>&1)"
must_setup "start" "cannot start the agents and the flow" start
log_info "kernel $(uname -r), $($PMTUFIX_CLI -V), flow $VIP:$PORT <- $CLI_IP:$((PORT + 1)) seq $SEQ"

tests_run -s

ksft_finish
