#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # cases run through $tests
#
# test-doctor.sh - `pmtufix doctor` on the seed topology (topo.sh): each way
# path MTU discovery fails gets exactly its verdict, and the fix the verdict
# prints, applied as printed, makes the seed transfer work.
#
#   $CLI 10.10.20.20 ---1500--- $RTR ---9000--- $SRV 10.10.10.10 (eth1)
#   MTU 9000                    frag-needed from    172.20.20.10 (eth0, mgmt)
#                               172.20.20.2 or      doctor runs here, probing
#                               10.10.10.1          10.10.20.20
#
# doctor_rpf        rp_filter=1, errors from 172.20.20.2: probe.rpf_drop (source,
#                   ingress eth1, routes out eth0); the transfer stalls; the fix
#                   (load pmtufix, no rp_filter=2) makes it complete
# doctor_rescued    the same with pmtufix loaded: exit 0, probe.rescued, the
#                   module's rescued counter moved, the transfer completes
# doctor_fw         errors from 10.10.10.1 dropped by an nft input rule:
#                   probe.fw_drop and firewall.icmp_drop name the rule; deleting
#                   it as printed makes the stalled transfer complete
# doctor_blackhole  the switch sends no error at all: probe.black_hole, not a
#                   drop here; the printed MSS rule makes the transfer complete
# doctor_overlay    a vxlan device with MTU 9000 over a 9000 uplink:
#                   overlay.mtu (limit 8950); the printed command clears it
# doctor_healthy    errors from 10.10.10.1: exit 0, no warning, PMTU 1500 learnt
# doctor_unpriv     no capabilities: the firewall, the capture and pmtufix's
#                   state are reported as skipped, the probe still runs
#
# doctor_tcp_rpf    the same as doctor_rpf with a TCP probe (DEST PORT, one
#                   connection sending 64 KiB): probe.rpf_drop; with pmtufix
#                   loaded: probe.rescued, exit 0
# doctor_tcp_blackhole  doctor_blackhole with a TCP probe: the stall is
#                   followed by datagrams that find 1500 arrives
#
# Every probe must stay within its bounds (6 datagrams, or one connection and
# at most 6 datagrams).
#
# Usage: test-doctor.sh [-t "case ..."] [-v]
#   STALL_TIMEOUT (s, default 4), WORK_TIMEOUT (s, default 20)

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

: "${STALL_TIMEOUT:=4}"
: "${WORK_TIMEOUT:=20}"
PROBE_MAX=6

tests="
	doctor_rpf	strict RPF drops errors from the mgmt address: verdict and fix
	doctor_rescued	the same with pmtufix: healthy, rescue counted
	doctor_fw	an nft rule drops the errors: verdict names it, deleting it fixes
	doctor_blackhole	no error is ever sent: black hole, the MSS rule fixes
	doctor_overlay	vxlan MTU above the uplink's minus 50: verdict and fix
	doctor_healthy	errors from 10.10.10.1: exit 0, no false alarm
	doctor_unpriv	without capabilities: skipped checks named, the rest runs
	doctor_tcp_rpf	TCP probe, strict RPF: verdict, then rescued with pmtufix
	doctor_tcp_blackhole	TCP probe, no error sent: black hole, the MSS rule fixes"

DOC_JSON='' DOC_RC=0
# doctor NS [ARGS...]: run it, JSON in $DOC_JSON, exit code in $DOC_RC.
doctor()
{
	local ns=$1; shift

	DOC_JSON=$("$PMTUFIX_CLI" -n "$ns" -j doctor "$@")
	DOC_RC=$?
	((VERBOSE)) && echo "# doctor: $DOC_JSON" >&2
	return 0
}

# doc Q: one answer from $DOC_JSON. Q: "checks" (severity check, one a line),
# "fix CHECK", "msg CHECK", "probe KEY".
doc()
{
	"$PYTHON" -c '
import json, sys
d = json.loads(sys.argv[1])
q = sys.argv[2:]
f = d.get("findings", [])
if q[0] == "checks":
    for x in f:
        print(x["severity"], x["check"])
elif q[0] in ("fix", "msg"):
    key = "fix" if q[0] == "fix" else "message"
    print(next((x.get(key, "") for x in f if x["check"] == q[1]), ""))
elif q[0] == "probe":
    v = d.get("probe", {}).get(q[1], "")
    print(str(v).lower() if isinstance(v, bool) else v)
' "$DOC_JSON" "$@"
}

log_doc()
{
	log_info "doctor exit $DOC_RC: $(doc checks | tr '\n' ',')"
}

# The worst finding must be CHECK, with severity SEV (ok: one of them);
# exit code RC.
check_verdict()
{
	local sev=$1 check=$2 rc=$3 first

	first=$(doc checks | head -1)
	[[ $first == "$sev $check" ]] || { [[ $sev == ok ]] && doc checks | grep -qx "ok $check"; }
	check_err $? "first finding is '$first', not '$sev $check'"
	[[ $DOC_RC == "$rc" ]]
	check_err $? "doctor exited $DOC_RC, not $rc"
}

check_bounded()
{
	local n

	n=$(doc probe probes)
	[[ -n $n ]] && ((n >= 1 && n <= PROBE_MAX))
	check_err $? "the probe sent '$n' datagrams (1..$PROBE_MAX allowed)"
}

check_no_alarm()
{
	local bad

	bad=$(doc checks | grep -E '^(error|warning) ')
	[[ -z $bad ]]
	check_err $? "false alarm: $bad"
}

# drop_frag_needed RUN TABLE HOOK: table ip TABLE in RUN's namespace (srv,
# rtr) drops every frag-needed at HOOK.
drop_frag_needed()
{
	"$1" nft -f - <<-EOF
		table ip $2 {
			chain $3 {
				type filter hook $3 priority filter; policy accept;
				icmp type destination-unreachable icmp code frag-needed drop
			}
		}
	EOF
}

check_stall()
{
	seed_transfer "$STALL_TIMEOUT"
	check_fail $? "the transfer completed before the fix: $XFER_OUT"
}

setup()
{
	topo_seed "$@" || { check_err 1 "cannot build the topology ($*)"; return 1; }
	no_pmtu "$SRV" "$CLI_IP"
}

doctor_rpf()
{
	local name="rp_filter=1, errors from $RTR_MGMT_IP" fix msg

	setup rpf=1 mgmt_src=1 || { log_test "$name: setup"; return; }
	doctor "$SRV" "$CLI_IP"
	log_doc
	check_verdict error probe.rpf_drop 1
	check_bounded
	msg=$(doc msg probe.rpf_drop)
	[[ $msg == *"from $RTR_MGMT_IP (mtu 1500) arrives on eth1, but $RTR_MGMT_IP routes out eth0"* ]]
	check_err $? "message: $msg"
	[[ $(doc probe strict_rpf) == drop && $(doc probe error_iface) == eth1 ]]
	check_err $? "probe: strict_rpf $(doc probe strict_rpf), iface $(doc probe error_iface)"
	fix=$(doc fix probe.rpf_drop)
	[[ $fix == *"modprobe pmtufix"* && $fix == *"keeps rp_filter=1"* && $fix != *"rp_filter=2"* ]]
	check_err $? "fix: $fix"
	log_test "$name: verdict probe.rpf_drop, fix loads pmtufix"

	check_stall
	topo_flush_pmtu
	pmtufix_load || check_err 1 "cannot load pmtufix"
	check_seed_transfer "$WORK_TIMEOUT"
	log_test "$name: the transfer stalls, and completes with the fix"
}

doctor_rescued()
{
	local name="rp_filter=1, errors from $RTR_MGMT_IP, pmtufix loaded" rescued

	setup rpf=1 mgmt_src=1 || { log_test "$name: setup"; return; }
	pmtufix_load || check_err 1 "cannot load pmtufix"
	doctor "$SRV" "$CLI_IP"
	log_doc
	check_verdict ok probe.rescued 0
	check_bounded
	check_no_alarm
	rescued=$(doc probe rescued)
	((rescued >= 1))
	check_err $? "rescued '$rescued' during the probe"
	[[ $(doc probe cached_mtu) == 1500 ]]
	check_err $? "cached mtu '$(doc probe cached_mtu)', not 1500"
	log_test "$name: healthy (exit 0), rescue counted, PMTU cached"

	topo_flush_pmtu
	check_seed_transfer "$WORK_TIMEOUT"
	log_test "$name: the transfer completes"
}

doctor_fw()
{
	local name="errors dropped by an nft rule" fix

	setup rpf=1 mgmt_src=0 || { log_test "$name: setup"; return; }
	drop_frag_needed srv filter input || check_err 1 "cannot add the firewall rule"
	doctor "$SRV" "$CLI_IP"
	log_doc
	check_verdict error probe.fw_drop 1
	check_bounded
	[[ $(doc probe strict_rpf) == pass ]]
	check_err $? "strict_rpf '$(doc probe strict_rpf)', not pass"
	doc checks | grep -qx "warning firewall.icmp_drop"
	check_err $? "no firewall.icmp_drop finding"
	fix=$(doc fix probe.fw_drop)
	[[ $fix == "nft delete rule ip filter input handle "* ]]
	check_err $? "fix: $fix"
	log_test "$name: verdict probe.fw_drop names the rule"

	check_stall
	topo_flush_pmtu
	# shellcheck disable=SC2086 # the command as printed, up to its remark
	srv ${fix%% (*} || check_err 1 "the fix failed: ${fix%% (*}"
	check_seed_transfer "$WORK_TIMEOUT"
	log_test "$name: the transfer stalls, and completes with the fix"
}

doctor_blackhole()
{
	local name="no error ever sent" fix

	setup rpf=1 mgmt_src=0 || { log_test "$name: setup"; return; }
	drop_frag_needed rtr silent output || check_err 1 "cannot silence the router"
	doctor "$SRV" "$CLI_IP"
	log_doc
	check_verdict error probe.black_hole 1
	check_bounded
	[[ $(doc probe error_seen) == false && $(doc probe largest_ok) == 1500 ]]
	check_err $? "error_seen $(doc probe error_seen), largest_ok $(doc probe largest_ok)"
	fix=$(doc fix probe.black_hole)
	[[ $fix == "pmtufix mss add $CLI_IP/32 1460" ]]
	check_err $? "fix: $fix"
	log_test "$name: verdict probe.black_hole, fix an MSS rule"

	check_stall
	pmtufix_load || check_err 1 "cannot load pmtufix"
	# shellcheck disable=SC2086 # the command as printed
	pmtufix "$SRV" ${fix#pmtufix } || check_err 1 "the fix failed: $fix"
	check_seed_transfer "$WORK_TIMEOUT"
	log_test "$name: the transfer stalls, and completes with the fix"
}

doctor_overlay()
{
	local name="vxlan MTU 9000 over a 9000 uplink" fix

	setup rpf=1 mgmt_src=0 || { log_test "$name: setup"; return; }
	if ! srv ip link add vx0 mtu 9000 type vxlan id 42 remote "$CLI_IP" dstport 4789 \
		2>/dev/null; then
		log_test_skip "$name" "no vxlan in this kernel"
		return
	fi
	srv ip link set vx0 up
	doctor "$SRV"
	log_doc
	check_verdict warning overlay.mtu 1
	fix=$(doc fix overlay.mtu)
	[[ $fix == "ip link set dev vx0 mtu 8950" ]]
	check_err $? "fix: $fix"
	log_test "$name: verdict overlay.mtu, fix MTU 8950"

	# shellcheck disable=SC2086 # the command as printed
	srv ${fix} || check_err 1 "the fix failed: $fix"
	doctor "$SRV"
	log_doc
	check_no_alarm
	[[ $DOC_RC == 0 ]]
	check_err $? "doctor exited $DOC_RC after the fix"
	log_test "$name: after the fix doctor finds nothing wrong"
}

doctor_healthy()
{
	local name="errors from $RTR_SRV_IP"

	setup rpf=1 mgmt_src=0 || { log_test "$name: setup"; return; }
	doctor "$SRV" "$CLI_IP"
	log_doc
	check_verdict ok probe.pmtu 0
	check_bounded
	check_no_alarm
	[[ $(doc probe cached_mtu) == 1500 && $(doc probe strict_rpf) == pass ]]
	check_err $? "cached '$(doc probe cached_mtu)', strict_rpf '$(doc probe strict_rpf)'"
	log_test "$name: exit 0, no false alarm, PMTU 1500"

	topo_flush_pmtu
	check_seed_transfer "$WORK_TIMEOUT"
	log_test "$name: the transfer completes"
}

doctor_unpriv()
{
	local name="without capabilities" checks

	setup rpf=1 mgmt_src=1 || { log_test "$name: setup"; return; }
	DOC_JSON=$(ip netns exec "$SRV" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$PMTUFIX_CLI" -j doctor "$CLI_IP")
	DOC_RC=$?
	log_doc
	checks=$(doc checks)
	grep -qx "skipped firewall" <<<"$checks" && grep -qx "skipped probe.capture" <<<"$checks" &&
		grep -qx "skipped pmtufix" <<<"$checks"
	check_err $? "firewall, capture or pmtufix not reported as skipped: $checks"
	check_bounded
	[[ $(doc probe largest_ok) == 1500 ]]
	check_err $? "the probe did not run: largest_ok '$(doc probe largest_ok)'"
	log_test "$name: skipped checks named, the probe still runs"
}

SINK_PORT=5201
# A TCP sink on the client for the TCP probe.
sink_start()
{
	lib_tmpdir || return 1
	ns_spawn "$CLI" "$LIB_TMPDIR/sink.log" socat -u \
		"TCP-LISTEN:$SINK_PORT,reuseaddr,fork" OPEN:/dev/null
	busywait 10000 tcp_listening "$CLI" "$SINK_PORT"
}

doctor_tcp_rpf()
{
	local name="TCP probe, rp_filter=1, errors from $RTR_MGMT_IP"

	setup rpf=1 mgmt_src=1 || { log_test "$name: setup"; return; }
	sink_start || check_err 1 "the sink did not start"
	doctor "$SRV" "$CLI_IP" "$SINK_PORT"
	log_doc
	check_verdict error probe.rpf_drop 1
	check_bounded
	[[ $(doc probe error_source) == "$RTR_MGMT_IP" && $(doc probe strict_rpf) == drop ]]
	check_err $? "source '$(doc probe error_source)', strict_rpf '$(doc probe strict_rpf)'"
	# One connection, no datagram: the error was about the TCP flow.
	[[ $(doc probe tcp) == true && $(doc probe probes) == 1 ]]
	check_err $? "tcp '$(doc probe tcp)', probes '$(doc probe probes)': not one connection"
	log_test "$name: verdict probe.rpf_drop"

	topo_flush_pmtu
	pmtufix_load || check_err 1 "cannot load pmtufix"
	doctor "$SRV" "$CLI_IP" "$SINK_PORT"
	log_doc
	check_verdict ok probe.rescued 0
	check_no_alarm
	((RET == 0)) && [[ $(doc probe cached_mtu) == 1500 ]]
	check_err $? "cached mtu '$(doc probe cached_mtu)', not 1500"
	log_test "$name: with the fix, rescued and exit 0"
}

doctor_tcp_blackhole()
{
	local name="TCP probe, no error ever sent" fix

	setup rpf=1 mgmt_src=0 || { log_test "$name: setup"; return; }
	drop_frag_needed rtr silent output || check_err 1 "cannot silence the router"
	sink_start || check_err 1 "the sink did not start"
	doctor "$SRV" "$CLI_IP" "$SINK_PORT"
	log_doc
	check_verdict error probe.black_hole 1
	check_bounded
	fix=$(doc fix probe.black_hole)
	[[ $fix == "pmtufix mss add $CLI_IP/32 1460" ]]
	check_err $? "fix: $fix"
	[[ $(doc probe tcp) == true ]]
	check_err $? "the probe was not over TCP"
	log_test "$name: verdict probe.black_hole, fix an MSS rule"

	pmtufix_load || check_err 1 "cannot load pmtufix"
	# shellcheck disable=SC2086 # the command as printed
	pmtufix "$SRV" ${fix#pmtufix } || check_err 1 "the fix failed: $fix"
	check_seed_transfer "$WORK_TIMEOUT"
	log_test "$name: the transfer completes with the fix"
}

tests_parse_args "$@"

require_root
require_pmtufix
require_cmd ip nft setpriv socat "$PYTHON"
log_info "kernel $(uname -r)"

tests_run

ksft_finish
