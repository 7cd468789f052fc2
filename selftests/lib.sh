#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - shared library of the pmtufix selftests (bash; source it, do not run).
#
# In the spirit of the kernel's tools/testing/selftests/net/lib.sh, with TAP
# output and few process spawns (each costs 0.1-0.2 s in a TCG guest).
#
# Results (TAP 13; "TAP version 13" is printed when this file is sourced)
#   RET, retmsg              per test point status: 0 = pass so far; reset by log_test
#   check_err RC MSG         fail the current test point if RC != 0
#   check_fail RC MSG        fail the current test point if RC == 0
#   log_test NAME            print "ok N NAME" or "not ok N NAME" (+ "# retmsg"), reset RET
#   log_test_skip NAME WHY   print "ok N NAME # SKIP WHY"
#   log_info MSG...          print "# MSG" (diagnostic line)
#   ksft_finish              print plan, "# Totals: ..." and "N passed, N failed",
#                            exit 0 (all passed), 1 (any failed) or 4 (nothing run)
#   ksft_skip_all WHY        print "1..0 # SKIP WHY" and exit 4
#   require_root, require_cmd CMD...   skip everything (exit 4) when not met
#
# Cleanup (run in reverse order; all of it at exit, even on failure or ctrl-c)
#   defer CMD ARGS...        queue a command (arguments quoted as given)
#   defer_scope_push         open a scope (e.g. one test case)
#   defer_scope_pop          run and forget the commands queued since the push
#   Do not install your own EXIT trap: use defer.
#
# Namespaces
#   setup_ns [-L] VAR...     create one netns per VAR, named "<var>-pmtufix-<pid><rand>"
#                            (unique, parallel runs never collide), store the name in
#                            $VAR, bring lo up (not with -L: the caller's own
#                            "ip -batch" does), defer its deletion (its processes
#                            are killed first)
#   ns_exec NS CMD...        run CMD in NS; "ns_exec NS ip ..." becomes "ip -n NS ..."
#                            (one spawn; "ns_exec NS ip -batch - <<EOF" for many)
#   ns_sysctl NS KEY=VAL...  write sysctls through /proc/sys in NS, one spawn for all;
#                            KEY as for sysctl(8) (dots) or a path below /proc/sys;
#                            a leading '?' ignores keys the kernel does not have
#   ns_spawn NS LOG CMD...   start CMD in NS in the background, stdout+stderr to LOG;
#                            pid in $SPAWNED_PID; deferred kill (in the current scope).
#                            Like setup_ns, defer and lib_tmpdir: call it from the
#                            test's own shell, never inside $(...) or a pipe.
#   ns_netstat NS FIELD      print a counter of /proc/net/netstat or /proc/net/snmp
#                            in NS (e.g. IPReversePathFilter, InCsumErrors)
#   netstat_field FIELD      the same from standard input (a /proc/PID/net/netstat
#                            of a process in the namespace: no spawn), into
#                            $NETSTAT_VALUE; false if there is no such field
#   ns_route_mtu NS PEER [ARGS...]  print the mtu "ip route get PEER ARGS" shows
#                            in NS ("" = none); false if there is no route
#   tcp_listening NS PORT    true when a TCP socket listens on PORT in NS
#
# Waiting (instead of sleep)
#   busywait TIMEOUT_MS CMD...    rerun CMD every ~20 ms until it succeeds; prints its
#                                 last output, returns 1 on timeout
#   slowwait TIMEOUT_S CMD...     same, every 100 ms
#                                 (both wait PMTUFIX_SLOW times longer: 4 on the
#                                 debug kernel, where everything runs slower)
#   lib_sleep SECONDS             sleep without spawning a process
#
# Test tables (as the kernel's pmtu.sh): $tests holds "name<TAB>description"
# lines; each name is a function of the test file.
#   tests_parse_args "$@"    -t "case ..." chooses cases, -v is verbose, -h usage
#   must_setup NAME MSG CMD...  run CMD; if it fails, report "not ok NAME" with
#                            MSG and finish the test (what every case stands on)
#   tests_run [-s] [-b CMD]  runs the chosen cases in table order, logging each
#                            one's description and time, each in its own defer
#                            scope; -s: one scope for all (cases build on each
#                            other); -b CMD: run CMD at the start of every case
#
# Misc
#   lib_tmpdir               create (once) a private temp dir, path in $LIB_TMPDIR,
#                            removed at exit
#   now_ms                   milliseconds since the epoch in $NOW_MS (no spawn)
#   SELFTESTS_DIR            directory of this file
#   ksft_pass=0 ksft_fail=1 ksft_xfail=2 ksft_skip=4
#   VERBOSE=1                (environment) echo commands run through ns_exec
#
# The module and its CLI
#   PMTUFIX_KO, PMTUFIX_CLI  (environment) the module and the CLI to use; default
#                            build/<running kernel>/pmtufix.ko and build/bin/pmtufix
#   pmtufix_load [PARAM=VAL...]  insmod (after rmmod if loaded), deferred rmmod
#                            (in the current scope). PMTUFIX_SKIP_LOAD=1
#                            (environment) loads nothing: the rescue cases of a
#                            test must then fail
#   pmtufix_unload           rmmod if loaded
#   require_pmtufix          skip everything (exit 4) unless module and CLI are built
#   pmtufix_loaded           true when the module is loaded
#   pmtufix NS ARGS...       the CLI acting in NS on the module
#                            ("pmtufix -n NS --backend module ARGS"; PMTUFIX_BACKEND
#                            in the environment picks another backend): without
#                            the module the CLI must fail, not fall back to nft
#   pmtufix_mss_rule NS ARGS...  "pmtufix NS mss add ARGS" (a failure fails the test
#                            point), "mss flush" deferred in the current scope
#   pmtufix_stats NS         counters of NS (pmtufix -j stats) into the associative
#                            array PMTUFIX_STATS, keys as in the JSON (rescued,
#                            not_needed, ..., disabled, no_source_route)

[[ -n ${__PMTUFIX_LIB_SH-} ]] && return 0
__PMTUFIX_LIB_SH=1

ksft_pass=0
ksft_fail=1
ksft_xfail=2
ksft_skip=4

SELFTESTS_DIR=${BASH_SOURCE[0]%/*}
[[ $SELFTESTS_DIR == "${BASH_SOURCE[0]}" ]] && SELFTESTS_DIR=.
SELFTESTS_DIR=$(cd "$SELFTESTS_DIR" && pwd -P)

export LC_ALL=C
: "${VERBOSE:=0}"

##############################################################################
# Time and waiting

# Milliseconds since the epoch, in $NOW_MS (bash >= 5, no spawn).
now_ms()
{
	local t=${EPOCHREALTIME/[.,]/}

	NOW_MS=$((t / 1000))
}

__LIB_SLEEP_FD=
# lib_sleep SECONDS: read with a timeout on a pipe nobody writes to.
lib_sleep()
{
	if [[ -z $__LIB_SLEEP_FD ]]; then
		# No redirection on this exec: it would stay on the shell.
		exec {__LIB_SLEEP_FD}<> <(:) || __LIB_SLEEP_FD=none
	fi
	if [[ $__LIB_SLEEP_FD == none ]]; then
		sleep "$1"
	else
		read -r -t "$1" -u "$__LIB_SLEEP_FD" || true
	fi
}

__loopy_wait()
{
	local interval=$1; shift
	local timeout_ms=$(($1 * ${PMTUFIX_SLOW:-1})); shift
	local start out

	now_ms; start=$NOW_MS
	while :; do
		if out=$("$@"); then
			printf '%s' "$out"
			return 0
		fi
		now_ms
		if ((NOW_MS - start > timeout_ms)); then
			printf '%s' "$out"
			return 1
		fi
		lib_sleep "$interval"
	done
}

busywait()
{
	local timeout_ms=$1; shift

	__loopy_wait 0.02 "$timeout_ms" "$@"
}

slowwait()
{
	local timeout_s=$1; shift

	__loopy_wait 0.1 "$((timeout_s * 1000))" "$@"
}

##############################################################################
# Cleanup: a stack of deferred commands, with scopes

__DEFER_CMDS=()
__DEFER_SCOPES=()

defer()
{
	local cmd

	printf -v cmd '%q ' "$@"
	__DEFER_CMDS+=("$cmd")
}

__defer_run_to()
{
	local mark=$1
	local i

	for ((i = ${#__DEFER_CMDS[@]} - 1; i >= mark; i--)); do
		eval "${__DEFER_CMDS[i]}" || true
		unset '__DEFER_CMDS[i]'
	done
}

defer_scope_push()
{
	__DEFER_SCOPES+=("${#__DEFER_CMDS[@]}")
}

defer_scope_pop()
{
	local mark=0

	if ((${#__DEFER_SCOPES[@]})); then
		mark=${__DEFER_SCOPES[-1]}
		unset '__DEFER_SCOPES[-1]'
	fi
	__defer_run_to "$mark"
}

__lib_exit()
{
	local rc=$?

	trap - EXIT INT TERM HUP
	__defer_run_to 0
	[[ -n $LIB_TMPDIR ]] && rm -rf -- "$LIB_TMPDIR"
	exit "$rc"
}

trap __lib_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

LIB_TMPDIR=
lib_tmpdir()
{
	[[ -n $LIB_TMPDIR ]] && return 0
	LIB_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/pmtufix-test.XXXXXX")
}

##############################################################################
# Results in TAP

RET=0
retmsg=
__KSFT_NUM=0
__KSFT_PASS=0
__KSFT_FAIL=0
__KSFT_SKIP=0

echo "TAP version 13"

log_info()
{
	local line

	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<<"$*"
}

check_err()
{
	local rc=$1
	local msg=$2

	if ((RET == 0 && rc != 0)); then
		RET=$ksft_fail
		retmsg=$msg
	fi
}

check_fail()
{
	local rc=$1
	local msg=$2

	if ((RET == 0 && rc == 0)); then
		RET=$ksft_fail
		retmsg=$msg
	fi
}

log_test()
{
	local name=$1
	local rc=$RET

	__KSFT_NUM=$((__KSFT_NUM + 1))
	if ((rc == 0)); then
		__KSFT_PASS=$((__KSFT_PASS + 1))
		echo "ok $__KSFT_NUM $name"
	elif ((rc == ksft_skip)); then
		__KSFT_SKIP=$((__KSFT_SKIP + 1))
		echo "ok $__KSFT_NUM $name # SKIP $retmsg"
	else
		__KSFT_FAIL=$((__KSFT_FAIL + 1))
		echo "not ok $__KSFT_NUM $name"
		[[ -n $retmsg ]] && log_info "$retmsg"
	fi
	RET=0
	retmsg=
	return "$rc"
}

log_test_skip()
{
	RET=$ksft_skip
	retmsg=$2
	log_test "$1"
	return 0
}

ksft_finish()
{
	echo "1..$__KSFT_NUM"
	echo "# Totals: pass:$__KSFT_PASS fail:$__KSFT_FAIL xfail:0 xpass:0 skip:$__KSFT_SKIP error:0"
	echo "$__KSFT_PASS passed, $__KSFT_FAIL failed"
	if ((__KSFT_FAIL)); then
		exit "$ksft_fail"
	elif ((__KSFT_PASS == 0)); then
		exit "$ksft_skip"
	fi
	exit "$ksft_pass"
}

ksft_skip_all()
{
	echo "1..0 # SKIP $*"
	exit "$ksft_skip"
}

require_root()
{
	((EUID == 0)) || ksft_skip_all "must be run as root"
}

require_cmd()
{
	local c

	for c; do
		command -v "$c" >/dev/null || ksft_skip_all "'$c' not found"
	done
}

##############################################################################
# Network namespaces

__ns_kill_del()
{
	local ns=$1
	local pids

	pids=$(ip netns pids "$ns" 2>/dev/null)
	# shellcheck disable=SC2086 # one pid per word
	[[ -n $pids ]] && kill -KILL $pids 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}

setup_ns()
{
	local var name rand batch='' names=() lo_up=1

	if [[ $1 == -L ]]; then
		lo_up=0
		shift
	fi
	for var; do
		printf -v rand '%04x%04x' "$RANDOM" "$RANDOM"
		name="${var,,}-pmtufix-$$$rand"
		printf -v "$var" '%s' "$name"
		names+=("$name")
		batch+="netns add $name"$'\n'
	done
	if ! ip -batch - <<<"$batch"; then
		for name in "${names[@]}"; do
			ip netns del "$name" 2>/dev/null
		done
		return 1
	fi
	for name in "${names[@]}"; do
		defer __ns_kill_del "$name"
	done
	((lo_up)) || return 0
	for name in "${names[@]}"; do
		ip -n "$name" link set lo up || return 1
	done
}

ns_exec()
{
	local ns=$1; shift

	((VERBOSE)) && echo "# [${ns%%-*}] $*" >&2
	if [[ $1 == ip ]]; then
		shift
		ip -n "$ns" "$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

ns_sysctl()
{
	local ns=$1; shift
	local kv key val path script=

	for kv; do
		key=${kv%%=*}
		val=${kv#*=}
		if [[ $key == \?* ]]; then
			key=${key#\?}
			[[ $key == */* ]] || key=${key//.//}
			printf -v path '/proc/sys/%s' "$key"
			printf -v script '%s{ [ ! -e %q ] || echo %q > %q; } && ' \
				"$script" "$path" "$val" "$path"
		else
			[[ $key == */* ]] || key=${key//.//}
			printf -v path '/proc/sys/%s' "$key"
			printf -v script '%secho %q > %q && ' "$script" "$val" "$path"
		fi
	done
	((VERBOSE)) && echo "# [${ns%%-*}] sysctl $*" >&2
	ip netns exec "$ns" sh -c "$script :"
}

__kill_wait()
{
	kill "$1" 2>/dev/null && wait "$1" 2>/dev/null
	return 0
}

SPAWNED_PID=
ns_spawn()
{
	local ns=$1; shift
	local log=$1; shift

	((VERBOSE)) && echo "# [${ns%%-*}] $* &" >&2
	ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
	SPAWNED_PID=$!
	defer __kill_wait "$SPAWNED_PID"
}

# ns_spawn_ready NS LOG WORD CMD...: ns_spawn CMD with this directory on
# PYTHONPATH (the holders import flows.py) and wait, up to 10 s, for its first
# line of output to begin with WORD; the words after it in READY_ARGS. False
# if it exits or the time runs out first (the caller logs LOG).
ns_spawn_ready()
{
	local ns=$1 log=$2 want=$3 i

	shift 3
	READY_ARGS=()
	ns_spawn "$ns" "$log" env PYTHONPATH="$SELFTESTS_DIR${PYTHONPATH:+:$PYTHONPATH}" "$@"
	for ((i = 0; i < 200; i++)); do
		__spawned_ready "$log" "$want" && return 0
		kill -0 "$SPAWNED_PID" 2>/dev/null || break
		lib_sleep 0.05
	done
	__spawned_ready "$log" "$want"
}

__spawned_ready()
{
	local -a words

	[[ -s $1 ]] && read -r -a words <"$1" && [[ ${words[0]} == "$2" ]] ||
		return 1
	# shellcheck disable=SC2034 # for the caller of ns_spawn_ready
	READY_ARGS=("${words[@]:1}")
}

NETSTAT_VALUE=
netstat_field()
{
	local field=$1
	local -a names vals
	local rest i

	while read -r _ rest; do
		if ((${#names[@]} == 0)); then
			read -r -a names <<<"$rest"
			continue
		fi
		read -r -a vals <<<"$rest"
		for i in "${!names[@]}"; do
			if [[ ${names[i]} == "$field" ]]; then
				NETSTAT_VALUE=${vals[i]}
				return 0
			fi
		done
		names=()
	done
	return 1
}

ns_netstat()
{
	netstat_field "$2" < <(ip netns exec "$1" cat /proc/net/netstat /proc/net/snmp) &&
		echo "$NETSTAT_VALUE"
}

ns_route_mtu()
{
	local ns=$1 peer=$2 out

	shift 2
	out=$(ip -n "$ns" -o route get "$peer" "$@") || return 1
	[[ $out =~ [[:space:]]mtu[[:space:]]+([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
	return 0
}

tcp_listening()
{
	local out

	out=$(ss -N "$1" -Htln "sport = :$2") && [[ -n $out ]]
}

##############################################################################
# The module and its CLI

: "${PMTUFIX_SKIP_LOAD:=0}"
if [[ -z ${PMTUFIX_KO-} ]]; then
	read -r __lib_release </proc/sys/kernel/osrelease
	PMTUFIX_KO=$SELFTESTS_DIR/../build/$__lib_release/pmtufix.ko
fi
: "${PMTUFIX_CLI:=$SELFTESTS_DIR/../build/bin/pmtufix}"
: "${PMTUFIX_BACKEND:=module}"

pmtufix_loaded()
{
	[[ -d /sys/module/pmtufix ]]
}

pmtufix_unload()
{
	pmtufix_loaded || return 0
	rmmod pmtufix
}

pmtufix_load()
{
	if ((PMTUFIX_SKIP_LOAD)); then
		log_info "PMTUFIX_SKIP_LOAD=1: pmtufix is not loaded"
		return 0
	fi
	pmtufix_unload || return 1
	insmod "$PMTUFIX_KO" "$@" || return 1
	defer pmtufix_unload
}

pmtufix()
{
	local ns=$1; shift

	((VERBOSE)) && echo "# [${ns%%-*}] pmtufix $*" >&2
	"$PMTUFIX_CLI" -n "$ns" --backend "$PMTUFIX_BACKEND" "$@"
}

pmtufix_mss_rule()
{
	local ns=$1; shift
	local out

	if ! out=$(pmtufix "$ns" mss add "$@" 2>&1); then
		check_err 1 "mss add $* in ${ns%%-*}: $out"
		return 1
	fi
	defer pmtufix "$ns" mss flush
}

declare -A PMTUFIX_STATS=()
pmtufix_stats()
{
	local json re='"([a-z0-9_]+)":[[:space:]]*([0-9]+)'

	PMTUFIX_STATS=()
	if ! json=$(pmtufix "$1" -j stats 2>&1); then
		log_info "$json"
		return 1
	fi
	# The relay's counters are objects (relay_out, relay_in) whose keys
	# repeat the reasons': those become OBJECT.KEY, the rest stays plain.
	local nre='"([a-z0-9_]+)":[[:space:]]*\{([^{}]*)\}' obj inner
	while [[ $json =~ $nre ]]; do
		obj=${BASH_REMATCH[1]} inner=${BASH_REMATCH[2]}
		json=${json/"${BASH_REMATCH[0]}"/}
		while [[ $inner =~ $re ]]; do
			PMTUFIX_STATS[$obj.${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
			inner=${inner#*"${BASH_REMATCH[0]}"}
		done
	done
	while [[ $json =~ $re ]]; do
		PMTUFIX_STATS[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		json=${json#*"${BASH_REMATCH[0]}"}
	done
	((${#PMTUFIX_STATS[@]}))
}

##############################################################################
# Test tables

TESTS_CHOSEN=

tests_parse_args()
{
	local o OPTIND=1

	while getopts "t:vh" o; do
		case $o in
		t) TESTS_CHOSEN+=" $OPTARG" ;;
		v) VERBOSE=1 ;;
		*)
			echo "Usage: $0 [-t \"case ...\"] [-v]"
			echo "Cases:"
			printf '%s\n' "$tests"
			exit 1
			;;
		esac
	done
}

# Runs in the test's own shell: the cases set RET, counters and defers there.
tests_run()
{
	local shared=0 before='' o OPTIND=1 name desc t0

	while getopts "sb:" o; do
		case $o in
		s) shared=1 ;;
		b) before=$OPTARG ;;
		*) return 1 ;;
		esac
	done
	while IFS=$'\t' read -r name desc; do
		[[ -z $name ]] && continue
		[[ -n $TESTS_CHOSEN && " $TESTS_CHOSEN " != *" $name "* ]] && continue
		log_info "$name: $desc"
		now_ms; t0=$NOW_MS
		((shared)) || defer_scope_push
		[[ -n $before ]] && $before
		"$name"
		((shared)) || defer_scope_pop
		now_ms
		log_info "$name: $(( (NOW_MS - t0) / 1000 )).$(( (NOW_MS - t0) % 1000 / 100 )) s"
	done <<<"$tests"
}

must_setup()
{
	local name=$1 msg=$2
	shift 2

	"$@" && return 0
	check_err 1 "$msg"
	log_test "$name"
	ksft_finish
}

require_pmtufix()
{
	[[ -x $PMTUFIX_CLI ]] || ksft_skip_all "no $PMTUFIX_CLI: run 'make cli'"
	[[ -f $PMTUFIX_KO ]] || ksft_skip_all "no $PMTUFIX_KO: run 'make module'"
}
