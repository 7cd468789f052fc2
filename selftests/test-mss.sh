#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # cases run through $tests
#
# test-mss.sh - per-prefix TCP MSS rules: SYNs and SYN-ACKs sent, received and
# forwarded, IPv4 and IPv6, fixed values and "auto", prefix and direction
# matching, malformed option lists, and the hooks following the rules.
#
#   $A                       $R (router)                      $B
#  +------------------+    +--------------------------+    +------------------+
#  | a0 10.1.1.2/24   |----| r0 10.1.1.1/24           |    |                  |
#  |    fd00:1::2/64  |    |    fd00:1::1/64          |    |                  |
#  | default via r0   |    | r1 10.1.2.1/24           |----| b0 10.1.2.2/24   |
#  +------------------+    |    fd00:2::1/64          |    |    fd00:2::2/64  |
#                          | forwarding on            |    | default via r1   |
#                          +--------------------------+    +------------------+
#
# MTU 1500 everywhere: the stacks announce MSS 1460 (IPv4) and 1440 (IPv6).
# Transmit checksum offload is off on every veth (mss_probe.py nocsum), so
# each segment carries its full checksum and the receiving stack checks it.
# The SYN is captured where B receives it, the SYN-ACK where A receives it:
# what a capture "on the wire" shows. A rule in the receiving host itself
# acts after that capture (LOCAL_IN): there the socket's MSS (TCP_INFO
# snd_mss, as "ss -ti" shows it) is what tells.
#
# Usage: test-mss.sh [-t "case ..."] [-v]
#   PMTUFIX_SKIP_LOAD=1: run without the module (every case must then fail)
#   PMTUFIX_KO, PMTUFIX_CLI: see lib.sh

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=lib.sh
source "$dir/lib.sh" || exit 1

: "${PYTHON:=python3}"

A_IP=10.1.1.2 R_A_IP=10.1.1.1 R_B_IP=10.1.2.1 B_IP=10.1.2.2
A_IP6=fd00:1::2 R_A_IP6=fd00:1::1 R_B_IP6=fd00:2::1 B_IP6=fd00:2::2
A='' R='' B=''

tests="
	forward4	forwarded SYN and SYN-ACK lowered (IPv4)
	local_out4	our own SYN lowered after routing (IPv4)
	local_in4	a received SYN lowered before the socket reads it (IPv4)
	forward6	forwarded SYN and SYN-ACK lowered (IPv6)
	local_out6	our own SYN lowered after routing (IPv6)
	local_in6	a received SYN lowered before the socket reads it (IPv6)
	auto4		auto follows the route's mtu 1400 (IPv4)
	auto6		auto follows the route's mtu 1400 (IPv6)
	never_raise	a rule above the SYN's MSS leaves it alone
	lpm_dir		longest prefix per direction; a from rule does not hide a to rule
	crafted4	hand-made SYNs with odd option lists (IPv4)
	crafted6	hand-made SYNs with odd option lists (IPv6)
	hooks		hooks are registered with the first rule of a family only"

probe()
{
	"$PYTHON" "$SELFTESTS_DIR/mss_probe.py" "$@"
}

PROBE_OUT=
declare -A P=()
# connect4|connect6: one connection A -> B; fields of the result in P[...].
connect_ab()
{
	local addr=$1 kv rc

	PROBE_OUT=$(probe connect --listen-ns "$B" --connect-ns "$A" --addr "$addr" \
		--syn-at "$B:b0" --synack-at "$A:a0")
	rc=$?
	log_info "$PROBE_OUT"
	P=()
	for kv in $PROBE_OUT; do
		P[${kv%%=*}]=${kv#*=}
	done
	return $rc
}

# expect_mss KEY VALUE: P[KEY] is VALUE
expect_mss()
{
	[[ ${P[$1]} == "$2" ]]
	check_err $? "$1 is ${P[$1]:-?}, expected $2"
}

# expect_at_most KEY VALUE: P[KEY] is a number <= VALUE
expect_at_most()
{
	[[ ${P[$1]} =~ ^[0-9]+$ ]] && ((P[$1] <= $2))
	check_err $? "$1 is ${P[$1]:-?}, expected at most $2"
}


# mss_stats NS: the MSS counters of NS into MSS[...] (pmtufix -j mss stats)
declare -A MSS=()
mss_stats()
{
	local json re='"([a-z_]+)":[[:space:]]*([0-9]+)'

	MSS=()
	json=$(pmtufix "$1" -j mss stats 2>&1) || { log_info "$json"; return 1; }
	while [[ $json =~ $re ]]; do
		MSS[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		json=${json#*"${BASH_REMATCH[0]}"}
	done
}

mss_topo()
{
	local ns

	setup_ns -L A R B || return 1
	ip -batch - <<-EOF || return 1
		link add a0 netns $A type veth peer name r0 netns $R
		link add r1 netns $R type veth peer name b0 netns $B
	EOF
	for ns in "$A" "$R" "$B"; do
		ns_sysctl "$ns" net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv4.tcp_no_metrics_save=1 || return 1
	done
	ns_sysctl "$R" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
	ns_exec "$A" ip -batch - <<-EOF || return 1
		link set lo up
		link set a0 up
		addr add $A_IP/24 dev a0
		addr add $A_IP6/64 dev a0 nodad
		route add default via $R_A_IP
		route add default via $R_A_IP6
	EOF
	ns_exec "$R" ip -batch - <<-EOF || return 1
		link set lo up
		link set r0 up
		link set r1 up
		addr add $R_A_IP/24 dev r0
		addr add $R_A_IP6/64 dev r0 nodad
		addr add $R_B_IP/24 dev r1
		addr add $R_B_IP6/64 dev r1 nodad
	EOF
	ns_exec "$B" ip -batch - <<-EOF || return 1
		link set lo up
		link set b0 up
		addr add $B_IP/24 dev b0
		addr add $B_IP6/64 dev b0 nodad
		route add default via $R_B_IP
		route add default via $R_B_IP6
	EOF
	probe nocsum "$A:a0" "$R:r0" "$R:r1" "$B:b0"
}

# Without a rule the stacks' own MSS must arrive: the baseline every case changes.
baseline()
{
	connect_ab "$B_IP"
	check_err $? "connection failed"
	expect_mss syn_mss 1460
	expect_mss synack_mss 1460
	log_test "baseline: no rule, SYN and SYN-ACK carry 1460 (IPv4)"
	connect_ab "$B_IP6"
	check_err $? "connection failed"
	expect_mss syn_mss 1440
	expect_mss synack_mss 1440
	log_test "baseline: no rule, SYN and SYN-ACK carry 1440 (IPv6)"
}

forward()
{
	local v=$1 addr=$2 prefix=$3

	pmtufix_mss_rule "$R" "$prefix" 1000 || { log_test "forward$v: setup"; return; }
	connect_ab "$addr"
	check_err $? "connection did not complete with good checksums"
	expect_mss syn_mss 1000
	expect_mss synack_mss 1000
	log_test "forward$v: router rule $prefix 1000: B sees SYN mss 1000, A sees SYN-ACK mss 1000, checksums good"
}
forward4() { forward 4 "$B_IP" 10.1.2.0/24; }
forward6() { forward 6 "$B_IP6" fd00:2::/64; }

local_out()
{
	local v=$1 addr=$2 prefix=$3 base=$4

	pmtufix_mss_rule "$A" "$prefix" 900 || { log_test "local_out$v: setup"; return; }
	connect_ab "$addr"
	check_err $? "connection did not complete with good checksums"
	expect_mss syn_mss 900
	# The SYN-ACK from the prefix is lowered in A's LOCAL_IN, after the capture.
	expect_mss synack_mss "$base"
	expect_at_most connector_snd_mss 900
	log_test "local_out$v: rule in A $prefix 900: B sees A's SYN with mss 900, checksums good"
}
local_out4() { local_out 4 "$B_IP" 10.1.2.0/24 1460; }
local_out6() { local_out 6 "$B_IP6" fd00:2::/64 1440; }

local_in()
{
	local v=$1 addr=$2 prefix=$3 base=$4

	pmtufix_mss_rule "$B" "$prefix" 800 || { log_test "local_in$v: setup"; return; }
	connect_ab "$addr"
	check_err $? "connection did not complete with good checksums"
	# On B's wire the SYN is still A's own...
	expect_mss syn_mss "$base"
	# ...but B's socket took 800 from it, and B's SYN-ACK says 800 too.
	expect_at_most listener_snd_mss 800
	expect_mss synack_mss 800
	log_test "local_in$v: rule in B $prefix 800: B's socket sends at most 800 (snd_mss ${P[listener_snd_mss]}), its SYN-ACK says 800"
}
local_in4() { local_in 4 "$B_IP" 10.1.1.0/24 1460; }
local_in6() { local_in 6 "$B_IP6" fd00:1::/64 1440; }

# The metric is the connected route's, so that "replace" replaces it.
auto()
{
	local v=$1 addr=$2 prefix=$3 metric=$4 expect=$5

	if ! ns_exec "$R" ip route replace "$prefix" dev r1 metric "$metric" mtu 1400; then
		check_err 1 "cannot set mtu 1400 on the route to $prefix"
		log_test "auto$v: setup"
		return
	fi
	defer ns_exec "$R" ip route replace "$prefix" dev r1 metric "$metric"
	connect_ab "$addr"
	expect_mss syn_mss "$((expect + 100))"
	check_err $? "without a rule the route mtu alone should change nothing"
	log_test "auto$v: route mtu 1400 alone: the forwarded SYN keeps $((expect + 100))"

	pmtufix_mss_rule "$R" "$prefix" auto || { log_test "auto$v: setup"; return; }
	connect_ab "$addr"
	check_err $? "connection did not complete with good checksums"
	expect_mss syn_mss "$expect"
	expect_mss synack_mss "$expect"
	log_test "auto$v: router rule $prefix auto: SYN and SYN-ACK say $expect (route mtu 1400 - header)"
}
auto4() { auto 4 "$B_IP" 10.1.2.0/24 0 1360; }
auto6() { auto 6 "$B_IP6" fd00:2::/64 256 1340; }

never_raise()
{
	local kept0

	pmtufix_mss_rule "$R" 10.1.2.0/24 4000 || { log_test "never_raise: setup"; return; }
	mss_stats "$R"
	kept0=${MSS[kept]:-0}
	connect_ab "$B_IP"
	check_err $? "connection failed"
	expect_mss syn_mss 1460
	expect_mss synack_mss 1460
	mss_stats "$R"
	((${MSS[kept]:-0} >= kept0 + 2))
	check_err $? "kept did not count SYN and SYN-ACK ($kept0 -> ${MSS[kept]:-?})"
	log_test "never_raise: rule 4000 leaves mss 1460 alone, counted as kept"
}

lpm_dir()
{
	pmtufix_mss_rule "$R" 10.1.0.0/16 1200 dir to || { log_test "lpm_dir: setup"; return; }
	pmtufix_mss_rule "$R" 10.1.2.0/24 1100 dir from || { log_test "lpm_dir: setup"; return; }
	connect_ab "$B_IP"
	check_err $? "connection failed"
	# SYN to 10.1.2.2: the /24 is "from" only, so the /16 "to" rule applies.
	expect_mss syn_mss 1200
	# SYN-ACK to 10.1.1.2 (/16 to: 1200) from 10.1.2.2 (/24 from: 1100).
	expect_mss synack_mss 1100
	log_test "lpm_dir: /16 1200 to + /24 1100 from: SYN 1200, SYN-ACK min(1200, 1100)"

	pmtufix_mss_rule "$R" 10.1.2.2/32 1050 dir to || { log_test "lpm_dir: setup"; return; }
	connect_ab "$B_IP"
	check_err $? "connection failed"
	expect_mss syn_mss 1050
	expect_mss synack_mss 1100
	log_test "lpm_dir: + /32 1050 to: the longer prefix wins for the SYN"
}

# crafted V SRC DST PREFIX EXPECTED-COUNTERS [CASES]
crafted()
{
	local v=$1 src=$2 dst=$3 prefix=$4 want=$5 cases=$6
	local out rc k got=

	pmtufix_mss_rule "$R" "$prefix" 400 || { log_test "crafted$v: setup"; return; }
	pmtufix "$R" stats reset
	out=$(probe craft --send-ns "$A" --src "$src" --dst "$dst" \
		--capture "$B:b0" --target 400 ${cases:+--cases "$cases"})
	rc=$?
	log_info "$out"
	check_err $rc "some hand-made SYNs arrived changed in the wrong place or with a bad checksum"
	log_test "crafted$v: only MSS values change (or an option is added), checksums stay right"

	mss_stats "$R"
	for k in clamped inserted kept malformed no_route failed; do
		got+="$k=${MSS[$k]:-?} "
	done
	[[ ${got% } == "$want" ]]
	check_err $? "counters: $got, expected $want"
	log_test "crafted$v: counted as $want"
}
crafted4()
{
	crafted 4 "$A_IP" "$B_IP" 10.1.2.0/24 \
		"clamped=7 inserted=2 kept=1 malformed=4 no_route=0 failed=2"
}
crafted6()
{
	crafted 6 "$A_IP6" "$B_IP6" fd00:2::/64 \
		"clamped=5 inserted=1 kept=1 malformed=1 no_route=0 failed=1" \
		plain,odd,zero,lower,none,badlen,synack,silly-first,data
}

hooks()
{
	local out

	modprobe -q nfnetlink_hook 2>/dev/null
	pmtufix_mss_rule "$R" fd00:2::/64 1000 || { log_test "hooks: setup"; return; }
	# Kernels without nfnetlink_hook (6.1 cloud) list nothing at all.
	out=$(ns_exec "$R" nft list hooks 2>/dev/null)
	if [[ -z $out ]]; then
		log_test_skip "hooks: registered with the first rule" "nft cannot list hooks in this kernel"
		return
	fi
	[[ $out == *pmtufix_mss_hook6* ]]
	check_err $? "no IPv6 hook with an IPv6 rule"
	[[ $out != *pmtufix_mss_hook4* ]]
	check_err $? "IPv4 hooks registered with only an IPv6 rule"
	pmtufix "$R" mss flush
	out=$(ns_exec "$R" nft list hooks 2>/dev/null)
	[[ $out != *pmtufix_mss_hook* ]]
	check_err $? "hooks still registered after mss flush"
	log_test "hooks: IPv6 only with an IPv6 rule, none after flush"
}

tests_parse_args "$@"

require_root
require_cmd ip nft "$PYTHON" insmod rmmod
require_pmtufix
log_info "kernel $(uname -r)"

must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load
if ! mss_topo; then
	check_err 1 "cannot build the topology"
	log_test "topology"
	ksft_finish
fi
baseline

tests_run

ksft_finish
