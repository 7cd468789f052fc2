#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-rescue.sh - the user's story with pmtufix loaded: strict reverse-path
# filtering stays on and the switch's frag-needed errors get through anyway,
# for the server's own flows and for the pod traffic it masquerades.
#
#   $CLI 10.10.20.20 ---1500--- $RTR ---9000--- $SRV 10.10.10.10 (eth1)
#   MTU 9000                    ICMP frag-needed    172.20.20.10 (eth0, mgmt)
#                               from 172.20.20.2    rp_filter=1
#                                                   |
#                                                   $POD 10.244.1.10 (masqueraded)
#
# (full diagram in topo.sh; test-seed.sh shows the same topology stalling
# without the module.)
#
# rescue_seed     the server sends 64 KiB to the client: completes, "ip route get"
#                 shows mtu 1500, rp_filter is still 1, IPReversePathFilter does not
#                 rise, the "rescued" counter does
# rescue_log      the kernel log names the rescue: "pmtufix: rescued frag-needed
#                 from 172.20.20.2 dev eth1 mtu 1500 for tcp 10.10.10.10:..."
# rescue_tls      with the route cache flushed, the TLS handshake (> 4 KiB of
#                 certificates) completes and learns mtu 1500 by itself
# rescue_pod      a pod behind the server, masqueraded out eth1, sends 64 KiB to
#                 the client: completes, the pod learns mtu 1500, the server
#                 counts the rescue (conntrack RELATED, forwarded)
#
# One topology for all cases; before each one no PMTU is known (the route cache
# is flushed and checked).
#
# Usage: test-rescue.sh [-t "case ..."] [-v]
#   WORK_TIMEOUT (s, default 20): limit for cases that must complete
#   PMTUFIX_SKIP_LOAD=1: run without the module (every case must then fail)
#   PMTUFIX_KO, PMTUFIX_CLI, PMTUFIX_CERT_DIR: see lib.sh and topo.sh

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

: "${WORK_TIMEOUT:=20}"
BYTES=65536

tests="
	rescue_seed	rp_filter=1: the 64 KiB transfer completes, mtu 1500 learnt
	rescue_log	the rescue is in the kernel log
	rescue_tls	rp_filter=1: the TLS handshake completes, mtu 1500 learnt
	rescue_pod	a masqueraded pod learns mtu 1500 and completes"

# check_rescued_since OLD: "rescued" of $SRV rose above OLD, nothing else was rejected.
check_rescued_since()
{
	local old=$1 r

	if ! pmtufix_stats "$SRV"; then
		check_err 1 "pmtufix -n \$SRV -j stats failed"
		return
	fi
	((${PMTUFIX_STATS[rescued]:-0} > old))
	check_err $? "the rescued counter did not rise ($old -> ${PMTUFIX_STATS[rescued]})"
	for r in malformed not_local no_flow seq_window wrong_iface below_floor disabled no_source_route; do
		((${PMTUFIX_STATS[$r]:-0} == 0))
		check_err $? "$r counted ${PMTUFIX_STATS[$r]} genuine errors"
	done
}

rescued0=0

rescue_seed()
{
	local name="rp_filter=1, ICMP from $RTR_MGMT_IP" drops0 drops1 mtu rpf

	no_pmtu "$SRV" "$CLI_IP" || { log_test "$name: setup"; return; }
	pmtufix_stats "$SRV" && rescued0=${PMTUFIX_STATS[rescued]}
	drops0=$(rpf_drops)

	check_seed_transfer "$WORK_TIMEOUT" "$BYTES"
	log_test "$name: $((BYTES / 1024)) KiB server->client transfer completes"

	check_route_mtu "$SRV" "$CLI_IP" 1500 "the server"
	log_test "$name: ip route get $CLI_IP shows mtu 1500"

	rpf=$(srv cat /proc/sys/net/ipv4/conf/all/rp_filter \
		/proc/sys/net/ipv4/conf/eth1/rp_filter /proc/sys/net/ipv4/conf/eth0/rp_filter)
	[[ $rpf == $'1\n1\n1' ]]
	check_err $? "rp_filter all/eth1/eth0 is now '${rpf//$'\n'/\/}', not 1/1/1"
	drops1=$(rpf_drops)
	((drops1 == drops0))
	check_err $? "IPReversePathFilter rose ($drops0 -> $drops1): an error was dropped"
	log_test "$name: rp_filter is still 1, no reverse-path drop"

	check_rescued_since "$rescued0"
	log_info "rescued ${rescued0} -> ${PMTUFIX_STATS[rescued]-?}"
	log_test "$name: pmtufix counts the rescue, and nothing rejected"
}

rescue_log()
{
	local re="pmtufix: rescued frag-needed from $RTR_MGMT_IP dev eth1 mtu 1500 for tcp $SRV_IP:[0-9]+ > $CLI_IP:[0-9]+"
	local log

	log=$(dmesg)
	[[ $log =~ $re ]]
	check_err $? "no line matching '$re' in the kernel log"
	[[ -n ${BASH_REMATCH[0]} ]] && log_info "${BASH_REMATCH[0]}"
	log_test "kernel log: rescued frag-needed from $RTR_MGMT_IP dev eth1 mtu 1500 for tcp $SRV_IP:..."
}

rescue_tls()
{
	local name="rp_filter=1, ICMP from $RTR_MGMT_IP" mtu

	topo_flush_pmtu
	no_pmtu "$SRV" "$CLI_IP" || { log_test "$name: TLS setup"; return; }
	pmtufix_stats "$SRV" && rescued0=${PMTUFIX_STATS[rescued]}
	if ! tls_server_start; then
		check_err 1 "openssl s_server did not start"
		log_test "$name: TLS setup"
		return
	fi

	tls_handshake "$WORK_TIMEOUT"
	check_err $? "curl failed: $TLS_ERR"
	check_route_mtu "$SRV" "$CLI_IP" 1500 "after the handshake the server"
	check_rescued_since "$rescued0"
	log_test "$name: TLS handshake (> 4 KiB certificates) completes, mtu 1500, rescue counted"
}

rescue_pod()
{
	local name="pod $POD_IP masqueraded by the server" mtu

	if ! topo_add_pod; then
		check_err 1 "cannot add the pod"
		log_test "$name: setup"
		return
	fi
	topo_flush_pmtu
	if ! no_pmtu "$POD" "$CLI_IP" || ! no_pmtu "$SRV" "$CLI_IP"; then
		log_test "$name: setup"
		return
	fi
	pmtufix_stats "$SRV" && rescued0=${PMTUFIX_STATS[rescued]}

	pod_transfer "$WORK_TIMEOUT" "$BYTES"
	check_err $? "transfer did not complete: $XFER_OUT"
	log_info "transfer: $XFER_OUT"
	log_test "$name: $((BYTES / 1024)) KiB pod->client transfer completes"

	check_route_mtu "$POD" "$CLI_IP" 1500 "the pod"
	check_rescued_since "$rescued0"
	log_info "rescued in the server ${rescued0} -> ${PMTUFIX_STATS[rescued]-?}"
	log_test "$name: the pod learns mtu 1500, the server counts the rescue"
}

tests_parse_args "$@"

require_root
require_cmd ip ss nft "$PYTHON" openssl curl insmod rmmod dmesg
require_pmtufix
tls_certs >/dev/null || ksft_skip_all "cannot make TLS certificates"
log_info "kernel $(uname -r), certificates $(<"$TLS_CERT_DIR/size") bytes"

# The server is a network namespace: only the initial one logs by default.
must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load log_all_netns=1
must_setup "topology" "cannot build the seed topology" topo_seed rpf=1 mgmt_src=1

tests_run

ksft_finish
