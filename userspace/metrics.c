// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text exposition of pmtufix's counters. Names follow the
 * Prometheus conventions: a pmtufix_ prefix, counters end in _total, and
 * labels have a fixed, small set of values (reasons, actions, causes), so a
 * scrape never grows with traffic.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "metrics.h"
#include "parse.h"

const char *const pf_cause_names[PF_CAUSE_MAX] = {
	[PF_CAUSE_START]	= "start",
	[PF_CAUSE_RELOAD]	= "reload",
	[PF_CAUSE_NFTABLES]	= "nftables",
	[PF_CAUSE_NETWORK]	= "network",
	[PF_CAUSE_MODULE]	= "module",
};


static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values here are our own keywords: [a-z0-9_] needs no escaping. */
static void sample(FILE *out, const char *name, const char *label, const char *value,
		   uint64_t v)
{
	if (label)
		fprintf(out, "%s{%s=\"%s\"} %llu\n", name, label, value, (unsigned long long)v);
	else
		fprintf(out, "%s %llu\n", name, (unsigned long long)v);
}

/* A metric of one unlabelled sample. */
static void single(FILE *out, const char *name, const char *type, const char *help, uint64_t v)
{
	family(out, name, type, help);
	sample(out, name, NULL, NULL, v);
}

static void write_stats(FILE *out, const struct pf_metrics *m)
{
	const char *name = "pmtufix_frag_needed_total";
	char key[32];

	family(out, name, "counter",
	       "ICMP fragmentation-needed errors judged, by decision (rescued or why not).");
	for (size_t i = 0; i < m->stats->n; i++)
		sample(out, name, "reason",
		       pf_reason_key(m->stats->v[i].reason, key, sizeof(key)), m->stats->v[i].value);
}

static void write_mss(FILE *out, const struct pf_metrics *m)
{
	const char *name = "pmtufix_mss_syn_total";

	if (m->has_mss_stats) {
		family(out, name, "counter", "TCP SYNs an MSS rule applied to, by what was done.");
		for (int i = 0; i < __PMTUFIX_MSS_STAT_MAX; i++)
			sample(out, name, "action", pf_mss_stat_names[i], m->mss.v[i]);
	}
	if (m->has_mss_rules)
		single(out, "pmtufix_mss_rules", "gauge", "MSS rules installed.", m->mss_rules);
}

static void write_agent(FILE *out, const struct pf_agent_metrics *a)
{
	const char *name = "pmtufix_reconciles_total";

	family(out, name, "counter",
	       "Checks of the desired state by the agent, by what caused them.");
	for (int i = 0; i < PF_CAUSE_MAX; i++)
		sample(out, name, "cause", pf_cause_names[i], a->reconciles[i]);
	single(out, "pmtufix_applies_total", "counter",
	       "Times the agent applied the file because the state was not as it says.",
	       a->applies);
	single(out, "pmtufix_apply_failures_total", "counter",
	       "Times applying the desired state failed.", a->failures);
	single(out, "pmtufix_reload_failures_total", "counter",
	       "Reloads (SIGHUP) refused because the file was invalid.", a->reloads_failed);
	single(out, "pmtufix_desired_state_ok", "gauge",
	       "1 when the desired state is in place (as /healthz).", a->healthy);
	family(out, "pmtufix_last_reconcile_timestamp_seconds", "gauge",
	       "Unix time of the last check that found the desired state in place.");
	fprintf(out, "pmtufix_last_reconcile_timestamp_seconds %.3f\n", a->last_reconcile);
}

static void write_relay_sent(FILE *out, const struct pf_metrics *m)
{
	const char *name = "pmtufix_relay_sent_total";
	const struct pf_relay_counters *a = m->relay_agent;

	family(out, name, "counter",
	       "Frag-needed errors for a relay prefix this node has no flow for, by what became "
	       "of them (send_error: per peer; local_flow: a socket here has the flow, nft "
	       "backend; lost: dropped before the agent read them).");
	if (m->relay)
		for (int i = 0; i < __PMTUFIX_RELAY_OUT_MAX; i++)
			sample(out, name, "result", pf_relay_out_names[i], m->relay->out[i]);
	if (a) {
		sample(out, name, "result", "send_error", a->send_error);
		sample(out, name, "result", "from_peer", a->from_peer);
		sample(out, name, "result", "local_flow", a->local_flow);
		sample(out, name, "result", "lost", a->lost);
	}
}

static bool has_reason(const struct pf_relay_stats *r, uint32_t reason)
{
	for (size_t i = 0; i < r->in.n; i++)
		if (r->in.v[i].reason == reason)
			return true;
	return false;
}

/*
 * The kernel's decisions about relayed errors, by reason, and the agent's
 * own refusals before them. Both may say malformed: one sample, the sum.
 */
static void write_relay_received(FILE *out, const struct pf_metrics *m)
{
	const char *name = "pmtufix_relay_received_total";
	const struct pf_relay_counters *a = m->relay_agent;
	uint64_t malformed = a ? a->malformed : 0;
	char key[32];

	family(out, name, "counter",
	       "Relayed errors received from peers, by what became of them.");
	if (m->relay) {
		for (size_t i = 0; i < m->relay->in.n; i++) {
			const struct pf_stat *s = &m->relay->in.v[i];
			uint64_t v = s->value;

			if (s->reason == PMTUFIX_REASON_MALFORMED) {
				v += malformed;
				malformed = 0;
			}
			sample(out, name, "result", pf_reason_key(s->reason, key, sizeof(key)), v);
		}
	}
	if (!a)
		return;
	/* What no kernel counter took in (the module's malformed does). */
	if (malformed || !m->relay || !has_reason(m->relay, PMTUFIX_REASON_MALFORMED))
		sample(out, name, "result", "malformed", malformed);
	sample(out, name, "result", "unknown_peer", a->unknown_peer);
	sample(out, name, "result", "rate_limited", a->rate_limited);
	sample(out, name, "result", "inject_error", a->inject_error);
}

void pf_metrics_write(FILE *out, const struct pf_metrics *m)
{
	family(out, "pmtufix_backend_info", "gauge", "The backend in use (always 1).");
	sample(out, "pmtufix_backend_info", "backend", m->backend, 1);
	if (m->has_rescue)
		single(out, "pmtufix_rescue_enabled", "gauge", "1 when rescue is on.", m->rescue);
	if (m->stats)
		write_stats(out, m);
	write_mss(out, m);
	if (m->has_rpf)
		single(out, "pmtufix_ip_reverse_path_filter_total", "counter",
		       "Packets the kernel's reverse-path filter dropped in this network namespace "
		       "(TcpExt IPReversePathFilter).", m->rpf);
	if (m->relay || m->relay_agent) {
		write_relay_sent(out, m);
		write_relay_received(out, m);
	}
	if (m->agent)
		write_agent(out, m->agent);
}

/* The column of name in a "TcpExt: A B C" header line, or -1. */
static int column(char *names, const char *name)
{
	char *save = NULL, *tok;
	int i = 0;

	for (tok = strtok_r(names, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save), i++)
		if (!strcmp(tok, name))
			return i;
	return -1;
}

static int value_at(char *values, int col, uint64_t *value)
{
	char *save = NULL, *tok, *end;
	int i = 0;

	for (tok = strtok_r(values, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save), i++) {
		if (i < col)
			continue;
		errno = 0;
		*value = strtoull(tok, &end, 10);
		return errno || *end || tok[0] == '-' ? -EINVAL : 0;
	}
	return -ENOENT;
}

int pf_rpf_parse(FILE *in, uint64_t *value)
{
	char names[8192], values[8192];
	int col;

	while (fgets(names, sizeof(names), in)) {
		if (strncmp(names, "TcpExt:", 7))
			continue;
		if (!fgets(values, sizeof(values), in) || strncmp(values, "TcpExt:", 7))
			return -EINVAL;
		col = column(names, "IPReversePathFilter");
		if (col < 0)
			return -ENOENT;
		return value_at(values, col, value);
	}
	return -ENOENT;
}

int pf_rpf_read(uint64_t *value)
{
	FILE *f = fopen("/proc/net/netstat", "re");
	int err;

	if (!f)
		return -errno;
	err = pf_rpf_parse(f, value);
	fclose(f);
	return err;
}
