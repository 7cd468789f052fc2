#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian kernels pmtufix supports, resolved to what is installed here.
#   kernels.sh list      every supported release with image and headers, oldest first
#   kernels.sh default   the newest of them
#   kernels.sh packages  the Debian metapackages that pull them in
set -euo pipefail

# Debian bookworm's two kernel lines, cloud flavour (virtio, netfilter, no firmware).
SERIES=("6.1:linux-image-cloud-amd64:linux-headers-cloud-amd64"
	"6.12:linux-image-6.12-cloud-amd64:linux-headers-6.12-cloud-amd64")

installed_release() {	# $1 = series, e.g. 6.12
	local rel best=""
	for d in /lib/modules/"$1".*-cloud-amd64; do
		[ -e "$d/build" ] && [ -e "/boot/vmlinuz-${d##*/}" ] || continue
		rel=${d##*/}
		# the series must match exactly: 6.1 must not take 6.12's tree
		case "$rel" in "$1".[0-9]*) ;; *) continue ;; esac
		[[ $1 == 6.1 && $rel == 6.1[0-9]* ]] && continue
		best=$rel
	done
	[ -n "$best" ] && echo "$best"
	return 0
}

case "${1:-list}" in
list)
	for s in "${SERIES[@]}"; do installed_release "${s%%:*}"; done | sort -V ;;
default)
	"$0" list | tail -n 1 ;;
packages)
	for s in "${SERIES[@]}"; do IFS=: read -r _ img hdr <<<"$s"; echo "$img $hdr"; done ;;
*)
	echo "usage: $0 list|default|packages" >&2; exit 2 ;;
esac
