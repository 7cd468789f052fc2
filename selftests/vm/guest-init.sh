#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 inside the test VM: a root file system that is the host's, read-only
# under a tmpfs overlay. Runs the command the host left in $pmtufix_run/cmd and
# reports its exit code and the kernel log on the console, then powers off.
# A kernel with kmemleak (the debug kernel) is scanned after the command and
# the report is appended to the kernel log, where the host's splat.sh sees it.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8
# How much slower than a cloud kernel this one runs (4 on the debug kernel):
# for a test's own waits, never for what it asserts.
export PMTUFIX_SLOW=${pmtufix_slow:-1}
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
hostname pmtufix-vm
# The debug kernel is not installed on the host: its modules.builtin (from
# its build dir) lets `modprobe` of a built-in driver succeed as a no-op.
if [ -n "${pmtufix_moddir:-}" ] && [ -d "$pmtufix_moddir" ] && [ ! -e "/lib/modules/$(uname -r)" ]; then
	mkdir -p /lib/modules && ln -s "$pmtufix_moddir" "/lib/modules/$(uname -r)"
fi
ip link set lo up
stty -onlcr -echo </dev/ttyS0 2>/dev/null

echo "PMTUFIX-VM-BOOTED $(uname -r)"
# /tmp is not a tmpfs of its own: the checkout may live there, and the
# overlay already keeps the guest's writes away from the host.
rc=0
if ! cd "$(cat "$pmtufix_run/cwd")" || ! limit=$(cat "$pmtufix_run/timeout"); then
	echo "guest: cannot read the orders in $pmtufix_run"
	rc=1
else
	timeout --kill-after=5 "$limit" bash "$pmtufix_run/cmd" </dev/null || rc=$?
	# 125 is the runner's own "guest died or splat": keep it unambiguous.
	[ "$rc" = 125 ] && rc=1
	[ "$rc" = 124 ] && echo "guest: the command timed out after $limit s"
fi
# kmemleak reports an object only once it is older than 5 s and unchanged
# since the previous scan: scan twice.
leaks=""
kml=/sys/kernel/debug/kmemleak
[ -e $kml ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
if [ -e $kml ]; then
	# A kmemleak that disabled itself (out of pool) refuses to scan:
	# splat.sh fails the run on this line rather than pass it unscanned.
	{ echo scan >$kml && sleep 6 && echo scan >$kml && leaks=$(cat $kml); } 2>/dev/null ||
		leaks="PMTUFIX-VM-KMEMLEAK-SCAN-FAILED"
fi
echo "PMTUFIX-VM-DMESG-BEGIN"
dmesg
[ -n "$leaks" ] && printf 'kmemleak report:\n%s\n' "$leaks"
echo "PMTUFIX-VM-DMESG-END"
echo "PMTUFIX-VM-EXIT=$rc"
sync
echo o >/proc/sysrq-trigger
sleep 10
