#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # cases run through $tests
#
# test-mss-scale.sh - 100k MSS rules through the CLI: "pmtufix apply" of a
# generated file, "mss show" and "save" list every one of them, the memory
# they take, flush, and a namespace (and the module) going away with rules in
# it. Timings and memory per rule are printed as TAP diagnostics.
#
#   $S: one namespace, no links; rules need none.
#
# The file holds MSS_RULES rules (default 100000): 3 in 5 IPv4 /32
# (10.128.0.0/9), 1 in 5 IPv4 /24, 1 in 5 IPv6 /64, in all three directions.
#
# Usage: test-mss-scale.sh [-t "case ..."] [-v]
#   MSS_RULES: how many rules (default 100000)
#   PMTUFIX_SKIP_LOAD=1: run without the module (every case must then fail)

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=lib.sh
source "$dir/lib.sh" || exit 1

: "${MSS_RULES:=100000}"
S=''

tests="
	apply		apply a file of \$MSS_RULES rules; memory per rule
	list		mss show, -j mss show and save list every rule
	flush		mss flush empties the table
	netns_exit	a namespace holding the rules is deleted"

# gen_rules N: the rules, one "mss add" line each
gen_rules()
{
	awk -v n="$1" 'BEGIN {
		split("to from both", dirs, " ")
		for (i = 0; i < n; i++) {
			d = dirs[i % 3 + 1]
			v = (i % 7 == 0) ? "auto" : 1000 + i % 400
			if (i % 5 < 3)
				printf "mss add 10.%d.%d.%d/32 %s dir %s\n", 128 + int(i / 65536), int(i / 256) % 256, i % 256, v, d
			else if (i % 5 == 3)
				printf "mss add %d.%d.%d.0/24 %s dir %s\n", 100 + int(i / 65536), int(i / 256) % 256, i % 256, v, d
			else
				printf "mss add 2001:db8:%x:%x::/64 %s dir %s\n", 1 + int(i / 65535), 1 + i % 65535, v, d
		}
	}'
}

# meminfo KEY: kB of a /proc/meminfo line
meminfo()
{
	local k v _

	while read -r k v _; do
		[[ $k == "$1:" ]] && { echo "$v"; return; }
	done </proc/meminfo
}

# elapsed CMD...: run CMD, its time in ms in $ELAPSED
ELAPSED=0
elapsed()
{
	local t0 rc

	now_ms; t0=$NOW_MS
	"$@"
	rc=$?
	now_ms
	ELAPSED=$((NOW_MS - t0))
	return $rc
}

secs()
{
	printf '%d.%02d s' $(($1 / 1000)) $(($1 % 1000 / 10))
}

# settle: let RCU free what was removed, so that memory figures mean something
settle()
{
	lib_sleep 1
	echo 3 >/proc/sys/vm/drop_caches
}

RULES=
apply()
{
	local slab0 slab1 free0 free1 vm0 vm1 out

	lib_tmpdir || return 1
	RULES=$LIB_TMPDIR/rules.conf
	gen_rules "$MSS_RULES" >"$RULES"
	settle
	slab0=$(meminfo Slab) free0=$(meminfo MemFree) vm0=$(meminfo VmallocUsed)
	elapsed pmtufix "$S" apply "$RULES" >"$LIB_TMPDIR/apply.out" 2>&1
	check_err $? "apply failed: $(head -c 300 "$LIB_TMPDIR/apply.out")"
	log_info "apply of $MSS_RULES rules: $(secs "$ELAPSED") ($((MSS_RULES * 1000 / (ELAPSED + 1))) rules/s)"
	log_test "apply: $MSS_RULES rules added from a file"

	settle
	slab1=$(meminfo Slab) free1=$(meminfo MemFree) vm1=$(meminfo VmallocUsed)
	log_info "Slab +$((slab1 - slab0)) kB, VmallocUsed +$((vm1 - vm0)) kB, MemFree -$((free0 - free1)) kB"
	log_info "per rule: $(((slab1 - slab0) * 1024 / MSS_RULES)) B of slab, $(((free0 - free1) * 1024 / MSS_RULES)) B in all (hash buckets included)"
	# SLUB may merge the rule cache into another one of the same size.
	if [[ -e /sys/kernel/slab/pmtufix_mss_rule ]]; then
		out=$(readlink /sys/kernel/slab/pmtufix_mss_rule)
		log_info "rule cache: ${out##*/}, object $(</sys/kernel/slab/pmtufix_mss_rule/object_size) B, slot $(</sys/kernel/slab/pmtufix_mss_rule/slab_size) B"
	fi
	# The rule is 72 bytes; the hash table adds up to ~21 (8 per bucket).
	# MemFree also moves with the guest's page cache and the CLI's own
	# pages: the bound catches a per-rule leak, not a few bytes of drift
	# (the README states the measured cost).
	((free0 - free1 < MSS_RULES * 512 / 1024))
	check_err $? "more than 512 bytes per rule: MemFree fell by $((free0 - free1)) kB"
	log_test "apply: less than 512 bytes of memory per rule"
}

count_lines()
{
	local n

	n=$(wc -l) && echo $((n))
}

list()
{
	local n

	[[ -n $RULES ]] || { check_err 1 "no rules applied"; log_test "list"; return; }
	elapsed pmtufix "$S" mss show >"$LIB_TMPDIR/show.out" 2>&1
	check_err $? "mss show failed"
	n=$(count_lines <"$LIB_TMPDIR/show.out")
	log_info "mss show: $n lines in $(secs "$ELAPSED")"
	((n == MSS_RULES))
	check_err $? "mss show listed $n rules, not $MSS_RULES"
	log_test "list: mss show lists all $MSS_RULES rules"

	elapsed pmtufix "$S" -j mss show >"$LIB_TMPDIR/show.json" 2>&1
	check_err $? "-j mss show failed"
	n=$(grep -o '"prefix"' "$LIB_TMPDIR/show.json" | count_lines)
	log_info "-j mss show: $n rules in $(secs "$ELAPSED")"
	((n == MSS_RULES))
	check_err $? "-j mss show listed $n rules, not $MSS_RULES"
	log_test "list: -j mss show lists all $MSS_RULES rules"

	elapsed pmtufix "$S" save >"$LIB_TMPDIR/save.out" 2>&1
	check_err $? "save failed"
	sort "$LIB_TMPDIR/save.out" | grep '^mss add' >"$LIB_TMPDIR/saved.sorted"
	sort "$RULES" >"$LIB_TMPDIR/rules.sorted"
	cmp -s "$LIB_TMPDIR/saved.sorted" "$LIB_TMPDIR/rules.sorted"
	check_err $? "save does not give back the applied rules ($(count_lines <"$LIB_TMPDIR/saved.sorted") lines)"
	log_info "save: $(secs "$ELAPSED")"
	log_test "list: save gives back exactly the applied rules"

	elapsed pmtufix "$S" apply "$LIB_TMPDIR/save.out" >/dev/null 2>&1
	check_err $? "applying the saved file failed"
	log_info "apply of the same rules (nothing to change): $(secs "$ELAPSED")"
	log_test "list: applying what save printed changes nothing and succeeds"
}

flush()
{
	local n

	elapsed pmtufix "$S" mss flush
	check_err $? "mss flush failed"
	log_info "mss flush: $(secs "$ELAPSED")"
	n=$(pmtufix "$S" mss show | count_lines)
	((n == 0))
	check_err $? "$n rules left after flush"
	log_test "flush: no rule left"
}

netns_exit()
{
	local T=''

	setup_ns T || { check_err 1 "cannot create a namespace"; log_test "netns_exit"; return; }
	[[ -n $RULES ]] || { check_err 1 "no rules applied"; log_test "netns_exit"; return; }
	pmtufix "$T" apply "$RULES" >/dev/null 2>&1
	check_err $? "apply failed"
	pmtufix "$S" apply "$RULES" >/dev/null 2>&1
	check_err $? "apply failed"
	elapsed ip netns del "$T"
	check_err $? "cannot delete the namespace"
	log_info "namespace with $MSS_RULES rules deleted in $(secs "$ELAPSED") (freed in the background)"
	log_test "netns_exit: namespaces are deleted (and the module unloaded) with $MSS_RULES rules in them"
}

tests_parse_args "$@"

require_root
require_cmd ip awk insmod rmmod
require_pmtufix
log_info "kernel $(uname -r), $MSS_RULES rules"

must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load
if ! setup_ns S; then
	check_err 1 "cannot create the namespace"
	log_test "namespace"
	ksft_finish
fi

tests_run -s

ksft_finish
