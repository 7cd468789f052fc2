#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms-guest.sh ROOT: inside a test VM (selftests/vm/run.sh), loads the module
# that DKMS built in ROOT (a node's root file system with the packages
# installed) for the running kernel, with `modprobe` as systemd-modules-load
# would, and checks that it is that file and that the CLI installed in ROOT
# talks to it. TAP.
set -uo pipefail
root=$1
rel=$(uname -r)
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }

file=$(modinfo -b "$root" -k "$rel" -n pmtufix 2>/dev/null)
case $file in
*/updates/dkms/pmtufix.ko*) ok "modinfo: the DKMS build for $rel, ${file#"$root"}" ;;
*) notok "modinfo finds no DKMS build of pmtufix for $rel in $root ('$file')" ;;
esac
[ -d /sys/module/pmtufix ] && notok "pmtufix was loaded before modprobe"
if out=$(modprobe -d "$root" pmtufix 2>&1) && [ -d /sys/module/pmtufix ]; then
	ok "modprobe pmtufix on $rel"
else
	notok "modprobe pmtufix on $rel: $out"
fi
want=$(modinfo -b "$root" -k "$rel" -F srcversion pmtufix 2>/dev/null)
have=$(cat /sys/module/pmtufix/srcversion 2>/dev/null)
if [ -n "$want" ] && [ "$want" = "$have" ]; then
	ok "the loaded module is the DKMS build (srcversion $have, version $(cat /sys/module/pmtufix/version))"
else
	notok "loaded srcversion '$have', DKMS build's '$want'"
fi
mount -t proc proc "$root/proc"
if out=$(chroot "$root" /usr/sbin/pmtufix show 2>&1) && grep -qE '^backend: module( |$)' <<<"$out"; then
	ok "the packaged CLI uses the module: $(grep -m1 '^rescue' <<<"$out")"
else
	notok "the packaged CLI and the module:"; sed 's/^/#   /' <<<"$out"
fi
umount "$root/proc"
rmmod pmtufix || notok "rmmod pmtufix"
echo "1..$n"
[ "$fail" = 0 ]
