#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-mss-guest.sh - what MSS rules cost a router per TCP connection setup;
# run inside the VM (the `make bench` driver boots it). Prints Markdown.
#
#            +-- $R1: nothing ------------------------+
#            +-- $R2: nft maxseg rules ---------------+
#   $A ------+-- $R3: one pmtufix rule ---------------+------ $B
#   10.4.N.2 +-- $R4: the same rule among 100k others +  10.5.N.2
#                (router N: 10.4.N.1 and 10.5.N.1)
#
# connrate (selftests/connrate.c) opens and resets connections from A to B's
# address behind one router for PHASE seconds with THREADS clients: each
# setup takes a SYN and a SYN-ACK through that router's POST_ROUTING, where
# the MSS is rewritten. One router per variant, so that switching variants is
# only a change of address and rounds can be short and many:
#   none      R1: no rule, no table (with the module loaded its MSS hooks are
#             not registered there: they follow a namespace's rules)
#   nft       R2: nft sets the MSS of SYNs to and from 10.5.2.0/24 to 1000
#             (tcp option maxseg size set, postrouting, priority mangle; two
#             rules): the in-tree way
#   rule1     R3: pmtufix rule 10.5.3.0/24 1000
#   rule100k  R4: pmtufix rule 10.5.4.0/24 1000 among MSS_RULES others (3/5
#             IPv4 /32, 1/5 IPv4 /24, 1/5 IPv6 /64: a SYN's lookup probes two
#             IPv4 prefix lengths each way)
# Part 1 runs the four with the module loaded; part 2 unloads the module and
# runs none and nft again, so that "none" is also measured without the module
# at all (nft serves as the common reference of the two parts).
#
# The machine is noisy (TCG, shared cores), so nothing is compared with a
# fixed number: every round runs every variant, in a rotating order, and the
# ratios are taken between variants of the same round (median, min-max).
#
# Environment: ROUNDS (25), ROUNDS2 (10, part 2), PHASE (1 s), THREADS (2),
# MSS_RULES (100000), BENCH_RAW=1 prints every sample too. PMTUFIX_KO and
# PMTUFIX_CLI as in selftests/lib.sh; CONNRATE (build/selftests/connrate).
top=$(cd "$(dirname "$0")/.." && pwd)
# lib.sh announces TAP when sourced: not wanted in a table.
# shellcheck source=../selftests/lib.sh
source "$top/selftests/lib.sh" >/dev/null || exit 1

: "${ROUNDS:=25}"
: "${ROUNDS2:=10}"
: "${PHASE:=1}"
: "${THREADS:=2}"
: "${MSS_RULES:=100000}"
: "${BENCH_RAW:=0}"
: "${CONNRATE:=$top/build/selftests/connrate}"

VARIANTS=(none nft rule1 rule100k)
declare -A ROUTER=([none]=1 [nft]=2 [rule1]=3 [rule100k]=4)
A='' B='' R1='' R2='' R3='' R4=''

die() { echo "bench-mss: $*" >&2; exit 1; }

[[ -x $CONNRATE ]] || die "no $CONNRATE: run 'make -C selftests'"
[[ -x $PMTUFIX_CLI ]] || die "no $PMTUFIX_CLI: run 'make cli'"
[[ -f $PMTUFIX_KO ]] || die "no $PMTUFIX_KO: run 'make module'"
pmtufix_unload || die "cannot unload pmtufix"
lib_tmpdir || die "no temporary directory"

setup_ns -L A B R1 R2 R3 R4 || die "cannot create namespaces"
links='' a_cfg='' b_cfg=''
for n in 1 2 3 4; do
	r=R$n
	links+="link add a$n netns $A type veth peer name ra netns ${!r}"$'\n'
	links+="link add b$n netns $B type veth peer name rb netns ${!r}"$'\n'
	a_cfg+="link set a$n up"$'\n'"addr add 10.4.$n.2/24 dev a$n"$'\n'
	a_cfg+="route add 10.5.$n.0/24 via 10.4.$n.1"$'\n'
	b_cfg+="link set b$n up"$'\n'"addr add 10.5.$n.2/24 dev b$n"$'\n'
	b_cfg+="route add 10.4.$n.0/24 via 10.5.$n.1"$'\n'
done
ip -batch - <<<"$links" || die "cannot create links"
ns_exec "$A" ip -batch - <<<"link set lo up"$'\n'"$a_cfg" || die "cannot configure A"
ns_exec "$B" ip -batch - <<<"link set lo up"$'\n'"$b_cfg" || die "cannot configure B"
for n in 1 2 3 4; do
	r=R$n
	ns_exec "${!r}" ip -batch - <<-EOF || die "cannot configure R$n"
		link set lo up
		link set ra up
		link set rb up
		addr add 10.4.$n.1/24 dev ra
		addr add 10.5.$n.1/24 dev rb
	EOF
	ns_sysctl "${!r}" net.ipv4.ip_forward=1 || die "cannot enable forwarding in R$n"
done
for ns in "$A" "$B"; do
	ns_sysctl "$ns" net.ipv4.tcp_syncookies=0 net.ipv4.tcp_max_syn_backlog=4096 \
		net.core.somaxconn=4096 || die "cannot set sysctls"
done

ns_exec "$R2" nft -f - <<-EOF || die "cannot load the nft table"
	table inet pmtufix_bench_mss {
		chain postrouting {
			type filter hook postrouting priority mangle; policy accept;
			ip daddr 10.5.2.0/24 tcp flags & (syn | rst) == syn tcp option maxseg size set 1000
			ip saddr 10.5.2.0/24 tcp flags & (syn | rst) == syn tcp option maxseg size set 1000
		}
	}
EOF
{
	echo "mss add 10.5.4.0/24 1000"
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
} >"$LIB_TMPDIR/rules.conf"

cli() { "$PMTUFIX_CLI" --backend module "$@"; }

insmod "$PMTUFIX_KO" || die "insmod failed"
defer pmtufix_unload
cli -n "$R3" mss add 10.5.3.0/24 1000 || die "cannot add the rule"
t0=$EPOCHREALTIME
cli -n "$R4" apply "$LIB_TMPDIR/rules.conf" || die "cannot apply $MSS_RULES rules"
echo "bench-mss: $MSS_RULES rules applied in" \
	"$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s" >&2
lib_sleep 2	# the hash table's last resize, RCU

# measure VARIANT: connection setups per second through its router, in $RATE
RATE=0
measure()
{
	local n=${ROUTER[$1]} out re='rate=([0-9.]+)'
	local r=R$n

	out=$("$CONNRATE" -s "$B" -c "$A" -a "10.5.$n.2" -t "$PHASE" -j "$THREADS") ||
		die "connrate failed: $out"
	[[ $out =~ $re ]] || die "connrate said: $out"
	RATE=${BASH_REMATCH[1]}
	((BENCH_RAW)) && echo "sample: $1 (R$n) $out" >&2
	return 0
}

# run_rounds PART ROUNDS VARIANT...: RATES[PART,VARIANT,ROUND]
declare -A RATES=()
run_rounds()
{
	local part=$1 rounds=$2 round k v
	local -a vs=("${@:3}")

	measure "${vs[0]}"	# warm-up
	for ((round = 0; round < rounds; round++)); do
		for ((k = 0; k < ${#vs[@]}; k++)); do
			v=${vs[(k + round) % ${#vs[@]}]}
			measure "$v"
			RATES[$part,$v,$round]=$RATE
		done
	done
}

echo "bench-mss: kernel $(uname -r); part 1: $ROUNDS rounds x ${#VARIANTS[@]} variants x" \
	"$PHASE s, $THREADS client threads" >&2
run_rounds 1 "$ROUNDS" "${VARIANTS[@]}"
# The rules must have done their work, or the numbers mean nothing.
for r in "$R3" "$R4"; do
	[[ $(cli -n "$r" mss stats) =~ clamped:\ ([0-9]+) ]] && ((BASH_REMATCH[1] > 0)) ||
		die "no SYN was clamped in ${r%%-*}"
done
rmmod pmtufix || die "rmmod failed"
echo "bench-mss: part 2: module unloaded, $ROUNDS2 rounds x 2 variants" >&2
run_rounds 2 "$ROUNDS2" none nft

# stats VALUE...: "median min max"
stats()
{
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%s %s %s\n", m, v[1], v[NR]
		}'
}

# ratio PART ROUNDS NUM DEN: per-round NUM/DEN, then stats
ratio()
{
	local r vals=()

	for ((r = 0; r < $2; r++)); do
		vals+=("$(awk -v a="${RATES[$1,$3,$r]}" -v b="${RATES[$1,$4,$r]}" \
			'BEGIN { printf "%.4f", a / b }')")
	done
	stats "${vals[@]}"
}

rates_row()
{
	local part=$1 rounds=$2 v=$3 label=$4 r vals=() m lo hi

	for ((r = 0; r < rounds; r++)); do
		vals+=("${RATES[$part,$v,$r]}")
	done
	read -r m lo hi < <(stats "${vals[@]}")
	printf '| %s | %.0f | %.0f | %.0f |\n' "$label" "$m" "$lo" "$hi"
}

ratio_row()
{
	local part=$1 rounds=$2 num=$3 den=$4 label=$5 goal=$6 m lo hi verdict=''

	read -r m lo hi < <(ratio "$part" "$rounds" "$num" "$den")
	[[ -n $goal ]] && verdict=">= $goal: $(awk -v m="$m" -v g="$goal" \
		'BEGIN { print (m >= g) ? "met" : "not met" }')"
	printf '| %s | %.3f | %.3f | %.3f | %s |\n' "$label" "$m" "$lo" "$hi" "$verdict"
}

echo
echo "### TCP connection setups per second through a router with MSS rules"
echo
echo "Kernel $(uname -r); $PHASE s per sample, $THREADS client threads; part 1: $ROUNDS rounds with the"
echo "module loaded, part 2: $ROUNDS2 rounds without it. Every round runs each variant once."
echo
echo "| variant | setups/s, median | min | max |"
echo "|---|---:|---:|---:|"
for v in "${VARIANTS[@]}"; do
	rates_row 1 "$ROUNDS" "$v" "$v"
done
rates_row 2 "$ROUNDS2" none "none, module unloaded"
rates_row 2 "$ROUNDS2" nft "nft, module unloaded"
echo
echo "| ratio (same round) | median | min | max | goal |"
echo "|---|---:|---:|---:|---|"
ratio_row 1 "$ROUNDS" rule100k rule1 "rule100k / rule1" 0.95
ratio_row 1 "$ROUNDS" rule1 nft "rule1 / nft" 1.00
ratio_row 1 "$ROUNDS" rule100k nft "rule100k / nft" 1.00
ratio_row 1 "$ROUNDS" rule1 none "rule1 / none" ""
ratio_row 1 "$ROUNDS" nft none "nft / none" ""
ratio_row 2 "$ROUNDS2" nft none "nft / none, module unloaded" ""
