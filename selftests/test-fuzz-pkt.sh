#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-fuzz-pkt.sh - seeded packet fuzzing of pmtufix's hooks with AF_PACKET
# frames injected into veth (fuzz_icmp.c, fuzz_syn.c; packets built by
# pktgen.h). A kernel report fails the run (the VM runner watches the log).
#
# fuzz_icmp   the seed topology (topo.sh, rp_filter=1 on the server): mutated
#             ICMP errors into the server's eth1 and eth0 from the router,
#             while a TCP flow and a connected UDP pair run between server
#             and client. No error that must be rejected may change a path
#             MTU (route cache, socket MTUs); pmtufix's counters add up; known-
#             valid errors at the end do change it; the flows still work.
# fuzz_syn    A -- R -- B with MSS rules in R (as test-mss.sh, IPv4): mutated
#             SYNs and SYN-ACKs (option lists, lengths, odd offsets, IP
#             options; full checksums, CHECKSUM_PARTIAL and GSO by
#             PACKET_VNET_HDR) sent by A, forwarded and clamped by R, checked
#             where B receives them: checksums right, MSS never raised, every
#             other byte as sent; B's TcpInCsumErrors as expected.
#
#   $A a0 10.1.1.2 ---- r0 10.1.1.1 $R r1 10.1.2.1 ---- b0 10.1.2.2 $B
#
# Environment: FUZZ_SEED (default random; printed, and with every failure),
# FUZZ_ICMP_COUNT (1000000 errors), FUZZ_SYN_COUNT (100000 segments),
# FUZZ_CHECK_EVERY (50000: how often the PMTU invariants are checked).
# Reproduce a failure: FUZZ_SEED=<seed> test-fuzz-pkt.sh -t <case>.
#
# Usage: test-fuzz-pkt.sh [-t "case ..."] [-v]
#   PMTUFIX_SKIP_LOAD=1: run without the module (fuzz_icmp must then fail:
#   the flows never learn the path MTU)

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

: "${FUZZ_ICMP_COUNT:=1000000}"
: "${FUZZ_SYN_COUNT:=100000}"
: "${FUZZ_CHECK_EVERY:=50000}"
: "${FUZZ_SEED:=}"
: "${OUTPUT:=$SELFTESTS_DIR/../build/selftests}"

tests="
	fuzz_icmp	mutated ICMP errors at the rescue hook while real flows run
	fuzz_syn	mutated SYNs and SYN-ACKs through MSS rules"

# run_fuzzer PROGRAM ARGS...: the program's output as diagnostics
run_fuzzer()
{
	local prog=$1 rc
	shift

	lib_tmpdir || return 1
	"$OUTPUT/$prog" "$@" ${FUZZ_SEED:+-s "$FUZZ_SEED"} >"$LIB_TMPDIR/$prog.out" 2>&1
	rc=$?
	log_info "$(<"$LIB_TMPDIR/$prog.out")"
	check_err "$rc" "$prog failed (exit $rc): $(grep -m1 -E 'FAIL|error' "$LIB_TMPDIR/$prog.out")"
	return "$rc"
}

fuzz_icmp()
{
	local stats drops

	if ! topo_seed rpf=1 mgmt_src=1; then
		check_err 1 "cannot build the seed topology"
		log_test "fuzz_icmp: setup"
		return
	fi
	printf -v stats '%q -n %q --backend %q -j stats' "$PMTUFIX_CLI" "$SRV" "$PMTUFIX_BACKEND"
	drops=$(rpf_drops)
	run_fuzzer fuzz_icmp -i "$RTR" -H "$SRV" -p "$CLI" -S "$stats" \
		-n "$FUZZ_ICMP_COUNT" -c "$FUZZ_CHECK_EVERY"
	# Strict RPF saw the forged errors pmtufix did not rescue.
	(($(rpf_drops) > drops))
	check_err $? "IPReversePathFilter did not rise ($drops)"
	log_test "fuzz_icmp: $FUZZ_ICMP_COUNT mutated ICMP errors, no PMTU change, counters add up"
}

A='' R='' B=''

# A -- R -- B; R forwards, with routes of its own for the rules' prefixes
# (auto: mtu 1400) and for the sources B answers (through A: no ARP for
# each). R's r1 computes every checksum itself (transmit offload off).
syn_topo()
{
	setup_ns -L A R B || return 1
	ip -batch - <<-EOF || return 1
		link add a0 netns $A type veth peer name r0 netns $R
		link add r1 netns $R type veth peer name b0 netns $B
	EOF
	ns_exec "$A" ip -batch - <<-EOF || return 1
		link set lo up
		link set a0 up
		addr add 10.1.1.2/24 dev a0
		route add default via 10.1.1.1
	EOF
	ns_exec "$R" ip -batch - <<-EOF || return 1
		link set lo up
		link set r0 up
		link set r1 up
		addr add 10.1.1.1/24 dev r0
		addr add 10.1.2.1/24 dev r1
		route add 10.1.2.64/26 via 10.1.2.2 dev r1 mtu 1400
		route add 10.1.2.128/25 via 10.1.2.2 dev r1
		route add 10.1.3.0/24 via 10.1.2.2 dev r1
		route add 10.1.1.128/25 via 10.1.1.2 dev r0
	EOF
	ns_exec "$B" ip -batch - <<-EOF || return 1
		link set lo up
		link set b0 up
		addr add 10.1.2.2/24 dev b0
		route add default via 10.1.2.1
	EOF
	ns_sysctl "$R" net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.r0.rp_filter=0 \
		net.ipv4.conf.r1.rp_filter=0 net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.r0.send_redirects=0 || return 1
	ns_sysctl "$B" net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.b0.rp_filter=0 || return 1
	"$PYTHON" "$SELFTESTS_DIR/mss_probe.py" nocsum "$R:r1"
}

fuzz_syn()
{
	local out

	if ! syn_topo; then
		check_err 1 "cannot build A -- R -- B"
		log_test "fuzz_syn: setup"
		return
	fi
	lib_tmpdir || return
	"$OUTPUT/fuzz_syn" -p >"$LIB_TMPDIR/rules.conf" &&
		out=$(pmtufix "$R" apply "$LIB_TMPDIR/rules.conf" 2>&1)
	check_err $? "cannot load the rules into R: $out"
	if ((RET == 0)); then
		run_fuzzer fuzz_syn -i "$A" -r "$R" -o "$B" -n "$FUZZ_SYN_COUNT"
		log_info "R: $(pmtufix "$R" mss stats 2>&1 | tr '\n' ' ')"
	fi
	log_test "fuzz_syn: $FUZZ_SYN_COUNT mutated SYNs, checksums valid, MSS never raised"
}

tests_parse_args "$@"

require_root
require_cmd ip "$PYTHON"
require_pmtufix
[[ -x $OUTPUT/fuzz_icmp && -x $OUTPUT/fuzz_syn ]] ||
	ksft_skip_all "no $OUTPUT/fuzz_icmp or fuzz_syn: run 'make -C selftests'"
log_info "kernel $(uname -r)"

must_setup "load pmtufix" "insmod $PMTUFIX_KO failed" pmtufix_load

tests_run

ksft_finish
