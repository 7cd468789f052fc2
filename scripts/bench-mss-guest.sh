#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-mss-guest.sh - what MSS rules cost a router per TCP connection setup;
# run inside the VM (the `make bench` driver boots it). Prints Markdown.
#
#   $A 10.3.1.2 ---- $R (forwards; holds the variant) ---- $B 10.3.2.2
#
# connrate (selftests/connrate.c) opens and resets connections from A to B for
# PHASE seconds with THREADS clients: each setup takes a SYN and a SYN-ACK
# through R's POST_ROUTING, where the MSS is rewritten. Variants:
#   none      module not loaded, no nft table
#   nft       module not loaded; R's nft table sets the MSS of SYNs to and from
#             10.3.2.0/24 to 1000 (tcp option maxseg size set, postrouting,
#             priority mangle): the in-tree way, two rules
#   rule1     module loaded, R holds one rule: 10.3.2.0/24 1000
#   rule100k  module loaded, R holds the same rule among MSS_RULES others
#             (3/5 IPv4 /32, 1/5 IPv4 /24, 1/5 IPv6 /64: the SYN's lookup probes
#             two IPv4 lengths each way)
# The machine is noisy (TCG, shared cores), so nothing is compared with a
# fixed number: every round runs every variant, in a rotating order, and the
# ratios are taken between variants of the same round (median, min-max).
#
# Environment: ROUNDS (7), PHASE (3 s), THREADS (2), MSS_RULES (100000),
# BENCH_RAW=1 prints every sample too. PMTUFIX_KO, PMTUFIX_CLI as in
# selftests/lib.sh; CONNRATE (build/selftests/connrate).
top=$(cd "$(dirname "$0")/.." && pwd)
# lib.sh announces TAP when sourced: not wanted in a table.
# shellcheck source=../selftests/lib.sh
source "$top/selftests/lib.sh" >/dev/null || exit 1

: "${ROUNDS:=7}"
: "${PHASE:=3}"
: "${THREADS:=2}"
: "${MSS_RULES:=100000}"
: "${BENCH_RAW:=0}"
: "${CONNRATE:=$top/build/selftests/connrate}"

VARIANTS=(none nft rule1 rule100k)
A_IP=10.3.1.2 R_A_IP=10.3.1.1 R_B_IP=10.3.2.1 B_IP=10.3.2.2
A='' R='' B=''

die() { echo "bench-mss: $*" >&2; exit 1; }

[[ -x $CONNRATE ]] || die "no $CONNRATE: run 'make -C selftests'"
pmtufix_unload || die "cannot unload pmtufix"
[[ -x $PMTUFIX_CLI ]] || die "no $PMTUFIX_CLI: run 'make cli'"
[[ -f $PMTUFIX_KO ]] || die "no $PMTUFIX_KO: run 'make module'"
lib_tmpdir || die "no temporary directory"

setup_ns -L A R B || die "cannot create namespaces"
ip -batch - <<-EOF || die "cannot create links"
	link add a0 netns $A type veth peer name r0 netns $R
	link add r1 netns $R type veth peer name b0 netns $B
EOF
ns_exec "$A" ip -batch - <<-EOF || die "cannot configure A"
	link set lo up
	link set a0 up
	addr add $A_IP/24 dev a0
	route add default via $R_A_IP
EOF
ns_exec "$R" ip -batch - <<-EOF || die "cannot configure R"
	link set lo up
	link set r0 up
	link set r1 up
	addr add $R_A_IP/24 dev r0
	addr add $R_B_IP/24 dev r1
EOF
ns_exec "$B" ip -batch - <<-EOF || die "cannot configure B"
	link set lo up
	link set b0 up
	addr add $B_IP/24 dev b0
	route add default via $R_B_IP
EOF
ns_sysctl "$R" net.ipv4.ip_forward=1 || die "cannot enable forwarding"
for ns in "$A" "$B"; do
	ns_sysctl "$ns" net.ipv4.tcp_syncookies=0 net.ipv4.tcp_max_syn_backlog=4096 \
		net.core.somaxconn=4096 || die "cannot set sysctls"
done

echo "mss add 10.3.2.0/24 1000" >"$LIB_TMPDIR/rule1.conf"
{
	cat "$LIB_TMPDIR/rule1.conf"
	awk -v n="$((MSS_RULES - 1))" 'BEGIN {
		for (i = 0; i < n; i++) {
			if (i % 5 < 3)
				printf "mss add 10.%d.%d.%d/32 1200\n", 128 + int(i / 65536), int(i / 256) % 256, i % 256
			else if (i % 5 == 3)
				printf "mss add %d.%d.%d.0/24 1200\n", 100 + int(i / 65536), int(i / 256) % 256, i % 256
			else
				printf "mss add 2001:db8:%x:%x::/64 1200\n", 1 + int(i / 65535), 1 + i % 65535
		}
	}'
} >"$LIB_TMPDIR/rule100k.conf"

# The state R is in, changed only when a variant needs another one.
LOADED=0 NFT=0 RULES=0
module()
{
	if (($1 && !LOADED)); then
		insmod "$PMTUFIX_KO" || die "insmod failed"
		RULES=0
	elif ((!$1 && LOADED)); then
		rmmod pmtufix || die "rmmod failed"
	fi
	LOADED=$1
}

nft_table()
{
	if (($1 && !NFT)); then
		ns_exec "$R" nft -f - <<-EOF || die "cannot load the nft table"
			table inet pmtufix_bench_mss {
				chain postrouting {
					type filter hook postrouting priority mangle; policy accept;
					ip daddr 10.3.2.0/24 tcp flags & (syn | rst) == syn tcp option maxseg size set 1000
					ip saddr 10.3.2.0/24 tcp flags & (syn | rst) == syn tcp option maxseg size set 1000
				}
			}
		EOF
	elif ((!$1 && NFT)); then
		ns_exec "$R" nft delete table inet pmtufix_bench_mss || die "cannot delete the nft table"
	fi
	NFT=$1
}

rules()
{
	((RULES == $1)) && return
	"$PMTUFIX_CLI" -n "$R" --backend module apply "$LIB_TMPDIR/rule$2.conf" >/dev/null ||
		die "cannot apply $2 rules"
	RULES=$1
}

setup_variant()
{
	case $1 in
	none) nft_table 0; module 0 ;;
	nft) module 0; nft_table 1 ;;
	rule1) nft_table 0; module 1; rules 1 1 ;;
	rule100k) nft_table 0; module 1; rules "$MSS_RULES" 100k ;;
	esac
}

# measure: connections per second from A to B, in $RATE
RATE=0
measure()
{
	local out re='rate=([0-9.]+)'

	out=$("$CONNRATE" -s "$B" -c "$A" -a "$B_IP" -t "$PHASE" -j "$THREADS") ||
		die "connrate failed: $out"
	[[ $out =~ $re ]] || die "connrate said: $out"
	RATE=${BASH_REMATCH[1]}
	((BENCH_RAW)) && echo "sample: $variant $out" >&2
	return 0
}

declare -A RATES=()
clamped_seen=0
echo "bench-mss: kernel $(uname -r), $ROUNDS rounds x ${#VARIANTS[@]} variants x $PHASE s," \
	"$THREADS client threads, $MSS_RULES rules" >&2
variant=warmup
setup_variant none
measure
for ((round = 0; round < ROUNDS; round++)); do
	for ((k = 0; k < ${#VARIANTS[@]}; k++)); do
		variant=${VARIANTS[(k + round) % ${#VARIANTS[@]}]}
		setup_variant "$variant"
		measure
		RATES[$variant,$round]=$RATE
		if [[ $variant == rule* ]] && ((!clamped_seen)); then
			# The rules must have done their work, or the numbers mean nothing.
			[[ $("$PMTUFIX_CLI" -n "$R" --backend module mss stats) =~ clamped:\ ([0-9]+) ]] &&
				((BASH_REMATCH[1] > 0)) || die "$variant: no SYN was clamped"
			clamped_seen=1
		fi
	done
	echo "bench-mss: round $((round + 1))/$ROUNDS done" >&2
done
setup_variant none

# stats VALUE...: "median (min-max)"
stats()
{
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%s %s %s\n", m, v[1], v[NR]
		}'
}

# ratio NUM DEN: per-round NUM/DEN, then stats
ratio()
{
	local r vals=()

	for ((r = 0; r < ROUNDS; r++)); do
		vals+=("$(awk -v a="${RATES[$1,$r]}" -v b="${RATES[$2,$r]}" 'BEGIN { printf "%.4f", a / b }')")
	done
	stats "${vals[@]}"
}

echo
echo "### TCP connection setups per second through a router with MSS rules"
echo
echo "Kernel $(uname -r); $ROUNDS rounds, $PHASE s per variant and round, $THREADS client threads."
echo
echo "| variant | setups/s, median | min | max |"
echo "|---|---:|---:|---:|"
for v in "${VARIANTS[@]}"; do
	vals=()
	for ((r = 0; r < ROUNDS; r++)); do
		vals+=("${RATES[$v,$r]}")
	done
	read -r m lo hi < <(stats "${vals[@]}")
	printf '| %s | %.0f | %.0f | %.0f |\n' "$v" "$m" "$lo" "$hi"
done
echo
echo "| ratio (same round) | median | min | max | goal |"
echo "|---|---:|---:|---:|---|"
goal()
{
	awk -v m="$1" -v g="$2" 'BEGIN { print (m >= g) ? "met" : "not met" }'
}
for pair in "rule100k rule1 0.95" "rule1 nft 1.00" "rule100k nft 1.00" "rule1 none -" "nft none -"; do
	read -r num den g <<<"$pair"
	read -r m lo hi < <(ratio "$num" "$den")
	if [[ $g == - ]]; then
		printf '| %s / %s | %.3f | %.3f | %.3f | |\n' "$num" "$den" "$m" "$lo" "$hi"
	else
		printf '| %s / %s | %.3f | %.3f | %.3f | >= %s: %s |\n' "$num" "$den" "$m" "$lo" "$hi" \
			"$g" "$(goal "$m" "$g")"
	fi
done
