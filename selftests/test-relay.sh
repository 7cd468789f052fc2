#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-relay.sh - frag-needed errors that land on the wrong node are relayed
# to the node that owns the flow, and judged there as strictly as direct ones.
#
# The topology (topo_relay.sh): a router that sends the client's packets for
# the VIP to $NA, which owns the flow, and its own frag-needed for the VIP to
# $NB, which has none; strict RPF on both nodes.
#
# relay_control  errors routed to $NA itself: the module alone rescues them
# relay_off      the split, no relay: the transfer stalls, $NA learns nothing
# relay_on       agents with the relay line: the transfer completes, $NA's route
#                cache shows 1500, $NB counts it sent, $NA counts it rescued;
#                $NA relays nothing it received
# relay_dnat     a pod on $NA behind DNAT (VIP:7200 -> pod) learns the MTU
# relay_forged   datagrams to $NA's relay port: a relayed error with a wrong
#                sequence number from a peer's address changes nothing; from a
#                non-peer: unknown_peer; garbage, truncated, oversized: malformed;
#                the agent keeps serving
# relay_flood    500 no-flow errors at $NB: relayed up to the rate limit only
# relay_three    three nodes: the error reaches $NA and $NC; $NC has no flow and
#                drops it; nobody relays a relayed error (no loop)
# relay_local    an error at $NB for a connected UDP socket of $NB's, which
#                conntrack has never seen: not relayed (the nft backend asks
#                sock_diag; the module finds the socket itself); the same
#                error for a port without a socket is
# relay_refused  nft only: a rescue mark mask that holds the relay's mark, or
#                routes of someone else's in table 501: relay set refuses,
#                says why, and leaves no relay behind
# relay_nodev    an agent that cannot make its relay device (a sandbox without
#                /dev/net/tun): /healthz is 503 and names the relay
#
# Usage: test-relay.sh [-t "case ..."] [-v]
#   PMTUFIX_CLI, PMTUFIX_KO: see lib.sh
#   RELAY_BACKEND: module (the default) or nft (test-relay-nft.sh): the
#   agents' backend; with nft no module is loaded and the relayed errors are
#   judged by conntrack (a wrong sequence number is then TCP's to ignore)

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo_relay.sh
source "$dir/topo_relay.sh" || exit 1

: "${WORK_TIMEOUT:=15}"
: "${STALL_TIMEOUT:=4}"

DNAT_PORT=7200

tests="
	relay_control	errors routed to the owner: the module alone rescues them
	relay_off	errors land on the other node, no relay: the transfer stalls
	relay_on	the relay brings the error to the owner: the transfer completes
	relay_dnat	a pod behind DNAT on the owner learns the MTU from a relayed error
	relay_forged	forged, foreign, garbage datagrams change nothing and are counted
	relay_flood	a flood of no-flow errors is relayed up to the rate limit only
	relay_three	three nodes: relayed to both, dropped where there is no flow, no loop
	relay_local	an error for a flow the node has a socket for is not relayed
	relay_refused	nft: a relay that cannot work beside what is there is refused, nothing changed
	relay_nodev	the relay device cannot be made: /healthz says 503 and why"

must_setup_relay()
{
	setup_relay && return 0
	RET=$ksft_fail
	retmsg="cannot build the topology"
	return 1
}

relay_control()
{
	local name="control: errors routed to the owner"

	must_setup_relay || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	if [[ $RELAY_BACKEND == nft ]]; then
		na "$PMTUFIX_CLI" -b nft set rescue on
		check_err $? "cannot turn the nft backend's rescue on"
	fi
	errors_to "$NA_IP"
	owner_transfer "$WORK_TIMEOUT"
	check_err $? "the transfer did not complete: $XFER_OUT"
	check_route_mtu "$NA" "$CLI_IP" 1500 "the owner"
	log_test "$name: the $RELAY_BACKEND backend alone rescues them, the transfer completes"
}

relay_off()
{
	local name="no relay"

	must_setup_relay || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	owner_transfer "$STALL_TIMEOUT"
	check_fail $? "the transfer completed without the relay: the split does not work"
	[[ -z $(route_mtu "$NA" "$CLI_IP") ]]
	check_err $? "the owner learnt mtu $(route_mtu "$NA" "$CLI_IP") without the relay"
	log_test "$name: the errors land on the other node, the transfer stalls"
}

relay_on()
{
	local name="relay" out

	must_setup_relay || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	start_agents "$NA" "$NB"
	check_err $? "$retmsg"
	owner_transfer "$WORK_TIMEOUT"
	check_err $? "the transfer did not complete: $XFER_OUT"
	check_route_mtu "$NA" "$CLI_IP" 1500 "the owner"
	log_test "$name: the transfer through the VIP completes"

	(($(sent "$NB") >= 1))
	check_err $? "the other node counts $(sent "$NB") relayed errors sent"
	(($(received "$NA" rescued) >= 1))
	check_err $? "the owner counts $(received "$NA" rescued) relayed errors rescued"
	(($(sent "$NA") == 0))
	check_err $? "the owner relayed $(sent "$NA") errors: it has the flow"
	out=$("$PMTUFIX_CLI" -n "$NA" -b "$RELAY_BACKEND" relay show 2>&1)
	[[ $out == *"$VIP/32"* ]]
	check_err $? "relay show on the owner: $out"
	log_test "$name: counted sent on the other node, rescued on the owner, shown"

	# SIGTERM keeps the backend's relay, and the relay device goes with the agent.
	kill -TERM "${AGENT_PID[$NB]}" && busywait 5000 test ! -e "/proc/${AGENT_PID[$NB]}"
	check_err $? "the agent did not exit on SIGTERM"
	! nb ip link show pmtufix0 >/dev/null 2>&1
	check_err $? "the relay device outlived the agent"
	out=$("$PMTUFIX_CLI" -n "$NB" -b "$RELAY_BACKEND" relay set prefixes "$VIP/32" rate 10 2>&1)
	check_err $? "relay set after the agent left: $out"
	out=$("$PMTUFIX_CLI" -n "$NB" -b "$RELAY_BACKEND" -j relay show 2>&1)
	[[ $out == *'"rate":10'* ]]
	check_err $? "relay show after relay set: $out"
	log_test "$name: the agent gone with its device, relay set from the command line still works"
}

relay_dnat()
{
	local name="relay to a pod behind DNAT"

	must_setup_relay || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	setup_ns -L POD || { log_test "$name: setup"; return; }
	ip link add eth0 netns "$POD" mtu 9000 type veth peer name vpod netns "$NA" mtu 9000
	pod ip -batch - <<-EOF
		link set lo up
		link set eth0 up
		addr add $POD_IP/24 dev eth0
		route add default via $SRV_POD_IP dev eth0
	EOF
	na ip -batch - <<-EOF
		link set vpod up
		addr add $SRV_POD_IP/24 dev vpod
	EOF
	ns_sysctl "$NA" net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=1 \
		net.ipv4.conf.vpod.rp_filter=1 net.ipv4.conf.eth1.rp_filter=1 \
		net.ipv4.conf.eth0.rp_filter=1
	ns_sysctl "$POD" "net.ipv4.conf.all.rp_filter=1" "?net.ipv6.conf.all.disable_ipv6=1"
	na nft -f - <<-EOF
		table ip pmtufix_test_dnat {
			chain prerouting {
				type nat hook prerouting priority dstnat; policy accept;
				ip daddr $VIP tcp dport $DNAT_PORT dnat to $POD_IP
			}
		}
	EOF
	check_err $? "cannot set up DNAT"
	start_agents "$NA" "$NB"
	check_err $? "$retmsg"
	xfer "$POD" "$CLI" "$POD_IP" "$WORK_TIMEOUT" --connect-addr "$VIP" \
		--port "$DNAT_PORT" --bytes 65536 --sender listener
	check_err $? "the transfer from the pod did not complete: $XFER_OUT"
	check_route_mtu "$POD" "$CLI_IP" 1500 "the pod"
	(($(received "$NA" rescued) >= 1))
	check_err $? "the owner counts $(received "$NA" rescued) relayed errors rescued"
	log_test "$name: the pod learns mtu 1500, the transfer completes"
}

# relay_datagram NS TO KIND [forge_icmp.py args]: one datagram to TO:RELAY_PORT
# from NS: "good" (a relay datagram around the forged error), "garbage",
# "truncated", "oversized".
relay_datagram()
{
	local ns=$1 to=$2 kind=$3

	shift 3
	ip netns exec "$ns" "$PYTHON" "$SELFTESTS_DIR/relay_send.py" --to "$to" \
		--port "$RELAY_PORT" --kind "$kind" -- "$@"
}

relay_forged()
{
	local name="forged datagrams" holder seq r0 m0 u0 before bad
	local -a quote

	must_setup_relay || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	start_agents "$NA" "$NB"
	check_err $? "$retmsg"
	lib_tmpdir
	holder=$LIB_TMPDIR/holder.log
	ns_spawn_ready "$NA" "$holder" ready "$PYTHON" -c "
import sys, time
from flows import tcp_pair, send_seq
l, a, c = tcp_pair('$NA', '$VIP', 7100, '$CLI', '$CLI_IP', 7101)
print('ready', send_seq(a), flush=True)
time.sleep(3600)"
	check_err $? "the flow holder did not start: $(cat "$holder")"
	seq=${READY_ARGS[0]:-}
	quote=(--src "$MGMT" --dst "$VIP" --mtu 1400 --inner-src "$VIP" --inner-dst "$CLI_IP"
	       --proto tcp --sport 7100 --dport 7101)
	r0=$(received "$NA" rescued)
	bad=$(wrong_seq_result)
	before=$(received "$NA" "$bad")
	relay_datagram "$NB" "$NA_IP" good "${quote[@]}" --seq $((seq + 100000))
	busywait 3000 above received "$NA" "$bad" "$before"
	check_err $? "a wrong sequence from a peer is not counted as $bad"
	lib_sleep 0.5
	r0=$(received "$NA" rescued)
	[[ -z $(route_mtu "$NA" "$CLI_IP") ]]
	check_err $? "a wrong sequence from a peer changed the PMTU"
	log_test "$name: a wrong sequence from a peer's address changes nothing"

	u0=$(received "$NA" unknown_peer)
	relay_datagram "$CLI" "$NA_IP" good "${quote[@]}" --seq "$seq"
	busywait 3000 above received "$NA" unknown_peer "$u0"
	check_err $? "a datagram from a non-peer is not counted as unknown_peer"
	[[ -z $(route_mtu "$NA" "$CLI_IP") ]]
	check_err $? "a datagram from a non-peer changed the PMTU"
	log_test "$name: a datagram from a non-peer is dropped and counted"

	m0=$(received "$NA" malformed)
	relay_datagram "$NB" "$NA_IP" garbage
	relay_datagram "$NB" "$NA_IP" truncated "${quote[@]}" --seq "$seq"
	relay_datagram "$NB" "$NA_IP" oversized "${quote[@]}" --seq "$seq"
	busywait 3000 above received "$NA" malformed $((m0 + 2))
	check_err $? "malformed: $(received "$NA" malformed), not $m0 + 3"
	[[ -z $(route_mtu "$NA" "$CLI_IP") ]]
	check_err $? "a malformed datagram changed the PMTU"
	[[ $(http_code "$NA" /healthz) == 200 ]]
	check_err $? "the agent stopped serving"
	log_test "$name: garbage, truncated and oversized are dropped and counted"

	relay_datagram "$NB" "$NA_IP" good "${quote[@]}" --seq "$seq"
	busywait 3000 above received "$NA" rescued "$r0"
	check_err $? "the right sequence from a peer is not rescued"
	check_route_mtu "$NA" "$CLI_IP" 1400 "the owner"
	log_test "$name: the right sequence from a peer is judged and rescued"
}

relay_flood()
{
	local name="flood" s l n=500

	must_setup_relay || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	RELAY_RATE=20 start_agents "$NA" "$NB"
	check_err $? "$retmsg"
	# No flow anywhere: every one is a candidate for the relay.
	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$RTR" --src "$MGMT" --dst "$VIP" \
		--inner-src "$VIP" --inner-dst "$CLI_IP" --proto tcp --sport 7300 \
		--dport 7301 --count "$n" >/dev/null
	check_err $? "cannot send the flood"
	busywait 3000 above sent "$NB" sent 0
	s=$(sent "$NB"); l=$(sent "$NB" rate_limited)
	log_info "flood of $n: sent $s, rate-limited $l"
	# burst 40 at rate 20, and however long the flood took (well under 5 s)
	((s >= 1 && s <= 40 + 20 * 5 && s + l <= n))
	check_err $? "sent $s of $n, rate-limited $l"
	((l >= n - 40 - 20 * 5))
	check_err $? "only $l of $n rate-limited"
	(($(sent "$NA") == 0))
	check_err $? "the owner relayed $(sent "$NA") errors it received"
	log_test "$name: $n no-flow errors: $s relayed, $l over the rate"
}

relay_three()
{
	local name="three nodes"

	must_setup_relay || { log_test "$name: setup"; return; }
	add_node_c || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	start_agents "$NA" "$NB" "$NC"
	check_err $? "$retmsg"
	owner_transfer "$WORK_TIMEOUT"
	check_err $? "the transfer did not complete: $XFER_OUT"
	check_route_mtu "$NA" "$CLI_IP" 1500 "the owner"
	lib_sleep 1
	(($(received "$NC" rescued) == 0 && $(received "$NC" no_flow) >= 1))
	check_err $? "the third node: rescued $(received "$NC" rescued), no_flow $(received "$NC" no_flow)"
	(($(sent "$NA") == 0 && $(sent "$NC") == 0))
	check_err $? "relayed again: owner $(sent "$NA"), third node $(sent "$NC")"
	log_test "$name: relayed to both, the third node drops it, nobody relays it again"
}

# forge_at_nb PORT: the router's frag-needed for the VIP (it goes to $NB),
# quoting UDP from the VIP's PORT to the client's PORT + 1.
forge_at_nb()
{
	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$RTR" --src "$MGMT" --dst "$VIP" \
		--mtu 1400 --inner-src "$VIP" --inner-dst "$CLI_IP" --proto udp --sport "$1" \
		--dport $(($1 + 1)) >/dev/null
}

relay_local()
{
	local name="a flow of the node's own" holder before

	must_setup_relay || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	start_agents "$NA" "$NB"
	check_err $? "$retmsg"
	lib_tmpdir
	holder=$LIB_TMPDIR/udp-holder.log
	# Connected, never sent on: no conntrack entry vouches for it.
	ns_spawn_ready "$NB" "$holder" ready "$PYTHON" -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('$VIP', 7400))
s.connect(('$CLI_IP', 7401))
print('ready', flush=True)
time.sleep(3600)"
	check_err $? "the socket holder did not start: $(cat "$holder")"
	before=$(received "$NA" no_flow)
	forge_at_nb 7400
	check_err $? "forge_icmp.py failed"
	lib_sleep 1
	(($(received "$NA" no_flow) == before))
	check_err $? "the error for $NB's own socket reached $NA: no_flow $(received "$NA" no_flow)"
	log_test "$name: an error for a socket of the node's own is not relayed"

	forge_at_nb 7500
	check_err $? "forge_icmp.py failed"
	busywait 3000 above received "$NA" no_flow "$before"
	check_err $? "the error for a port without a socket was not relayed"
	log_test "$name: the same error for a port without a socket is relayed"
}

relay_refused()
{
	local name="relay refused" out conf

	if [[ $RELAY_BACKEND != nft ]]; then
		log_test_skip "$name: the module has no mark or table to collide"
		return
	fi
	must_setup_relay || { log_test "$name: setup"; return; }
	lib_tmpdir
	na "$PMTUFIX_CLI" -b nft set mark 0x3000/0x3000 >/dev/null
	check_err $? "cannot set the rescue's mark"
	out=$(na "$PMTUFIX_CLI" -b nft relay set prefixes "$VIP/32" 2>&1)
	check_fail $? "relay set with the mark taken succeeded: $out"
	[[ $out == *"0x1000"* ]]
	check_err $? "relay set does not say why: $out"
	[[ $(na "$PMTUFIX_CLI" -b nft relay show 2>&1) == "relay: off" ]]
	check_err $? "a relay was left behind: $(na "$PMTUFIX_CLI" -b nft relay show 2>&1)"
	log_test "$name: a rescue mark mask holding 0x1000: refused, why, nothing changed"

	na "$PMTUFIX_CLI" -b nft set mark 0x2000/0x2000 >/dev/null
	check_err $? "cannot put the rescue's mark back"
	# The routing is made when the agent gives the relay its device.
	na ip route add 192.0.2.0/24 dev eth1 table 501
	check_err $? "cannot add the foreign route"
	conf=$(relay_conf refused.conf "$NA_IP" "$NB_IP")
	ns_spawn "$NA" "$LIB_TMPDIR/agent.refused.log" "$PMTUFIX_CLI" --backend nft agent \
		--config "$conf" --listen "127.0.0.1:$HTTP_PORT"
	busywait 5000 healthz_is "$NA" 503
	check_err $? "/healthz is $(http_code "$NA" /healthz) with table 501 taken, not 503"
	out=$(http "$NA" /healthz)
	[[ $out == *"table 501"* ]]
	check_err $? "/healthz does not say why: $out"
	[[ -z $(na ip rule show pref 498) && $(na ip route show table 501) == "192.0.2.0/24 dev eth1 "* ]]
	check_err $? "the routing changed: $(na ip rule show pref 498) / $(na ip route show table 501)"
	log_test "$name: routes of someone else's in table 501: refused, why, nothing changed"
}

relay_nodev()
{
	local name="no relay device" conf log body

	must_setup_relay || { log_test "$name: setup"; return; }
	backend_load || { log_test "$name: insmod"; return; }
	lib_tmpdir
	conf=$(relay_conf nodev.conf "$NA_IP" "$NB_IP")
	log=$LIB_TMPDIR/agent.nodev.log
	# /dev/null where the TUN node should be: TUNSETIFF fails.
	ns_spawn "$NA" "$log" unshare -m sh -c 'mount --bind /dev/null /dev/net/tun && exec "$@"' \
		sh "$PMTUFIX_CLI" --backend "$RELAY_BACKEND" agent --config "$conf" --listen "127.0.0.1:$HTTP_PORT"
	busywait 5000 healthz_is "$NA" 503
	check_err $? "/healthz is $(http_code "$NA" /healthz) without a relay device, not 503: $(cat "$log")"
	body=$(http "$NA" /healthz)
	[[ $body == *relay* ]]
	check_err $? "/healthz does not name the relay: $body"
	log_test "$name: /healthz is 503: $body"
}

tests_parse_args "$@"

require_root
require_cmd ip nft curl "$PYTHON"
require_backend
# The agent's relay device; the node appears when the tun module is loaded.
[[ -c /dev/net/tun ]] || modprobe tun 2>/dev/null
[[ -c /dev/net/tun ]] || ksft_skip_all "no /dev/net/tun"
log_info "kernel $(uname -r), backend $RELAY_BACKEND, $($PMTUFIX_CLI -V)"

tests_run

ksft_finish
