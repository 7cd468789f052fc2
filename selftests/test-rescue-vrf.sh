#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # cases run through $tests
#
# test-rescue-vrf.sh - pmtufix on the slaves of a VRF. vrf_ip_rcv() runs the
# PRE_ROUTING hooks a second time with the VRF device as input; from there
# every nexthop of the VRF passes the reverse-path check. pmtufix must judge
# once, on the slave, with the VRF's table and the VRF's sockets.
#
#   $RTR r1 10.1.1.2 ---------- s1 10.1.1.1 \
#        r2 10.2.2.2 ---------- s2 10.2.2.1  } vrf blue (table 10)   $SRV
#        lo 10.9.9.9 (peer), 172.20.20.2 (mgmt A), 172.21.21.2 (mgmt B)
#
# In the VRF: 10.9.9.9 via s1, 172.20.20.0/24 via s2, 172.21.21.0/24 via s1;
# rp_filter=1 everywhere. Flows of the server, in the VRF (sockets bound to
# blue), held open by one small program:
#   T  TCP 10.1.1.1:P   <- 10.9.9.9:P+1   (idle; send sequence read with
#                                           TCP_REPAIR)
#   U  UDP 10.1.1.1:P+2 -> 10.9.9.9:7777  (connected)
#
# Each case sends one forged frag-needed and checks which pmtufix counters
# rose (exactly one, by one), IPReversePathFilter, and the PMTU cached toward
# 10.9.9.9 in the VRF:
#   vrf_rescue_tcp   error from mgmt A arriving on s1 (where the peer is
#                    routed) quoting T in window: rescued, mtu cached
#   vrf_rescue_udp   the same quoting U
#   vrf_wrong_slave  error from mgmt B arriving on s2 quoting U: wrong-iface,
#                    dropped (the VRF device's pass must not accept it)
#   vrf_no_flow      error arriving on s1 quoting an unused port: no-flow,
#                    dropped
#
# Usage: test-rescue-vrf.sh [-t "case ..."] [-v]

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=lib.sh
source "$dir/lib.sh" || exit 1
# shellcheck source=rescue_case.sh
source "$dir/rescue_case.sh" || exit 1

: "${PYTHON:=python3}"

tests="
	vrf_rescue_tcp	TCP flow in the VRF, error on the peer's slave
	vrf_rescue_udp	connected UDP flow in the VRF, error on the peer's slave
	vrf_wrong_slave	error on the other slave of the VRF
	vrf_no_flow	error about no flow, on the peer's slave"

REASONS="rescued not_needed malformed not_local no_flow seq_window wrong_iface below_floor disabled"
SRV_IP=10.1.1.1
PEER_IP=10.9.9.9
MGMT_A=172.20.20.2
MGMT_B=172.21.21.2
PORT=5300
CASE_WHERE=" in the VRF"
HOLD_DEV=blue
SEQ_T=-1

SRV='' RTR=''

vrf_topo()
{
	setup_ns -L SRV RTR || return 1
	ns_exec "$SRV" ip -batch - <<-EOF || return 1
		link set lo up
		link add blue type vrf table 10
		link set blue up
		link add s1 type veth peer name r1 netns $RTR
		link add s2 type veth peer name r2 netns $RTR
		link set s1 master blue
		link set s2 master blue
		addr add $SRV_IP/24 dev s1
		addr add 10.2.2.1/24 dev s2
		link set s1 up
		link set s2 up
		route add vrf blue $PEER_IP/32 via 10.1.1.2 dev s1
		route add vrf blue 172.20.20.0/24 via 10.2.2.2 dev s2
		route add vrf blue 172.21.21.0/24 via 10.1.1.2 dev s1
	EOF
	ns_exec "$RTR" ip -batch - <<-EOF || return 1
		link set lo up
		addr add $PEER_IP/32 dev lo
		addr add $MGMT_A/32 dev lo
		addr add $MGMT_B/32 dev lo
		addr add 10.1.1.2/24 dev r1
		addr add 10.2.2.2/24 dev r2
		link set r1 up
		link set r2 up
	EOF
	ns_sysctl "$SRV" net.ipv4.ip_forward=0 net.ipv4.route.min_pmtu=552 \
		net.ipv4.ip_no_pmtu_disc=0 net.ipv4.tcp_l3mdev_accept=0 \
		net.ipv4.udp_l3mdev_accept=0 \
		net.ipv4.icmp_ignore_bogus_error_responses=1 \
		net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1 \
		net.ipv4.conf.blue.rp_filter=1 net.ipv4.conf.s1.rp_filter=1 \
		net.ipv4.conf.s2.rp_filter=1 net.ipv4.conf.all.src_valid_mark=0 \
		|| return 1
	# arp_announce=2: ARP from the interface's address, not from a
	# management address the server's strict RPF would refuse on s2.
	ns_sysctl "$RTR" net.ipv4.ip_forward=0 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.r1.rp_filter=0 \
		net.ipv4.conf.r2.rp_filter=0 net.ipv4.conf.all.arp_announce=2
}

# route_mtu PEER: in the VRF's table
route_mtu()
{
	ns_route_mtu "$SRV" "$1" vrf blue
}

vrf_rescue_tcp()
{
	if ((SEQ_T < 0)); then
		log_test_skip "vrf: TCP flow in window" "TCP_REPAIR refused"
		return
	fi
	rescue_case "vrf: TCP flow in window, error on s1 from $MGMT_A" rescued \
		"$PEER_IP" 1400 --dev r1 --src "$MGMT_A" --mtu 1400 \
		--inner-src "$SRV_IP" --inner-dst "$PEER_IP" --proto tcp \
		--sport "$PORT" --dport $((PORT + 1)) --seq "$SEQ_T"
}

vrf_rescue_udp()
{
	rescue_case "vrf: connected UDP flow, error on s1 from $MGMT_A" rescued \
		"$PEER_IP" 1400 --dev r1 --src "$MGMT_A" --mtu 1400 \
		--inner-src "$SRV_IP" --inner-dst "$PEER_IP" --proto udp \
		--sport $((PORT + 2)) --dport 7777
}

vrf_wrong_slave()
{
	rescue_case "vrf: UDP flow, error on s2 from $MGMT_B" wrong_iface \
		"$PEER_IP" "" --dev r2 --src "$MGMT_B" --mtu 1400 \
		--inner-src "$SRV_IP" --inner-dst "$PEER_IP" --proto udp \
		--sport $((PORT + 2)) --dport 7777
}

vrf_no_flow()
{
	rescue_case "vrf: no such flow, error on s1 from $MGMT_A" no_flow \
		"$PEER_IP" "" --dev r1 --src "$MGMT_A" --mtu 1400 \
		--inner-src "$SRV_IP" --inner-dst "$PEER_IP" --proto udp \
		--sport $((PORT + 9)) --dport 7777
}

tests_parse_args "$@"

require_root
require_cmd ip "$PYTHON" insmod rmmod
require_pmtufix
log_info "kernel $(uname -r)"
modprobe vrf 2>/dev/null
[[ -d /sys/module/vrf ]] || ksft_skip_all "no VRF support (vrf.ko)"

must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load
must_setup "topology" "cannot build the VRF topology" vrf_topo
must_setup "flows" "cannot open the flows to quote" hold_flows
log_info "T next seq $SEQ_T"

tests_run -s

ksft_finish
