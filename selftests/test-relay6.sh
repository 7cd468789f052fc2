#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-relay6.sh - IPv6 Packet Too Big errors that land on the wrong node are
# relayed to the node that owns the flow, and judged there.
#
#                                    $RTR (the L3 switch), lo fd00:172::2
#   $CLI fd00:20::20 ---- r_cli fd00:20::1  MTU 1500
#     MTU 9000            r_a fd00:10::1  ------ eth1 fd00:10::11  $NA (owner)
#                         r_b fd00:11::1  ------ eth1 fd00:11::12  $NB
#
# Both nodes have the VIP fd00:99::99/128 on lo, forwarding off. The router
# sends what comes from the client (iif r_cli, table 100) for the VIP to $NA,
# its own errors for the VIP (main table) to $NB: the ECMP split made
# deterministic. $NA listens on the VIP and sends 64 KiB to the client;
# r_cli's MTU 1500 makes the router send Packet Too Big, which lands on $NB,
# which has no such flow. The agents relay between the nodes' IPv6 addresses.
#
# relay6_off     the split, no relay: the transfer stalls, $NA learns nothing
# relay6_on      agents with the relay line: the transfer completes, $NA's route
#                cache shows 1500, $NB counts it sent, $NA counts it rescued
# relay6_forged  a relayed Packet Too Big with a wrong sequence number changes
#                nothing (the module: seq_window; nft: TCP ignores it); the
#                right one sets the MTU it announces
#
# Usage: test-relay6.sh [-t "case ..."] [-v]
#   PMTUFIX_CLI, PMTUFIX_KO: see lib.sh; RELAY_BACKEND: see test-relay.sh

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo_relay.sh
source "$dir/topo_relay.sh" || exit 1

: "${WORK_TIMEOUT:=15}"
: "${STALL_TIMEOUT:=4}"

VIP6=fd00:99::99
CLI6=fd00:20::20 RTR_CLI6=fd00:20::1
NA6=fd00:10::11 NB6=fd00:11::12
MGMT6=fd00:172::2
# What topo_relay.sh's helpers (owner_transfer, start_agents) go by.
VIP=$VIP6 VIP_PLEN=128 NA_IP=$NA6 NB_IP=$NB6

tests="
	relay6_off	errors land on the other node, no relay: the transfer stalls
	relay6_on	the relay brings the error to the owner: the transfer completes
	relay6_forged	a relayed error with a wrong sequence changes nothing"

# IPv6 on everywhere (the relay device too, made later), no DAD to wait for.
ipv6_on()
{
	ns_sysctl "$1" net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.forwarding="$2"
}

# node NS N INDEX: node N (a, b) behind the router's r_N.
__node6()
{
	local ns=$1 n=$2 i=$3

	ipv6_on "$ns" 0 || return 1
	ip link add "r_$n" netns "$RTR" mtu 9000 type veth peer name eth1 netns "$ns" mtu 9000 ||
		return 1
	rtr ip -6 -batch - <<-EOF || return 1
		link set r_$n up
		addr add fd00:1$i::1/64 dev r_$n nodad
	EOF
	ns_exec "$ns" ip -6 -batch - <<-EOF
		link set lo up
		link set eth1 up
		addr add $VIP6/128 dev lo
		addr add fd00:1$i::1$((i + 1))/64 dev eth1 nodad
		route add default via fd00:1$i::1 dev eth1
	EOF
}

setup_relay6()
{
	setup_ns -L CLI RTR NA NB || return 1
	ipv6_on "$CLI" 0 && ipv6_on "$RTR" 1 || return 1
	ip link add eth1 netns "$CLI" mtu 9000 type veth peer name r_cli netns "$RTR" mtu 1500 ||
		return 1
	cli ip -6 -batch - <<-EOF || return 1
		link set lo up
		link set eth1 up
		addr add $CLI6/64 dev eth1 nodad
		route add default via $RTR_CLI6 dev eth1
	EOF
	rtr ip -6 -batch - <<-EOF || return 1
		link set lo up
		addr add $MGMT6/128 dev lo
		link set r_cli up
		addr add $RTR_CLI6/64 dev r_cli nodad
	EOF
	__node6 "$NA" a 0 && __node6 "$NB" b 1 || return 1
	rtr ip -6 route add "$VIP6/128" via "$NA6" table 100 || return 1
	rtr ip -6 rule add iif r_cli lookup 100 pref 100 || return 1
	rtr ip -6 route add "$VIP6/128" via "$NB6" src "$MGMT6"
}

must_setup_relay6()
{
	setup_relay6 && return 0
	RET=$ksft_fail
	retmsg="cannot build the topology"
	return 1
}

relay6_off()
{
	local name="no relay (IPv6)"

	must_setup_relay6 || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	owner_transfer "$STALL_TIMEOUT"
	check_fail $? "the transfer completed without the relay: the split does not work"
	[[ -z $(route_mtu "$NA" "$CLI6") ]]
	check_err $? "the owner learnt mtu $(route_mtu "$NA" "$CLI6") without the relay"
	log_test "$name: Packet Too Big lands on the other node, the transfer stalls"
}

relay6_on()
{
	local name="relay (IPv6)"

	must_setup_relay6 || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	start_agents "$NA" "$NB"
	check_err $? "$retmsg"
	owner_transfer "$WORK_TIMEOUT"
	check_err $? "the transfer did not complete: $XFER_OUT"
	check_route_mtu "$NA" "$CLI6" 1500 "the owner"
	log_test "$name: the transfer through the VIP completes"

	(($(sent "$NB") >= 1))
	check_err $? "the other node counts $(sent "$NB") relayed errors sent"
	(($(received "$NA" rescued) >= 1))
	check_err $? "the owner counts $(received "$NA" rescued) relayed errors rescued"
	(($(sent "$NA") == 0))
	check_err $? "the owner relayed $(sent "$NA") errors: it has the flow"
	log_test "$name: counted sent on the other node, rescued on the owner"
}

relay_datagram6() # NS TO KIND [ptb6.py args]
{
	local ns=$1 to=$2 kind=$3

	shift 3
	ip netns exec "$ns" "$PYTHON" "$SELFTESTS_DIR/relay_send.py" --to "$to" \
		--port "$RELAY_PORT" --kind "$kind" --ipv6 -- "$@"
}

relay6_forged()
{
	local name="forged relayed Packet Too Big" holder seq r0 before bad
	local -a quote

	must_setup_relay6 || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	start_agents "$NA" "$NB"
	check_err $? "$retmsg"
	lib_tmpdir
	holder=$LIB_TMPDIR/holder.log
	ns_spawn_ready "$NA" "$holder" ready "$PYTHON" -c "
import sys, time
from flows import tcp_pair, send_seq
l, a, c = tcp_pair('$NA', '$VIP6', 7100, '$CLI', '$CLI6', 7101)
print('ready', send_seq(a), flush=True)
time.sleep(3600)"
	check_err $? "the flow holder did not start: $(cat "$holder")"
	seq=${READY_ARGS[0]:-}
	quote=(--src "$MGMT6" --dst "$VIP6" --mtu 1400 --inner-src "$VIP6" --inner-dst "$CLI6"
	       --proto tcp --sport 7100 --dport 7101)
	bad=$(wrong_seq_result)
	before=$(received "$NA" "$bad")
	relay_datagram6 "$NB" "$NA6" good "${quote[@]}" --seq $((seq + 100000))
	busywait 3000 above received "$NA" "$bad" "$before"
	check_err $? "a wrong sequence from a peer is not counted as $bad"
	lib_sleep 0.5
	r0=$(received "$NA" rescued)
	[[ -z $(route_mtu "$NA" "$CLI6") ]]
	check_err $? "a wrong sequence from a peer changed the PMTU"
	log_test "$name: a wrong sequence from a peer's address changes nothing"

	relay_datagram6 "$NB" "$NA6" good "${quote[@]}" --seq "$seq"
	busywait 3000 above received "$NA" rescued "$r0"
	check_err $? "the right sequence from a peer is not rescued"
	check_route_mtu "$NA" "$CLI6" 1400 "the owner"
	log_test "$name: the right sequence from a peer is judged and rescued"
}

tests_parse_args "$@"

require_root
require_cmd ip curl "$PYTHON"
require_backend
[[ -c /dev/net/tun ]] || modprobe tun 2>/dev/null
[[ -c /dev/net/tun ]] || ksft_skip_all "no /dev/net/tun"
[[ -e /proc/sys/net/ipv6 ]] || ksft_skip_all "no IPv6"
log_info "kernel $(uname -r), backend $RELAY_BACKEND, $($PMTUFIX_CLI -V)"

tests_run

ksft_finish
