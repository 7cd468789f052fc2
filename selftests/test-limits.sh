#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # cases run through $tests
#
# test-limits.sh - what a network namespace may cost the host: kernel log
# lines, MSS rules, and counters kept right from any context.
#
#   $P 10.99.N.1 ---veth--- 10.99.N.2 uns<N>   netns of a user namespace that
#      (forged frag-needed                      nobody made (unshare -U -r -n);
#       from 198.18.77.2,                       198.18.77.0/24 routed out a dummy,
#       one raw socket)                         rp_filter=1: every error is judged
#   $P 10.99.20N.1 --veth-- 10.99.20N.2 ini<N>  in the initial netns, the same
#   $P 10.99.210.1 --veth-- 10.99.210.2 nfq0    $S (ip netns), the same, and an
#                                               NFQUEUE at priority raw
#
# The errors quote a TCP flow nobody has: each is rejected ("no such flow"),
# a log line at log level "all"; the lines name the interface (uns<N>, ini<N>).
#
# log_userns    root of the user namespace sets "log all": its rejections are
#               counted but not logged; it cannot write the module's
#               parameters; the initial netns still logs its own
# log_global    log_all_netns=1 (by the host's root): four such namespaces, 12
#               rejections each, log at most 10 lines per 5 s window the
#               errors touched (one may already be open) where each
#               namespace's own limit lets 40 through; the initial netns
#               still logs right after
# rules_cap     userns_mss_rules=16: the namespace of the user namespace adds
#               16 rules, the 17th fails with a message naming the parameter
#               and changes nothing, so does a file of 17; deleting one and
#               adding another works; a higher value applies at once; a
#               namespace of the initial user namespace is not capped
# nfqueue       errors queued to a userspace NFQUEUE reader and given back
#               (NF_ACCEPT): the hooks after the queue run in process context
#               and count each one; no "smp_processor_id() in preemptible"
#               report (a kernel with CONFIG_DEBUG_PREEMPT checks it)
# flush         MSS_FLUSH_RULES (default 500000) rules flushed at once on
#               CPU 0, where a real-time task wakes every millisecond: the
#               flush is preempted by it at least 150 times more than a
#               "pmtufix show" (it yields; a loop that does not runs to its
#               end first)
#
# Usage: test-limits.sh [-t "case ..."] [-v]

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=lib.sh
source "$dir/lib.sh" || exit 1

: "${PYTHON:=python3}"
: "${MSS_FLUSH_RULES:=500000}"
PARAMS=/sys/module/pmtufix/parameters
ICMP_SRC=198.18.77.2
P=''

tests="
	log_userns	a user namespace's root cannot make the kernel log
	log_global	all other namespaces share one log limit
	rules_cap	MSS rules are capped in a user namespace's netns
	nfqueue		counters after an NFQUEUE verdict (process context)
	flush		flushing many rules yields the CPU"

# kmsg_count PATTERN: lines of the kernel log matching PATTERN (extended regex).
kmsg_count()
{
	dmesg | grep -cE -- "$1"
}

# set_param NAME VALUE: write a module parameter, restored in the current scope.
set_param()
{
	local old

	read -r old <"$PARAMS/$1" || return 1
	[[ $old == Y ]] && old=1
	[[ $old == N ]] && old=0
	echo "$2" >"$PARAMS/$1" || return 1
	defer set_param_raw "$1" "$old"
}

set_param_raw()
{
	echo "$2" >"$PARAMS/$1"
}

# as_userns PID CMD...: CMD as root of the user namespace of PID, in its netns
# (capabilities there only; uid 0 there is nobody outside).
as_userns()
{
	local pid=$1; shift

	nsenter -t "$pid" -U -n -- "$@"
}

# cli_userns PID ARGS...: the CLI as root of that user namespace.
cli_userns()
{
	local pid=$1; shift

	as_userns "$pid" "$PMTUFIX_CLI" --backend module "$@"
}

USERNS_PID=
# userns_net: a netns owned by a new user namespace that nobody created;
# the pid of a process in it in $USERNS_PID (killed in the current scope).
userns_net()
{
	local ours theirs

	lib_tmpdir
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		unshare -U -r -n sleep 600 </dev/null >/dev/null 2>&1 &
	USERNS_PID=$!
	defer __kill_wait "$USERNS_PID"
	ours=$(readlink /proc/self/ns/user)
	busywait 5000 userns_ready "$ours" >/dev/null || return 1
	theirs=$(nsenter -t "$USERNS_PID" -n cat /proc/net/dev) || return 1
	[[ -n $theirs ]]
}

userns_ready()
{
	local ns

	ns=$(readlink "/proc/$USERNS_PID/ns/user") && [[ $ns != "$1" ]]
}

# link_to NAME N NETCMD...: a veth from $P (10.99.N.1) to NAME (10.99.N.2),
# which NETCMD (a command prefix) configures, with strict RPF and
# $ICMP_SRC routed out a dummy; without NETCMD, NAME is in the initial netns.
link_to()
{
	local name=$1 n=$2; shift 2

	ip -n "$P" link add "p$name" type veth peer name "$name" || return 1
	if (($#)); then
		ip -n "$P" link set "$name" netns "$USERNS_PID" || return 1
	else
		ip -n "$P" link set "$name" netns 1 || return 1
		defer ip link del "$name"
		defer ip link del "d$name"
	fi
	ip -n "$P" addr add "10.99.$n.1/24" dev "p$name" || return 1
	ip -n "$P" link set "p$name" up || return 1
	"$@" ip -batch - <<-EOF || return 1
		link set lo up
		link set $name up
		addr add 10.99.$n.2/24 dev $name
		link add d$name type dummy
		link set d$name up
		route add ${ICMP_SRC%.*}.0/24 dev d$name
	EOF
	"$@" sh -c "echo 1 >/proc/sys/net/ipv4/conf/all/rp_filter &&
		echo 1 >/proc/sys/net/ipv4/conf/$name/rp_filter"
}

# forge N COUNT: COUNT errors into 10.99.N.2 for a flow it does not have.
forge()
{
	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$P" --src "$ICMP_SRC" \
		--dst "10.99.$1.2" --inner-src "10.99.$1.2" --inner-dst 10.99.250.9 \
		--proto tcp --sport 4000 --dport 4001 --count "$2"
}

# forge_hex N: the packet forge would send, in hex.
forge_hex()
{
	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --hex --src "$ICMP_SRC" \
		--dst "10.99.$1.2" --inner-src "10.99.$1.2" --inner-dst 10.99.250.9 \
		--proto tcp --sport 4000 --dport 4001
}

# no_flow_userns PID: the no_flow counter of that namespace, read inside it.
no_flow_userns()
{
	local json re='"no_flow":[[:space:]]*([0-9]+)'

	json=$(cli_userns "$1" -j stats) && [[ $json =~ $re ]] &&
		echo "${BASH_REMATCH[1]}"
}

# init_log_all: log level "all" in the initial netns, for the current scope.
init_log_all()
{
	"$PMTUFIX_CLI" --backend module set log all
	check_err $? "cannot set log all in the initial netns"
	defer "$PMTUFIX_CLI" --backend module set log rescue
}

# init_logs NAME N: one rejection in the initial netns (dev NAME, 10.99.N.2)
# is logged.
init_logs()
{
	local before

	before=$(kmsg_count "rejected frag-needed from $ICMP_SRC dev $1 ")
	forge "$2" 1 >/dev/null
	busywait 3000 init_logged "$1" "$before" >/dev/null
}

init_logged()
{
	(($(kmsg_count "rejected frag-needed from $ICMP_SRC dev $1 ") > $2))
}

log_userns()
{
	local n out lines

	if ! userns_net || ! link_to uns0 1 nsenter -t "$USERNS_PID" -n ||
	   ! link_to ini0 200; then
		check_err 1 "cannot build the namespaces"
		log_test "log_userns: setup"
		return
	fi
	init_log_all
	out=$(cli_userns "$USERNS_PID" set log all 2>&1)
	check_err $? "root of the user namespace cannot set log all: $out"
	out=$(cli_userns "$USERNS_PID" show 2>&1)
	[[ $out == *"log: all"* ]]
	check_err $? "log level in the user namespace's netns: $out"
	log_test "log_userns: root of a user namespace sets log all in its netns"

	forge 1 15 >/dev/null
	check_err $? "cannot send the errors"
	busywait 5000 test_ge no_flow_userns "$USERNS_PID" 15 >/dev/null
	check_err $? "the namespace counted $(no_flow_userns "$USERNS_PID") of 15 rejections"
	lines=$(kmsg_count "frag-needed from $ICMP_SRC dev uns0 ")
	log_info "$lines lines from that namespace in the kernel log"
	((lines == 0))
	check_err $? "its rejections reached the kernel log: $lines lines"
	log_test "log_userns: 15 rejections there counted, none logged"

	as_userns "$USERNS_PID" sh -c "echo 1 >$PARAMS/log_all_netns" 2>/dev/null
	check_fail $? "root of the user namespace could write log_all_netns"
	[[ $(<"$PARAMS/log_all_netns") == N ]]
	check_err $? "log_all_netns is $(<"$PARAMS/log_all_netns")"
	log_test "log_userns: it cannot turn on log_all_netns"

	init_logs ini0 200
	check_err $? "a rejection in the initial netns was not logged"
	log_test "log_userns: the initial netns logs its rejections"
}

# test_ge CMD... N: the number CMD prints is at least N.
test_ge()
{
	local want=${*: -1} got

	got=$("${@:1:$#-1}") && ((got >= want))
}

log_global()
{
	local i n=4 pids=() pkts=() lines t0 el out max

	set_param log_all_netns 1 || { check_err 1 "cannot set log_all_netns"; log_test "log_global: setup"; return; }
	for ((i = 1; i <= n; i++)); do
		if ! userns_net || ! link_to "uns$i" "$i" nsenter -t "$USERNS_PID" -n; then
			check_err 1 "cannot build namespace $i"
			log_test "log_global: setup"
			return
		fi
		pids+=("$USERNS_PID")
		out=$(cli_userns "$USERNS_PID" set log all 2>&1)
		check_err $? "cannot set log all in namespace $i: $out"
	done
	link_to ini1 201 || { check_err 1 "cannot link the initial netns"; log_test "log_global: setup"; return; }
	init_log_all

	# Built first, then sent round robin by one process: well inside one
	# 5 s window even on a slow guest.
	for ((i = 1; i <= n; i++)); do
		pkts+=("10.99.$i.2=$(forge_hex "$i")") || break
	done
	now_ms; t0=$NOW_MS
	ip netns exec "$P" "$PYTHON" "$SELFTESTS_DIR/raw_rounds.py" 12 "${pkts[@]}"
	check_err $? "cannot send the errors"
	now_ms; el=$((NOW_MS - t0))
	for ((i = 1; i <= n; i++)); do
		busywait 5000 test_ge no_flow_userns "${pids[i - 1]}" 12 >/dev/null
		check_err $? "namespace $i counted $(no_flow_userns "${pids[i - 1]}") of 12 rejections"
	done
	lines=$(kmsg_count "frag-needed from $ICMP_SRC dev uns[1-9] ")
	log_info "$((n * 12)) rejections in $n namespaces in $el ms: $lines lines logged"
	# 10 lines per 5 s window the errors touched, at most one already open.
	max=$((10 * (el / 5000 + 2)))
	((max < n * 10))
	check_err $? "the errors took $el ms: too long to tell the shared limit from each namespace's own"
	((lines >= 1 && lines <= max))
	check_err $? "$lines lines from $n namespaces (want 1..$max; each one's own limit allows 10)"
	log_test "log_global: log_all_netns=1: $n namespaces x 12 rejections, at most 10 lines per 5 s in all"

	init_logs ini1 201
	check_err $? "a rejection in the initial netns was not logged after the others' burst"
	log_test "log_global: the initial netns still logs"
}

# gen_mss N [FIRST]: N "mss add" lines for distinct /32s.
gen_mss()
{
	awk -v n="$1" -v f="${2:-0}" 'BEGIN {
		for (i = f; i < f + n; i++)
			printf "mss add 10.%d.%d.%d/32 1300\n", 100 + int(i / 65536), int(i / 256) % 256, i % 256
	}'
}

mss_count_userns()
{
	local out

	out=$(cli_userns "$1" mss show) || return 1
	[[ -z $out ]] && { echo 0; return; }
	wc -l <<<"$out"
}

rules_cap()
{
	local out rc n before after T=''

	[[ $(<"$PARAMS/userns_mss_rules") == 4096 ]]
	check_err $? "userns_mss_rules defaults to $(<"$PARAMS/userns_mss_rules"), not 4096"
	set_param userns_mss_rules 16 || check_err 1 "cannot set userns_mss_rules"
	if ! userns_net; then
		check_err 1 "cannot make the user namespace"
		log_test "rules_cap: setup"
		return
	fi
	lib_tmpdir
	gen_mss 16 >"$LIB_TMPDIR/16.conf"
	out=$(cli_userns "$USERNS_PID" apply - <"$LIB_TMPDIR/16.conf" 2>&1)
	check_err $? "16 rules were refused: $out"
	n=$(mss_count_userns "$USERNS_PID")
	((n == 16))
	check_err $? "$n rules after adding 16"
	log_test "rules_cap: userns_mss_rules=16: a user namespace's netns holds 16 rules"

	before=$(cli_userns "$USERNS_PID" mss show)
	out=$(cli_userns "$USERNS_PID" mss add 10.200.0.0/16 1300 2>&1)
	rc=$?
	log_info "17th rule: exit $rc: $out"
	((rc != 0))
	check_err $? "the 17th rule was accepted"
	[[ $out == *"unprivileged user namespace"*"userns_mss_rules"* ]]
	check_err $? "the error does not name the limit: $out"
	after=$(cli_userns "$USERNS_PID" mss show)
	[[ $after == "$before" ]]
	check_err $? "the rules changed after a refused add"
	log_test "rules_cap: the 17th fails with a message naming userns_mss_rules, nothing changes"

	gen_mss 17 >"$LIB_TMPDIR/17.conf"
	out=$(cli_userns "$USERNS_PID" apply - <"$LIB_TMPDIR/17.conf" 2>&1)
	rc=$?
	log_info "apply of 17 rules: exit $rc: ${out//$'\n'/ | }"
	((rc != 0))
	check_err $? "a file of 17 rules was applied"
	after=$(cli_userns "$USERNS_PID" mss show)
	[[ $after == "$before" ]]
	check_err $? "the rules changed after a refused apply"
	log_test "rules_cap: a file of 17 rules is refused, the 16 stay"

	cli_userns "$USERNS_PID" mss del 10.100.0.1/32 &&
		cli_userns "$USERNS_PID" mss add 10.200.0.0/16 1300
	check_err $? "delete one, add another at the cap failed"
	log_test "rules_cap: at the cap, a rule can be deleted and another added"

	set_param_raw userns_mss_rules 32
	gen_mss 32 >"$LIB_TMPDIR/32.conf"
	out=$(cli_userns "$USERNS_PID" apply - <"$LIB_TMPDIR/32.conf" 2>&1)
	check_err $? "userns_mss_rules=32 does not apply at once: $out"
	n=$(mss_count_userns "$USERNS_PID")
	((n == 32))
	check_err $? "$n rules, not 32"
	log_test "rules_cap: a higher userns_mss_rules applies at once"

	setup_ns T || { check_err 1 "cannot create a namespace"; log_test "rules_cap: initial user namespace"; return; }
	gen_mss 100 >"$LIB_TMPDIR/100.conf"
	out=$(pmtufix "$T" apply "$LIB_TMPDIR/100.conf" 2>&1)
	check_err $? "a namespace of the initial user namespace was capped: $out"
	n=$(pmtufix "$T" mss show | wc -l)
	((n == 100))
	check_err $? "$n rules, not 100"
	log_test "rules_cap: a netns of the initial user namespace holds 100 (not capped)"
}

nfqueue()
{
	local S='' out before after pid lines=0 n=20

	setup_ns S || { check_err 1 "cannot create a namespace"; log_test "nfqueue: setup"; return; }
	USERNS_PID=
	if ! ip -n "$P" link add pnfq type veth peer name nfq0 netns "$S" ||
	   ! link_to_ns "$S" || ! ip netns exec "$S" nft -f - <<-EOF; then
		table ip pmtufix_nfq {
			chain pre {
				type filter hook prerouting priority raw;
				icmp type destination-unreachable queue num 7
			}
		}
	EOF
		check_err 1 "cannot set up the queue"
		log_test "nfqueue: setup"
		return
	fi
	lib_tmpdir
	ns_spawn "$S" "$LIB_TMPDIR/nfq.log" "$PYTHON" "$SELFTESTS_DIR/nfq_accept.py" \
		--queue 7 --count "$n" --timeout 60
	pid=$SPAWNED_PID
	busywait 10000 grep -q ready "$LIB_TMPDIR/nfq.log"
	check_err $? "the queue reader did not start: $(<"$LIB_TMPDIR/nfq.log")"
	pmtufix_stats "$S"
	before=${PMTUFIX_STATS[no_flow]:-0}
	lines=$(kmsg_count "using smp_processor_id\(\) in preemptible")

	forge 210 "$n" >/dev/null
	check_err $? "cannot send the errors"
	wait "$pid"
	check_err $? "the reader did not give back $n packets: $(<"$LIB_TMPDIR/nfq.log")"
	pmtufix_stats "$S"
	after=${PMTUFIX_STATS[no_flow]:-0}
	log_info "no_flow $before -> $after; reader: $(tail -n 1 "$LIB_TMPDIR/nfq.log")"
	((after - before == n))
	check_err $? "counted $((after - before)) of $n errors given back by the queue"
	log_test "nfqueue: $n errors given back by an NFQUEUE reader are each counted once"

	(($(kmsg_count "using smp_processor_id\(\) in preemptible") == lines))
	check_err $? "the kernel reports a per-CPU access from preemptible context"
	log_test "nfqueue: no per-CPU access from preemptible context reported"
}

# link_to_ns S: the veth pnfq ($P, 10.99.210.1) - nfq0 (S, 10.99.210.2), as link_to.
link_to_ns()
{
	ip -n "$P" addr add 10.99.210.1/24 dev pnfq &&
		ip -n "$P" link set pnfq up &&
		ip -n "$1" -batch - <<-EOF &&
			link set nfq0 up
			addr add 10.99.210.2/24 dev nfq0
			link add dnfq0 type dummy
			link set dnfq0 up
			route add ${ICMP_SRC%.*}.0/24 dev dnfq0
		EOF
		ns_sysctl "$1" net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.nfq0.rp_filter=1
}

# probe SECONDS: a real-time task on CPU 0 that wakes every millisecond;
# prints the longest it waited for the CPU, in ms.
probe()
{
	"$PYTHON" "$SELFTESTS_DIR/rt_wakeups.py" "$1"
}

# preemptions CMD...: run CMD on CPU 0; print its exit status and how often it
# was preempted. In the kernel that happens only where the code yields: a
# flush is one system call.
preemptions()
{
	"$PYTHON" "$SELFTESTS_DIR/preemptions.py" taskset -c 0 "$@"
}

flush()
{
	local T='' el pid gap rc base nivcsw

	# Adding half a million rules takes most of the debug kernel's time
	# budget, and what is measured is scheduling, not memory safety: the
	# cloud kernels' legs run it.
	if ((${PMTUFIX_SLOW:-1} > 1)); then
		log_test_skip "flush: $MSS_FLUSH_RULES rules yield the CPU" \
			"a scheduling property; not on a slow (debug) kernel"
		return
	fi
	setup_ns T || { check_err 1 "cannot create a namespace"; log_test "flush: setup"; return; }
	lib_tmpdir
	gen_mss "$MSS_FLUSH_RULES" >"$LIB_TMPDIR/flush.conf"
	now_ms; el=$NOW_MS
	pmtufix "$T" apply "$LIB_TMPDIR/flush.conf" >/dev/null
	check_err $? "cannot add $MSS_FLUSH_RULES rules"
	now_ms; log_info "$MSS_FLUSH_RULES rules added in $((NOW_MS - el)) ms"

	probe 12 >"$LIB_TMPDIR/probe.out" &
	pid=$!
	defer __kill_wait "$pid"
	busywait 10000 grep -q ready "$LIB_TMPDIR/probe.out"
	check_err $? "the probe did not start"
	lib_sleep 1
	# What the CLI alone gives the probe (its user space time), then the flush.
	read -r rc base < <(preemptions "$PMTUFIX_CLI" -n "$T" --backend module show)
	now_ms; el=$NOW_MS
	read -r rc nivcsw < <(preemptions "$PMTUFIX_CLI" -n "$T" --backend module mss flush)
	now_ms; el=$((NOW_MS - el))
	((rc == 0))
	check_err $? "mss flush failed"
	wait "$pid"
	gap=$(tail -n 1 "$LIB_TMPDIR/probe.out")
	log_info "$MSS_FLUSH_RULES rules flushed in $el ms: preempted $nivcsw times (the CLI alone: $base); a real-time task on that CPU waited at most $gap ms"
	((nivcsw - base >= 150))
	check_err $? "the flush let a real-time task waking every ms in only $nivcsw times ($base without a flush)"
	log_test "flush: $MSS_FLUSH_RULES rules flushed, yielding to a waiting real-time task"
}

tests_parse_args "$@"

require_root
require_cmd ip nft setpriv unshare nsenter taskset dmesg awk "$PYTHON" insmod rmmod
require_pmtufix
log_info "kernel $(uname -r)"

must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load
must_setup "peer namespace" "cannot create the peer namespace" setup_ns P
ns_sysctl "$P" net.ipv4.ip_forward=0 >/dev/null

tests_run

ksft_finish
