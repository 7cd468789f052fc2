// SPDX-License-Identifier: GPL-2.0
/* The exposition text and the IPReversePathFilter reader. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "metrics.h"
#include "tap.h"

static int rpf_of(const char *text, uint64_t *v)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err = pf_rpf_parse(f, v);

	fclose(f);
	return err;
}

static void rpf(void)
{
	uint64_t v = 0;

	is_int(rpf_of("TcpExt: SyncookiesSent IPReversePathFilter Other\n"
		      "TcpExt: 1 42 3\n"
		      "IpExt: InNoRoutes\nIpExt: 0\n", &v), 0, "netstat: found");
	is_int((long long)v, 42, "netstat: the value under its name");
	is_int(rpf_of("IpExt: A\nIpExt: 1\nTcpExt: IPReversePathFilter\nTcpExt: 18446744073709551615\n",
		      &v), 0, "netstat: after another section");
	ok(v == UINT64_MAX, "netstat: a full u64");
	is_int(rpf_of("TcpExt: A B\nTcpExt: 1 2\n", &v), -ENOENT, "netstat: no such counter");
	is_int(rpf_of("TcpExt: A IPReversePathFilter\nTcpExt: 1\n", &v), -ENOENT,
	       "netstat: value line too short");
	is_int(rpf_of("TcpExt: IPReversePathFilter\nTcpExt: x\n", &v), -EINVAL,
	       "netstat: not a number");
	is_int(rpf_of("TcpExt: IPReversePathFilter\n", &v), -EINVAL, "netstat: no value line");
	is_int(rpf_of("", &v), -ENOENT, "netstat: empty");
}

static char *render(const struct pf_metrics *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	pf_metrics_write(f, m);
	fclose(f);
	return text;
}

static void exposition(void)
{
	struct pf_stat v[] = { { PMTUFIX_REASON_RESCUED, 7 }, { PMTUFIX_REASON_WRONG_IFACE, 2 },
			       { 99, 1 } };
	struct pf_stats st = { v, 3 };
	struct pf_agent_metrics a = { .reconciles = { 1, 0, 3 }, .healthy = true,
				      .last_reconcile = 1700000000.5 };
	struct pf_metrics m = { .backend = "module", .stats = &st, .has_mss_stats = true,
				.mss = { { 5 } }, .has_mss_rules = true, .mss_rules = 2,
				.has_rpf = true, .rpf = 11, .agent = &a };
	char *t = render(&m);

	ok(strstr(t, "pmtufix_backend_info{backend=\"module\"} 1\n") != NULL, "backend info");
	ok(strstr(t, "# TYPE pmtufix_frag_needed_total counter\n") != NULL, "frag TYPE line");
	ok(strstr(t, "pmtufix_frag_needed_total{reason=\"rescued\"} 7\n") != NULL, "rescued");
	ok(strstr(t, "pmtufix_frag_needed_total{reason=\"wrong_iface\"} 2\n") != NULL,
	   "a reason by its JSON key");
	ok(strstr(t, "pmtufix_frag_needed_total{reason=\"reason_99\"} 1\n") != NULL,
	   "a reason this build does not know");
	ok(strstr(t, "pmtufix_mss_syn_total{action=\"clamped\"} 5\n") != NULL, "mss clamped");
	ok(strstr(t, "pmtufix_mss_syn_total{action=\"no_route\"} 0\n") != NULL, "mss no_route");
	ok(strstr(t, "pmtufix_mss_rules 2\n") != NULL, "rule count");
	ok(strstr(t, "pmtufix_ip_reverse_path_filter_total 11\n") != NULL, "rpf");
	ok(strstr(t, "pmtufix_reconciles_total{cause=\"nftables\"} 3\n") != NULL, "causes");
	ok(strstr(t, "pmtufix_desired_state_ok 1\n") != NULL, "healthy");
	ok(strstr(t, "pmtufix_last_reconcile_timestamp_seconds 1700000000.500\n") != NULL,
	   "timestamp");
	free(t);

	/* Without the agent and what the backend lacks: those families are absent. */
	m = (struct pf_metrics){ .backend = "nft" };
	t = render(&m);
	ok(!strstr(t, "pmtufix_reconciles_total") && !strstr(t, "pmtufix_mss_syn_total") &&
	   !strstr(t, "pmtufix_frag_needed_total"), "nothing unread is shown as zero");
	free(t);
}

__attribute__((noinline)) static int count(const char *t, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(t, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void relay(void)
{
	struct pf_stat in[] = { { PMTUFIX_REASON_RESCUED, 4 }, { PMTUFIX_REASON_MALFORMED, 2 },
				{ PMTUFIX_REASON_SEQ_WINDOW, 3 } };
	struct pf_relay_stats rs = { .out = { 9, 8, 7 }, .in = { in, 3 } };
	struct pf_relay_counters a = { .send_error = 1, .from_peer = 6, .unknown_peer = 5,
				       .malformed = 10, .rate_limited = 11, .inject_error = 12 };
	struct pf_metrics m = { .backend = "module", .relay = &rs, .relay_agent = &a };
	char *t = render(&m);

	ok(strstr(t, "# TYPE pmtufix_relay_sent_total counter\n") != NULL, "relay sent TYPE");
	ok(strstr(t, "pmtufix_relay_sent_total{result=\"sent\"} 9\n") != NULL, "relay sent");
	ok(strstr(t, "pmtufix_relay_sent_total{result=\"rate_limited\"} 8\n") != NULL,
	   "relay rate_limited (kernel)");
	ok(strstr(t, "pmtufix_relay_sent_total{result=\"undelivered\"} 7\n") != NULL,
	   "relay undelivered");
	ok(strstr(t, "pmtufix_relay_sent_total{result=\"send_error\"} 1\n") != NULL,
	   "relay send_error (agent)");
	ok(strstr(t, "pmtufix_relay_sent_total{result=\"from_peer\"} 6\n") != NULL,
	   "relay from_peer (agent)");
	ok(strstr(t, "# TYPE pmtufix_relay_received_total counter\n") != NULL,
	   "relay received TYPE");
	ok(strstr(t, "pmtufix_relay_received_total{result=\"rescued\"} 4\n") != NULL,
	   "relayed in: rescued");
	ok(strstr(t, "pmtufix_relay_received_total{result=\"seq_window\"} 3\n") != NULL,
	   "relayed in: a kernel reason by its key");
	ok(strstr(t, "pmtufix_relay_received_total{result=\"malformed\"} 12\n") != NULL,
	   "relayed in: malformed is the kernel's and the agent's sum");
	is_int(count(t, "result=\"malformed\""), 1, "malformed: one sample, not two");
	ok(strstr(t, "pmtufix_relay_received_total{result=\"unknown_peer\"} 5\n") != NULL,
	   "relayed in: unknown_peer");
	ok(strstr(t, "pmtufix_relay_received_total{result=\"rate_limited\"} 11\n") != NULL,
	   "relayed in: rate_limited (agent)");
	free(t);

	/* The agent without relay counters in the module (nft): its own only. */
	m = (struct pf_metrics){ .backend = "nft", .relay_agent = &a };
	t = render(&m);
	ok(strstr(t, "pmtufix_relay_received_total{result=\"malformed\"} 10\n") != NULL &&
	   !strstr(t, "result=\"sent\""), "agent only: its counters, no kernel ones");
	free(t);

	m = (struct pf_metrics){ .backend = "module" };
	t = render(&m);
	ok(!strstr(t, "pmtufix_relay_"), "no relay counters read: no relay families");
	free(t);
}

void test_metrics(void)
{
	rpf();
	exposition();
	relay();
}
