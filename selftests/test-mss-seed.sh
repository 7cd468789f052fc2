#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-mss-seed.sh - the user's story with ICMP blocked altogether: the switch
# sends no frag-needed at all (an nft table in $RTR drops every ICMP
# destination-unreachable it would send or forward), so no PMTU discovery and
# no rescue can help. An MSS rule alone makes the transfers work.
#
#   $CLI 10.10.20.20 ---1500--- $RTR ---9000--- $SRV 10.10.10.10
#   MTU 9000                    drops ICMP          10.10.20.0/24 via $RTR
#                               type 3              |
#                                                   $POD 10.244.1.10 (masqueraded)
#
# (full diagram in topo.sh). Without a rule the client announces MSS 8960 and
# the server's 9000-byte segments die at the router's 1500-byte link.
#
# blocked        no rule: the 64 KiB server->client transfer stalls (the
#                precondition: ICMP really is gone)
# router_auto    "mss add 10.10.20.0/24 auto" in the router: forwarded SYN and
#                SYN-ACK say 1460 (the smaller of the two routes' MTUs, 1500,
#                - 40): the transfer and the TLS handshake complete
# server_fixed   "mss add 10.10.20.0/24 1460" in the server (its own route says
#                9000, so auto would not help there): received SYN and sent
#                SYN-ACK are lowered, the transfer completes
# pod_fixed      the same rule in the server, for a pod it forwards and
#                masquerades: the client's SYN-ACK is lowered on its way to the
#                pod (before source NAT), the pod's transfer completes
#
# Usage: test-mss-seed.sh [-t "case ..."] [-v]
#   STALL_TIMEOUT (s, default 4): how long the "must stall" case waits
#   WORK_TIMEOUT  (s, default 20): limit for cases that must complete
#   PMTUFIX_SKIP_LOAD=1: run without the module (every case but "blocked" fails)

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

: "${STALL_TIMEOUT:=4}"
: "${WORK_TIMEOUT:=20}"
BYTES=65536

tests="
	blocked		no rule, no ICMP: the transfer stalls
	router_auto	rule in the router (auto): transfer and TLS complete
	server_fixed	rule in the server (1460): transfer completes
	pod_fixed	rule in the server (1460): a masqueraded pod's transfer completes"

block_icmp()
{
	rtr nft -f - <<-EOF
		table inet pmtufix_test_noicmp {
			chain output {
				type filter hook output priority 0; policy accept;
				icmp type destination-unreachable drop
			}
			chain forward {
				type filter hook forward priority 0; policy accept;
				icmp type destination-unreachable drop
			}
		}
	EOF
}


blocked()
{
	seed_transfer "$STALL_TIMEOUT" "$BYTES"
	check_fail $? "the transfer completed although the router drops ICMP: $XFER_OUT"
	log_info "transfer: $XFER_OUT"
	log_test "blocked: no rule, ICMP dropped at the router: the transfer stalls"
}

router_auto()
{
	local mss

	pmtufix_mss_rule "$RTR" 10.10.20.0/24 auto || { log_test "router_auto: setup"; return; }
	check_seed_transfer "$WORK_TIMEOUT" "$BYTES"
	mss=$(xfer_field snd_mss)
	((${mss:-99999} <= 1460))
	check_err $? "the server's send MSS is ${mss:-?}, not at most 1460"
	log_test "router_auto: router rule auto: $((BYTES / 1024)) KiB transfer completes, server sends <= 1460"

	if ! tls_server_start; then
		check_err 1 "openssl s_server did not start"
		log_test "router_auto: TLS setup"
		return
	fi
	tls_handshake "$WORK_TIMEOUT"
	check_err $? "curl failed: $TLS_ERR"
	log_test "router_auto: router rule auto: the TLS handshake completes"
}

server_fixed()
{
	local mss

	pmtufix_mss_rule "$SRV" 10.10.20.0/24 1460 || { log_test "server_fixed: setup"; return; }
	check_seed_transfer "$WORK_TIMEOUT" "$BYTES"
	mss=$(xfer_field snd_mss)
	((${mss:-99999} <= 1460))
	check_err $? "the server's send MSS is ${mss:-?}, not at most 1460"
	log_test "server_fixed: server rule 1460: $((BYTES / 1024)) KiB transfer completes, server sends <= 1460"
}

pod_fixed()
{
	local mss

	if ! topo_add_pod; then
		check_err 1 "cannot add the pod"
		log_test "pod_fixed: setup"
		return
	fi
	pmtufix_mss_rule "$SRV" 10.10.20.0/24 1460 || { log_test "pod_fixed: setup"; return; }
	pod_transfer "$WORK_TIMEOUT" "$BYTES"
	check_err $? "transfer did not complete: $XFER_OUT"
	log_info "transfer: $XFER_OUT"
	mss=$(xfer_field snd_mss)
	((${mss:-99999} <= 1460))
	check_err $? "the pod's send MSS is ${mss:-?}, not at most 1460"
	log_test "pod_fixed: server rule 1460: the masqueraded pod's transfer completes, pod sends <= 1460"
}

tests_parse_args "$@"

require_root
require_cmd ip nft "$PYTHON" openssl curl insmod rmmod
require_pmtufix
tls_certs >/dev/null || ksft_skip_all "cannot make TLS certificates"
log_info "kernel $(uname -r)"

must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load
if ! topo_seed rpf=1 mgmt_src=1 || ! block_icmp; then
	check_err 1 "cannot build the seed topology"
	log_test "topology"
	ksft_finish
fi

tests_run -b topo_flush_pmtu

ksft_finish
