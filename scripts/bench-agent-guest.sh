#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-agent-guest.sh - what `pmtufix agent` costs and how fast it repairs;
# run inside the VM (the `make bench` driver boots it). Prints Markdown.
#
#   idle     CPU time (utime + stime, /proc/PID/stat) the agent uses over
#            IDLE_SECONDS with nothing happening, on each backend
#   flush    ROUNDS times: "nft flush ruleset", then the time from the kernel's
#            notice that table inet pmtufix was deleted to its notice that the
#            agent added it again (selftests/nft_flush_time.py); median, min, max
#            (the module, when it is there, is measured idle only)
#
# Environment: IDLE_SECONDS (60), ROUNDS (20). PMTUFIX_KO and PMTUFIX_CLI as
# in selftests/lib.sh.
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../selftests/lib.sh
source "$top/selftests/lib.sh" >/dev/null || exit 1

: "${IDLE_SECONDS:=60}"
: "${ROUNDS:=20}"
: "${PMTUFIX_CLI:=$top/build/bin/pmtufix}"
NS=''

die() { echo "bench-agent: $*" >&2; exit 1; }

setup()
{
	setup_ns NS || die "cannot create a namespace"
	ip -n "$NS" link add up0 type veth peer name up1 || die "veth"
	ip -n "$NS" link set up0 up && ip -n "$NS" link set up1 up
	ip -n "$NS" addr add 192.0.2.2/24 dev up0
	ip -n "$NS" route add default via 192.0.2.1 || die "default route"
	lib_tmpdir
	printf '%s\n' "set rescue on" "mss add 10.99.0.0/16 1300" "mss add 10.98.0.0/16 1200" \
		>"$LIB_TMPDIR/bench.conf"
}

# agent BACKEND: start it; its pid in $AGENT_PID once /healthz says ok.
AGENT_PID=''
agent()
{
	local i

	ns_spawn "$NS" "$LIB_TMPDIR/agent-$1.log" "$PMTUFIX_CLI" --backend "$1" agent \
		--config "$LIB_TMPDIR/bench.conf"
	AGENT_PID=$SPAWNED_PID
	for ((i = 0; i < 200; i++)); do
		[[ $(ip netns exec "$NS" curl -s -m 2 http://127.0.0.1:9883/healthz) == ok ]] && return 0
		lib_sleep 0.1
	done
	die "the agent on $1 did not get ready: $(cat "$LIB_TMPDIR/agent-$1.log")"
}

cpu_ticks() { local -a f; read -r -a f <"/proc/$1/stat"; echo $((f[13] + f[14])); }

idle_row() # BACKEND
{
	local a b hz

	hz=$(getconf CLK_TCK)
	lib_sleep 2
	a=$(cpu_ticks "$AGENT_PID")
	lib_sleep "$IDLE_SECONDS"
	b=$(cpu_ticks "$AGENT_PID")
	printf '| %s | idle %s s | %s ms CPU (%s ticks at %s Hz) |\n' "$1" "$IDLE_SECONDS" \
		"$(((b - a) * 1000 / hz))" "$((b - a))" "$hz"
}

# The repairs, timed in one process: the event and the wait for its answer.
flush_times()
{
	local i ms
	local -a v=()

	for ((i = 0; i < ROUNDS; i++)); do
		lib_sleep 0.5
		ms=$(ip netns exec "$NS" python3 "$top/selftests/nft_flush_time.py" 10000) ||
			die "the table did not come back"
		v+=("$ms")
	done
	printf '%s\n' "${v[@]}" | sort -n | awk '{ a[NR] = $1 } END {
		printf "%s %s %s\n", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), a[1], a[NR] }'
}

setup
echo
echo "### pmtufix agent: idle cost and repair time"
echo
echo "Kernel $(uname -r); $ROUNDS rounds; times from the table's deletion to its return, both seen"
echo "through nftables' own notifications (median, min-max)."
echo
echo "| backend | what | result |"
echo "|---|---|---:|"
agent nft
idle_row nft
read -r med lo hi < <(flush_times)
printf '| nft | nft flush ruleset -> table back | %s ms (%s-%s) |\n' "$med" "$lo" "$hi"
kill "$AGENT_PID"
if [[ -f $PMTUFIX_KO ]]; then
	pmtufix_load || die "insmod"
	agent module
	idle_row module
fi
