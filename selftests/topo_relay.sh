#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# topo_relay.sh - the ECMP split of a VIP between two nodes, for the relay's
# test (test-relay.sh) and benchmark (scripts/bench-relay-guest.sh). Source it;
# it sources topo.sh (and so lib.sh).
#
#                                  $RTR (the L3 switch)
#   $CLI 10.10.20.20 ---- r_cli 10.10.20.1  MTU 1500
#     MTU 9000             r_a 10.10.10.1  ------ eth1 10.10.10.11  $NA (owner)
#                          r_b 10.10.11.1  ------ eth1 10.10.11.12  $NB
#                          r_c 10.10.12.1  ------ eth1 10.10.12.13  $NC (add_node_c)
#                          lo 172.20.20.2 (mgmt), r_ma/r_mb/r_mc -- eth0 172.20.20.1x/24
#
# Every node has the VIP 10.10.99.99/32 on lo and rp_filter=1, and routes
# 172.20.20.0/24 out eth0: the router's errors (source 172.20.20.2, arriving on
# eth1) fail strict RPF everywhere. The router sends what comes from the client
# (iif r_cli, table 100) for the VIP to $NA, its own errors for the VIP (main
# table) to $NB: the ECMP split made deterministic. $NA listens on the VIP and
# sends 64 KiB to the client; r_cli's MTU 1500 makes the router send
# frag-needed, which lands on $NB, which has no such flow.
#
#   setup_relay           $CLI $RTR $NA $NB as drawn (deferred deletion)
#   add_node_c            $NC, a third node like $NB
#   errors_to NODE_IP     where the router sends its own packets for the VIP
#   owner_transfer TIMEOUT [BYTES]
#                         $NA sends BYTES (65536) from the VIP to the client
#   start_agents NS...    an agent in each NS, on RELAY_BACKEND (module), with the relay
#                         line for $VIP/$VIP_PLEN towards every node given
#                         ($NA_IP.., RELAY_RATE, 20/s)
#   sent NS [RESULT], received NS RESULT
#                         the agent's pmtufix_relay_{sent,received}_total
#   na|nb CMD..           run CMD in that namespace
#   backend_load, require_backend
#                         the module loaded (RELAY_BACKEND=module) or nothing
#                         (nft); skip unless what the backend needs is built
#   wrong_seq_result      where a relayed error with a wrong sequence is
#                         counted: seq_window (the module judges it), or
#                         rescued (nft: conntrack vouches, TCP ignores it)

[[ -n ${__PMTUFIX_TOPO_RELAY_SH-} ]] && return 0
__PMTUFIX_TOPO_RELAY_SH=1

__topo_relay_dir=${BASH_SOURCE[0]%/*}
[[ $__topo_relay_dir == "${BASH_SOURCE[0]}" ]] && __topo_relay_dir=.
# shellcheck source=topo.sh
source "$__topo_relay_dir/topo.sh" || return 1

: "${PMTUFIX_CLI:=$SELFTESTS_DIR/../build/bin/pmtufix}"

# The addresses the helpers below use; test-relay6.sh sets IPv6 ones.
VIP=10.10.99.99 VIP_PLEN=32
NA_IP=10.10.10.11 NB_IP=10.10.11.12 NC_IP=10.10.12.13
MGMT=172.20.20.2
# shellcheck disable=SC2034 # the relay port of the agents, for the callers
RELAY_PORT=9884
HTTP_PORT=9883
NA='' NB='' NC='' POD=''
: "${RELAY_BACKEND:=module}"

backend_load()
{
	[[ $RELAY_BACKEND == nft ]] && return 0
	pmtufix_load "$@"
}

require_backend()
{
	if [[ $RELAY_BACKEND == nft ]]; then
		[[ -x $PMTUFIX_CLI ]] || ksft_skip_all "no $PMTUFIX_CLI: run 'make cli'"
	else
		require_pmtufix
	fi
}

wrong_seq_result()
{
	if [[ $RELAY_BACKEND == nft ]]; then echo rescued; else echo seq_window; fi
}

na() { ns_exec "$NA" "$@"; }
nb() { ns_exec "$NB" "$@"; }

# node NS N INDEX: node N (a, b, c) behind the router's r_N and r_mN.
__node()
{
	local ns=$1 n=$2 i=$3
	local -a kv

	ip -batch - <<-EOF || return 1
		link add r_$n netns $RTR mtu 9000 type veth peer name eth1 netns $ns mtu 9000
		link add r_m$n netns $RTR type veth peer name eth0 netns $ns
	EOF
	rtr ip -batch - <<-EOF || return 1
		link set r_$n up
		link set r_m$n up
		addr add 10.10.1$i.1/24 dev r_$n
		route add 172.20.20.1$((i + 1))/32 dev r_m$n scope link src $MGMT
	EOF
	ns_exec "$ns" ip -batch - <<-EOF || return 1
		link set lo up
		link set eth1 up
		link set eth0 up
		addr add $VIP/32 dev lo
		addr add 10.10.1$i.1$((i + 1))/24 dev eth1
		addr add 172.20.20.1$((i + 1))/24 dev eth0
		route add default via 10.10.1$i.1 dev eth1
	EOF
	mapfile -t kv < <(__topo_sysctls 1 0 0 eth0 eth1)
	ns_sysctl "$ns" "${kv[@]}"
}

# errors_to NODE_IP: where the router sends its own packets for the VIP.
errors_to()
{
	rtr ip route replace "$VIP/32" via "$1" src "$MGMT"
}

setup_relay()
{
	local -a kv

	setup_ns -L CLI RTR NA NB || return 1
	ip link add eth1 netns "$CLI" mtu 9000 type veth peer name r_cli netns "$RTR" mtu 1500 ||
		return 1
	cli ip -batch - <<-EOF || return 1
		link set lo up
		link set eth1 up
		addr add $CLI_IP/24 dev eth1
		route add default via $RTR_CLI_IP dev eth1
	EOF
	rtr ip -batch - <<-EOF || return 1
		link set lo up
		addr add $MGMT/32 dev lo
		link set r_cli up
		addr add $RTR_CLI_IP/24 dev r_cli
	EOF
	__node "$NA" a 0 && __node "$NB" b 1 || return 1
	mapfile -t kv < <(__topo_sysctls 0 1 2 r_cli r_a r_b r_ma r_mb)
	ns_sysctl "$RTR" "${kv[@]}" || return 1
	rtr ip route add "$VIP/32" via "$NA_IP" table 100 || return 1
	rtr ip rule add iif r_cli lookup 100 pref 100 || return 1
	errors_to "$NB_IP"
}

add_node_c()
{
	local -a kv

	setup_ns -L NC || return 1
	__node "$NC" c 2 || return 1
	mapfile -t kv < <(__topo_sysctls 0 1 2 r_c r_mc)
	ns_sysctl "$RTR" "${kv[@]}"
}


# The owner's transfer: $NA sends BYTES from the VIP to the client.
owner_transfer()
{
	xfer "$NA" "$CLI" "$VIP" "$1" --bytes "${2:-65536}" --sender listener
}

AGENT_LOG=''
declare -A AGENT_PID=()	# the agent of each namespace
# agent_start NS CONF: the agent in NS, on RELAY_BACKEND, until /healthz is 200.
agent_start()
{
	local ns=$1 conf=$2 i

	lib_tmpdir
	AGENT_LOG=$LIB_TMPDIR/agent.${ns%%-*}.log
	ns_spawn "$ns" "$AGENT_LOG" "$PMTUFIX_CLI" --backend "$RELAY_BACKEND" agent --config "$conf" \
		--listen "127.0.0.1:$HTTP_PORT"
	# shellcheck disable=SC2034 # read by the tests that source this file
	AGENT_PID[$ns]=$SPAWNED_PID
	for ((i = 0; i < 100; i++)); do
		[[ $(http_code "$ns" /healthz) == 200 ]] && return 0
		kill -0 "$SPAWNED_PID" 2>/dev/null || break
		lib_sleep 0.1
	done
	retmsg="the agent in ${ns%%-*} is not healthy: $(http "$ns" /healthz) $(cat "$AGENT_LOG")"
	return 1
}

http() # NS PATH
{
	ip netns exec "$1" curl -s -m 5 "http://127.0.0.1:$HTTP_PORT$2"
}

http_code() # NS PATH
{
	ip netns exec "$1" curl -s -m 5 -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$HTTP_PORT$2"
}

# metric NS NAME{LABELS}: its value in the agent's /metrics; false, and
# nothing printed, when it is not there (an agent that answers nothing must
# not pass for one that counted 0).
metric()
{
	local line

	while read -r line; do
		[[ $line == "$2 "* ]] && { line=${line##* }; echo "${line%%.*}"; return 0; }
	done < <(http "$1" /metrics)
	return 1
}

sent() { metric "$1" "pmtufix_relay_sent_total{result=\"${2:-sent}\"}"; }
received() { metric "$1" "pmtufix_relay_received_total{result=\"$2\"}"; }

# above COUNTER NS RESULT N: true once that counter (sent, received) is over N.
# For busywait, which runs its command anew each try: a "$(...)" in its
# arguments would be read once, before the first.
above() { local v; v=$("$1" "$2" "$3") && ((v > $4)); }
healthz_is() { [[ $(http_code "$1" /healthz) == "$2" ]]; }	# NS CODE

# relay_conf NAME PEER...: the file every node reads.
relay_conf()
{
	local f=$LIB_TMPDIR/$1 peers

	shift
	peers=$(IFS=,; echo "$*")
	# The rescue is IPv4's: on nft it needs IPv4 uplinks, which an IPv6 VIP's
	# topology lacks.
	{
		[[ $VIP == *:* ]] || echo "set rescue on"
		echo "relay set prefixes $VIP/$VIP_PLEN peers $peers rate ${RELAY_RATE:-20}"
	} >"$f"
	echo "$f"
}

start_agents() # NS...: agents with the relay towards every node given
{
	local conf ns ips=() n

	lib_tmpdir
	for ns; do
		case $ns in
		"$NA") ips+=("$NA_IP") ;;
		"$NB") ips+=("$NB_IP") ;;
		"$NC") ips+=("$NC_IP") ;;
		esac
	done
	conf=$(relay_conf relay.conf "${ips[@]}")
	for ns; do
		agent_start "$ns" "$conf" || return 1
	done
	# Each agent skips its own address: one file serves every node.
	for n in "$@"; do
		ns_exec "$n" ip -o link show pmtufix0 >/dev/null 2>&1 || {
			retmsg="no relay device in ${n%%-*}: $(cat "$LIB_TMPDIR/agent.${n%%-*}.log")"
			return 1
		}
	done
}
