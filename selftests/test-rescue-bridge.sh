#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # cases run through $tests
#
# test-rescue-bridge.sh - pmtufix on an uplink that is a bridge port, with
# br_netfilter (bridge-nf-call-iptables=1). br_netfilter runs the IPv4
# PRE_ROUTING hooks before the bridge knows the frame is for this host and
# replaces any dst set there; ip_sabotage_in() then keeps them from running
# again before the routing that applies RPF. The error must be judged, once
# and exactly as on a plain uplink, where the bridge hands the frame up.
#
#   $RTR r1 10.1.1.2 ------ s1 [br0 10.1.1.1]   $SRV
#        r0 10.3.3.2 ------ s0 10.3.3.1
#        lo 10.9.9.9 (peer), 172.20.20.2 (mgmt)
#
# The server routes 10.9.9.9 via br0, 172.20.20.0/24 via s0; rp_filter=1.
# Flows of the server, held open by one small program:
#   T  TCP 10.1.1.1:P   <- 10.9.9.9:P+1    (idle; send sequence read with
#                                            TCP_REPAIR)
#   U  UDP 10.1.1.1:P+2 -> 10.9.9.9:7777   (connected)
#   V  UDP 10.1.1.1:P+3 -> 172.20.20.5:7777 (connected; routed out s0)
#
# Each case sends one forged frag-needed to 10.1.1.1 through the bridge and
# checks which pmtufix counter rose (exactly one, by one),
# IPReversePathFilter, and the PMTU cached toward the quoted peer:
#   bridge_rescue_tcp    from mgmt, quoting T in window: rescued
#   bridge_rescue_udp    from mgmt, quoting U: rescued
#   bridge_seq_window    from mgmt, quoting T out of window: seq-window
#   bridge_no_flow       from mgmt, quoting an unused port: no-flow
#   bridge_wrong_iface   from mgmt, quoting V: wrong-iface
#   bridge_not_needed    from 10.9.9.9 (routed via br0), quoting U:
#                        not-needed, the kernel's own routing delivers it
#
# Usage: test-rescue-bridge.sh [-t "case ..."] [-v]

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=lib.sh
source "$dir/lib.sh" || exit 1
# shellcheck source=rescue_case.sh
source "$dir/rescue_case.sh" || exit 1

: "${PYTHON:=python3}"

tests="
	bridge_rescue_tcp	TCP flow, error through the bridge
	bridge_rescue_udp	connected UDP flow, error through the bridge
	bridge_seq_window	TCP flow, sequence out of window
	bridge_no_flow	error about no flow
	bridge_wrong_iface	flow whose peer is routed out another interface
	bridge_not_needed	error that strict RPF lets through"

REASONS="rescued not_needed malformed not_local no_flow seq_window wrong_iface below_floor disabled"
SRV_IP=10.1.1.1
PEER_IP=10.9.9.9
MGMT=172.20.20.2
OTHER_PEER=172.20.20.5
PORT=5500
CASE_FORGE=(--dev r1 --mtu 1400)
HOLD_OTHER=$OTHER_PEER
SEQ_T=-1

SRV='' RTR=''

bridge_topo()
{
	setup_ns -L SRV RTR || return 1
	ns_exec "$SRV" ip -batch - <<-EOF || return 1
		link set lo up
		link add br0 type bridge
		link add s1 type veth peer name r1 netns $RTR
		link add s0 type veth peer name r0 netns $RTR
		link set s1 master br0
		addr add $SRV_IP/24 dev br0
		addr add 10.3.3.1/24 dev s0
		link set br0 up
		link set s1 up
		link set s0 up
		route add $PEER_IP/32 via 10.1.1.2 dev br0
		route add 172.20.20.0/24 via 10.3.3.2 dev s0
	EOF
	ns_exec "$RTR" ip -batch - <<-EOF || return 1
		link set lo up
		addr add $PEER_IP/32 dev lo
		addr add $MGMT/32 dev lo
		addr add 10.1.1.2/24 dev r1
		addr add 10.3.3.2/24 dev r0
		link set r1 up
		link set r0 up
	EOF
	ns_sysctl "$SRV" net.ipv4.ip_forward=0 net.ipv4.route.min_pmtu=552 \
		net.ipv4.ip_no_pmtu_disc=0 \
		net.ipv4.icmp_ignore_bogus_error_responses=1 \
		net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1 \
		net.ipv4.conf.br0.rp_filter=1 net.ipv4.conf.s0.rp_filter=1 \
		net.ipv4.conf.all.src_valid_mark=0 \
		net.bridge.bridge-nf-call-iptables=1 || return 1
	# arp_announce=2: ARP from the interface's address, not from the
	# management address the server's strict RPF would refuse on br0.
	ns_sysctl "$RTR" net.ipv4.ip_forward=0 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.r1.rp_filter=0 \
		net.ipv4.conf.r0.rp_filter=0 net.ipv4.conf.all.arp_announce=2
}

# route_mtu PEER
route_mtu()
{
	ns_route_mtu "$SRV" "$1"
}

bridge_rescue_tcp()
{
	if ((SEQ_T < 0)); then
		log_test_skip "bridge: TCP flow in window" "TCP_REPAIR refused"
		return
	fi
	rescue_case "bridge: TCP flow in window, from $MGMT" rescued "$PEER_IP" 1400 \
		--src "$MGMT" --inner-src "$SRV_IP" --inner-dst "$PEER_IP" \
		--proto tcp --sport "$PORT" --dport $((PORT + 1)) --seq "$SEQ_T"
}

bridge_rescue_udp()
{
	rescue_case "bridge: connected UDP flow, from $MGMT" rescued "$PEER_IP" 1400 \
		--src "$MGMT" --inner-src "$SRV_IP" --inner-dst "$PEER_IP" \
		--proto udp --sport $((PORT + 2)) --dport 7777
}

bridge_seq_window()
{
	local seq=$(((SEQ_T + 0x40000000) & 0xffffffff))

	rescue_case "bridge: TCP flow, sequence 2^30 away, from $MGMT" seq_window \
		"$PEER_IP" "" --src "$MGMT" --inner-src "$SRV_IP" \
		--inner-dst "$PEER_IP" --proto tcp --sport "$PORT" \
		--dport $((PORT + 1)) --seq "$seq"
}

bridge_no_flow()
{
	rescue_case "bridge: no such flow, from $MGMT" no_flow "$PEER_IP" "" \
		--src "$MGMT" --inner-src "$SRV_IP" --inner-dst "$PEER_IP" \
		--proto udp --sport $((PORT + 9)) --dport 7777
}

bridge_wrong_iface()
{
	rescue_case "bridge: UDP flow to $OTHER_PEER (routed out s0), from $MGMT" \
		wrong_iface "$OTHER_PEER" "" --src "$MGMT" --inner-src "$SRV_IP" \
		--inner-dst "$OTHER_PEER" --proto udp --sport $((PORT + 3)) --dport 7777
}

bridge_not_needed()
{
	rescue_case "bridge: connected UDP flow, from $PEER_IP" not_needed \
		"$PEER_IP" 1400 --src "$PEER_IP" --inner-src "$SRV_IP" \
		--inner-dst "$PEER_IP" --proto udp --sport $((PORT + 2)) --dport 7777
}

tests_parse_args "$@"

require_root
require_cmd ip "$PYTHON" insmod rmmod
require_pmtufix
log_info "kernel $(uname -r)"
modprobe br_netfilter 2>/dev/null
[[ -d /sys/module/br_netfilter ]] || ksft_skip_all "no br_netfilter"

must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load
must_setup "topology" "cannot build the bridge topology" bridge_topo
must_setup "flows" "cannot open the flows to quote" hold_flows
log_info "T next seq $SEQ_T"

tests_run -s

ksft_finish
