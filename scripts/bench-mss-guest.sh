#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-mss-guest.sh - what MSS rules cost a router, per TCP connection setup
# and per SYN; run inside the VM (the `make bench` driver boots it). Prints
# Markdown.
#
#            +-- $R1: nothing ------------------------+
#            +-- $R2: nft maxseg rules ---------------+
#   $A ------+-- $R3: one pmtufix rule ---------------+------ $B
#   10.4.N.2 +-- $R4: the same rule among 100k others +  10.5.N.2
#                (router N: 10.4.N.1 and 10.5.N.1)
#
# One router per variant, each on its own path to B:
#   none      R1: no rule, no table (with the module loaded its MSS hooks are
#             not registered there: they follow a namespace's rules)
#   nft       R2: nft sets the MSS of SYNs to and from 10.5.2.0/24 to 1000
#             (tcp option maxseg size set, postrouting, priority mangle; two
#             rules): the in-tree way
#   rule1     R3: pmtufix rule 10.5.3.0/24 1000
#   rule100k  R4: pmtufix rule 10.5.4.0/24 1000 among MSS_RULES others (3/5
#             IPv4 /32, 1/5 IPv4 /24, 1/5 IPv6 /64: a SYN's lookup probes two
#             IPv4 prefix lengths each way)
#
# connrate (selftests/connrate.c) runs the variants interleaved in one
# process: every SLICE ms all its threads move on to the next router's
# address (1..4, then 4..1, ...), so that the four are measured within the
# same second, again and again for DURATION s. What the machine does
# meanwhile (TCG, cores shared with other guests) then weighs on all four
# alike; the ratios are taken per cycle, and their median reported.
#   part 1  TCP connection setups (THREADS clients): each setup takes a SYN
#           and a SYN-ACK through the router's POST_ROUTING
#   part 2  bare SYNs (connrate -S, SYN_THREADS raw senders; B drops them in
#           raw prerouting): the router's share of the work is larger, so
#           differences between the hooks show more
#   part 3  module unloaded: none and nft again, so that "none" is measured
#           without the module at all (nft is the common reference)
# A SYN must have been clamped in R3 and R4, or the numbers mean nothing.
#
# Environment: DURATION (60 s for parts 1 and 2, half for part 3), SLICE
# (250 ms), THREADS (2), SYN_THREADS (1), MSS_RULES (100000), BENCH_RAW=1
# prints connrate's output too. PMTUFIX_KO and PMTUFIX_CLI as in
# selftests/lib.sh; CONNRATE (build/selftests/connrate).
top=$(cd "$(dirname "$0")/.." && pwd)
# lib.sh announces TAP when sourced: not wanted in a table.
# shellcheck source=../selftests/lib.sh
source "$top/selftests/lib.sh" >/dev/null || exit 1

: "${DURATION:=60}"
: "${SLICE:=250}"
: "${THREADS:=2}"
: "${SYN_THREADS:=1}"
: "${MSS_RULES:=100000}"
: "${BENCH_RAW:=0}"
: "${CONNRATE:=$top/build/selftests/connrate}"

VARIANTS=(none nft rule1 rule100k)
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
# Part 2's SYNs end here, before B's TCP would answer them.
ns_exec "$B" nft -f - <<-EOF || die "cannot load B's nft table"
	table ip pmtufix_bench_sink {
		chain prerouting {
			type filter hook prerouting priority raw; policy accept;
			tcp dport 9 drop
		}
	}
EOF

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

ADDRS=10.5.1.2,10.5.2.2,10.5.3.2,10.5.4.2

# run_part PART SECONDS VARIANTS CONNRATE-ARGS...: COUNTS[PART,VARIANT,CYCLE],
# the first cycle (warm-up) left out; NCYCLES[PART]
declare -A COUNTS=() NCYCLES=()
run_part()
{
	local part=$1 secs=$2 line c=0 k
	local -a vs counts
	read -r -a vs <<<"$3"
	shift 3

	"$CONNRATE" "$@" -t "$secs" -q "$SLICE" >"$LIB_TMPDIR/part$part" ||
		die "connrate $* failed: $(head -c 300 "$LIB_TMPDIR/part$part")"
	((BENCH_RAW)) && sed "s/^/part $part: /" "$LIB_TMPDIR/part$part" >&2
	while read -r line; do
		[[ $line == cycle\ * ]] || continue
		read -r -a counts <<<"${line#*:}"
		if ((c++ == 0)); then
			continue
		fi
		for k in "${!vs[@]}"; do
			COUNTS[$part,${vs[k]},$((c - 2))]=${counts[k]}
		done
	done <"$LIB_TMPDIR/part$part"
	NCYCLES[$part]=$((c - 1))
	((NCYCLES[$part] > 0)) || die "part $part: no cycles"
}

echo "bench-mss: kernel $(uname -r); parts 1 and 2: $DURATION s each, part 3: $((DURATION / 2)) s;" \
	"slices of $SLICE ms" >&2
run_part 1 "$DURATION" "${VARIANTS[*]}" -s "$B" -c "$A" -a "$ADDRS" -j "$THREADS"
run_part 2 "$DURATION" "${VARIANTS[*]}" -S -c "$A" -a "$ADDRS" -p 9 -j "$SYN_THREADS"
# The rules must have done their work, or the numbers mean nothing.
for r in "$R3" "$R4"; do
	[[ $(cli -n "$r" mss stats) =~ clamped:\ ([0-9]+) ]] && ((BASH_REMATCH[1] > 0)) ||
		die "no SYN was clamped in ${r%%-*}"
done
rmmod pmtufix || die "rmmod failed"
run_part 3 "$((DURATION / 2))" "none nft" -s "$B" -c "$A" -a 10.5.1.2,10.5.2.2 -j "$THREADS"

# stats VALUE...: "median min max"
stats()
{
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%s %s %s\n", m, v[1], v[NR]
		}'
}

# ratio PART NUM DEN: per-cycle NUM/DEN (cycles where DEN counted nothing
# are left out), then stats
ratio()
{
	local c vals=()

	for ((c = 0; c < NCYCLES[$1]; c++)); do
		((COUNTS[$1,$3,$c] > 0)) || continue
		vals+=("$(awk -v a="${COUNTS[$1,$2,$c]}" -v b="${COUNTS[$1,$3,$c]}" \
			'BEGIN { printf "%.4f", a / b }')")
	done
	stats "${vals[@]}"
}

# rates_cell PART VARIANT: per second, "median (min-max)" over the cycles
rates_cell()
{
	local c vals=() m lo hi

	for ((c = 0; c < NCYCLES[$1]; c++)); do
		vals+=("${COUNTS[$1,$2,$c]}")
	done
	read -r m lo hi < <(stats "${vals[@]}")
	awk -v m="$m" -v lo="$lo" -v hi="$hi" -v s="$SLICE" \
		'BEGIN { printf "%.0f (%.0f-%.0f)", m * 1000 / s, lo * 1000 / s, hi * 1000 / s }'
}

# ratio_cell PART NUM DEN: "median (min-max)"
ratio_cell()
{
	local m lo hi

	read -r m lo hi < <(ratio "$@")
	printf '%.3f (%.3f-%.3f)' "$m" "$lo" "$hi"
}

# met MEDIAN GOAL: "met" or "not met"
met()
{
	awk -v m="$1" -v g="$2" 'BEGIN { print (m >= g) ? "met" : "not met" }'
}

# ratio_row NUM DEN GOAL: parts 1 and 2 side by side
ratio_row()
{
	local num=$1 den=$2 goal=$3 m1 m2 verdict=''

	read -r m1 _ < <(ratio 1 "$num" "$den")
	read -r m2 _ < <(ratio 2 "$num" "$den")
	[[ -n $goal ]] && verdict=">= $goal: setups $(met "$m1" "$goal"), SYNs $(met "$m2" "$goal")"
	printf '| %s / %s | %s | %s | %s |\n' "$num" "$den" "$(ratio_cell 1 "$num" "$den")" \
		"$(ratio_cell 2 "$num" "$den")" "$verdict"
}

echo
echo "### MSS rules in a router: connection setups and bare SYNs per second"
echo
echo "Kernel $(uname -r). The variants take turns every $SLICE ms (connrate); rates and ratios are"
echo "per cycle of four turns: part 1 (TCP setups, $THREADS client threads) ${NCYCLES[1]} cycles, part 2"
echo "(bare SYNs, $SYN_THREADS raw sender(s)) ${NCYCLES[2]} cycles, both with the module loaded;"
echo "part 3 (setups, module unloaded) ${NCYCLES[3]} cycles."
echo
echo "| variant | setups/s, median (min-max) | SYNs/s, median (min-max) |"
echo "|---|---:|---:|"
for v in "${VARIANTS[@]}"; do
	printf '| %s | %s | %s |\n' "$v" "$(rates_cell 1 "$v")" "$(rates_cell 2 "$v")"
done
printf '| none, module unloaded | %s | |\n' "$(rates_cell 3 none)"
printf '| nft, module unloaded | %s | |\n' "$(rates_cell 3 nft)"
echo
echo "| ratio (same cycle) | setups: median (min-max) | SYNs: median (min-max) | goal (medians) |"
echo "|---|---:|---:|---|"
ratio_row rule100k rule1 0.95
ratio_row rule1 nft 1.00
ratio_row rule100k nft 1.00
ratio_row rule1 none ""
ratio_row nft none ""
printf '| nft / none, module unloaded | %s | | |\n' "$(ratio_cell 3 nft none)"
