#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rescue_case.sh - the flow holder and the case of the rescue tests with two
# namespaces, $RTR forging errors to $SRV (test-rescue-vrf.sh,
# test-rescue-bridge.sh; source it after lib.sh). The test sets SRV RTR SRV_IP
# PEER_IP PORT REASONS; HOLD_DEV, HOLD_OTHER (see HOLDER_PY); CASE_FORGE, the
# forge_icmp.py arguments all its cases share; CASE_WHERE, what follows
# "toward PEER" in a message (which table); and route_mtu PEER, the mtu the
# server caches.

# shellcheck disable=SC2154 # the variables above, set by the test

HOLD_DEV='' HOLD_OTHER='' CASE_FORGE=() CASE_WHERE=''

# hold_flows: start rescue_holder.py (killed in the current scope); SEQ_T.
hold_flows()
{
	local log

	lib_tmpdir || return 1
	log=$LIB_TMPDIR/holder.log
	if ns_spawn_ready "$SRV" "$log" ready "$PYTHON" "$SELFTESTS_DIR/rescue_holder.py" "$SRV" \
		"$RTR" "$SRV_IP" "$PEER_IP" "$PORT" "$HOLD_DEV" \
		${HOLD_OTHER:+"$HOLD_OTHER"}; then
		# shellcheck disable=SC2034 # read by the test's cases
		SEQ_T=${READY_ARGS[0]}
		return 0
	fi
	log_info "flow holder: $(<"$log")"
	return 1
}

declare -A BEFORE=()

# snapshot: BEFORE = the counters and IPReversePathFilter of $SRV now.
snapshot()
{
	local r

	pmtufix_stats "$SRV" || return 1
	for r in $REASONS; do
		BEFORE[$r]=${PMTUFIX_STATS[$r]:-0}
	done
	BEFORE[drops]=$(ns_netstat "$SRV" IPReversePathFilter)
}

# rescue_case NAME EXPECT PEER MTU FORGE_ARGS...: one forged error from
# $RTR to $SRV_IP (CASE_FORGE and FORGE_ARGS say more); EXPECT is the one
# counter that must rise by one; MTU "" means the error must be dropped by RPF
# and no mtu cached toward PEER, else that mtu cached.
rescue_case()
{
	local name=$1 expect=$2 peer=$3 want=$4 r d diff='' drops mtu i

	shift 4
	mtu=$(route_mtu "$peer")
	[[ -z $mtu ]]
	check_err $? "mtu $mtu toward $peer cached before the error"
	if ! snapshot; then
		check_err 1 "cannot read the counters"
		log_test "$name"
		return
	fi
	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$RTR" "${CASE_FORGE[@]}" \
		--dst "$SRV_IP" "$@"
	check_err $? "forge_icmp.py $* failed"
	for ((i = 0; i < 20; i++)); do
		drops=$(ns_netstat "$SRV" IPReversePathFilter)
		pmtufix_stats "$SRV" || break
		diff=''
		for r in $REASONS; do
			d=$((${PMTUFIX_STATS[$r]:-0} - BEFORE[$r]))
			((d)) && diff+=" $r+$d"
		done
		[[ -n $diff || $drops != "${BEFORE[drops]}" ]] && break
		lib_sleep 0.1
	done
	# Once more: a second pass would have counted by now.
	lib_sleep 0.2
	pmtufix_stats "$SRV"
	diff=''
	for r in $REASONS; do
		d=$((${PMTUFIX_STATS[$r]:-0} - BEFORE[$r]))
		((d)) && diff+=" $r+$d"
	done
	[[ $diff == " $expect+1" ]]
	check_err $? "expected $expect+1, counted:${diff:- nothing}"

	drops=$(ns_netstat "$SRV" IPReversePathFilter)
	mtu=$(route_mtu "$peer")
	if [[ -n $want ]]; then
		[[ $mtu == "$want" ]]
		check_err $? "mtu '${mtu:-none}' toward $peer$CASE_WHERE, not $want"
		((drops == BEFORE[drops]))
		check_err $? "IPReversePathFilter rose (${BEFORE[drops]} -> $drops)"
	else
		[[ -z $mtu ]]
		check_err $? "mtu $mtu toward $peer learnt from a rejected error"
		((drops == BEFORE[drops] + 1))
		check_err $? "IPReversePathFilter ${BEFORE[drops]} -> $drops, not +1"
	fi
	log_test "$name: ${expect//_/-}${want:+, mtu $want}"
	ns_exec "$SRV" ip route flush cache
}
