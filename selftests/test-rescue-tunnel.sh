#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # cases run through $tests
#
# test-rescue-tunnel.sh - a frag-needed that arrives through a collect_md
# tunnel device carries the tunnel's metadata dst, and the kernel's own
# route lookup reads the tunnel key from it (ip rule tun_id). pmtufix must
# leave such a packet alone: its own lookup would consume the metadata, and
# the kernel would route the packet as if it had come without a key.
#
#   $RTR r1 10.1.1.2 ---------- s1 10.1.1.1                     $SRV
#        gre1 (key 5) ==========  gtun (gre external) 192.168.50.1/24
#        lo 172.20.20.2 (mgmt)    p0 192.168.60.1 ---- e0 192.168.60.9  $POD
#
# The server forwards; its main table routes 172.20.20.0/24 via gtun (strict
# RPF passes) but has no route to 192.168.60.0/24: only the rule for tunnel
# key 5 (table 100) routes it, out p0.
#   tunnel_key_route  an error from 172.20.20.2 to the pod through gre1 is
#                     forwarded to the pod (its Icmp InDestUnreachs rises),
#                     pmtufix counts nothing
#
# Usage: test-rescue-tunnel.sh [-t "case ..."] [-v]

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=lib.sh
source "$dir/lib.sh" || exit 1

: "${PYTHON:=python3}"

tests="
	tunnel_key_route	error through a collect_md tunnel, routed by its key"

REASONS="rescued not_needed malformed not_local no_flow seq_window wrong_iface below_floor disabled"
POD_IP=192.168.60.9
MGMT=172.20.20.2

SRV='' RTR='' POD=''

tunnel_topo()
{
	setup_ns -L SRV RTR POD || return 1
	ns_exec "$SRV" ip -batch - <<-EOF || return 1
		link set lo up
		link add s1 type veth peer name r1 netns $RTR
		link add p0 type veth peer name e0 netns $POD
		addr add 10.1.1.1/24 dev s1
		link set s1 up
		addr add 192.168.60.1/24 dev p0
		link set p0 up
		route del 192.168.60.0/24 dev p0
		link add gtun type gre external
		addr add 192.168.50.1/24 dev gtun
		link set gtun up
		route add 172.20.20.0/24 dev gtun
		rule add pref 100 tun_id 5 lookup 100
		route add 192.168.60.0/24 dev p0 table 100
	EOF
	ns_exec "$RTR" ip -batch - <<-EOF || return 1
		link set lo up
		addr add $MGMT/32 dev lo
		addr add 10.1.1.2/24 dev r1
		link set r1 up
		link add gre1 type gre local 10.1.1.2 remote 10.1.1.1 key 5
		link set gre1 up
		route add 192.168.60.0/24 dev gre1
	EOF
	ns_exec "$POD" ip -batch - <<-EOF || return 1
		link set lo up
		addr add $POD_IP/24 dev e0
		link set e0 up
	EOF
	ns_sysctl "$SRV" net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1 \
		net.ipv4.conf.s1.rp_filter=1 net.ipv4.conf.gtun.rp_filter=1 \
		net.ipv4.conf.p0.rp_filter=1 net.ipv4.conf.all.src_valid_mark=0 ||
		return 1
	ns_sysctl "$RTR" net.ipv4.ip_forward=0 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 || return 1
	ns_sysctl "$POD" net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.e0.rp_filter=0
}

tunnel_key_route()
{
	local name="tunnel: error from $MGMT to $POD_IP through a GRE key-5 tunnel"
	local -A before=()
	local r d diff='' unreach before_unreach i

	pmtufix_stats "$SRV"
	check_err $? "cannot read the counters"
	for r in $REASONS; do
		before[$r]=${PMTUFIX_STATS[$r]:-0}
	done
	before_unreach=$(ns_netstat "$POD" InDestUnreachs)

	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$RTR" --dev gre1 \
		--src "$MGMT" --dst "$POD_IP" --mtu 1400 --inner-src "$POD_IP" \
		--inner-dst 172.20.20.9 --proto udp --sport 5600 --dport 7777
	check_err $? "forge_icmp.py failed"
	for ((i = 0; i < 30; i++)); do
		unreach=$(ns_netstat "$POD" InDestUnreachs)
		((unreach != before_unreach)) && break
		lib_sleep 0.1
	done
	((unreach == before_unreach + 1))
	check_err $? "the pod's Icmp InDestUnreachs $before_unreach -> $unreach: not forwarded (server: InNoRoutes $(ns_netstat "$SRV" InNoRoutes))"
	pmtufix_stats "$SRV"
	for r in $REASONS; do
		d=$((${PMTUFIX_STATS[$r]:-0} - before[$r]))
		((d)) && diff+=" $r+$d"
	done
	[[ -z $diff ]]
	check_err $? "pmtufix counted it:$diff"
	log_test "$name: forwarded, not counted"
}

tests_parse_args "$@"

require_root
require_cmd ip "$PYTHON" insmod rmmod
require_pmtufix
log_info "kernel $(uname -r)"
modprobe ip_gre 2>/dev/null
[[ -d /sys/module/ip_gre ]] || ksft_skip_all "no GRE support (ip_gre.ko)"

must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load
must_setup "topology" "cannot build the tunnel topology" tunnel_topo

tests_run -s

ksft_finish
