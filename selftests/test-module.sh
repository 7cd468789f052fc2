#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-module.sh - the module itself: it loads, registers its generic netlink
# family, keeps state per network namespace, and unloads without a trace.
# Runs in a VM (the runner fails the run on any kernel splat).
#
# load          insmod; /proc/modules lists it; the kernel log names no error
# modinfo       description, licence GPL, version
# genl_family   family "pmtufix" with its version, operations and "events" group
# netns_churn   200 namespaces created and deleted while loaded, each answering
# unload        rmmod; gone from /proc/modules and from the genl controller
# reload        a second insmod/rmmod cycle works the same

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
source "$dir/lib.sh" || exit 1

require_root
require_cmd genl insmod rmmod modinfo

top=$(cd "$SELFTESTS_DIR/.." && pwd)
ko=$top/build/$(uname -r)/pmtufix.ko
cli=$top/build/bin/pmtufix
[[ -f $ko ]] || ksft_skip_all "no $ko: run 'make module KVER=$(uname -r)'"

loaded() { grep -q '^pmtufix ' /proc/modules; }

dmesg -C
insmod "$ko"
check_err $? "insmod failed"
loaded
check_err $? "pmtufix not in /proc/modules"
# An unsigned out-of-tree module taints the kernel: expected.
errors=$(dmesg | grep -iE 'pmtufix.*(error|fail|unknown)' | grep -v 'verification failed')
[[ -z $errors ]]
check_err $? "kernel log: ${errors%%$'\n'*}"
log_test "load"

for field in description license version; do
	value=$(modinfo -F "$field" "$ko")
	[[ -n $value ]]
	check_err $? "modinfo has no $field"
done
[[ $(modinfo -F license "$ko") == GPL* ]]
check_err $? "licence is not GPL"
log_test "modinfo"

family=$(genl ctrl get name pmtufix 2>&1)
check_err $? "no generic netlink family pmtufix: $family"
grep -qE 'Name: pmtufix' <<<"$family"
check_err $? "family name"
grep -qE 'Version: 0x[0-9a-f]*[1-9]' <<<"$family"
check_err $? "family has no version"
grep -qE 'name: events' <<<"$family"
check_err $? "no multicast group 'events'"
log_test "genl_family"

# Every namespace gets its own state (and hooks) and loses them again; the
# CLI answers in each. The count is big enough to make a leak show in rmmod
# or in the kernel log, small enough for an emulated guest.
churn_ok=1
for i in $(seq 1 200); do
	echo "netns add pmtufix-churn-$$-$i"
done | ip -batch - || churn_ok=0
for i in 1 100 200; do
	ip netns exec "pmtufix-churn-$$-$i" "$cli" stats >/dev/null 2>&1 || churn_ok=0
done
for i in $(seq 1 200); do
	echo "netns del pmtufix-churn-$$-$i"
done | ip -batch - || churn_ok=0
((churn_ok))
check_err $? "namespaces with the module loaded"
log_test "netns_churn"

# Deleting a namespace finishes asynchronously (cleanup_net): rmmod waits for
# it through unregister_pernet_subsys.
rmmod pmtufix
check_err $? "rmmod failed"
! loaded
check_err $? "still in /proc/modules"
! genl ctrl get name pmtufix >/dev/null 2>&1
check_err $? "genl family still registered"
log_test "unload"

insmod "$ko" && loaded && rmmod pmtufix && ! loaded
check_err $? "second insmod/rmmod cycle"
log_test "reload"

ksft_finish
