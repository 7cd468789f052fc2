#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# topo.sh - the seed's topology for the pmtufix selftests (source it; sources lib.sh).
#
#   $CLI (worker3)               $RTR (the L3 switch)                  $SRV (API server)
#  +-------------------+   +-------------------------------+   +------------------------+
#  | eth1 10.10.20.20  |---| r_cli 10.10.20.1    MTU 1500  |   |                        |
#  |   /24  MTU 9000   |   |                               |   |                        |
#  | default via       |   |          r_srv 10.10.10.1/24  |---| eth1 10.10.10.10/24    |
#  |   10.10.20.1      |   |                     MTU 9000  |   |   MTU 9000             |
#  +-------------------+   | lo 172.20.20.2/32 (mgmt)      |   | 10.10.20.0/24 via      |
#                          | r_mgmt (no address)           |---| eth0 172.20.20.10/24   |
#                          |  172.20.20.0/24 dev r_mgmt    |   |   (management network) |
#                          |  10.10.10.0/24 dev r_srv      |   |                        |
#                          |     src 172.20.20.2 (mgmt_src)|   | vpod 10.244.1.1/24 ----+--+
#                          | forwarding on, rp_filter 0,   |   | rp_filter = $rpf       |  |
#                          | arp_announce 2                |   |                        |  |
#                          +-------------------------------+   +------------------------+  |
#                                                         (topo_add_pod)  $POD          |
#                                                        +-----------------------------+ |
#                                                        | eth0 10.244.1.10/24 MTU 9000|-+
#                                                        | default via 10.244.1.1      |
#                                                        +-----------------------------+
#                                                        masqueraded by $SRV out eth1 (nft)
#
# The server sends segments as big as the client's MSS (8960) allows; r_cli
# (MTU 1500) cannot forward them, so the router sends ICMP frag-needed (type 3
# code 4, mtu 1500). With mgmt_src=1 (default) its source is 172.20.20.2: the
# route to the server carries "src 172.20.20.2" (a nat-table snat would not
# apply: the error is conntrack RELATED). The server receives it on eth1 but
# routes 172.20.20.0/24 out eth0, so strict reverse-path filtering (rpf=1)
# drops it (IPReversePathFilter) and PMTU discovery never learns 1500: a black
# hole. rpf=2, rpf=0 or mgmt_src=0 (errors from 10.10.10.1) let it through.
#
# Every sysctl the scenario depends on is written in every namespace (a new
# netns copies init_net's conf/all and conf/default). The router ARPs from its
# interface address (arp_announce 2), as a switch's SVI does: a request "tell
# 172.20.20.2" would itself fail the server's strict reverse-path check.
#
# Topology
#   topo_seed [rpf=1|2|0] [mgmt_src=1|0] [path_mtu=1500] [mtu=9000]
#                         create $CLI $RTR $SRV as drawn (deferred deletion in the
#                         current defer scope)
#   topo_add_pod          add $POD behind $SRV, masqueraded out eth1 by an nft table
#                         "pmtufix_test_nat"; $SRV forwards
#   topo_set_rpf N        rp_filter N on the server (all, default, every interface)
#   topo_set_mgmt_src 0|1 router's ICMP errors to 10.10.10.0/24 from 10.10.10.1 | 172.20.20.2
#   topo_flush_pmtu       drop learnt PMTUs and cached routes (server, pod)
#   cli|rtr|srv|pod CMD.. run CMD in that namespace (ns_exec; "srv ip ..." = ip -n)
#
# Observations
#   route_mtu NS DST      print the mtu "ip route get DST" shows in NS ("" = none)
#   rpf_drops [NS]        print IPReversePathFilter of NS (default $SRV)
#   no_pmtu NS DST        true when NS knows no PMTU toward DST; else fails the
#                         test point (a positive case must start from nothing)
#   check_route_mtu NS DST WANT WHO
#                         fail the test point unless "ip route get DST" in NS shows
#                         mtu WANT (WHO names NS in the message)
#
# Traffic (all return 0 on success; none needs a sleep)
#   xfer LISTEN_NS CONNECT_NS ADDR TIMEOUT [xfer.py options...]
#                         one TCP transfer (see xfer.py), result line in $XFER_OUT
#   seed_transfer TIMEOUT [BYTES]
#                         $SRV (10.10.10.10, listening) sends BYTES (default 65536) to
#                         $CLI; 0 = all bytes within TIMEOUT s, 1 = stall
#   check_seed_transfer TIMEOUT [BYTES]
#                         seed_transfer that fails the test point on a stall and
#                         logs the result line
#   xfer_field NAME       a key=value field of $XFER_OUT (snd_mss, pmtu, ...)
#   pod_transfer TIMEOUT [BYTES]
#                         $POD connects to $CLI (10.10.20.20) through the masquerade
#                         and sends BYTES to it
#   tls_certs             make/reuse the certificate chain (mkcerts.sh), dir in
#                         $TLS_CERT_DIR: $PMTUFIX_CERT_DIR, else build/selftests/certs
#                         if "make -C selftests certs" made it, else a cache in $TMPDIR
#   tls_server_start [NS ADDR PORT]
#                         openssl s_server (default: $SRV 10.10.10.10:6443), waits
#                         until it listens; killed in the current defer scope
#   tls_handshake TIMEOUT [NS URL]
#                         curl -k from $CLI (default https://10.10.10.10:6443/healthz)
#                         with --connect-timeout TIMEOUT; returns curl's exit code
#                         (28 = "SSL connection timeout"), curl's stderr in $TLS_ERR
#
# Addresses: CLI_IP RTR_CLI_IP RTR_SRV_IP RTR_MGMT_IP SRV_IP SRV_MGMT_IP
#            SRV_POD_IP POD_IP, TLS_PORT; PYTHON (environment) picks the interpreter.

[[ -n ${__PMTUFIX_TOPO_SH-} ]] && return 0
__PMTUFIX_TOPO_SH=1

__topo_dir=${BASH_SOURCE[0]%/*}
[[ $__topo_dir == "${BASH_SOURCE[0]}" ]] && __topo_dir=.
source "$__topo_dir/lib.sh" || return 1

CLI_IP=10.10.20.20
RTR_CLI_IP=10.10.20.1
RTR_SRV_IP=10.10.10.1
RTR_MGMT_IP=172.20.20.2
SRV_IP=10.10.10.10
SRV_MGMT_IP=172.20.20.10
SRV_POD_IP=10.244.1.1
POD_IP=10.244.1.10
TLS_PORT=6443

: "${PYTHON:=python3}"

CLI='' RTR='' SRV='' POD=''
TOPO_RPF=1
TOPO_MGMT_SRC=1

cli() { ns_exec "$CLI" "$@"; }
rtr() { ns_exec "$RTR" "$@"; }
srv() { ns_exec "$SRV" "$@"; }
pod() { ns_exec "$POD" "$@"; }

# Sysctls common to every namespace of the topology: IPv4 conf for all,
# default and each interface given, no IPv6 (no DAD, no RS noise), PMTU
# discovery on, no TCP black hole detection, no per-destination TCP metrics.
# __topo_sysctls RPF FORWARD ARP_ANNOUNCE IFACE...
__topo_sysctls()
{
	local rpf=$1; shift
	local fwd=$1; shift
	local announce=$1; shift
	local c
	local -a kv=(
		"net.ipv4.ip_forward=$fwd"
		"net.ipv4.ip_no_pmtu_disc=0"
		"net.ipv4.ip_forward_use_pmtu=0"
		"net.ipv4.route.min_pmtu=552"
		"net.ipv4.route.mtu_expires=600"
		"net.ipv4.icmp_errors_use_inbound_ifaddr=0"
		"net.ipv4.icmp_ignore_bogus_error_responses=1"
		"net.ipv4.tcp_mtu_probing=0"
		"net.ipv4.tcp_no_metrics_save=1"
		"net.ipv4.tcp_orphan_retries=1"
		"?net.ipv6.conf.all.disable_ipv6=1"
		"?net.ipv6.conf.default.disable_ipv6=1"
	)

	for c in all default lo "$@"; do
		kv+=("net.ipv4.conf.$c.rp_filter=$rpf"
		     "net.ipv4.conf.$c.log_martians=0"
		     "net.ipv4.conf.$c.accept_local=0"
		     "net.ipv4.conf.$c.src_valid_mark=0"
		     "net.ipv4.conf.$c.arp_filter=0"
		     "net.ipv4.conf.$c.arp_ignore=0"
		     "net.ipv4.conf.$c.arp_announce=$announce")
	done
	printf '%s\n' "${kv[@]}"
}

topo_seed()
{
	local rpf=1 mgmt_src=1 path_mtu=1500 mtu=9000 opt
	local -a kv

	for opt; do
		case $opt in
		rpf=[012]) rpf=${opt#*=} ;;
		mgmt_src=[01]) mgmt_src=${opt#*=} ;;
		path_mtu=*) path_mtu=${opt#*=} ;;
		mtu=*) mtu=${opt#*=} ;;
		*) echo "topo_seed: bad option '$opt'" >&2; return 1 ;;
		esac
	done
	TOPO_RPF=$rpf
	TOPO_MGMT_SRC=$mgmt_src
	POD=

	setup_ns -L CLI RTR SRV || return 1

	ip -batch - <<-EOF || return 1
		link add eth1 netns $CLI mtu $mtu type veth peer name r_cli netns $RTR mtu $path_mtu
		link add r_srv netns $RTR mtu $mtu type veth peer name eth1 netns $SRV mtu $mtu
		link add r_mgmt netns $RTR type veth peer name eth0 netns $SRV
	EOF

	cli ip -batch - <<-EOF || return 1
		link set lo up
		link set eth1 up
		addr add $CLI_IP/24 dev eth1
		route add default via $RTR_CLI_IP dev eth1
	EOF
	rtr ip -batch - <<-EOF || return 1
		link set lo up
		addr add $RTR_MGMT_IP/32 dev lo
		link set r_cli up
		link set r_srv up
		link set r_mgmt up
		addr add $RTR_CLI_IP/24 dev r_cli
		addr add $RTR_SRV_IP/24 dev r_srv
		route add 172.20.20.0/24 dev r_mgmt scope link src $RTR_MGMT_IP
	EOF
	srv ip -batch - <<-EOF || return 1
		link set lo up
		link set eth1 up
		link set eth0 up
		addr add $SRV_IP/24 dev eth1
		addr add $SRV_MGMT_IP/24 dev eth0
		route add 10.10.20.0/24 via $RTR_SRV_IP dev eth1
	EOF

	mapfile -t kv < <(__topo_sysctls 1 0 0 eth1)
	ns_sysctl "$CLI" "${kv[@]}" || return 1
	mapfile -t kv < <(__topo_sysctls 0 1 2 r_cli r_srv r_mgmt)
	ns_sysctl "$RTR" "${kv[@]}" || return 1
	mapfile -t kv < <(__topo_sysctls "$rpf" 0 0 eth0 eth1)
	ns_sysctl "$SRV" "${kv[@]}" || return 1

	if ((mgmt_src)); then
		topo_set_mgmt_src 1 || return 1
	fi
}

topo_add_pod()
{
	local -a kv

	setup_ns -L POD || return 1
	ip link add eth0 netns "$POD" mtu 9000 type veth peer name vpod netns "$SRV" mtu 9000 ||
		return 1
	pod ip -batch - <<-EOF || return 1
		link set lo up
		link set eth0 up
		addr add $POD_IP/24 dev eth0
		route add default via $SRV_POD_IP dev eth0
	EOF
	srv ip -batch - <<-EOF || return 1
		link set vpod up
		addr add $SRV_POD_IP/24 dev vpod
	EOF
	mapfile -t kv < <(__topo_sysctls 1 0 0 eth0)
	ns_sysctl "$POD" "${kv[@]}" || return 1
	# ip_forward first: writing it resets every interface's forwarding.
	mapfile -t kv < <(__topo_sysctls "$TOPO_RPF" 1 0 eth0 eth1 vpod)
	ns_sysctl "$SRV" "${kv[@]}" || return 1
	srv nft -f - <<-EOF || return 1
		table ip pmtufix_test_nat {
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "eth1" ip saddr 10.244.1.0/24 masquerade
			}
		}
	EOF
}

topo_set_rpf()
{
	local rpf=$1
	local c
	local -a kv=()

	for c in all default lo eth0 eth1 ${POD:+vpod}; do
		kv+=("net.ipv4.conf.$c.rp_filter=$rpf")
	done
	ns_sysctl "$SRV" "${kv[@]}" && TOPO_RPF=$rpf
}

topo_set_mgmt_src()
{
	if (($1)); then
		rtr ip route replace 10.10.10.0/24 dev r_srv scope link src "$RTR_MGMT_IP"
	else
		rtr ip route replace 10.10.10.0/24 dev r_srv proto kernel scope link src "$RTR_SRV_IP"
	fi && TOPO_MGMT_SRC=$1
}

topo_flush_pmtu()
{
	srv ip route flush cache || return 1
	if [[ -n $POD ]]; then
		pod ip route flush cache || return 1
	fi
}

route_mtu()
{
	ns_route_mtu "$1" "$2"
}

rpf_drops()
{
	ns_netstat "${1:-$SRV}" IPReversePathFilter
}

XFER_OUT=
xfer()
{
	local lns=$1 cns=$2 addr=$3 timeout=$4
	local rc

	shift 4
	XFER_OUT=$("$PYTHON" "$SELFTESTS_DIR/xfer.py" --listen-ns "$lns" \
		--connect-ns "$cns" --addr "$addr" --timeout "$timeout" "$@")
	rc=$?
	((VERBOSE)) && echo "# xfer: $XFER_OUT" >&2
	return $rc
}

seed_transfer()
{
	xfer "$SRV" "$CLI" "$SRV_IP" "$1" --bytes "${2:-65536}" --sender listener
}

pod_transfer()
{
	xfer "$CLI" "$POD" "$CLI_IP" "$1" --bytes "${2:-65536}" --sender connector
}

# Certificates: $PMTUFIX_CERT_DIR, else those of "make -C selftests certs"
# (build/selftests/certs, visible read-only to a guest), else a cache in $TMPDIR.
TLS_CERT_DIR=
tls_certs()
{
	[[ -n $TLS_CERT_DIR && -s $TLS_CERT_DIR/size ]] && return 0
	TLS_CERT_DIR=$PMTUFIX_CERT_DIR
	if [[ -z $TLS_CERT_DIR ]]; then
		TLS_CERT_DIR=$SELFTESTS_DIR/../build/selftests/certs
		[[ -s $TLS_CERT_DIR/size ]] ||
			TLS_CERT_DIR=${TMPDIR:-/tmp}/pmtufix-selftests-certs-$EUID
	fi
	"$SELFTESTS_DIR/mkcerts.sh" "$TLS_CERT_DIR"
}

tls_server_start()
{
	local ns=${1:-$SRV} addr=${2:-$SRV_IP} port=${3:-$TLS_PORT}

	tls_certs || return 1
	lib_tmpdir || return 1
	ns_spawn "$ns" "$LIB_TMPDIR/s_server.$port.log" \
		openssl s_server -quiet -www -accept "$addr:$port" \
		-cert "$TLS_CERT_DIR/server.pem" -key "$TLS_CERT_DIR/server.key" \
		-cert_chain "$TLS_CERT_DIR/chain.pem"
	busywait 10000 tcp_listening "$ns" "$port"
}

TLS_ERR=
tls_handshake()
{
	local timeout=$1
	local ns=${2:-$CLI} url=${3:-https://$SRV_IP:$TLS_PORT/healthz}
	local rc

	lib_tmpdir || return 1
	((VERBOSE)) && echo "# [${ns%%-*}] curl $url" >&2
	ip netns exec "$ns" curl -k -sS -o /dev/null --connect-timeout "$timeout" \
		--max-time "$((timeout + 10))" "$url" 2>"$LIB_TMPDIR/curl.err"
	rc=$?
	TLS_ERR=
	read -r -d '' TLS_ERR <"$LIB_TMPDIR/curl.err"
	TLS_ERR=${TLS_ERR%$'\n'}
	return $rc
}

check_route_mtu()
{
	local mtu

	mtu=$(route_mtu "$1" "$2")
	[[ $mtu == "$3" ]]
	check_err $? "$4 shows mtu '${mtu:-none}' toward $2, not $3"
}

check_seed_transfer()
{
	seed_transfer "$@"
	check_err $? "transfer did not complete: $XFER_OUT"
	log_info "transfer: $XFER_OUT"
}

xfer_field()
{
	local re="(^| )$1=([^ ]*)"

	[[ $XFER_OUT =~ $re ]] && echo "${BASH_REMATCH[2]}"
}

no_pmtu()
{
	local mtu

	mtu=$(route_mtu "$1" "$2")
	[[ -z $mtu ]] && return 0
	check_err 1 "${1%%-*} already has mtu $mtu toward $2 before the case"
	return 1
}
