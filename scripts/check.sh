#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [-k RELEASE|debug]... [TEST...]
#
# Everything `make check` runs: builds the module for every supported kernel
# and the CLI, runs the host-side tests (CLI unit tests, the netlink spec
# check and regenerated UAPI header, the scenarios that need no module on this
# machine's own kernel), then each selftest in a fresh VM per kernel, and, when
# asked, last on the debug kernel (built meanwhile in the background, or cached).
# Every test program speaks TAP; its `ok`/`not ok` lines are counted.
# A program that exits non-zero without a `not ok` line, or a guest whose
# kernel logged a splat, counts as one more failure. Ends with the line
# `N passed, N failed` and exits non-zero if anything failed.
# Without -k: every supported kernel; with PMTUFIX_DEBUG_LEG=1 the debug
# kernel too (scripts/debug-kernel.sh). -k debug: that one alone. The debug
# leg is not on by default yet: a cold build plus its tests do not fit in
# CI's hour beside the two cloud legs on 2 cores.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

kernels=() tests=() debug=0 given=0
while [ $# -gt 0 ]; do
	case $1 in
	-k) given=1; if [ "$2" = debug ]; then debug=1; else kernels+=("$2"); fi; shift 2 ;;
	-h|--help) sed -n '4,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) tests+=("$1"); shift ;;
	esac
done
if [ "$given" = 0 ]; then
	mapfile -t kernels < <(scripts/kernels.sh list)
	[ "${PMTUFIX_DEBUG_LEG:-0}" = 1 ] && debug=1
fi
# Tests run about 4 times slower on the debug kernel (KASAN, lockdep, TCG):
# their VM time limit is scaled (run.sh tells the guest: PMTUFIX_SLOW).
declare -A kdir=() slow=()
all_tests=0
if [ ${#tests[@]} -eq 0 ]; then
	all_tests=1
	# shellcheck disable=SC2016
	read -ra tests < <(make -s --no-print-directory -C selftests \
		--eval 'print-tests: ; @echo $(TEST_PROGS) $(TEST_GEN_PROGS)' print-tests)
fi

passed=0 failed=0 skipped=0
phases=()
logdir=$top/build/log
mkdir -p "$logdir"

now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
phase_start() { phase_name=$1; phase_t0=$(now); echo; echo "== $1"; }
phase_end() { phases+=("$(printf '%-44s %6s s' "$phase_name" "$(since "$phase_t0")")"); }

# Counts the TAP results in $1 (a log); $2 = the program's exit code; $3 = name.
tally() {
	local log=$1 rc=$2 name=$3 ok notok skip
	ok=$(grep -cE '^ok [0-9]+' "$log" | head -1)
	skip=$(grep -cE '^ok [0-9]+.*# *SKIP' "$log" | head -1)
	notok=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
	ok=$((ok - skip))
	if [ "$rc" -ne 0 ] && [ "$notok" -eq 0 ] && [ "$rc" -ne 4 ]; then
		echo "not ok - $name exited $rc without reporting a failed case"
		notok=1
	fi
	if [ "$rc" -eq 4 ] && [ "$ok" -eq 0 ] && [ "$notok" -eq 0 ]; then
		skip=$((skip + 1))
	fi
	passed=$((passed + ok)) failed=$((failed + notok)) skipped=$((skipped + skip))
	printf '# %s: %d passed, %d failed, %d skipped\n' "$name" "$ok" "$notok" "$skip"
}

# The debug kernel builds in the background at the lowest priority while the
# cloud legs run, taking the CPU their tests leave idle (waits for stalls and
# timeouts); its own phase then only waits for what is left.
if [ "$debug" = 1 ]; then
	dk_t0=$(now)
	NICE=0 nice -n 19 setsid scripts/debug-kernel.sh build >"$logdir/debug-kernel.dir" 2>"$logdir/debug-kernel.log" &
	dk_pid=$!
	# Its own session: an interrupted check stops the whole build with it
	# (the next run continues where it stopped).
	trap 'kill -- -"$dk_pid" 2>/dev/null' EXIT
	trap 'exit 130' INT TERM
fi

build_module() {	# $1 = release
	local k=$1 t0
	t0=$(now)
	if make -s --no-print-directory module KVER="$k" ${kdir[$k]:+KDIR="${kdir[$k]}"} >"$logdir/build-$k.log" 2>&1 &&
	   ! grep -qE 'warning:|error:' "$logdir/build-$k.log"; then
		printf 'ok - module builds warning-free for %s (%s s)\n' "$k" "$(since "$t0")"
		passed=$((passed + 1))
	else
		echo "not ok - module build for $k"; sed 's/^/#   /' "$logdir/build-$k.log"
		failed=$((failed + 1))
	fi
}

phase_start "build"
for k in "${kernels[@]}"; do build_module "$k"; done
if make -s --no-print-directory cli >"$logdir/build-cli.log" 2>&1; then
	echo "ok - CLI builds with -Wall -Wextra -Werror"; passed=$((passed + 1))
else
	echo "not ok - CLI build"; sed 's/^/#   /' "$logdir/build-cli.log"; failed=$((failed + 1))
fi
if make -s --no-print-directory -C selftests all certs >"$logdir/build-selftests.log" 2>&1; then
	echo "ok - selftest programs and TLS certificates"; passed=$((passed + 1))
else
	echo "not ok - selftest build"; sed 's/^/#   /' "$logdir/build-selftests.log"; failed=$((failed + 1))
fi
phase_end

phase_start "host tests"
# host_check NAME LOG COMMAND...: run a TAP producer, show its log, count it.
host_check() {
	local name=$1 log=$logdir/$2 rc
	shift 2
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	tally "$log" "$rc" "$name"
}
host_check "netlink spec vs kernel" spec.log scripts/check-spec.py
host_check "generated UAPI header" regen.log scripts/regen.sh --check
host_check "layout: include cycles, function length" layout.log scripts/check-layout.py
host_check "userspace unit tests" host-unit.log \
	make -s --no-print-directory -C userspace BUILD="$top/build" test
host_check "static checks" static.log scripts/static-check.sh
host_check "CLI fuzz smoke" fuzz-smoke.log make -s --no-print-directory fuzz-smoke
host_check "packages, unit and manifests" pkg.log scripts/check-pkg.sh
host_check "the VM runner's report scanner" splat.log selftests/vm/test-checkers.sh logs
# The scenarios that need no module also run on this machine's own kernel:
# the baseline, and the nft backend that module-less nodes use (test-rescue-bogon.sh
# skips its module and VRF cases there, test-agent.sh its module cases;
# test-relay-nft.sh and test-relay6-nft.sh are the relay on the nft backend).
for t in test-seed.sh test-nft.sh test-rescue-bogon.sh test-agent.sh test-relay-nft.sh test-relay6-nft.sh; do
	[[ " ${tests[*]} " == *" $t "* ]] || continue
	echo "# $t on the host ($(uname -r))"
	host_check "$t on the host" "host-$t.log" "selftests/$t"
done
phase_end

# 900 s on a cloud kernel; on the debug kernel the kselftest timeout
# (selftests/settings) times its slowness: a hung test there must still leave
# the rest of the run inside CI's limit.
vm_timeout() {	# $1 = release
	local base
	if [ -n "${slow[$1]:-}" ]; then
		base=$(sed -n 's/^timeout=//p' selftests/settings)
		echo $(( ${base:-300} * slow[$1] ))
	else
		echo 900
	fi
}

# The debug leg runs the tests whose subject is safety: the fuzzers, the
# rescue's decision rules, the netlink family, the limits, MSS rewriting. The
# long scenario and scale tests (TLS transfers, 100k rules) stay on the cloud
# kernels so that CI keeps to its time; PMTUFIX_DEBUG_TESTS="all" (or a list)
# changes that. Tests named on the command line run as given.
debug_tests=(test-module.sh netlink mss_rules nl_fuzz test-fuzz-pkt.sh
	test-rescue-forged.sh test-rescue-vrf.sh test-rescue-bridge.sh
	test-rescue-tunnel.sh test-rescue-bogon.sh test-limits.sh test-mss.sh)
[ -z "${PMTUFIX_DEBUG_TESTS:-}" ] || read -ra debug_tests <<<"$PMTUFIX_DEBUG_TESTS"

leg_tests() {	# $1 = release: the tests its leg runs
	if [ -n "${kdir[$1]:-}" ] && [ "$all_tests" = 1 ] && [ "${debug_tests[*]}" != all ]; then
		printf '%s\n' "${debug_tests[@]}"
	else
		printf '%s\n' "${tests[@]}"
	fi
}

vm_leg() {	# $1 = release
	local k=$1 t log prog rc
	phase_start "VM selftests on $k"
	for t in $(leg_tests "$k"); do
		log=$logdir/$k-${t//\//_}.log
		echo "# $t"
		prog=selftests/$t
		[ -e "$prog" ] || prog=build/selftests/$t
		selftests/vm/run.sh -k "$k" -t "$(vm_timeout "$k")" -- "$prog" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		if [ "$rc" -eq 125 ]; then
			echo "not ok - $t: the guest died or its kernel logged a splat"
			failed=$((failed + 1))
			rc=0
		fi
		tally "$log" "$rc" "$t on $k"
	done
	# The debug leg proves it would have noticed: a leak and a KASAN report
	# each fail a run, a clean run passes (three boots; the other checkers'
	# report formats are covered by the scanner's log test, and all of them
	# end to end by running test-checkers.sh by hand).
	if [ -n "${kdir[$k]:-}" ] && [ "$all_tests" = 1 ]; then
		log=$logdir/$k-checkers.log
		echo "# selftests/vm/test-checkers.sh"
		selftests/vm/test-checkers.sh -k "$k" clean kmemleak kasan 2>&1 | tee "$log"
		tally "$log" "${PIPESTATUS[0]}" "the debug kernel's checkers"
	fi
	phase_end
}
for k in "${kernels[@]}"; do vm_leg "$k"; done

# The packages on a node: DKMS builds for each kernel in a Debian 12 root, a
# VM per kernel loads that build, purge leaves nothing. With the whole suite
# only, or PMTUFIX_PKG_LEG=1; PMTUFIX_PKG_LEG=0 leaves it out. About 8 minutes
# here on a busy machine, plus a few for debootstrap the first time.
pkg_leg=${PMTUFIX_PKG_LEG:-auto}
if [ "$pkg_leg" = 1 ] || { [ "$pkg_leg" = auto ] && [ "$all_tests" = 1 ] && [ "$given" = 0 ]; }; then
	phase_start "packages on a node (DKMS, VMs)"
	scripts/check-dkms.sh 2>&1 | tee "$logdir/dkms.log"
	tally "$logdir/dkms.log" "${PIPESTATUS[0]}" "packages on a node"
	phase_end
fi

if [ "$debug" = 1 ]; then
	phase_start "debug kernel"
	echo "# built in the background since the start (cold: 15 minutes or more on 2 cores; cached: seconds)"
	wait "$dk_pid"
	dk_rc=$?
	trap - EXIT	# reaped: its process group id may be reused now
	if [ "$dk_rc" = 0 ] && dir=$(cat "$logdir/debug-kernel.dir") && [ -n "$dir" ]; then
		sed 's/^/# /' "$logdir/debug-kernel.log"
		rel=$(cat "$dir/.pmtufix-release")
		kdir[$rel]=$dir slow[$rel]=4
		how=built; grep -q 'cache hit' "$logdir/debug-kernel.log" && how="from the cache"
		printf 'ok - debug kernel %s, %s (%s s after the start)\n' "$rel" "$how" "$(since "$dk_t0")"
		passed=$((passed + 1))
		build_module "$rel"
	else
		echo "not ok - debug kernel build (KASAN, lockdep, kmemleak ...)"
		sed 's/^/#   /' "$logdir/debug-kernel.log"
		failed=$((failed + 1)) rel=""
	fi
	phase_end
	[ -z "$rel" ] || vm_leg "$rel"
fi

echo
echo "== time per phase"
printf '%s\n' "${phases[@]}"
echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
