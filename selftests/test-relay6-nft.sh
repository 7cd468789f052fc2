#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-relay6-nft.sh - test-relay6.sh's cases (IPv6 Packet Too Big) on the
# nft backend, as test-relay-nft.sh runs test-relay.sh's. Runs on the host's
# own kernel too; the module is unloaded first.
#
# Usage: test-relay6-nft.sh [-t "case ..."] [-v]

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.

if [[ -e /sys/module/pmtufix ]] && ! rmmod pmtufix; then
	echo "# test-relay6-nft.sh: the pmtufix module is loaded and cannot be removed" >&2
	exit 1
fi
RELAY_BACKEND=nft exec "$dir/test-relay6.sh" "$@"
