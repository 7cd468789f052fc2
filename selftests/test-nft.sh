#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-nft.sh - pmtufix without the module: "pmtufix --backend nft" installs
# table inet pmtufix, three ip rules and one route, and the seed scenario
# works with strict reverse-path filtering kept. Runs on the host itself
# (nf_tables, conntrack, fib, exthdr, veth) and in the VMs.
#
#   $CLI 10.10.20.20 ---1500--- $RTR ---9000--- $SRV 10.10.10.10 (eth1)
#   MTU 9000                    ICMP frag-needed    172.20.20.10 (eth0, mgmt)
#                               from 172.20.20.2    rp_filter=1
#                                                   |
#                                                   $POD 10.244.1.10 (masqueraded)
#
# (full diagram in topo.sh; test-seed.sh shows the same topology stalling.)
#
# nft_rescue    "set rescue on": the 64 KiB transfer completes, mtu 1500 learnt,
#               rp_filter still 1, IPReversePathFilter unchanged, counter
#               "rescued" rose; show says backend nft (text and JSON)
# nft_tls       route cache flushed: the TLS handshake completes by itself
# nft_pod       a masqueraded pod behind the server: its transfer completes and
#               it learns mtu 1500 (the forwarded error keeps its own route)
# nft_forged    a frag-needed quoting a flow nobody has stays dropped: counter
#               no_flow rises, rescued does not, IPReversePathFilter does,
#               no PMTU learnt
# nft_mss       rescue off; "mss add 10.10.20.0/24 1400": the server sends
#               segments of at most 1400 - 12 bytes and the transfer completes;
#               a rule above the SYN's MSS does not raise it
# nft_scale     100k prefixes through "apply": still 4 rules, applied in one
#               transaction, and the client's /24 among them clamps its SYN
# nft_coexist   an iptables-nft ruleset (as kube-proxy's) and a firewalld-like
#               table are byte-for-byte the same after install and after
#               "down"; so are the ip rules, the routes and the sysctls
#
# BACKEND=nft (default) is the backend the rescue cases install; the cases are
# written against backend_up/backend_down so that the module can share them.
#
# Usage: test-nft.sh [-t "case ..."] [-v]
#   WORK_TIMEOUT (s, default 15): limit for transfers that must complete
#   PMTUFIX_CLI, PMTUFIX_CERT_DIR: see lib.sh and topo.sh

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

: "${WORK_TIMEOUT:=15}"
: "${BACKEND:=nft}"
: "${PMTUFIX_CLI:=$SELFTESTS_DIR/../build/bin/pmtufix}"
BYTES=65536

# For busywait, which runs its command anew each try: a "$(...)" in its
# arguments would be read once, before the first.
drops_at_least() { (($(rpf_drops) >= $1)); }

tests="
	nft_rescue	rp_filter=1 kept: the transfer completes, mtu 1500 learnt
	nft_tls	rp_filter=1 kept: the TLS handshake completes, mtu 1500 learnt
	nft_pod	a masqueraded pod learns mtu 1500 and completes
	nft_forged	a frag-needed for a flow nobody has stays dropped
	nft_mss	an MSS rule lowers the SYN's MSS, never raises it
	nft_scale	100k MSS prefixes stay one rule per family and direction
	nft_coexist	other tables, ip rules, routes, sysctls unchanged by install and down
	nft_ro_sysctl	with /proc/sys read-only, as in a container, it installs and comes down"

pf() # NS ARGS...: the CLI in NS on $BACKEND
{
	local ns=$1; shift

	((VERBOSE)) && echo "# [${ns%%-*}] pmtufix --backend $BACKEND $*" >&2
	"$PMTUFIX_CLI" -n "$ns" --backend "$BACKEND" "$@"
}

backend_up() # NS [SETTINGS...]
{
	local ns=$1; shift

	pf "$ns" set rescue on "$@" || return 1
	defer backend_down "$ns"
}

backend_down() # NS: quiet when a case already took it down
{
	pf "$1" down 2>/dev/null
}

# counter NS NAME: a counter of "pmtufix -j stats" (rescued, no_flow, ...).
counter()
{
	local json re

	json=$(pf "$1" -j stats) || return 1
	re="\"$2\":([0-9]+)"
	[[ $json =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

setup_seed()
{
	if ! topo_seed rpf=1 "$@"; then
		RET=$ksft_fail
		retmsg="cannot build the topology"
		return 1
	fi
}

nft_rescue()
{
	local name="rp_filter=1, backend $BACKEND" drops0 drops1 mtu rescued out rpf

	setup_seed || { log_test "$name: setup"; return; }
	backend_up "$SRV"
	check_err $? "pmtufix --backend $BACKEND set rescue on failed"
	out=$(pf "$SRV" show)
	[[ $out == "backend: $BACKEND"* ]]
	check_err $? "show does not begin with 'backend: $BACKEND': ${out%%$'\n'*}"
	out=$(pf "$SRV" -j show)
	[[ $out == *"\"backend\":\"$BACKEND\""* && $out == *'"rescue":true'* ]]
	check_err $? "show -j: no backend $BACKEND, rescue on: $out"
	log_test "$name: installed, show says backend $BACKEND"

	no_pmtu "$SRV" "$CLI_IP" || { log_test "$name: setup"; return; }
	drops0=$(rpf_drops)
	check_seed_transfer "$WORK_TIMEOUT" "$BYTES"
	log_test "$name: $((BYTES / 1024)) KiB server->client transfer completes"

	mtu=$(route_mtu "$SRV" "$CLI_IP")
	drops1=$(rpf_drops)
	rescued=$(counter "$SRV" rescued)
	rpf=$(ip netns exec "$SRV" cat /proc/sys/net/ipv4/conf/all/rp_filter \
		/proc/sys/net/ipv4/conf/eth1/rp_filter | tr '\n' ' ')
	log_info "mtu '${mtu:-none}', IPReversePathFilter $drops0 -> $drops1, rescued ${rescued:-?}, rp_filter $rpf"
	[[ $mtu == 1500 ]]
	check_err $? "ip route get $CLI_IP in the server shows mtu '${mtu:-none}', not 1500"
	((drops1 == drops0))
	check_err $? "IPReversePathFilter rose ($drops0 -> $drops1)"
	[[ $rpf == "1 1 " ]]
	check_err $? "rp_filter is not 1 any more: all, eth1 = $rpf"
	((rescued > 0))
	check_err $? "counter rescued is '${rescued:-?}'"
	log_test "$name: mtu 1500 learnt, rp_filter still 1, counted as rescued"
}

nft_tls()
{
	local name="rp_filter=1, backend $BACKEND" mtu

	setup_seed || { log_test "$name: setup"; return; }
	tls_server_start || { RET=$ksft_fail; retmsg="openssl s_server did not start"; }
	backend_up "$SRV"
	check_err $? "set rescue on failed"
	no_pmtu "$SRV" "$CLI_IP"
	if ((RET == 0)); then
		tls_handshake "$WORK_TIMEOUT"
		check_err $? "curl failed: $TLS_ERR"
		check_route_mtu "$SRV" "$CLI_IP" 1500 "after the handshake the server"
	fi
	log_test "$name: TLS handshake (> 4 KiB certificates) completes, mtu 1500"
}

nft_pod()
{
	local name="rp_filter=1, backend $BACKEND, masqueraded pod" mtu drops0 drops1

	setup_seed || { log_test "$name: setup"; return; }
	topo_add_pod || { RET=$ksft_fail; retmsg="cannot add the pod"; log_test "$name: setup"; return; }
	backend_up "$SRV" uplinks eth1
	check_err $? "set rescue on uplinks eth1 failed"
	no_pmtu "$POD" "$CLI_IP"
	drops0=$(rpf_drops)
	if ((RET == 0)); then
		pod_transfer "$WORK_TIMEOUT" "$BYTES"
		check_err $? "pod transfer did not complete: $XFER_OUT"
		log_info "transfer: $XFER_OUT"
		check_route_mtu "$POD" "$CLI_IP" 1500 "the pod"
		drops1=$(rpf_drops)
		((drops1 == drops0))
		check_err $? "IPReversePathFilter rose ($drops0 -> $drops1)"
	fi
	log_test "$name: transfer completes, the pod learns mtu 1500"
}

nft_forged()
{
	local name="backend $BACKEND, forged frag-needed" drops0 drops1 nf0 nf1 r0 r1 mtu

	setup_seed || { log_test "$name: setup"; return; }
	backend_up "$SRV"
	check_err $? "set rescue on failed"
	no_pmtu "$SRV" "$CLI_IP"
	drops0=$(rpf_drops)
	nf0=$(counter "$SRV" no_flow)
	r0=$(counter "$SRV" rescued)
	# As the switch would send it, about a connection that does not exist.
	"$PYTHON" "$SELFTESTS_DIR/forge_icmp.py" --ns "$RTR" --dev r_srv --src "$RTR_MGMT_IP" \
		--dst "$SRV_IP" --mtu 1300 --inner-src "$SRV_IP" --inner-dst "$CLI_IP" \
		--proto tcp --sport "$TLS_PORT" --dport 40999 --seq 12345 --count 3 --interval 0.05
	check_err $? "forge_icmp.py failed"
	busywait 2000 drops_at_least $((drops0 + 3)) >/dev/null
	drops1=$(rpf_drops)
	nf1=$(counter "$SRV" no_flow)
	r1=$(counter "$SRV" rescued)
	mtu=$(route_mtu "$SRV" "$CLI_IP")
	log_info "IPReversePathFilter $drops0 -> $drops1, no_flow $nf0 -> $nf1, rescued $r0 -> $r1"
	((nf1 == nf0 + 3))
	check_err $? "counter no_flow went $nf0 -> $nf1, not +3"
	((r1 == r0))
	check_err $? "counter rescued rose ($r0 -> $r1)"
	((drops1 >= drops0 + 3))
	check_err $? "IPReversePathFilter did not rise by 3 ($drops0 -> $drops1): not dropped"
	[[ -z $mtu ]]
	check_err $? "the server learnt mtu $mtu from a forged error"
	log_test "$name: not RELATED, still dropped by strict RPF, counted as no_flow"
}

nft_mss()
{
	local name="backend $BACKEND, MSS rule" snd

	setup_seed || { log_test "$name: setup"; return; }
	# No rescue: the rule alone must keep segments under the path MTU.
	pf "$SRV" mss add 10.10.20.0/24 1400
	check_err $? "mss add failed"
	defer backend_down "$SRV"
	[[ $(pf "$SRV" mss show) == "10.10.20.0/24 mss 1400 dir both" ]]
	check_err $? "mss show: $(pf "$SRV" mss show)"
	if ((RET == 0)); then
		check_seed_transfer "$WORK_TIMEOUT" "$BYTES"
		[[ $XFER_OUT =~ snd_mss=([0-9]+) ]] && snd=${BASH_REMATCH[1]}
		((snd > 0 && snd <= 1400))
		check_err $? "the server's send MSS is '${snd:-?}', above 1400"
	fi
	log_test "$name: the client's SYN is clamped to 1400, the transfer completes without rescue"

	pf "$SRV" mss flush && pf "$SRV" mss add 10.10.20.0/24 9000 dir from
	check_err $? "mss flush / add 9000 failed"
	seed_transfer "$WORK_TIMEOUT" 1000
	[[ $XFER_OUT =~ snd_mss=([0-9]+) ]] && snd=${BASH_REMATCH[1]}
	log_info "transfer: $XFER_OUT"
	((snd == 8948))
	check_err $? "the server's send MSS is '${snd:-?}', not 8948 (8960 - timestamps): raised or lowered"
	log_test "$name: a rule above the SYN's MSS (9000 > 8960) leaves it alone"
}

nft_scale()
{
	local name="backend $BACKEND, 100k MSS prefixes" rules snd n

	setup_seed || { log_test "$name: setup"; return; }
	lib_tmpdir
	# 10.0.0.0/24 .. 11.134.159.0/24, the client's 10.10.20.0/24 among them.
	awk 'BEGIN {
		for (i = 0; i < 100000; i++)
			printf "mss add %d.%d.%d.0/24 1400\n", 10 + int(i / 65536), int(i / 256) % 256, i % 256
	}' >"$LIB_TMPDIR/big.conf"
	pf "$SRV" apply "$LIB_TMPDIR/big.conf"
	check_err $? "apply of 100k rules failed"
	defer backend_down "$SRV"
	n=$(pf "$SRV" mss show | wc -l)
	((n == 100000))
	check_err $? "mss show lists $n rules, not 100000"
	# Rules are the lines indented twice that carry a handle (-t: no elements).
	rules=$(ip netns exec "$SRV" nft -t -a list table inet pmtufix | grep -c $'^\t\t.*# handle')
	log_info "$n MSS rules, $rules nft rules in table inet pmtufix"
	((rules == 11))
	check_err $? "table inet pmtufix has $rules rules, not 11 (4 to values, 4 to rt mtu, 3 jumps)"
	if ((RET == 0)); then
		seed_transfer "$WORK_TIMEOUT" "$BYTES"
		check_err $? "transfer did not complete: $XFER_OUT"
		[[ $XFER_OUT =~ snd_mss=([0-9]+) ]] && snd=${BASH_REMATCH[1]}
		((snd > 0 && snd <= 1400))
		check_err $? "the server's send MSS is '${snd:-?}', above 1400"
	fi
	log_test "$name: one rule per family and direction, the client's prefix clamps its SYN"
}

# Every table but ours, each listed on its own: what others own.
others_ruleset()
{
	local fam tbl

	while read -r _ fam tbl; do
		[[ $fam == inet && $tbl == pmtufix ]] && continue
		ip netns exec "$1" nft list table "$fam" "$tbl"
	done < <(ip netns exec "$1" nft list tables)
}

snapshot() # NS: what pmtufix must leave as it found it
{
	others_ruleset "$1"
	echo "-- rules"; ip -n "$1" rule show
	echo "-- routes"; ip -n "$1" route show table all
	echo "-- sysctls"
	ip netns exec "$1" sh -c 'grep -H . /proc/sys/net/ipv4/conf/*/src_valid_mark \
		/proc/sys/net/ipv4/conf/*/rp_filter'
}

nft_coexist()
{
	local name="backend $BACKEND, coexistence" before tables during after

	setup_seed || { log_test "$name: setup"; return; }
	srv nft -f - <<-'EOF'
		table ip filter {
			chain KUBE-FIREWALL {
				ip saddr != 127.0.0.0/8 ip daddr 127.0.0.0/8 ct status dnat counter drop
			}
			chain INPUT {
				type filter hook input priority filter; policy accept;
				ct state new counter jump KUBE-FIREWALL
			}
			chain FORWARD {
				type filter hook forward priority filter; policy accept;
				meta mark & 0x00004000 == 0x00004000 counter accept
			}
		}
		table ip nat {
			chain KUBE-MARK-MASQ {
				counter meta mark set mark or 0x4000
			}
			chain PREROUTING {
				type nat hook prerouting priority dstnat; policy accept;
				ip daddr 10.96.0.1 tcp dport 443 counter jump KUBE-MARK-MASQ
			}
			chain POSTROUTING {
				type nat hook postrouting priority srcnat; policy accept;
				meta mark & 0x00004000 == 0x00004000 counter masquerade
			}
		}
		table inet firewalld {
			set allowed { type inet_service; elements = { 22, 6443 } }
			chain filter_INPUT {
				type filter hook input priority filter + 10; policy accept;
				ct state established,related accept
				iifname "lo" accept
				tcp dport @allowed accept
				icmp type destination-unreachable accept
			}
			chain mangle_PREROUTING {
				type filter hook prerouting priority mangle + 10; policy accept;
			}
		}
	EOF
	check_err $? "cannot load the other tables"
	before=$(snapshot "$SRV")
	tables=$(others_ruleset "$SRV")

	backend_up "$SRV"
	check_err $? "set rescue on failed"
	pf "$SRV" mss add 10.10.20.0/24 1400
	check_err $? "mss add failed"
	during=$(others_ruleset "$SRV")
	[[ -n $tables && $during == "$tables" ]]
	check_err $? "the other tables changed when pmtufix installed its own:
$(diff <(echo "$tables") <(echo "$during"))"
	[[ $(ip -n "$SRV" rule show) == *"fwmark 0x2000/0x2000 lookup 500 proto 157"* ]]
	check_err $? "no ip rule of pmtufix while installed: $(ip -n "$SRV" rule show)"
	[[ $(ip netns exec "$SRV" cat /proc/sys/net/ipv4/conf/eth1/src_valid_mark) == 1 ]]
	check_err $? "src_valid_mark is not 1 on eth1 while installed"
	log_test "$name: installed next to iptables-nft and firewalld tables, theirs unchanged"

	pf "$SRV" down
	check_err $? "down failed"
	after=$(snapshot "$SRV")
	[[ $after == "$before" ]]
	check_err $? "not as before after down:
$(diff <(echo "$before") <(echo "$after"))"
	ip netns exec "$SRV" nft list table inet pmtufix >/dev/null 2>&1
	check_fail $? "table inet pmtufix is still there"
	log_test "$name: after down, ruleset, ip rules, routes and sysctls are as before"
}

# pf_ro NS ARGS...: the CLI in NS with /proc/sys read-only, as a container
# runtime mounts it for a pod (CAP_NET_ADMIN, no writable sysctls).
pf_ro()
{
	local ns=$1; shift

	unshare -m sh -c 'mount --bind /proc/sys /proc/sys &&
		mount -o remount,bind,ro /proc/sys /proc/sys && exec "$@"' \
		pf_ro "$PMTUFIX_CLI" -n "$ns" --backend "$BACKEND" "$@"
}

nft_ro_sysctl()
{
	local name="read-only /proc/sys, backend $BACKEND" svm

	setup_seed || { log_test "$name: setup"; return; }
	# The guard of the test itself: the sysctl cannot be written there.
	unshare -m sh -c 'mount --bind /proc/sys /proc/sys &&
		mount -o remount,bind,ro /proc/sys /proc/sys &&
		ip netns exec "$1" sh -c "echo 1 > /proc/sys/net/ipv4/conf/eth1/src_valid_mark"' \
		sh "$SRV" 2>/dev/null
	check_fail $? "/proc/sys was writable in the read-only mount namespace"
	pf_ro "$SRV" set rescue on
	check_err $? "set rescue on failed with /proc/sys read-only"
	defer backend_down "$SRV"
	svm=$(ip netns exec "$SRV" cat /proc/sys/net/ipv4/conf/eth1/src_valid_mark)
	[[ $svm == 1 ]]
	check_err $? "src_valid_mark on eth1 is '$svm', not 1"
	no_pmtu "$SRV" "$CLI_IP" || { log_test "$name: setup"; return; }
	check_seed_transfer "$WORK_TIMEOUT" "$BYTES"
	log_test "$name: installs (src_valid_mark set over rtnetlink), the transfer completes"

	pf_ro "$SRV" down
	check_err $? "down failed with /proc/sys read-only"
	svm=$(ip netns exec "$SRV" cat /proc/sys/net/ipv4/conf/eth1/src_valid_mark)
	[[ $svm == 0 ]]
	check_err $? "src_valid_mark on eth1 is '$svm' after down, not 0"
	log_test "$name: down puts src_valid_mark back"
}

tests_parse_args "$@"

require_root
require_cmd ip ss nft "$PYTHON" openssl curl unshare mount
[[ -x $PMTUFIX_CLI ]] || ksft_skip_all "no CLI at $PMTUFIX_CLI (make cli)"
tls_certs >/dev/null || ksft_skip_all "cannot make TLS certificates"
log_info "kernel $(uname -r), backend $BACKEND, $($PMTUFIX_CLI -V)"

tests_run

ksft_finish
