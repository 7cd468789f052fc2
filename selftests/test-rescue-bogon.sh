#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-rescue-bogon.sh - neither backend accepts a frag-needed that loose
# reverse-path filtering would drop: its source must have a unicast route,
# out of any interface. Only which interface that is may be overlooked.
#
#   $CLI 10.10.20.20 ---- $RTR ---- r_srv/eth1 ---- $SRV 10.10.10.10 (eth1)
#                          |        forged ICMP      172.20.20.10 (eth0)
#                          |                         no default route
#                          +------- r_mgmt/eth0 -----+ 198.18.0.0/24 blackhole
#                                                      198.18.1.0/24 unreachable
#                                                      198.18.2.0/24 prohibit
#                                                      198.18.3.1: no route
#
# (full diagram in topo.sh). The server holds a live TCP flow with the client
# (10.10.10.10:P <- 10.10.20.20:P+1, idle, its send sequence read with
# TCP_REPAIR, opened after the backend is up so that conntrack knows it).
# The router forges frag-needed errors that quote that flow with a sequence
# number in its window, sent to the server's eth1, from each source above.
#
# bogon_module, bogon_nft   with rp_filter 1, then 2, on the server: each of
#       the four is counted as no_source_route, IPReversePathFilter rises and
#       no PMTU is learnt; the same forgery from the router's management
#       address (routed out eth0: only the interface is wrong) gets through
#       and sets mtu 1500; the seed's own 64 KiB transfer completes.
# vrf_nft   the server's eth0 and eth1 enslaved to a VRF (table 10), backend
#       nft with uplink eth1: the seed transfer completes inside the VRF; an
#       error for the same flow arriving on eth0 (a slave, not an uplink) from
#       a source routed out eth1 stays dropped; a source blackholed in the
#       VRF's table is counted as no_source_route and dropped, although the
#       main table routes it. Needs the vrf driver: skipped on the host.
#
# The module cases need build/<release>/pmtufix.ko and a kernel that loads
# modules: they are skipped elsewhere (the host), the nft cases run there.
#
# Usage: test-rescue-bogon.sh [-t "case ..."] [-v]
#   WORK_TIMEOUT (s, default 15): limit for transfers that must complete

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

: "${WORK_TIMEOUT:=15}"
BYTES=65536
VRF_TABLE=10

tests="
	bogon_module	module: unrouted sources are not rescued, rp_filter 1 and 2
	bogon_nft	nft backend: unrouted sources are not marked, rp_filter 1 and 2
	vrf_nft	nft backend in a VRF: wrong slave dropped, VRF table judges, seed works"

SEQ=-1
VRF=

# peer_mtu: the mtu the server has learnt toward the client ("" = none), in
# the VRF's table when there is one.
peer_mtu()
{
	ns_route_mtu "$SRV" "$CLI_IP" ${VRF:+vrf "$VRF"}
}

# clean_peer: true when no mtu is known toward the client; else fails the
# test point.
clean_peer()
{
	local mtu

	mtu=$(peer_mtu)
	[[ -z $mtu ]] && return 0
	check_err 1 "the server already has mtu $mtu toward $CLI_IP"
	return 1
}

# seed_works: the seed's transfer completes and leaves mtu 1500 learnt.
seed_works()
{
	local mtu

	if clean_peer; then
		check_seed_transfer "$WORK_TIMEOUT" "$BYTES"
		mtu=$(peer_mtu)
		[[ $mtu == 1500 ]]
		check_err $? "the server shows mtu '${mtu:-none}' toward $CLI_IP, not 1500"
	fi
	log_test "$1: the seed's transfer completes, mtu 1500 learnt"
}

# hold_flow PORT: start the holder (killed in the current scope); SEQ.
hold_flow()
{
	local log

	lib_tmpdir || return 1
	# Never the file of an earlier holder: its sequence would be stale.
	log=$(mktemp "$LIB_TMPDIR/holder.$1.XXXXXX") || return 1
	if ! ns_spawn_ready "$SRV" "$log" ready "$PYTHON" "$SELFTESTS_DIR/bogon_holder.py" \
		"$SRV" "$CLI" "$1"; then
		log_info "flow holder: $(<"$log")"
		return 1
	fi
	SEQ=${READY_ARGS[0]}
	if ((SEQ < 0)); then
		log_info "TCP_REPAIR refused: no sequence number to quote"
		return 1
	fi
	log_info "flow held on port $1, next sequence $SEQ"
}

backend_up() # [SETTINGS...]: rescue on in $SRV with $PMTUFIX_BACKEND
{
	pmtufix "$SRV" set rescue on "$@" || return 1
	[[ $PMTUFIX_BACKEND == nft ]] && defer pmtufix "$SRV" down
	return 0
}

# forged WHAT SRC EXPECT WANT [FORGE_ARGS...]: one error from SRC quoting the
# held flow (to the server's eth1 unless FORGE_ARGS say otherwise).
#   EXPECT  the counter that must rise by one ("" = none checked)
#   WANT    "" = dropped: no mtu toward the client, IPReversePathFilter rises;
#           else accepted: mtu WANT, IPReversePathFilter unchanged
forged()
{
	local what=$1 src=$2 expect=$3 want=$4
	local drops0 drops i mtu moved='' k
	local -A before

	shift 4
	if ! clean_peer || ! pmtufix_stats "$SRV"; then
		check_err 1 "no clean start, or the counters cannot be read"
		log_test "$what"
		return
	fi
	for k in "${!PMTUFIX_STATS[@]}"; do
		before[$k]=${PMTUFIX_STATS[$k]}
	done
	drops0=$(rpf_drops)
	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$RTR" --src "$src" \
		--dst "$SRV_IP" --inner-src "$SRV_IP" --inner-dst "$CLI_IP" \
		--proto tcp --sport "$PORT" --dport $((PORT + 1)) --seq "$SEQ" "$@"
	check_err $? "forge_icmp.py failed"
	# Done when it returns, unless softirq work went to ksoftirqd: wait
	# for what the case expects (a rejected error also shows no mtu).
	for ((i = 0; i < 20; i++)); do
		drops=$(rpf_drops)
		mtu=$(peer_mtu)
		[[ -n $mtu ]] && break
		[[ -z $want && $drops != "$drops0" ]] && break
		lib_sleep 0.1
	done
	pmtufix_stats "$SRV"
	for k in "${!PMTUFIX_STATS[@]}"; do
		((PMTUFIX_STATS[$k] != ${before[$k]:-0})) &&
			moved+=" $k+$((PMTUFIX_STATS[$k] - ${before[$k]:-0}))"
	done
	log_info "counted:${moved:- nothing}"
	if [[ -n $want ]]; then
		[[ $mtu == "$want" ]]
		check_err $? "the server shows mtu '${mtu:-none}' toward $CLI_IP, not $want"
		((drops == drops0))
		check_err $? "IPReversePathFilter rose ($drops0 -> $drops)"
	else
		[[ -z $mtu ]]
		check_err $? "the server learnt mtu $mtu toward $CLI_IP from a rejected error"
		((drops > drops0))
		check_err $? "IPReversePathFilter did not rise ($drops0)"
	fi
	if [[ -n $expect ]]; then
		((${PMTUFIX_STATS[$expect]:-0} == ${before[$expect]:-0} + 1))
		check_err $? "counted:${moved:- nothing}, not $expect+1"
	fi
	log_test "$what"
	[[ -n $mtu ]] && topo_flush_pmtu
}

# One pass against $PMTUFIX_BACKEND with rp_filter $1 on the server.
bogon_pass()
{
	local rpf=$1 be=$PMTUFIX_BACKEND
	local pass="$be, rp_filter=$rpf" expect=rescued

	if ! topo_seed rpf="$rpf" || ! srv ip -batch - <<-EOF; then
		route add blackhole 198.18.0.0/24
		route add unreachable 198.18.1.0/24
		route add prohibit 198.18.2.0/24
	EOF
		check_err 1 "cannot build the topology"
		log_test "$pass: setup"
		return
	fi
	PORT=$((5300 + 10 * rpf))
	if ! backend_up || ! hold_flow "$PORT"; then
		check_err 1 "cannot switch the rescue on or hold the flow"
		log_test "$pass: setup"
		return
	fi

	forged "$pass: blackholed source" 198.18.0.1 no_source_route ""
	forged "$pass: unreachable-routed source" 198.18.1.1 no_source_route ""
	forged "$pass: prohibit-routed source" 198.18.2.1 no_source_route ""
	forged "$pass: source without a route" 198.18.3.1 no_source_route ""

	# Loose RPF passes the management address: the kernel (module) or the
	# mark (nft) accepts it without the rescue.
	[[ $rpf == 2 && $be == module ]] && expect=not_needed
	forged "$pass: source routed out eth0 (control)" "$RTR_MGMT_IP" "$expect" 1500

	seed_works "$pass"
}

module_usable()
{
	[[ -f $PMTUFIX_KO && -e /proc/modules ]]
}

bogon_module()
{
	local rpf

	if ! module_usable; then
		log_test_skip "module: unrouted sources" "no $PMTUFIX_KO or no module support"
		return
	fi
	if ! pmtufix_load; then
		check_err 1 "insmod $PMTUFIX_KO failed"
		log_test "module: load"
		return
	fi
	PMTUFIX_BACKEND=module
	for rpf in 1 2; do
		defer_scope_push
		bogon_pass "$rpf"
		defer_scope_pop
	done
}

bogon_nft()
{
	local rpf

	# The nft backend is what runs where the module is not loaded.
	pmtufix_unload
	PMTUFIX_BACKEND=nft
	for rpf in 1 2; do
		defer_scope_push
		bogon_pass "$rpf"
		defer_scope_pop
	done
}

# The seed topology with the server's eth0 and eth1 in VRF "blue"; status 2
# when the kernel has no VRF.
vrf_topo()
{
	topo_seed rpf=1 || return 1
	srv ip link add blue type vrf table "$VRF_TABLE" 2>/dev/null || return 2
	# The test's listeners stay in the default VRF: they bind the VRF's
	# address (nonlocal there) and accept what arrives on its slaves.
	ns_sysctl "$SRV" net.ipv4.tcp_l3mdev_accept=1 net.ipv4.ip_nonlocal_bind=1 || return 1
	srv ip -batch - <<-EOF || return 1
		link set blue up
		link set eth0 master blue
		link set eth1 master blue
		route add 10.10.20.0/24 via $RTR_SRV_IP dev eth1 vrf blue
		route add blackhole 198.18.0.0/24 vrf blue
		route add 198.18.0.0/24 dev eth1
	EOF
	ns_sysctl "$SRV" net.ipv4.conf.blue.rp_filter=1
}

vrf_nft()
{
	local pass="nft, VRF" rc

	pmtufix_unload
	PMTUFIX_BACKEND=nft
	vrf_topo
	rc=$?
	if ((rc == 2)); then
		log_test_skip "$pass" "no VRF support in this kernel"
		return
	elif ((rc)); then
		check_err 1 "cannot build the topology"
		log_test "$pass: setup"
		return
	fi
	VRF=blue
	defer eval VRF=
	# Routes in a VRF's table are not auto-detected: the uplink is named.
	PORT=5330
	if ! backend_up uplinks eth1 || ! hold_flow "$PORT"; then
		check_err 1 "cannot switch the rescue on or hold the flow"
		log_test "$pass: setup"
		return
	fi

	forged "$pass: error arriving on eth0, a slave but no uplink" "$RTR_SRV_IP" "" "" \
		--dst "$SRV_MGMT_IP"
	forged "$pass: source blackholed in the VRF's table, routed in main" \
		198.18.0.1 no_source_route ""
	forged "$pass: source routed out eth0 (control)" "$RTR_MGMT_IP" rescued 1500

	seed_works "$pass, in the VRF"
}

tests_parse_args "$@"

require_root
require_cmd ip ss nft "$PYTHON"
[[ -x $PMTUFIX_CLI ]] || ksft_skip_all "no $PMTUFIX_CLI: run 'make cli'"
log_info "kernel $(uname -r)"

tests_run

ksft_finish
