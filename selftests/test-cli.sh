#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2153,SC2119 # cases run through $tests; XFER_OUT from topo.sh
#
# test-cli.sh - the pmtufix CLI against the loaded module, in network
# namespaces of its own. Runs in a VM (loads build/<release>/pmtufix.ko).
#
# golden        show, show -j, stats, stats -j and save of a new namespace are
#               golden/cli-*.txt|json (the module version replaced by VERSION)
# set_show      every setting, one by one and together, as show and save print it
# bad_input     every wrong command line exits 2 with a message and changes nothing
# apply_atomic  a file with a bad line in the middle: exit 2, each bad line named
#               FILE:LINE, nothing applied
# round_trip    save | apply - rebuilds a configuration in another namespace
# netns         -n NAME and -n /proc/PID/ns/net act on that namespace only
# unprivileged  nobody reads, but every change is refused (exit 1), nothing changes
# monitor       monitor and monitor -j print the rescue of the seed scenario as it
#               happens (topo.sh); stats count it, stats reset clears it; SIGTERM
#               ends monitor with status 0
# not_loaded    after rmmod: "module is not loaded", exit 1; a running monitor ends
#
# Usage: test-cli.sh [-t "case ..."] [-v]
#   PMTUFIX_GOLDEN_DIFF=0 hides the diff of a golden mismatch

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

GOLDEN=$SELFTESTS_DIR/golden
XFER_PORT=5001

tests="
	golden		show, stats and save of a new namespace, text and JSON
	set_show	settings as show and save print them
	bad_input	wrong command lines: exit 2, a message, nothing changed
	apply_atomic	a bad line in the middle of a file: nothing applied
	round_trip	save | apply - in another namespace
	netns		-n NAME and -n /proc/PID/ns/net
	unprivileged	an ordinary user reads but cannot change
	monitor		monitor shows a rescue as it happens; stats count it
	not_loaded	the CLI without the module"

# Output of the CLI in $OUT, its standard error in $ERR, its status in $RC.
OUT='' ERR='' RC=0
# in_other_netns PID: PID has left our network namespace (for busywait,
# which runs it anew each try).
in_other_netns() { [[ $(readlink "/proc/$1/ns/net") != "$(readlink /proc/self/ns/net)" ]]; }

run()
{
	lib_tmpdir
	OUT=$("$PMTUFIX_CLI" "$@" 2>"$LIB_TMPDIR/stderr")
	RC=$?
	ERR=$(<"$LIB_TMPDIR/stderr")
	((VERBOSE)) && echo "# pmtufix $* -> $RC" >&2
	return "$RC"
}

# The module version is whatever was built: compared as a placeholder.
unversion()
{
	sed -E -e 's/^module: [0-9][0-9.]*$/module: VERSION/' \
	    -e 's/("module_version": *)"[^"]*"/\1"VERSION"/'
}

# golden_cmp NAME TEXT: TEXT must be golden/NAME.
golden_cmp()
{
	local name=$1 text=$2 diff

	if [[ ! -f $GOLDEN/$name ]]; then
		check_err 1 "no golden file $name"
		log_info "$name would be:" "$text"
		return
	fi
	diff=$(diff -u --label "golden/$name" --label output "$GOLDEN/$name" - <<<"$text")
	check_err $? "output differs from golden/$name"
	[[ -n $diff && ${PMTUFIX_GOLDEN_DIFF:-1} != 0 ]] && log_info "$diff"
}

golden()
{
	local a cmd

	setup_ns A || { check_err 1 "setup_ns"; log_test "golden: setup"; return; }
	for a in "show:cli-show.txt" "-j show:cli-show.json" "stats:cli-stats.txt" \
		 "-j stats:cli-stats.json" "save:cli-save.txt" "-p show:cli-show-pretty.json"; do
		cmd=${a%%:*}
		# shellcheck disable=SC2086 # options and command are words
		run -n "$A" $cmd
		check_err "$RC" "pmtufix $cmd: exit $RC: $ERR"
		[[ -z $ERR ]]
		check_err $? "pmtufix $cmd wrote to stderr: $ERR"
		golden_cmp "${a#*:}" "$(unversion <<<"$OUT")"
		log_test "golden: pmtufix $cmd of a new namespace is golden/${a#*:}"
	done
}

# expect_save NS TEXT [WHAT]: pmtufix save in NS prints TEXT.
expect_save()
{
	run -n "$1" save
	check_err "$RC" "save: exit $RC: $ERR"
	[[ $OUT == "$2" ]]
	check_err $? "${3:+$3: }save prints '$OUT', not '$2'"
}

set_show()
{
	local -a steps=(
		"rescue off|set rescue off log rescue floor auto|rescue: off"
		"log all|set rescue off log all floor auto|log: all"
		"log none|set rescue off log none floor auto|log: none"
		"floor 68|set rescue off log none floor 68|floor: 68"
		"floor 65535|set rescue off log none floor 65535|floor: 65535"
		"floor auto|set rescue off log none floor auto|floor: auto (552)"
		"rescue on log rescue floor 1400|set rescue on log rescue floor 1400|floor: 1400"
	)
	local s args want line

	setup_ns A || { check_err 1 "setup_ns"; log_test "set_show: setup"; return; }
	for s in "${steps[@]}"; do
		IFS='|' read -r args want line <<<"$s"
		# shellcheck disable=SC2086
		run -n "$A" set $args
		check_err "$RC" "set $args: exit $RC: $ERR"
		[[ -z $OUT && -z $ERR ]]
		check_err $? "set $args printed '$OUT' '$ERR'"
		expect_save "$A" "$want" "after set $args"
		run -n "$A" show
		grep -qxF "$line" <<<"$OUT"
		check_err $? "after set $args, show has no line '$line': $OUT"
		log_test "set_show: set $args"
	done

	# JSON says the same, with the floor in force.
	run -n "$A" -j show
	[[ $OUT == *'"rescue":true,"log":"rescue","floor":1400,"floor_effective":1400,'* ]]
	check_err $? "show -j: $OUT"
	ns_sysctl "$A" net.ipv4.route.min_pmtu=1000
	run -n "$A" set floor auto
	run -n "$A" -j show
	[[ $OUT == *'"floor":0,"floor_effective":1000,'* ]]
	check_err $? "show -j after min_pmtu 1000: $OUT"
	run -n "$A" show
	grep -qxF "floor: auto (1000)" <<<"$OUT"
	check_err $? "show after min_pmtu 1000: $OUT"
	log_test "set_show: floor auto follows net.ipv4.route.min_pmtu (JSON and text)"
}

bad_input()
{
	local -a bad=(
		""			# "pmtufix" alone is show: not bad, see below
		"set"
		"set rescue"
		"set rescue maybe"
		"set rescue ON"
		"set resc on"
		"set log verbose"
		"set log 2"
		"set floor 67"
		"set floor 1"
		"set floor 65536"
		"set floor -1"
		"set floor 1e3"
		"set floor 0x100"
		"set floor auto floor 1400"
		"set rescue off colour blue"
		"set mark 0x2000/0x2000"
		"bogus"
		"sho"
		"show extra"
		"stats bogus"
		"stats reset now"
		"save extra"
		"apply"
		"apply a b"
		"monitor extra"
		"-x show"
		"--no-such-option show"
		"-b bogus show"
	)
	local before args

	setup_ns A || { check_err 1 "setup_ns"; log_test "bad_input: setup"; return; }
	run -n "$A" set rescue off log all floor 1280
	check_err "$RC" "set: $ERR"
	run -n "$A" save
	before=$OUT
	for args in "${bad[@]:1}"; do
		# shellcheck disable=SC2086
		run -n "$A" $args
		[[ $RC == 2 ]]
		check_err $? "'pmtufix $args' exits $RC, not 2"
		[[ $ERR == pmtufix:* ]]
		check_err $? "'pmtufix $args': no 'pmtufix: ...' message on stderr: '$ERR'"
		[[ -z $OUT ]]
		check_err $? "'pmtufix $args' printed '$OUT' on stdout"
		((VERBOSE)) && log_info "pmtufix $args: ${ERR%%$'\n'*}"
	done
	run -n ""
	[[ $RC == 2 && $ERR == pmtufix:* ]]
	check_err $? "'pmtufix -n \"\"' exits $RC: $ERR"
	run -n "$A"
	[[ $RC == 0 && $OUT == *"rescue: off"* ]]
	check_err $? "'pmtufix' alone is show: exit $RC, '$OUT'"
	expect_save "$A" "$before" "after the bad command lines"
	log_test "bad_input: $((${#bad[@]} - 1)) wrong command lines exit 2 with a message, change nothing"

	# Wrong values the kernel would refuse never reach it either, and a
	# namespace that does not exist is a failure, not a usage error.
	run -n "pmtufix-no-such-netns-$$" show
	[[ $RC == 1 && $ERR == *"cannot open network namespace"* ]]
	check_err $? "-n of a missing namespace: exit $RC: $ERR"
	lib_tmpdir
	run -n "$A" apply "$LIB_TMPDIR/no-such-file"
	[[ $RC == 1 && $ERR == *"no-such-file"* ]]
	check_err $? "apply of a missing file: exit $RC: $ERR"
	expect_save "$A" "$before" "after the failures"
	log_test "bad_input: a missing namespace or file exits 1 with a message"
}

apply_atomic()
{
	local before file

	setup_ns A || { check_err 1 "setup_ns"; log_test "apply_atomic: setup"; return; }
	lib_tmpdir
	file=$LIB_TMPDIR/bad.conf
	cat >"$file" <<-EOF
		# settings first, then rules
		set rescue off log all
		set floor 1280
		set floor 67
		mss add 10.10.20.0/24 1400 dir to
		set colour blue
		mss add 10.10.20.1/24 1400
	EOF
	run -n "$A" save
	before=$OUT
	run -n "$A" apply "$file"
	[[ $RC == 2 ]]
	check_err $? "apply of a bad file exits $RC, not 2"
	grep -q "$file:4:" <<<"$ERR"
	check_err $? "line 4 (floor 67) not named: $ERR"
	grep -q "$file:6:" <<<"$ERR"
	check_err $? "line 6 (unknown setting) not named: $ERR"
	grep -q "$file:7:" <<<"$ERR"
	check_err $? "line 7 (host bits set) not named: $ERR"
	grep -qE "$file:(2|3|5):" <<<"$ERR"
	check_fail $? "a good line reported: $ERR"
	grep -q "nothing was applied" <<<"$ERR"
	check_err $? "does not say that nothing was applied: $ERR"
	expect_save "$A" "$before" "after the bad file"
	log_test "apply_atomic: bad lines 4, 6, 7 of 7 named, exit 2, nothing applied"

	# The same from standard input.
	run -n "$A" apply - <"$file"
	[[ $RC == 2 && $ERR == *"stdin:4:"* ]]
	check_err $? "apply - exits $RC: $ERR"
	expect_save "$A" "$before" "after the bad standard input"
	log_test "apply_atomic: the same file on standard input"

	# Without the bad lines it applies, and settings it does not name stay.
	run -n "$A" set log none
	printf 'set floor 1280  # a comment\n\n   \nset rescue off\n' >"$file"
	run -n "$A" apply "$file"
	check_err "$RC" "apply of a good file: exit $RC: $ERR"
	expect_save "$A" "set rescue off log none floor 1280" "after a good file"
	log_test "apply_atomic: a good file applies; a setting it does not name stays"
}

round_trip()
{
	local saved

	setup_ns A B || { check_err 1 "setup_ns"; log_test "round_trip: setup"; return; }
	run -n "$A" set rescue off log all floor 1400
	check_err "$RC" "set: $ERR"
	run -n "$A" save
	saved=$OUT
	"$PMTUFIX_CLI" -n "$A" save | "$PMTUFIX_CLI" -n "$B" apply -
	check_err $? "save | apply - failed"
	expect_save "$B" "$saved" "the copy"
	run -n "$A" -j show
	local a_json=$OUT
	run -n "$B" -j show
	[[ $a_json == "$OUT" ]]
	check_err $? "show -j differs: '$a_json' vs '$OUT'"
	# And back: the defaults of a fresh namespace restore the first one.
	setup_ns C || check_err 1 "setup_ns"
	"$PMTUFIX_CLI" -n "$C" save | "$PMTUFIX_CLI" -n "$A" apply -
	check_err $? "save | apply - of the defaults failed"
	expect_save "$A" "set rescue on log rescue floor auto" "defaults applied"
	log_test "round_trip: pmtufix save | pmtufix apply - copies a namespace's configuration"
}

netns()
{
	local pid

	setup_ns A B || { check_err 1 "setup_ns"; log_test "netns: setup"; return; }
	run -n "$A" set log all
	check_err "$RC" "set in A: $ERR"
	expect_save "$B" "set rescue on log rescue floor auto" "B"
	expect_save "$A" "set rescue on log all floor auto" "A"
	run -n "$A" show
	local by_name=$OUT
	OUT=$(ip netns exec "$A" "$PMTUFIX_CLI" show)
	[[ $OUT == "$by_name" ]]
	check_err $? "-n A differs from ip netns exec A: '$by_name' vs '$OUT'"
	log_test "netns: -n NAME acts on that namespace only, as ip netns exec does"

	ns_spawn "$B" /dev/null sleep 60
	pid=$SPAWNED_PID
	busywait 2000 in_other_netns "$pid"
	run -n "/proc/$pid/ns/net" set floor 1500
	check_err "$RC" "set through /proc/$pid/ns/net: $ERR"
	expect_save "$B" "set rescue on log rescue floor 1500" "B by path"
	expect_save "$A" "set rescue on log all floor auto" "A untouched"
	log_test "netns: -n /proc/PID/ns/net"
}

unprivileged()
{
	local before

	require_nobody || { log_test_skip "unprivileged" "no setpriv"; return; }
	run save
	before=$OUT
	as_nobody show >/dev/null
	check_err $? "show as nobody failed"
	OUT=$(as_nobody -j stats)
	check_err $? "stats as nobody failed"
	for args in "set rescue off" "set floor 1400" "stats reset" "apply -"; do
		# shellcheck disable=SC2086
		ERR=$(as_nobody $args 2>&1 <<<"set log none")
		RC=$?
		[[ $RC == 1 && $ERR == *CAP_NET_ADMIN* ]]
		check_err $? "'$args' as nobody: exit $RC: $ERR"
	done
	run save
	[[ $OUT == "$before" ]]
	check_err $? "the initial namespace changed: '$before' -> '$OUT'"
	log_test "unprivileged: nobody reads; set, stats reset and apply exit 1 (CAP_NET_ADMIN)"

	ERR=$(timeout 5 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$PMTUFIX_CLI" monitor 2>&1)
	RC=$?
	[[ $RC == 1 && $ERR == *CAP_NET_ADMIN* ]]
	check_err $? "monitor as nobody: exit $RC: $ERR"
	log_test "unprivileged: monitor needs CAP_NET_ADMIN (events name flows)"
}

require_nobody()
{
	command -v setpriv >/dev/null
}

as_nobody()
{
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$PMTUFIX_CLI" "$@"
}

# One forged frag-needed toward the server that the module rejects (no such
# flow): an event; true once every monitor log given has a line.
poke_monitor()
{
	local log

	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$RTR" --src "$RTR_MGMT_IP" \
		--dst "$SRV_IP" --mtu 1500 --inner-src "$SRV_IP" --inner-dst "$CLI_IP" \
		--proto tcp --sport 1 --dport 1 --seq 1 >/dev/null 2>&1
	for log; do
		[[ -s $log ]] || return 1
	done
}

monitor()
{
	local json text mon_json mon_text line rc

	if ! topo_seed rpf=1 mgmt_src=1; then
		check_err 1 "cannot build the topology"
		log_test "monitor: setup"
		return
	fi
	lib_tmpdir
	json=$LIB_TMPDIR/monitor.json
	text=$LIB_TMPDIR/monitor.txt
	ns_spawn "$SRV" "$json" "$PMTUFIX_CLI" -j monitor
	mon_json=$SPAWNED_PID
	ns_spawn "$SRV" "$text" "$PMTUFIX_CLI" monitor
	mon_text=$SPAWNED_PID
	# Both listen once a rejection reaches both.
	if ! slowwait 30 poke_monitor "$json" "$text"; then
		check_err 1 "the monitors print nothing for forged errors"
		log_test "monitor: monitors listen"
		return
	fi
	line=$(head -n 1 "$json")
	[[ $line =~ ^\{\"reason\":\"no_flow\",\"ifindex\":[0-9]+,\"ifname\":\"eth1\",\"icmp_saddr\":\"172\.20\.20\.2\",\"mtu\":1500,\"proto\":\"tcp\",\"saddr\":\"10\.10\.10\.10\",\"sport\":1,\"daddr\":\"10\.10\.20\.20\",\"dport\":1\}$ ]]
	check_err $? "JSON of a rejection: $line"
	line=$(head -n 1 "$text")
	[[ $line == "no-flow dev eth1 from 172.20.20.2 mtu 1500 tcp 10.10.10.10:1 -> 10.10.20.20:1" ]]
	check_err $? "text of a rejection: $line"
	log_test "monitor: a rejected frag-needed, text and JSON"

	xfer "$SRV" "$CLI" "$SRV_IP" 20 --bytes 65536 --sender listener --port "$XFER_PORT"
	check_err $? "the transfer stalls with the module loaded: $XFER_OUT"
	busywait 5000 grep -q '"reason":"rescued"' "$json" >/dev/null
	line=$(grep -m1 '"reason":"rescued"' "$json")
	log_info "monitor -j: $line"
	[[ $line =~ ^\{\"reason\":\"rescued\",\"ifindex\":[0-9]+,\"ifname\":\"eth1\",\"icmp_saddr\":\"172\.20\.20\.2\",\"mtu\":1500,\"proto\":\"tcp\",\"saddr\":\"10\.10\.10\.10\",\"sport\":$XFER_PORT,\"daddr\":\"10\.10\.20\.20\",\"dport\":[0-9]+\}$ ]]
	check_err $? "no JSON line of the rescue: $(head -c 600 "$json")"
	log_test "monitor: monitor -j prints the rescue of the seed transfer"

	line=$(grep -m1 '^rescued ' "$text")
	log_info "monitor: $line"
	[[ $line =~ ^rescued\ dev\ eth1\ from\ 172\.20\.20\.2\ mtu\ 1500\ tcp\ 10\.10\.10\.10:$XFER_PORT\ -\>\ 10\.10\.20\.20:[0-9]+$ ]]
	check_err $? "no text line of the rescue: $(head -c 600 "$text")"
	log_test "monitor: monitor prints it as one line"

	pmtufix_stats "$SRV"
	((${PMTUFIX_STATS[rescued]:-0} >= 1))
	check_err $? "stats: rescued ${PMTUFIX_STATS[rescued]:-none}"
	run -n "$SRV" stats reset
	check_err "$RC" "stats reset: $ERR"
	pmtufix_stats "$SRV"
	local k sum=0
	for k in "${!PMTUFIX_STATS[@]}"; do
		((sum += ${PMTUFIX_STATS[$k]}))
	done
	((sum == 0))
	check_err $? "counters after stats reset: $(pmtufix "$SRV" -j stats)"
	log_test "monitor: stats counts the rescue, stats reset clears every counter"

	for pid in "$mon_json" "$mon_text"; do
		kill -TERM "$pid"
		wait "$pid"
		rc=$?
		((rc == 0))
		check_err $? "monitor ended with status $rc on SIGTERM"
	done
	log_test "monitor: SIGTERM ends monitor with status 0"
}

not_loaded()
{
	local mon_pid mon_rc

	lib_tmpdir
	"$PMTUFIX_CLI" -b module monitor >"$LIB_TMPDIR/mon.out" 2>"$LIB_TMPDIR/mon.err" &
	mon_pid=$!
	# Joined: its generic netlink socket (protocol 16) lists groups.
	busywait 5000 awk -v p="$mon_pid" '$2 == 16 && $3 == p && $4 != "00000000" { f = 1 } END { exit !f }' \
		/proc/net/netlink >/dev/null
	check_err $? "monitor did not join its groups"
	pmtufix_unload
	check_err $? "rmmod failed"
	busywait 5000 sh -c "! kill -0 $mon_pid 2>/dev/null" >/dev/null
	check_err $? "monitor still runs after rmmod"
	kill "$mon_pid" 2>/dev/null
	wait "$mon_pid"
	mon_rc=$?
	[[ $mon_rc == 1 ]] && grep -q "module was unloaded" "$LIB_TMPDIR/mon.err"
	check_err $? "monitor on rmmod: exit $mon_rc: $(<"$LIB_TMPDIR/mon.err")"
	log_test "not_loaded: monitor ends with status 1 when the module is unloaded"

	run -b module show
	[[ $RC == 1 && $ERR == *"module is not loaded"* ]]
	check_err $? "show without the module: exit $RC: $ERR"
	[[ -z $OUT ]]
	check_err $? "show without the module printed '$OUT'"
	run -b module set rescue off
	[[ $RC == 1 && $ERR == *"module is not loaded"* ]]
	check_err $? "set without the module: exit $RC: $ERR"
	run -b module set rescue maybe
	[[ $RC == 2 ]]
	check_err $? "a usage error is still exit 2 without the module: exit $RC"
	log_test "not_loaded: 'module is not loaded', exit 1"
}

tests_parse_args "$@"

require_root
require_cmd ip "$PYTHON" insmod rmmod
[[ -x $PMTUFIX_CLI ]] || ksft_skip_all "no $PMTUFIX_CLI: run 'make cli'"
[[ -f $PMTUFIX_KO ]] || ksft_skip_all "no $PMTUFIX_KO: run 'make module KVER=$(uname -r)'"
pmtufix_load || ksft_skip_all "cannot load $PMTUFIX_KO"
log_info "kernel $(uname -r), module $(</sys/module/pmtufix/version)"

tests_run

ksft_finish
