#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-rescue-ops.sh - pmtufix in operation: it changes nothing where the
# kernel already accepts the errors, it can be switched off per namespace, and
# it can be unloaded and reloaded, or outlive namespaces, under traffic.
#
#   $CLI 10.10.20.20 ---1500--- $RTR ---9000--- $SRV 10.10.10.10 (eth1)
#   MTU 9000                    ICMP frag-needed    172.20.20.10 (eth0, mgmt)
#
# (full diagram in topo.sh; test-seed.sh shows the same cases without the
# module.) The server sends 64 KiB to the client; the router's errors come
# from 172.20.20.2 unless said otherwise.
#
# loose        rp_filter=2: completes, mtu 1500, counted as not-needed only
# rpf_off      rp_filter=0: the same
# nomgmt       rp_filter=1, errors from 10.10.10.1 (the router's address on the
#              server's link): the same
# disabled     two seed topologies; "pmtufix set rescue off" in one: it stalls
#              and counts "disabled" only, the other completes and counts
#              "rescued"; "rescue on" again and the first completes too
# reload       rmmod and insmod, five times, during a transfer kept stalled
#              (rescue off, then insmod rescue=0), with a flood of forged
#              errors and "pmtufix monitor" listening: every rmmod and insmod
#              succeeds; after the last insmod (rescue on) the transfer is
#              rescued and completes
# netns        a topology deleted in the middle of a transfer and 100
#              namespaces created and deleted while loaded: the module's
#              reference count is 0, rmmod succeeds, insmod works again, and a
#              new namespace starts with rescue on and zero counters
# (the VM runner fails the run on any kernel warning, oops or refcount splat)
#
# Usage: test-rescue-ops.sh [-t "case ..."] [-v]
#   STALL_TIMEOUT (s, default 4): how long a "must stall" case waits
#   WORK_TIMEOUT  (s, default 20): limit for cases that must complete
#   PMTUFIX_SKIP_LOAD=1: run without the module (every case must then fail)

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

: "${STALL_TIMEOUT:=4}"
: "${WORK_TIMEOUT:=20}"
BYTES=65536

tests="
	loose	rp_filter=2: as without the module, counted as not-needed
	rpf_off	rp_filter=0: as without the module, counted as not-needed
	nomgmt	errors from 10.10.10.1: as without the module, counted as not-needed
	disabled	rescue off in one namespace: it stalls, another works
	reload	rmmod and insmod under traffic
	netns	namespaces deleted while loaded"

REASONS="rescued not_needed malformed not_local no_flow seq_window wrong_iface below_floor disabled no_source_route"

# The seed topology the cases share ($CLI $RTR $SRV), made once.
SEED_CLI='' SEED_RTR='' SEED_SRV=''

declare -A SNAP=()
# snap NS: remember the counters of NS.
snap()
{
	local r

	SNAP=()
	pmtufix_stats "$1" || return 1
	for r in $REASONS; do
		SNAP[$r]=${PMTUFIX_STATS[$r]:-0}
	done
}

COUNTED=
# counted NS: what NS counted since snap, e.g. "rescued+2 not_needed+1", in $COUNTED.
counted()
{
	local r d

	COUNTED=
	if ! pmtufix_stats "$1"; then
		COUNTED="(counters unreadable)"
		return 1
	fi
	for r in $REASONS; do
		d=$((${PMTUFIX_STATS[$r]:-0} - ${SNAP[$r]:-0}))
		((d)) && COUNTED+=" $r+$d"
	done
	COUNTED=${COUNTED# }
}

# check_counted NS REASON: NS counted REASON (at least once) and nothing else.
check_counted()
{
	counted "$1"
	[[ $COUNTED =~ ^$2\+[0-9]+$ ]]
	check_err $? "expected $2 only, counted: ${COUNTED:-nothing}"
}

# has_pmtu NS DST: NS knows a PMTU toward DST.
has_pmtu()
{
	local mtu

	mtu=$(route_mtu "$1" "$2") && [[ -n $mtu ]]
}

# use_topo CLI RTR SRV: make those the namespaces topo.sh acts on.
use_topo()
{
	CLI=$1 RTR=$2 SRV=$3
}

# no_interference NAME RPF MGMT_SRC: the seed transfer in that setting gives
# what test-seed.sh sees without the module, and pmtufix only says "not needed".
no_interference()
{
	local name=$1 rpf=$2 mgmt=$3 drops0 drops1 mtu

	use_topo "$SEED_CLI" "$SEED_RTR" "$SEED_SRV"
	topo_flush_pmtu
	if ! topo_set_rpf "$rpf" || ! topo_set_mgmt_src "$mgmt"; then
		check_err 1 "cannot set rp_filter=$rpf, mgmt_src=$mgmt"
		log_test "$name: setup"
		return
	fi
	defer topo_set_mgmt_src 1
	defer topo_set_rpf 1
	if ! no_pmtu "$SRV" "$CLI_IP"; then
		log_test "$name: setup"
		return
	fi
	snap "$SRV"
	drops0=$(rpf_drops)

	seed_transfer "$WORK_TIMEOUT" "$BYTES"
	check_err $? "transfer did not complete: $XFER_OUT"
	check_route_mtu "$SRV" "$CLI_IP" 1500 "the server"
	drops1=$(rpf_drops)
	((drops1 == drops0))
	check_err $? "IPReversePathFilter rose ($drops0 -> $drops1)"
	log_info "transfer: $XFER_OUT"
	log_test "$name: transfer completes, mtu 1500, no reverse-path drop"

	check_counted "$SRV" not_needed
	log_info "counted: ${COUNTED:-nothing}"
	log_test "$name: pmtufix counts not-needed only"
}

loose()
{
	no_interference "rp_filter=2" 2 1
}

rpf_off()
{
	no_interference "rp_filter=0" 0 1
}

nomgmt()
{
	no_interference "rp_filter=1, ICMP from $RTR_SRV_IP" 1 0
}

disabled()
{
	local a_cli=$SEED_CLI a_rtr=$SEED_RTR a_srv=$SEED_SRV
	local b_cli b_rtr b_srv a_pid a_rc a_out mtu show r
	local -A a_snap

	if ! topo_seed rpf=1 mgmt_src=1; then
		check_err 1 "cannot build a second seed topology"
		log_test "rescue off in one namespace: setup"
		return
	fi
	b_cli=$CLI b_rtr=$RTR b_srv=$SRV
	use_topo "$a_cli" "$a_rtr" "$a_srv"
	topo_flush_pmtu
	if ! no_pmtu "$a_srv" "$CLI_IP" || ! no_pmtu "$b_srv" "$CLI_IP"; then
		log_test "rescue off in one namespace: setup"
		return
	fi
	pmtufix "$a_srv" set rescue off
	check_err $? "pmtufix set rescue off failed"
	defer pmtufix "$a_srv" set rescue on
	show=$(pmtufix "$a_srv" -j show)
	[[ $show == *'"rescue":false'* ]]
	check_err $? "pmtufix -j show after 'rescue off': $show"
	snap "$a_srv"
	for r in $REASONS; do
		a_snap[$r]=${SNAP[$r]}
	done
	snap "$b_srv"
	lib_tmpdir

	# A must stall, B must complete: side by side, one timeout.
	(
		use_topo "$a_cli" "$a_rtr" "$a_srv"
		seed_transfer "$STALL_TIMEOUT" "$BYTES"
		rc=$?
		echo "$XFER_OUT" >"$LIB_TMPDIR/disabled.a"
		exit "$rc"
	) &
	a_pid=$!
	use_topo "$b_cli" "$b_rtr" "$b_srv"
	seed_transfer "$WORK_TIMEOUT" "$BYTES"
	check_err $? "transfer in the other namespace did not complete: $XFER_OUT"
	log_info "other namespace: $XFER_OUT"
	check_route_mtu "$b_srv" "$CLI_IP" 1500 "the other server"
	check_counted "$b_srv" rescued
	log_info "other namespace counted: ${COUNTED:-nothing}"
	log_test "rescue off in one namespace: another still rescues, mtu 1500, completes"

	wait "$a_pid"
	a_rc=$?
	read -r a_out <"$LIB_TMPDIR/disabled.a"
	log_info "rescue off: $a_out"
	check_fail "$a_rc" "the transfer completed with rescue off: $a_out"
	mtu=$(route_mtu "$a_srv" "$CLI_IP")
	[[ -z $mtu ]]
	check_err $? "the server with rescue off learnt mtu $mtu"
	for r in $REASONS; do
		SNAP[$r]=${a_snap[$r]}
	done
	check_counted "$a_srv" disabled
	log_info "rescue off counted: ${COUNTED:-nothing}"
	log_test "rescue off in one namespace: it stalls, no mtu, counts disabled only"

	pmtufix "$a_srv" set rescue on
	check_err $? "pmtufix set rescue on failed"
	use_topo "$a_cli" "$a_rtr" "$a_srv"
	topo_flush_pmtu
	snap "$a_srv"
	seed_transfer "$WORK_TIMEOUT" "$BYTES"
	check_err $? "transfer did not complete after 'rescue on': $XFER_OUT"
	check_counted "$a_srv" rescued
	log_test "rescue on again: that namespace completes, counts rescued"
}

# big_transfer_start BYTES TIMEOUT: the seed transfer (xfer.py) in the
# background, killed in the current scope; pid in $BIG_PID, result line in
# $LIB_TMPDIR/big.out.
BIG_PID=
big_transfer_start()
{
	lib_tmpdir
	"$PYTHON" "$SELFTESTS_DIR/xfer.py" --listen-ns "$SRV" --connect-ns "$CLI" \
		--addr "$SRV_IP" --timeout "$2" --bytes "$1" --sender listener \
		>"$LIB_TMPDIR/big.out" 2>&1 </dev/null &
	BIG_PID=$!
	defer __kill_wait "$BIG_PID"
}

# flood_start: forged frag-needed errors toward the server for a flow it does
# not have, about 500 a second (as fast as possible would fill the server's
# backlog and starve the transfer beside it); pid in $FLOOD_PID, killed in the
# current scope.
FLOOD_PID=
flood_start()
{
	lib_tmpdir
	ns_spawn "$RTR" "$LIB_TMPDIR/flood.log" "$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" \
		--src "$RTR_MGMT_IP" --dst "$SRV_IP" --inner-src "$SRV_IP" \
		--inner-dst "$CLI_IP" --proto tcp --sport 4000 --dport 4001 \
		--count 10000000 --interval 0.002
	FLOOD_PID=$SPAWNED_PID
}

# counted_any NS REASON: NS counted REASON since snap.
counted_any()
{
	counted "$1" && [[ " $COUNTED" == *" $2+"* ]]
}

# The first netfilter hook of a kind turns on a static key, and the kernel
# patches NF_HOOK's branch in ip_rcv() and the like with text_poke_bp().
# Under qemu TCG another vCPU can still run a stale translation of that code
# and hit the temporary int3 after its handler is gone ("Oops: int3" in
# ip_rcv, seen once in 30-odd reloads): the emulator's, not the module's. A
# node always has hooks of every kind (conntrack, a firewall); this keeps
# some too, so that the reloads never patch code.
hold_hook_keys()
{
	nft -f - <<-EOF || { log_info "cannot hold the hook keys: reloads patch code"; return 0; }
		table inet pmtufix_test_keys {
			chain keep_pre { type filter hook prerouting priority 0; }
			chain keep_in { type filter hook input priority 0; }
			chain keep_fwd { type filter hook forward priority 0; }
			chain keep_out { type filter hook output priority 0; }
			chain keep_post { type filter hook postrouting priority 0; }
		}
	EOF
	defer nft delete table inet pmtufix_test_keys
	nft -f - 2>/dev/null <<-EOF && defer nft delete table bridge pmtufix_test_keys
		table bridge pmtufix_test_keys {
			chain keep_in { type filter hook input priority 0; }
		}
	EOF
}

reload()
{
	local i ok=0 rc out mtu mon_pid lines running=1
	local -a params

	use_topo "$SEED_CLI" "$SEED_RTR" "$SEED_SRV"
	topo_flush_pmtu
	no_pmtu "$SRV" "$CLI_IP" || { log_test "reload under traffic: setup"; return; }
	lib_tmpdir
	pmtufix "$SRV" set log all
	check_err $? "pmtufix set log all failed"
	ns_spawn "$SRV" "$LIB_TMPDIR/monitor.log" "$PMTUFIX_CLI" --backend "$PMTUFIX_BACKEND" monitor
	mon_pid=$SPAWNED_PID
	flood_start
	busywait 10000 test -s "$LIB_TMPDIR/monitor.log"
	check_err $? "pmtufix monitor saw none of the flood's errors"
	# The transfer stalls with rescue off, through every reload but the last.
	pmtufix "$SRV" set rescue off
	check_err $? "pmtufix set rescue off failed"
	snap "$SRV"
	big_transfer_start $((4 * 1024 * 1024)) 60
	busywait 10000 counted_any "$SRV" disabled
	check_err $? "the transfer's first error did not reach the module"

	hold_hook_keys
	for ((i = 1; i <= 5; i++)); do
		kill -0 "$BIG_PID" 2>/dev/null || running=0
		if ! rmmod pmtufix; then
			check_err 1 "rmmod #$i failed"
			break
		fi
		params=(log_level=2)
		((i < 5)) && params+=(rescue=0)
		if ! insmod "$PMTUFIX_KO" "${params[@]}"; then
			check_err 1 "insmod #$i ${params[*]} failed"
			break
		fi
		ok=$i
	done
	log_info "$ok rmmod/insmod cycles"
	((running))
	check_err $? "the transfer ended before the last rmmod"
	log_test "reload under traffic: 5 x rmmod and insmod during a stalled transfer"

	wait "$BIG_PID"
	rc=$?
	read -r out <"$LIB_TMPDIR/big.out"
	log_info "transfer: $out"
	check_err "$rc" "the transfer did not complete after the last insmod: $out"
	check_route_mtu "$SRV" "$CLI_IP" 1500 "the server"
	# Counters start at 0 with each load.
	pmtufix_stats "$SRV"
	((${PMTUFIX_STATS[rescued]:-0} > 0))
	check_err $? "nothing rescued since the last insmod"
	log_test "reload under traffic: the last insmod (rescue on) lets the transfer complete"

	__kill_wait "$FLOOD_PID"
	__kill_wait "$mon_pid"
	lines=0
	while read -r _; do
		lines=$((lines + 1))
	done <"$LIB_TMPDIR/monitor.log"
	log_info "pmtufix monitor printed $lines lines before it was stopped"
}

# Delete what is left of the 100 namespaces of netns().
__churn_del()
{
	local i

	for ((i = 0; i < 100; i++)); do
		[[ -e /run/netns/churn$i-pmtufix-$$ ]] && ip netns del "churn$i-pmtufix-$$"
	done
	return 0
}

netns()
{
	local batch='' i refcnt rc show r FRESH

	# A whole topology goes away while a transfer and a flood run through it.
	if ! topo_seed rpf=1 mgmt_src=1; then
		check_err 1 "cannot build a topology to delete"
		log_test "namespaces deleted while loaded: setup"
		return
	fi
	flood_start
	big_transfer_start $((64 * 1024 * 1024)) 60
	busywait 10000 has_pmtu "$SRV" "$CLI_IP"
	check_err $? "the doomed topology's transfer never got its first rescue"
	# Names first: each namespace dies with the last process or socket in it,
	# the server and client with the transfer, the router with the flood.
	ip -batch - <<-EOF
		netns del $CLI
		netns del $SRV
		netns del $RTR
	EOF
	check_err $? "cannot delete the topology's namespaces"
	__kill_wait "$BIG_PID"
	__kill_wait "$FLOOD_PID"

	# Namespaces made and dropped in bulk, one asked for its counters.
	for ((i = 0; i < 100; i++)); do
		batch+="netns add churn$i-pmtufix-$$"$'\n'
	done
	ip -batch - <<<"$batch"
	check_err $? "cannot create 100 namespaces"
	defer __churn_del
	show=$(pmtufix "churn7-pmtufix-$$" -j show)
	check_err $? "pmtufix show in a new namespace failed"
	ip -batch - <<<"${batch//netns add/netns del}"
	check_err $? "cannot delete 100 namespaces"
	log_test "namespaces deleted while loaded: a topology under traffic, 100 more"

	read -r refcnt </sys/module/pmtufix/refcnt
	[[ $refcnt == 0 ]]
	check_err $? "module reference count is '$refcnt', not 0"
	timeout 120 rmmod pmtufix
	rc=$?
	check_err "$rc" "rmmod failed or hung (status $rc)"
	! pmtufix_loaded
	check_err $? "pmtufix still loaded after rmmod"
	log_test "namespaces deleted while loaded: refcount 0, rmmod succeeds"

	insmod "$PMTUFIX_KO"
	check_err $? "insmod after rmmod failed"
	setup_ns FRESH
	show=$(pmtufix "$FRESH" -j show)
	check_err $? "pmtufix show in a new namespace failed"
	[[ $show == *'"rescue":true'* ]]
	check_err $? "a new namespace does not start with rescue on: $show"
	snap "$FRESH"
	for r in $REASONS; do
		((SNAP[$r] == 0))
		check_err $? "a new namespace starts with $r=${SNAP[$r]}"
	done
	log_test "namespaces deleted while loaded: insmod again, new namespace starts clean"
}

tests_parse_args "$@"

require_root
require_cmd ip ss "$PYTHON" insmod rmmod timeout
require_pmtufix
log_info "kernel $(uname -r)"

must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load
must_setup "topology" "cannot build the seed topology" topo_seed rpf=1 mgmt_src=1
SEED_CLI=$CLI SEED_RTR=$RTR SEED_SRV=$SRV

tests_run

ksft_finish
