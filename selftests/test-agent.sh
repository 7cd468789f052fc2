#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317,SC2119 # cases run through $tests; optional args
#
# test-agent.sh - "pmtufix agent" keeps a file's state true through drift and
# exports Prometheus metrics. The nft cases run on the host kernel too; the
# module cases need the module (VMs).
#
#   $CLI 10.10.20.20 ---1500--- $RTR ---9000--- $SRV 10.10.10.10 (eth1), the agent
#   (topo.sh; the seed transfer stalls unless something rescues its errors)
#
# agent_rules    the example alert rules pass "promtool check rules" and their
#                unit tests ("promtool test rules")
# agent_nft      nft backend: the file is applied at start and the seed transfer
#                works; "nft flush ruleset": the table is back within 1 s and the
#                transfer works again; /metrics and "stats -o prometheus" pass
#                "promtool check metrics" and count rescued > 0; a Prometheus
#                server in the namespace scrapes it and its query API says so
# agent_uplink   nft backend: uplink down: /healthz 503 and why; up, its route
#                added again: table 500's route is back, /healthz 200, transfer works
# agent_http     a 1 MiB header, 200 idle clients, a slowloris, garbage: refused or
#                closed, while /healthz answers and a flush is repaired
# agent_sighup   SIGHUP with a broken file: the state is unchanged, every bad line
#                is logged; with a good file: the new rules are applied
# agent_refused  a file the backend refuses: /healthz 503 says what is missing
# agent_term     SIGTERM leaves the state in place; --down-on-exit removes it
# agent_notify   under systemd's NOTIFY_SOCKET: READY=1 once the file is applied,
#                STOPPING=1 on SIGTERM
# agent_module   module backend: rmmod + insmod: the MSS rules are back (same count),
#                /metrics counts the transfer's SYN by action; --down-on-exit:
#                rescue off and no rule left
# agent_move     default backend: the module appears while the agent runs on nft:
#                it moves to the module and removes its nft table; the module
#                goes: back to nft, table and rules again
#
# Usage: test-agent.sh [-t "case ..."] [-v]
#   AGENT_FLUSH_MS (default 1000): how soon a flushed table must be back
#   PMTUFIX_CLI, PMTUFIX_KO, PMTUFIX_CERT_DIR: see lib.sh and topo.sh

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
# shellcheck source=topo.sh
source "$dir/topo.sh" || exit 1

: "${WORK_TIMEOUT:=15}"
: "${AGENT_FLUSH_MS:=1000}"
: "${PMTUFIX_CLI:=$SELFTESTS_DIR/../build/bin/pmtufix}"
PORT=9883
RULES_DIR=$SELFTESTS_DIR/../deploy/prometheus

tests="
	agent_rules	the example alert rules pass promtool check and unit tests
	agent_nft	nft: applied at start; nft flush ruleset repaired within 1 s; metrics
	agent_uplink	nft: uplink down: 503 and why; up: the route is back
	agent_http	bad HTTP clients cannot stop /healthz or a reconcile
	agent_sighup	SIGHUP: a broken file changes nothing, each bad line logged
	agent_refused	a file the backend refuses: /healthz 503 with the reason
	agent_empty	nft, a file of comments: nothing installed, 200, no retries
	agent_term	SIGTERM keeps the state; --down-on-exit removes it
	agent_notify	sd_notify: READY=1 after the first apply, STOPPING=1 at the end
	agent_module	module: rmmod + insmod: the MSS rules come back
	agent_move	default backend: follows the module as it comes and goes"

AGENT_LOG='' AGENT_PID=''

# agent_start NS CONF [GLOBAL_OPTS --] [AGENT_ARGS...]: run the agent in NS and
# wait until it answers; the log in $AGENT_LOG.
agent_start()
{
	local ns=$1 conf=$2 i
	local -a glob=()

	shift 2
	if [[ " $* " == *" -- "* ]]; then
		while [[ $1 != -- ]]; do glob+=("$1"); shift; done
		shift
	fi
	lib_tmpdir
	AGENT_LOG=$LIB_TMPDIR/agent.$((++__agent_n)).log
	ns_spawn "$ns" "$AGENT_LOG" "$PMTUFIX_CLI" "${glob[@]}" agent --config "$conf" \
		--listen "127.0.0.1:$PORT" "$@"
	AGENT_PID=$SPAWNED_PID
	for ((i = 0; i < 100; i++)); do
		http "$ns" /healthz >/dev/null
		[[ $HTTP_CODE == [2-5]?? ]] && return 0
		kill -0 "$AGENT_PID" 2>/dev/null || break
		lib_sleep 0.1
	done
	retmsg="the agent did not start: $(cat "$AGENT_LOG")"
	return 1
}

# agent_stop SIG: send SIG, wait up to 5 s for the agent to exit.
agent_stop()
{
	local i

	kill "-$1" "$AGENT_PID" 2>/dev/null || return 1
	for ((i = 0; i < 50; i++)); do
		kill -0 "$AGENT_PID" 2>/dev/null || return 0
		lib_sleep 0.1
	done
	return 1
}

# http NS PATH: the body on stdout, the status in $HTTP_CODE; false unless 2xx.
HTTP_CODE=
http()
{
	local out

	out=$(ip netns exec "$1" curl -s -m 5 -w '\n%{http_code}' "http://127.0.0.1:$PORT$2")
	HTTP_CODE=${out##*$'\n'}
	printf '%s\n' "${out%$'\n'*}"
	[[ $HTTP_CODE == 2?? ]]
}

healthz_is() # NS CODE
{
	http "$1" /healthz >/dev/null
	[[ $HTTP_CODE == "$2" ]]
}

table_there() # NS
{
	ip netns exec "$1" nft list table inet pmtufix >/dev/null 2>&1
}

# metric TEXT NAME: the value of sample NAME (with its labels) in TEXT.
metric()
{
	local line

	while read -r line; do
		[[ $line == "$2 "* ]] && { echo "${line##* }"; return 0; }
	done <<<"$1"
	return 1
}

log_has() # TEXT: the agent's log has this text
{
	grep -qF -- "$1" "$AGENT_LOG"
}

conf_file() # NAME LINES...: a file in the temp dir, path on stdout
{
	local f=$LIB_TMPDIR/$1

	shift
	printf '%s\n' "$@" >"$f"
	echo "$f"
}

setup_seed()
{
	# conf_file runs in $(...): the directory must exist before.
	lib_tmpdir || return 1
	topo_seed rpf=1 && return 0
	RET=$ksft_fail
	retmsg="cannot build the topology"
	return 1
}

rules_count() # NS [BACKEND]: number of MSS rules "pmtufix mss" shows
{
	local out

	out=$("$PMTUFIX_CLI" -n "$1" ${2:+--backend "$2"} -j mss show 2>/dev/null) || return 1
	grep -o '"prefix"' <<<"$out" | wc -l
}

rules_are() # NS BACKEND N: the backend has N MSS rules
{
	(($(rules_count "$1" "$2") == $3))
}

no_table() # NS
{
	! table_there "$1"
}

saved_has() # NS TEXT: "pmtufix --backend nft save" shows TEXT
{
	[[ $("$PMTUFIX_CLI" -n "$1" --backend nft save) == *"$2"* ]]
}

module_available()
{
	[[ -f $PMTUFIX_KO ]]
}

agent_rules()
{
	local out

	out=$(promtool check rules "$RULES_DIR/pmtufix-alerts.yaml" 2>&1)
	check_err $? "promtool check rules: $out"
	log_test "alert rules: promtool check rules"
	out=$(cd "$RULES_DIR" && promtool test rules pmtufix-alerts.test.yaml 2>&1)
	check_err $? "promtool test rules: $out"
	log_test "alert rules: their unit tests fire what they should and nothing else"
}

nft_metrics_check() # NS: /metrics and stats -o prometheus are valid and count rescues
{
	local text out rescued

	text=$(http "$1" /metrics)
	check_err $? "GET /metrics: $HTTP_CODE"
	out=$(promtool check metrics <<<"$text" 2>&1)
	check_err $? "promtool check metrics (/metrics): $out"
	out=$("$PMTUFIX_CLI" -n "$1" stats -o prometheus | promtool check metrics 2>&1)
	check_err $? "promtool check metrics (stats -o prometheus): $out"
	rescued=$(metric "$text" 'pmtufix_frag_needed_total{reason="rescued"}')
	((rescued > 0))
	check_err $? "pmtufix_frag_needed_total{reason=\"rescued\"} is '${rescued:-absent}'"
	[[ $(metric "$text" 'pmtufix_backend_info{backend="nft"}') == 1 ]]
	check_err $? "no pmtufix_backend_info{backend=\"nft\"} 1"
	(($(metric "$text" 'pmtufix_reconciles_total{cause="nftables"}') > 0))
	check_err $? "no reconcile counted for the nftables change"
}

agent_nft()
{
	local name="nft backend" conf ms

	setup_seed || { log_test "$name: setup"; return; }
	conf=$(conf_file nft.conf "set rescue on" "mss add 10.99.0.0/16 1300")
	agent_start "$SRV" "$conf" --backend nft --
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 200 >/dev/null
	check_err $? "/healthz is $HTTP_CODE, not 200: $(http "$SRV" /healthz)"
	table_there "$SRV"
	check_err $? "no table inet pmtufix after the start"
	no_pmtu "$SRV" "$CLI_IP" && check_seed_transfer "$WORK_TIMEOUT"
	log_test "$name: the file is applied at start, the transfer completes"

	ms=$(ip netns exec "$SRV" "$PYTHON" "$SELFTESTS_DIR/nft_flush_time.py" 10000)
	check_err $? "table inet pmtufix not back within 10 s of nft flush ruleset"
	log_info "table back ${ms:-?} ms after nft flush ruleset"
	((${ms:-99999} <= AGENT_FLUSH_MS))
	check_err $? "table inet pmtufix back after ${ms:-?} ms, not within $AGENT_FLUSH_MS ms"
	busywait 3000 healthz_is "$SRV" 200 >/dev/null
	check_err $? "/healthz is $HTTP_CODE after the repair"
	[[ $(rules_count "$SRV" nft) == 1 ]]
	check_err $? "the MSS rule is not back"
	topo_flush_pmtu
	no_pmtu "$SRV" "$CLI_IP" && check_seed_transfer "$WORK_TIMEOUT"
	log_test "$name: nft flush ruleset: table and rule back, the transfer completes again"

	nft_metrics_check "$SRV"
	log_test "$name: /metrics and stats -o prometheus pass promtool, rescued counted"

	if ! command -v prometheus >/dev/null; then
		log_test_skip "$name: a Prometheus server scrapes it" "no prometheus"
		return
	fi
	prometheus_scrapes "$SRV"
	log_test "$name: a Prometheus server scrapes it; its query API returns rescued > 0"
}

prom_query() # NS QUERY: the answer of Prometheus' query API in NS
{
	ip netns exec "$1" curl -s -m 5 -G --data-urlencode "query=$2" \
		http://127.0.0.1:9090/api/v1/query
}

prom_query_has() # NS QUERY TEXT
{
	[[ $(prom_query "$1" "$2") == *"$3"* ]]
}

# prometheus_scrapes NS: Debian's Prometheus in NS scrapes the agent every
# second; its query API must return rescued > 0.
prometheus_scrapes()
{
	local cfg=$LIB_TMPDIR/prometheus.yml q ns=$1

	printf '%s\n' "global: { scrape_interval: 1s }" "scrape_configs:" \
		"  - job_name: pmtufix" "    static_configs: [ { targets: ['127.0.0.1:$PORT'] } ]" >"$cfg"
	ns_spawn "$1" "$LIB_TMPDIR/prometheus.log" prometheus --config.file="$cfg" \
		--storage.tsdb.path="$LIB_TMPDIR/tsdb" --web.listen-address=127.0.0.1:9090
	q='pmtufix_frag_needed_total{reason="rescued"}>0'
	slowwait 60 prom_query_has "$ns" "$q" '"result":[{'
	check_err $? "the query API did not return rescued > 0: $(prom_query "$ns" "$q")"
}

agent_uplink()
{
	local name="nft backend, uplink" conf body

	setup_seed || { log_test "$name: setup"; return; }
	conf=$(conf_file up.conf "set rescue on")
	agent_start "$SRV" "$conf" --backend nft --
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 200 >/dev/null
	check_err $? "/healthz is $HTTP_CODE at start"

	srv ip link set eth1 down
	busywait 5000 healthz_is "$SRV" 503 >/dev/null
	check_err $? "/healthz is $HTTP_CODE with the uplink down, not 503"
	body=$(http "$SRV" /healthz)
	[[ $body == *"route of table 500"* ]]
	check_err $? "/healthz does not say what is missing: '$body'"
	log_test "$name: down: /healthz 503 says the route is missing"

	srv ip link set eth1 up
	srv ip route add 10.10.20.0/24 via "$RTR_SRV_IP" dev eth1
	busywait 10000 healthz_is "$SRV" 200 >/dev/null
	check_err $? "/healthz is $HTTP_CODE after the uplink came back"
	[[ $(ip -n "$SRV" route show table 500) == *"dev eth1"* ]]
	check_err $? "table 500 has no route out eth1: $(ip -n "$SRV" route show table 500)"
	topo_flush_pmtu
	no_pmtu "$SRV" "$CLI_IP" && check_seed_transfer "$WORK_TIMEOUT"
	log_test "$name: up again: the route is back and the transfer completes"
}

agent_http()
{
	local name="HTTP" out rc

	setup_seed || { log_test "$name: setup"; return; }
	agent_start "$SRV" "$(conf_file http.conf "set rescue on")" --backend nft --
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 200 >/dev/null
	out=$(ip netns exec "$SRV" "$PYTHON" "$SELFTESTS_DIR/http_abuse.py" --port "$PORT" \
		--idle 200 --table-timeout "$((AGENT_FLUSH_MS / 1000 + 1))")
	rc=$?
	log_info "${out//$'\n'/; }"
	check_err "$rc" "$(grep '^not ok' <<<"$out" | tr '\n' ';')"
	kill -0 "$AGENT_PID"
	check_err $? "the agent died: $(tail -3 "$AGENT_LOG")"
	log_test "$name: 1 MiB header, 200 idle, slowloris, garbage: /healthz answers, flush repaired"
}

agent_sighup()
{
	local name="SIGHUP" good bad before after f

	setup_seed || { log_test "$name: setup"; return; }
	good=$(conf_file hup.conf "set rescue on" "mss add 10.99.0.0/16 1300")
	agent_start "$SRV" "$good" --backend nft --
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 200 >/dev/null
	before=$("$PMTUFIX_CLI" -n "$SRV" --backend nft save)
	bad=$LIB_TMPDIR/hup.conf.bad
	printf '%s\n' "set rescue on" "set rescue maybe" "mss add 10.0.0.0/33 1400" "# fine" \
		"bogus words" "mss add 10.98.0.0/16 1200" >"$bad"
	cp "$bad" "$good"
	kill -HUP "$AGENT_PID"
	busywait 3000 log_has "is not valid: the running state stays"
	check_err $? "no 'not valid' line in the log"
	for f in 2 3 5; do
		log_has "$good:$f:"
		check_err $? "line $f is not in the log: $(cat "$AGENT_LOG")"
	done
	after=$("$PMTUFIX_CLI" -n "$SRV" --backend nft save)
	[[ $after == "$before" ]]
	check_err $? "the state changed: $(diff <(echo "$before") <(echo "$after"))"
	log_test "$name: a broken file changes nothing, lines 2, 3 and 5 logged"

	printf '%s\n' "set rescue on" "mss add 10.98.0.0/16 1200" >"$good"
	kill -HUP "$AGENT_PID"
	busywait 3000 saved_has "$SRV" 10.98.0.0/16
	check_err $? "the new rule is not applied: $("$PMTUFIX_CLI" -n "$SRV" --backend nft save)"
	[[ $(rules_count "$SRV" nft) == 1 ]]
	check_err $? "the old rule is still there"
	log_test "$name: a good file is applied"
}

agent_refused()
{
	local name="refused file" conf body

	setup_seed || { log_test "$name: setup"; return; }
	# Nested prefixes: valid for the module, refused by nft's interval maps.
	conf=$(conf_file refused.conf "set rescue on" "mss add 10.0.0.0/8 1400" \
		"mss add 10.1.0.0/16 1300")
	agent_start "$SRV" "$conf" --backend nft --
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 503 >/dev/null
	check_err $? "/healthz is $HTTP_CODE, not 503"
	body=$(http "$SRV" /healthz)
	[[ $body == *"applying $conf failed"*"MSS rule"* ]]
	check_err $? "/healthz does not say why: '$body'"
	[[ $(metric "$(http "$SRV" /metrics)" pmtufix_desired_state_ok) == 0 ]]
	check_err $? "pmtufix_desired_state_ok is not 0"
	log_test "$name: /healthz 503 says the MSS rules are not in place"
}

# A file that asks for nothing (comments only): the agent installs nothing
# and does not call the missing table drift (an apply would not make it).
agent_empty()
{
	local name="empty file" conf applies

	setup_seed || { log_test "$name: setup"; return; }
	conf=$(conf_file empty.conf "# nothing yet")
	agent_start "$SRV" "$conf" --backend nft --
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 200 >/dev/null
	check_err $? "/healthz is $HTTP_CODE, not 200: $(http "$SRV" /healthz)"
	applies=$(metric "$(http "$SRV" /metrics)" pmtufix_applies_total)
	lib_sleep 2
	[[ $(metric "$(http "$SRV" /metrics)" pmtufix_applies_total) == "$applies" ]]
	check_err $? "the agent keeps applying: $(cat "$AGENT_LOG")"
	! table_there "$SRV"
	check_err $? "a table was made for a file that asks for none"
	log_test "$name: nothing installed, in place, no retries"
}

agent_term()
{
	local name="SIGTERM" conf

	setup_seed || { log_test "$name: setup"; return; }
	conf=$(conf_file term.conf "set rescue on" "mss add 10.99.0.0/16 1300")
	agent_start "$SRV" "$conf" --backend nft --
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 200 >/dev/null
	agent_stop TERM
	check_err $? "the agent did not exit on SIGTERM"
	table_there "$SRV"
	check_err $? "the table is gone"
	[[ $(ip -n "$SRV" rule show) == *"lookup 500"* ]]
	check_err $? "the ip rules are gone"
	log_has "the state stays in place"
	check_err $? "no log line says the state stays"
	log_test "$name: the state stays in place"

	agent_start "$SRV" "$conf" --backend nft -- --down-on-exit
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 200 >/dev/null
	agent_stop TERM
	check_err $? "the agent did not exit on SIGTERM"
	table_there "$SRV"
	check_fail $? "the table is still there"
	[[ $(ip -n "$SRV" rule show) != *"lookup 500"* ]]
	check_err $? "ip rules are left: $(ip -n "$SRV" rule show)"
	log_test "$name: with --down-on-exit nothing is left"
}

agent_notify()
{
	local name="sd_notify" sock got conf

	setup_seed || { log_test "$name: setup"; return; }
	sock=$LIB_TMPDIR/notify.sock
	got=$LIB_TMPDIR/notify.out
	# What systemd listens on: a datagram socket (messages come without newlines).
	socat -u UNIX-RECV:"$sock" - >"$got" 2>&1 &
	defer kill $!
	busywait 2000 test -S "$sock"
	conf=$(conf_file notify.conf "set rescue on")
	ns_spawn "$SRV" "$LIB_TMPDIR/agent-notify.log" env NOTIFY_SOCKET="$sock" \
		"$PMTUFIX_CLI" --backend nft agent --config "$conf" --listen "127.0.0.1:$PORT"
	AGENT_PID=$SPAWNED_PID
	AGENT_LOG=$LIB_TMPDIR/agent-notify.log
	busywait 10000 grep -q "READY=1" "$got"
	check_err $? "no READY=1 from the agent: $(cat "$got") $(cat "$AGENT_LOG")"
	table_there "$SRV"
	check_err $? "READY=1 came before the file was applied"
	log_test "$name: READY=1 once the file is applied"
	agent_stop TERM
	check_err $? "the agent did not exit on SIGTERM"
	busywait 2000 grep -q "STOPPING=1" "$got"
	check_err $? "no STOPPING=1: $(cat "$got")"
	log_test "$name: STOPPING=1 on SIGTERM"
}

agent_module()
{
	local name="module backend" conf text n out syns clamped kept

	module_available || { log_test_skip "$name" "no module for $(uname -r)"; return; }
	setup_seed || { log_test "$name: setup"; return; }
	pmtufix_load || { log_test "$name: insmod"; return; }
	conf=$(conf_file mod.conf "set rescue on" "mss add 10.99.0.0/16 1300" \
		"mss add 10.98.0.0/16 auto dir from" "mss add 2001:db8::/32 1220" \
		"mss add $CLI_IP/32 1300")
	agent_start "$SRV" "$conf" --backend module --
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 200 >/dev/null
	check_err $? "/healthz is $HTTP_CODE at start"
	n=$(rules_count "$SRV" module)
	((n == 4))
	check_err $? "$n MSS rules at start, not 4"
	pmtufix_unload
	busywait 5000 healthz_is "$SRV" 503 >/dev/null
	check_err $? "/healthz is $HTTP_CODE without the module, not 503"
	insmod "$PMTUFIX_KO"
	busywait 5000 rules_are "$SRV" module 4
	check_err $? "after rmmod + insmod: $(rules_count "$SRV" module) MSS rules, not 4"
	busywait 3000 healthz_is "$SRV" 200 >/dev/null
	check_err $? "/healthz is $HTTP_CODE after insmod"
	log_test "$name: rmmod + insmod: the 4 MSS rules are back"

	check_seed_transfer "$WORK_TIMEOUT"
	text=$(http "$SRV" /metrics)
	out=$(promtool check metrics <<<"$text" 2>&1)
	check_err $? "promtool check metrics: $out"
	clamped=$(metric "$text" 'pmtufix_mss_syn_total{action="clamped"}')
	kept=$(metric "$text" 'pmtufix_mss_syn_total{action="kept"}')
	syns=$((${clamped:-0} + ${kept:-0}))
	((syns > 0))
	check_err $? "the transfer's SYN-ACK is not counted in pmtufix_mss_syn_total"
	[[ $(metric "$text" pmtufix_mss_rules) == 4 ]]
	check_err $? "pmtufix_mss_rules is not 4"
	log_test "$name: /metrics passes promtool, counts the transfer's SYN and the rules"

	agent_stop TERM
	agent_start "$SRV" "$conf" --backend module -- --down-on-exit
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 200 >/dev/null
	agent_stop TERM
	check_err $? "the agent did not exit on SIGTERM"
	n=$(rules_count "$SRV" module)
	((n == 0))
	check_err $? "$n MSS rules left after --down-on-exit"
	[[ $("$PMTUFIX_CLI" -n "$SRV" --backend module -j show) == *'"rescue":false'* ]]
	check_err $? "rescue is still on after --down-on-exit"
	log_test "$name: --down-on-exit: rescue off, no MSS rule left"
}

agent_move()
{
	local name="default backend" conf

	module_available || { log_test_skip "$name" "no module for $(uname -r)"; return; }
	setup_seed || { log_test "$name: setup"; return; }
	pmtufix_unload
	conf=$(conf_file move.conf "set rescue on" "mss add 10.99.0.0/16 1300")
	agent_start "$SRV" "$conf"
	check_err $? "$retmsg"
	busywait 5000 healthz_is "$SRV" 200 >/dev/null
	table_there "$SRV"
	check_err $? "no nft table without the module"
	log_test "$name: without the module the agent runs on nft"

	pmtufix_load || { log_test "$name: insmod"; return; }
	busywait 5000 no_table "$SRV"
	check_err $? "the nft table is still there after the module appeared"
	[[ $(rules_count "$SRV" module) == 1 ]]
	check_err $? "the module has not got the MSS rule"
	[[ $("$PMTUFIX_CLI" -n "$SRV" --backend module -j show) == *'"rescue":true'* ]]
	check_err $? "rescue is not on in the module"
	log_has "moving from the nft backend to module"
	check_err $? "no log line about the move"
	log_test "$name: the module appears: it moves there and removes the nft table"

	pmtufix_unload
	busywait 5000 table_there "$SRV"
	check_err $? "no nft table after the module went"
	busywait 3000 rules_are "$SRV" nft 1
	check_err $? "the nft table has not got the MSS rule"
	log_has "went away: moving from the module backend to nft"
	check_err $? "no log line about the move back"
	log_test "$name: the module goes: back to nft"
}

tests_parse_args "$@"

require_root
require_cmd ip nft curl promtool "$PYTHON"
[[ -x $PMTUFIX_CLI ]] || ksft_skip_all "no CLI at $PMTUFIX_CLI (make cli)"
log_info "kernel $(uname -r), $($PMTUFIX_CLI -V)"

tests_run

ksft_finish
