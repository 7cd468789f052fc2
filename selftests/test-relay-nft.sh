#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-relay-nft.sh - test-relay.sh's cases on the nft backend, for nodes
# that may not load the module: the table logs each error for the VIP that
# conntrack does not know to the agent (NFLOG), the agent asks sock_diag for
# a socket, relays the rest; relayed errors are judged by conntrack on the
# relay device and get the relay mark that lets them past strict RPF.
# Runs on the host's own kernel too. The module is unloaded first: its
# hooks would rescue what this test must see the nft backend rescue.
#
# Usage: test-relay-nft.sh [-t "case ..."] [-v]

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.

if [[ -e /sys/module/pmtufix ]] && ! rmmod pmtufix; then
	echo "# test-relay-nft.sh: the pmtufix module is loaded and cannot be removed" >&2
	exit 1
fi
RELAY_BACKEND=nft exec "$dir/test-relay.sh" "$@"
