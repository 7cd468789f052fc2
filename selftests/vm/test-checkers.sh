#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-checkers.sh [-k RELEASE] [CASE...]: the debug leg's own proof, run on
# the host. Boots the debug kernel (default: scripts/debug-kernel.sh's) once
# per case and checks that run.sh passes a clean run and fails (exit 125,
# naming the report) a run whose kernel reports, for each checker it relies
# on. Default: every case.
#
# logs       no VM: splat.sh over splats/: it passes clean-*.txt (a debug
#            boot's chatter: "RCU lockdep checking is enabled", "kmemleak:
#            Kernel memory leak detector initialized", ...) and catches every
#            report-*.txt
# clean      `true`: no report, exit 0, after the final kmemleak scan
# exit       the command's own exit code comes back (3)
# kmemleak   samples/kmemleak's module leaks on load: "unreferenced object"
# kasan      lkdtm READ_AFTER_FREE: "BUG: KASAN: slab-use-after-free"
# ubsan      lkdtm ARRAY_BOUNDS: "UBSAN: array-index-out-of-bounds"
# refcount   lkdtm REFCOUNT_DEC_ZERO: "refcount_t: decrement hit 0"
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

rel=""
[ "${1:-}" = -k ] && { rel=$2; shift 2; }
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(logs clean exit kmemleak kasan ubsan refcount)

n=0 failed=0
result() {	# $1 = 0 for ok, $2 = description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

logs() {
	local f name rc
	for f in "$here"/splats/*.txt; do
		name=${f##*/}
		"$here/splat.sh" "$f" >/dev/null
		rc=$?
		case $name in
		clean-*) result "$rc" "splat.sh passes $name" ;;
		*) result "$((rc == 1 ? 0 : 1))" "splat.sh catches $name" ;;
		esac
	done
}

lkdtm='mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug; echo'
dest='>/sys/kernel/debug/provoke-crash/DIRECT'
for c in "${cases[@]}"; do
	[ "$c" = logs ] && { logs; continue; }
	[ -n "$rel" ] || rel=$("$top/scripts/debug-kernel.sh" release) || exit 1
	case $c in
	clean) cmd=true want_rc=0 want="" ;;
	exit) cmd='exit 3' want_rc=3 want="" ;;
	kmemleak) cmd='modprobe kmemleak-test' want_rc=125 want='unreferenced object' ;;
	kasan) cmd="$lkdtm READ_AFTER_FREE $dest" want_rc=125 want='BUG: KASAN: slab-use-after-free' ;;
	ubsan) cmd="$lkdtm ARRAY_BOUNDS $dest" want_rc=125 want='UBSAN: array-index-out-of-bounds' ;;
	refcount) cmd="$lkdtm REFCOUNT_DEC_ZERO $dest" want_rc=125 want='refcount_t: decrement hit 0' ;;
	*) echo "test-checkers: unknown case $c" >&2; exit 2 ;;
	esac
	t0=$EPOCHSECONDS
	out=$("$here/run.sh" -k "$rel" -t 300 -- sh -c "$cmd" 2>&1)
	rc=$?
	ok=0
	[ "$rc" = "$want_rc" ] || ok=1
	[ -z "$want" ] || grep -qF "$want" <<<"$out" || ok=1
	result "$ok" "$c: exit $rc (want $want_rc)${want:+, report names '$want'} ($((EPOCHSECONDS - t0)) s)"
	[ "$ok" = 0 ] || sed 's/^/#   /' <<<"$out"
done
echo "1..$n"
[ "$failed" -eq 0 ]
