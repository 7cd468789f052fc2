#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-seed.sh - the user's story without pmtufix: the baseline every other
# test compares against. No module is loaded.
#
#   $CLI 10.10.20.20 ---1500--- $RTR ---9000--- $SRV 10.10.10.10 (eth1)
#   MTU 9000                    ICMP frag-needed    172.20.20.10 (eth0, mgmt)
#                               from 172.20.20.2
#
# (full diagram in topo.sh). The server sends 64 KiB, and a TLS server
# certificate chain of > 4 KiB, to the client in segments the client's MSS
# (8960) allows. The router cannot forward them over its 1500-byte link and
# answers ICMP frag-needed from its management address.
#
# seed_strict   rp_filter=1, errors from 172.20.20.2: the transfer stalls, the TLS
#               handshake times out (curl 28), IPReversePathFilter rises, no PMTU
# seed_loose    rp_filter=2 (the lab's fix): both complete, "mtu 1500" cached
# seed_off      rp_filter=0: both complete, "mtu 1500" cached
# seed_nomgmt   rp_filter=1, errors from 10.10.10.1: both complete, "mtu 1500"
#
# Every case builds a fresh topology (new namespaces: no PMTU exception or
# route cache survives a case) and checks that no PMTU is known before it sends.
#
# Usage: test-seed.sh [-t "case ..."] [-v]
#   STALL_TIMEOUT (s, default 4): how long a "must stall" case waits
#   WORK_TIMEOUT  (s, default 20): limit for cases that must complete
#   PMTUFIX_CERT_DIR: ready-made certificates (mkcerts.sh), else made and cached

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

: "${STALL_TIMEOUT:=4}"
: "${WORK_TIMEOUT:=20}"
BYTES=65536

tests="
	seed_strict	rp_filter=1, ICMP from the switch's mgmt address: black hole
	seed_loose	rp_filter=2: PMTU learnt, transfer and TLS complete
	seed_off	rp_filter=0: PMTU learnt, transfer and TLS complete
	seed_nomgmt	rp_filter=1, ICMP from 10.10.10.1: PMTU learnt"

# A fresh topology whose server knows no PMTU toward the client yet.
setup_case()
{
	local mtu

	if ! topo_seed "$@"; then
		RET=$ksft_fail
		retmsg="cannot build the topology ($*)"
		return 1
	fi
	mtu=$(route_mtu "$SRV" "$CLI_IP")
	if [[ -n $mtu ]]; then
		RET=$ksft_fail
		retmsg="a fresh server already has mtu $mtu toward $CLI_IP"
		return 1
	fi
	if ! tls_server_start; then
		RET=$ksft_fail
		retmsg="openssl s_server did not start"
		return 1
	fi
}

seed_strict()
{
	local name="rp_filter=1, ICMP from $RTR_MGMT_IP" drops0 drops1 mtu
	local tls_pid tls_rc xfer_rc

	if ! setup_case rpf=1 mgmt_src=1; then
		log_test "$name: setup"
		return
	fi
	drops0=$(rpf_drops)

	# Both must stall: run them side by side, the case costs one timeout.
	tls_handshake "$STALL_TIMEOUT" &
	tls_pid=$!
	seed_transfer "$STALL_TIMEOUT" "$BYTES"
	xfer_rc=$?
	wait "$tls_pid"
	tls_rc=$?
	drops1=$(rpf_drops)
	mtu=$(route_mtu "$SRV" "$CLI_IP")

	log_info "transfer: $XFER_OUT"
	check_fail "$xfer_rc" "the transfer completed: $XFER_OUT"
	log_test "$name: $((BYTES / 1024)) KiB server->client transfer stalls (${STALL_TIMEOUT} s)"

	log_info "curl exit code $tls_rc"
	[[ $tls_rc == 28 ]]
	check_err $? "curl should time out (exit 28), got exit $tls_rc"
	log_test "$name: TLS handshake times out, curl: (28)"

	log_info "IPReversePathFilter $drops0 -> $drops1, mtu toward $CLI_IP: '${mtu:-none}'"
	((drops1 > drops0))
	check_err $? "IPReversePathFilter did not rise ($drops0 -> $drops1)"
	[[ -z $mtu ]]
	check_err $? "the server learnt mtu $mtu although the ICMP was to be dropped"
	log_test "$name: IPReversePathFilter rises, no PMTU learnt"
}

# seed_works NAME TOPO_OPTS...: the transfer and the handshake complete and the
# server learns "mtu 1500"; no ICMP is dropped by reverse-path filtering.
seed_works()
{
	local name=$1; shift
	local drops0 drops1 mtu

	if ! setup_case "$@"; then
		log_test "$name: setup"
		return
	fi
	drops0=$(rpf_drops)

	check_seed_transfer "$WORK_TIMEOUT" "$BYTES"
	log_test "$name: $((BYTES / 1024)) KiB server->client transfer completes"

	check_route_mtu "$SRV" "$CLI_IP" 1500 "the server"
	drops1=$(rpf_drops)
	((drops1 == drops0))
	check_err $? "IPReversePathFilter rose ($drops0 -> $drops1)"
	log_test "$name: ip route get $CLI_IP shows mtu 1500"

	# The handshake must learn the PMTU by itself: forget the transfer's.
	topo_flush_pmtu
	mtu=$(route_mtu "$SRV" "$CLI_IP")
	[[ -z $mtu ]]
	check_err $? "mtu $mtu still cached after flushing the route cache"
	if ((RET == 0)); then
		tls_handshake "$WORK_TIMEOUT"
		check_err $? "curl failed: $TLS_ERR"
		check_route_mtu "$SRV" "$CLI_IP" 1500 "after the handshake the server"
	fi
	log_test "$name: TLS handshake (> 4 KiB certificates) completes, mtu 1500"
}

seed_loose()
{
	seed_works "rp_filter=2, ICMP from $RTR_MGMT_IP" rpf=2 mgmt_src=1
}

seed_off()
{
	seed_works "rp_filter=0, ICMP from $RTR_MGMT_IP" rpf=0 mgmt_src=1
}

seed_nomgmt()
{
	seed_works "rp_filter=1, ICMP from $RTR_SRV_IP" rpf=1 mgmt_src=0
}

tests_parse_args "$@"

require_root
require_cmd ip ss "$PYTHON" openssl curl
tls_certs >/dev/null || ksft_skip_all "cannot make TLS certificates"
log_info "kernel $(uname -r), certificates $(<"$TLS_CERT_DIR/size") bytes"

tests_run

ksft_finish
