#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-dkms.sh: the packages on a node (TAP). Installs build/deb's packages
# into a Debian 12 root (scripts/pkgroot.sh: build/pkgroot, made once) as
# root would with dpkg, checks that DKMS built and installed the module for
# every supported kernel, boots each kernel to `modprobe` that build
# (dkms-guest.sh), then purges both packages and checks that the root is file
# for file what it was before, DKMS knows nothing of pmtufix, and the
# conffile is gone. This machine itself is not touched.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
root=$top/build/pkgroot
log=$top/build/log
mkdir -p "$log"
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
indent() { sed 's/^/#   /'; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
bail() { notok "$*"; echo "1..$n"; exit 1; }

ver=$(sed -n 's/^PMTUFIX_VERSION *:*= *//p' Makefile)
mapfile -t kernels < <(scripts/kernels.sh list)
debs=(build/deb/pmtufix-dkms_"$ver"_all.deb build/deb/pmtufix_"$ver"_*.deb)
[ -f "${debs[0]}" ] && [ -f "${debs[1]}" ] || bail "packages in build/deb (make deb)"

t0=$EPOCHREALTIME
scripts/pkgroot.sh "$root" >"$log/pkgroot.log" 2>&1 || { indent <"$log/pkgroot.log"; bail "a Debian 12 root to install into"; }
ok "a Debian 12 root with DKMS and kernels ${kernels[*]} ($(since "$t0") s)"

# Commands in the root, in a mount namespace of their own: nothing stays
# mounted when they end, whatever happens.
in_root() {
	unshare -m --propagation private sh -c '
		r=$1; shift
		mount -t proc proc "$r/proc" && mount --rbind /sys "$r/sys" && mount --rbind /dev "$r/dev" &&
		exec chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C "$@"
	' sh "$root" "$@"
}
# Everything but what dpkg and the logs keep on any install and purge, and
# /run: a node's tmpfs of runtime state, gone at boot (a first install into
# a fresh root leaves run/systemd/systemd-units-load there).
snapshot() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp -o -path ./run -o \
		-path ./var/log -o -path ./var/cache -o -path ./var/lib/dpkg \) -prune -o -print | sort |
		# DKMS's signing key is the machine's (enrolled with mokutil), made
		# by the first module it signs: kept on purge, as it should be.
		grep -vx './var/lib/dkms/mok\.\(key\|pub\)')
}

# A run that stopped half way left packages behind.
in_root dpkg --purge pmtufix pmtufix-dkms >/dev/null 2>&1
snapshot >"$log/pkgroot.before"

cp "${debs[@]}" "$root/tmp/"
t0=$EPOCHREALTIME
if in_root dpkg -i "${debs[@]/#build\/deb\//\/tmp\/}" >"$log/dkms-install.log" 2>&1; then
	ok "dpkg -i pmtufix-dkms pmtufix ($(since "$t0") s, DKMS builds included)"
else
	notok "dpkg -i pmtufix-dkms pmtufix"; tail -n 30 "$log/dkms-install.log" | indent
fi
rm -f "$root"/tmp/pmtufix*.deb

status=$(in_root dkms status pmtufix 2>&1)
for k in "${kernels[@]}"; do
	if grep -q "^pmtufix/$ver, $k, x86_64: installed" <<<"$status"; then
		ok "dkms: pmtufix/$ver installed for $k"
	else
		notok "dkms: pmtufix/$ver not installed for $k"; indent <<<"$status"
	fi
done
# Secure Boot: what the README tells to enrol signed the module (the
# signature names the certificate by its serial number).
key=$(openssl x509 -inform der -in "$root/var/lib/dkms/mok.pub" -noout -serial 2>/dev/null | sed "s/.*=//")
for k in "${kernels[@]}"; do
	sig=$(modinfo -b "$root" -k "$k" -F sig_key pmtufix 2>/dev/null)
	if [ -n "$key" ] && [ "${key//:/}" = "${sig//:/}" ]; then
		ok "the $k build is signed with DKMS's key, /var/lib/dkms/mok.pub ($(modinfo -b "$root" -k "$k" -F signer pmtufix))"
	else
		notok "the $k build's signature key '$sig' is not /var/lib/dkms/mok.pub's '$key'"
	fi
done
[ -f "$root/etc/pmtufix/pmtufix.conf" ] && [ -L "$root/etc/systemd/system/multi-user.target.wants/pmtufix.service" ] &&
	[ -f "$root/usr/lib/modules-load.d/pmtufix.conf" ] &&
	ok "pmtufix: the conffile, the enabled unit, modules-load.d" ||
	notok "pmtufix: conffile, unit enablement or modules-load.d missing"
if out=$(in_root systemd-analyze verify --man=no pmtufix.service 2>&1) && [ -z "$out" ]; then
	ok "systemd-analyze verify pmtufix.service, installed (man page: the host check)"
else
	notok "systemd-analyze verify pmtufix.service, installed (man page: the host check)"; indent <<<"$out"
fi

for k in "${kernels[@]}"; do
	t0=$EPOCHREALTIME
	selftests/vm/run.sh -k "$k" -t 300 -- scripts/dkms-guest.sh "$root" >"$log/dkms-$k.log" 2>&1
	rc=$?
	grep -E '^(not )?ok ' "$log/dkms-$k.log" | sed 's/^\(not \)\{0,1\}ok [0-9]* - //' >"$log/dkms-$k.res"
	if [ "$rc" = 0 ] && ! grep -q '^not ok' "$log/dkms-$k.log"; then
		ok "VM $k: modprobe loads the DKMS build ($(grep -c . "$log/dkms-$k.res") checks, $(since "$t0") s)"
	else
		notok "VM $k: the DKMS build (exit $rc)"; indent <"$log/dkms-$k.log"
	fi
done

# A boot with systemd as PID 1 on the newest kernel: modules-load.d, the unit,
# the agent applying its file.
k=${kernels[-1]}
printf 'set rescue on log all\nmss add 10.10.20.0/24 1400 dir to\n%s\n' \
	'relay set prefixes 198.51.100.0/24 peers 192.0.2.1' >"$log/sdvm.conf"
t0=$EPOCHREALTIME
scripts/systemd-vm.sh "$root" "$k" "$log/sdvm.conf" >"$log/sdvm-$k.log" 2>&1
rc=$?
if [ "$rc" = 0 ]; then
	ok "VM $k booted by systemd: pmtufix.service active, module loaded, file applied ($(grep -c '^ok' "$log/sdvm-$k.log") checks, $(since "$t0") s)"
else
	notok "VM $k booted by systemd (exit $rc)"; indent <"$log/sdvm-$k.log"
fi

# The DaemonSet's init step on that kernel: the module where it loads, the
# nft backend where module loading is disabled; the seed scenario in both.
t0=$EPOCHREALTIME
selftests/vm/run.sh -k "$k" -t 600 -- scripts/fallback-guest.sh "$root" >"$log/fallback-$k.log" 2>&1
rc=$?
if [ "$rc" = 0 ] && ! grep -q '^not ok' "$log/fallback-$k.log"; then
	ok "VM $k: the init step loads the module, or the nft backend takes over; the seed scenario works with both ($(grep -c '^ok' "$log/fallback-$k.log") checks, $(since "$t0") s)"
else
	notok "VM $k: the init step and the fallback (exit $rc)"; indent <"$log/fallback-$k.log"
fi

t0=$EPOCHREALTIME
if in_root dpkg --purge pmtufix pmtufix-dkms >"$log/dkms-purge.log" 2>&1; then
	ok "dpkg --purge pmtufix pmtufix-dkms ($(since "$t0") s)"
else
	notok "dpkg --purge pmtufix pmtufix-dkms"; tail -n 30 "$log/dkms-purge.log" | indent
fi
status=$(in_root dkms status 2>&1)
[ -z "$status" ] && ok "dkms status is empty" || { notok "dkms status after purge"; indent <<<"$status"; }
[ ! -e "$root/etc/pmtufix" ] && ok "the conffile and /etc/pmtufix are gone" || notok "/etc/pmtufix is left"
left=$(snapshot | diff "$log/pkgroot.before" - | grep '^[<>]')
[ -z "$left" ] && ok "purge leaves the root file for file as before" ||
	{ notok "purge leaves the root changed ('>' added, '<' removed)"; indent <<<"$left"; }
left=$(in_root sh -c 'dpkg-query -W -f "\${Package} \${db:Status-Status}\n" "pmtufix*" 2>/dev/null')
[ -z "$left" ] && ok "dpkg knows nothing of pmtufix" || { notok "dpkg still lists:"; indent <<<"$left"; }
echo "1..$n"
[ "$fail" = 0 ]
