#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pkgroot.sh DIR: a Debian 12 root file system in DIR to install the packages
# into, as a node would: systemd, kmod, DKMS and a compiler (debootstrap
# minbase from the mirror this machine's apt uses), plus each supported
# kernel's modules and headers copied from this machine, so that DKMS builds
# for them as if they were installed there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
mapfile -t kernels < <("$here/kernels.sh" list)
[ ${#kernels[@]} -gt 0 ] || { echo "pkgroot: no supported kernel installed (make deps)" >&2; exit 1; }
# The base system is made once (debootstrap, a few minutes); the kernels are
# copied in when missing.
pkgs=systemd,systemd-sysv,udev,kmod,iproute2,nftables,dkms,gcc,make,libc6-dev,pahole,openssl,libmnl0,libnftnl11,procps
if [ ! -f "$dir/.pmtufix-root" ] || [ "$(cat "$dir/.pmtufix-root")" != "$pkgs" ]; then
	command -v debootstrap >/dev/null || { echo "pkgroot: debootstrap is missing (make deps)" >&2; exit 1; }
	# The mirror apt is configured with (deb822 or one-line sources).
	mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1)
	[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
	mirror=${mirror:-http://deb.debian.org/debian}
	rm -rf "$dir"
	mkdir -p "$dir"
	# pahole: 6.12's modpost generates BTF; openssl: DKMS makes its signing key.
	debootstrap --variant=minbase --include="$pkgs" bookworm "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 ||
		{ tail -n 20 "$dir.debootstrap.log" >&2; echo "pkgroot: debootstrap failed" >&2; exit 1; }
	echo "$pkgs" >"$dir/.pmtufix-root"
fi

copy() {	# $1 = a directory of this machine, copied to the same place in the root
	[ -e "$dir$1" ] && return 0
	mkdir -p "$dir$(dirname "$1")"
	cp -a "$1" "$dir$(dirname "$1")/"
}
for k in "${kernels[@]}"; do
	copy "/lib/modules/$k"
	# build -> /usr/src/linux-headers-K, whose Makefile includes the -common
	# tree; both link scripts and tools to /usr/lib/linux-kbuild-*.
	hdr=$(readlink -f "/lib/modules/$k/build")
	mapfile -t trees < <(echo "$hdr"; grep -o '/usr/src/linux-headers-[^/ ]*' "$hdr/Makefile" | sort -u)
	for t in "${trees[@]}"; do
		copy "$t"
		while IFS= read -r l; do
			d=$(readlink -f "$l" | cut -d/ -f1-4)
			case $d in /usr/src/linux-headers-*|/usr/lib/linux-kbuild-*) copy "$d" ;; esac
		done < <(find "$t" -maxdepth 1 -type l)
	done
	for f in "/boot/config-$k" "/boot/System.map-$k"; do [ -f "$f" ] && copy "$f"; done
done
exit 0
