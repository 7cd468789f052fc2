#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# splat.sh LOG: exits 1 and shows the first report in a guest's kernel log
# (dmesg, plus the kmemleak report the guest appends), 0 when there is none.
#
# It matches the reports' own headers, never a subsystem's name: a debug
# kernel's boot log says "RCU lockdep checking is enabled", "kmemleak: Kernel
# memory leak detector initialized", "KFENCE: initialized" and "kasan:
# KernelAddressSanitizer initialized" on every boot. KASAN, KFENCE, lockdep,
# UBSAN (with a "UBSAN:" header of its own), ODEBUG, refcount_t and
# DEBUG_LIST all report as "BUG:" or "WARNING:" (lockdep: "WARNING: possible
# circular locking dependency detected", "WARNING: suspicious RCU usage").
set -euo pipefail
log=${1:?usage: splat.sh LOG}

re='(^|[] ])(WARNING|BUG|UBSAN|ODEBUG|Oops|refcount_t):'
re+='|general protection fault|Kernel panic|Call Trace:'
re+='|unreferenced object 0x|suspected memory leaks?'	# kmemleak
re+='|memory leak detector disabled|PMTUFIX-VM-KMEMLEAK-SCAN-FAILED'
re+='|ref_tracker: '					# netdev/netns trackers: leak, double put
re+='|waiting for .* to become free'			# a leaked dev/netns reference
re+='|rcu: INFO:|self-detected stall|blocked for more than [0-9]+ seconds'
re+='|list_(add|del) corruption|DEBUG_LOCKS_WARN_ON'

# Loading an unsigned out-of-tree module taints the kernel: expected. The
# debugobjects self test (DEBUG_OBJECTS_SELFTEST) says it passed.
ok_re='taints kernel|tainting kernel|ODEBUG: selftest passed'
first=$(grep -nE "$re" "$log" | grep -vE "$ok_re" | head -n 1 | cut -d: -f1 || true)
[ -z "$first" ] && exit 0
sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$log"
exit 1
