#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs what building, testing and the demo need on Debian 12.
# Idempotent: packages already present are not touched and apt is not run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

pkgs=(
	build-essential pkg-config kmod cpio xz-utils	# module and CLI builds, initramfs
	libmnl-dev libnftnl-dev				# CLI and nft backend
	qemu-system-x86 busybox-static			# the VM rig
	iproute2 nftables tcpdump socat openssl curl python3 python3-yaml procps	# scenarios, spec check
	python3-jsonschema				# make regen (with linux-source-6.12)
	iperf3						# make bench
	prometheus					# promtool: metrics and alert rules (test-agent.sh)
	linux-source-6.12 ccache bc bison flex libelf-dev libssl-dev dwarves	# the debug kernel
	sparse clang clang-tools libclang-rt-14-dev shellcheck	# make static, make fuzz
	debhelper dh-dkms lintian systemd debootstrap	# make deb, the unit's checks, the DKMS test's root
)
# Offline kustomize checks of deploy/kubernetes; any kubectl will do (Debian's
# conflicts with other packagings of it).
command -v kubectl >/dev/null || pkgs+=(kubernetes-client)
# shellcheck disable=SC2207
pkgs+=($("$here/kernels.sh" packages))

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages: ${missing[*]}" >&2
		echo "deps: run 'make deps' as root (or: apt-get install ${missing[*]})" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The metapackages may have moved to a new ABI since the last install: the
# kernels we test are the ones installed now, with headers.
for k in $("$here/kernels.sh" list); do
	echo "deps: kernel $k ($(dpkg-query -W -f='${Version}' "linux-image-$k" 2>/dev/null || echo '?'))"
done
[ -n "$("$here/kernels.sh" list)" ] || { echo "deps: no supported kernel installed" >&2; exit 1; }
