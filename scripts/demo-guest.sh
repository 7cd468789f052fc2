#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo's story, told inside the VM (scripts/demo.sh boots it). Uses the
# selftests' topology so the demo and the tests show the same network.
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../selftests/topo.sh
source "$top/selftests/topo.sh" || exit 1
: "${STALL_TIMEOUT:=5}"
: "${WORK_TIMEOUT:=20}"

if [ "${PMTUFIX_COLOR:-0}" = 1 ]; then
	B=$'\e[1m' R=$'\e[31m' G=$'\e[32m' Y=$'\e[33m' D=$'\e[2m' N=$'\e[0m'
else
	B= R= G= Y= D= N=
fi
say()   { printf '%s\n' "$*"; }
title() { printf '\n%s== %s ==%s\n' "$B" "$*" "$N"; }
step()  { printf '%s-> %s%s\n' "$Y" "$*" "$N"; }
good()  { printf '%s   OK: %s%s\n' "$G" "$*" "$N"; }
bad()   { printf '%s   FAILED: %s%s\n' "$R" "$*" "$N"; }
show()  { sed "s/^/   $D| /;s/\$/$N/"; }

# Runs the two user-visible checks; prints what a user would see.
try_both() {
	local xrc trc
	step "server sends 64 KiB to the client (timeout ${1}s)"
	if seed_transfer "$1"; then good "transfer complete"; xrc=0; else bad "transfer stalled"; xrc=1; fi
	topo_flush_pmtu	# the handshake must find the path MTU by itself
	step "client: curl -k https://$SRV_IP:$TLS_PORT/healthz (connect timeout ${1}s)"
	tls_handshake "$1"; trc=$?
	if [ "$trc" = 0 ]; then good "TLS handshake complete"; else bad "curl exit $trc: ${TLS_ERR:-}"; fi
	return $((xrc | (trc != 0)))
}
counters() {
	step "server: IPReversePathFilter (ICMPs dropped by strict rp_filter) = $(rpf_drops)"
	step "server: ip route get $CLI_IP"
	srv ip route get "$CLI_IP" | show
}

title "pmtufix demo on Linux $(uname -r)"
cat <<TXT
   client 10.10.20.20 (MTU 9000) --1500-- switch --9000-- server 10.10.10.10 (eth1)
                                   |                     172.20.20.10 (eth0, mgmt)
   the switch's ICMP errors come from its management address 172.20.20.2
TXT
tls_certs >/dev/null

title "1. Today: strict rp_filter=1, no pmtufix"
topo_seed rpf=1 mgmt_src=1 >/dev/null && tls_server_start >/dev/null || { bad "topology"; exit 1; }
step "server: net.ipv4.conf.all.rp_filter = $(srv cat /proc/sys/net/ipv4/conf/all/rp_filter)"
try_both "$STALL_TIMEOUT"
counters
say "   The switch said 'fragmentation needed, mtu 1500' from 172.20.20.2. The server"
say "   routes 172.20.20.0/24 out eth0, not eth1 where the ICMP arrived, so strict"
say "   reverse-path filtering dropped it: PMTU discovery never learnt 1500."

title "2. The lab's fix: rp_filter=2 (loose, weakens anti-spoofing on every interface)"
topo_set_rpf 2; topo_flush_pmtu
try_both "$WORK_TIMEOUT"
counters

ko=$top/build/$(uname -r)/pmtufix.ko
title "3. pmtufix: rp_filter=1 kept"
topo_set_rpf 1; topo_flush_pmtu
# The demo's server is a network namespace: only the initial one logs by default.
if ! insmod "$ko" log_all_netns=1 2>/dev/null; then
	bad "cannot load $ko (run 'make module KVER=$(uname -r)')"
	exit 1
fi
step "insmod pmtufix.ko log_all_netns=1; server: net.ipv4.conf.all.rp_filter = $(srv cat /proc/sys/net/ipv4/conf/all/rp_filter)"
rc=0
try_both "$WORK_TIMEOUT" || rc=1
counters
if [ -x "$top/build/bin/pmtufix" ]; then
	step "server: pmtufix stats"
	ns_exec "$SRV" "$top/build/bin/pmtufix" stats | show
fi
step "kernel log"
dmesg | grep 'pmtufix: rescued' | tail -n 3 | sed 's/^\[[^]]*\] //' | show
rmmod pmtufix
[ $rc = 0 ] && say "${G}${B}pmtufix rescued the switch's ICMP for this host's own flows; rp_filter stayed 1.$N"
exit $rc
