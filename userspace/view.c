// SPDX-License-Identifier: GPL-2.0
/* How settings, counters and MSS rules look, whichever backend read them. */

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "print.h"
#include "view.h"

void pf_stats_print(const struct pf_stats *st, const char *key, const char *indent)
{
	pf_open_object(key);
	pf_stats_fields(st, indent);
	pf_close_object();
}

void pf_stats_fields(const struct pf_stats *st, const char *indent)
{
	char name[32], jkey[32], fmt[64];

	for (size_t i = 0; i < st->n; i++) {
		const char *n = pf_reason_name(st->v[i].reason, name, sizeof(name));

		snprintf(fmt, sizeof(fmt), "%s%s: %%s\n", indent, n);
		pf_print_uint(PF_ANY, pf_reason_key(st->v[i].reason, jkey, sizeof(jkey)),
			      fmt, st->v[i].value);
	}
}

void pf_mss_print(const struct pf_mss_rule *rules, size_t n)
{
	char pfx[PF_PREFIX_STRLEN];

	pf_open_array(NULL);
	for (size_t i = 0; i < n; i++) {
		const struct pf_mss_rule *r = &rules[i];

		pf_format_prefix(&r->prefix, pfx, sizeof(pfx));
		pf_open_object(NULL);
		pf_print_string(PF_ANY, "prefix", "%s", pfx);
		pf_print_string(PF_JSON, "family", NULL,
				r->prefix.family == AF_INET ? "inet" : "inet6");
		pf_print_uint(PF_JSON, "mss", NULL, r->mss);
		if (r->mss)
			pf_print_uint(PF_TEXT, NULL, " mss %s", r->mss);
		else
			pf_print_string(PF_TEXT, NULL, " mss %s", "auto");
		pf_print_string(PF_ANY, "dir", " dir %s\n",
				r->dir <= PMTUFIX_MSS_DIR_MAX ? pf_dir_names[r->dir] : "unknown");
		pf_close_object();
	}
	pf_close_array();
	pf_print_end();
}

static void print_floor(const struct pf_config *cfg)
{
	pf_print_uint(PF_JSON, "floor", NULL, cfg->floor);
	if (cfg->floor)
		pf_print_uint(PF_TEXT, NULL, "floor: %s\n", cfg->floor);
	else if (cfg->has_floor_eff)
		pf_print_uint(PF_TEXT, NULL, "floor: auto (%s)\n", cfg->floor_eff);
	else
		pf_print_string(PF_TEXT, NULL, "floor: %s\n", "auto");
}

/* The nft backend's own settings. */
static void print_routing(const struct pf_config *cfg)
{
	char buf[PF_MAX_UPLINKS * PF_IFNAMSIZ + 8] = "";
	size_t len = 0;

	if (cfg->has_mark) {
		snprintf(buf, sizeof(buf), "0x%x/0x%x", cfg->mark, cfg->mask);
		pf_print_string(PF_ANY, "mark", "mark: %s\n", buf);
	}
	if (cfg->has_table)
		pf_print_uint(PF_ANY, "table", "route table: %s\n", cfg->table);
	if (cfg->has_pref)
		pf_print_uint(PF_ANY, "pref", "pref: %s\n", cfg->pref);
	if (!cfg->has_uplinks)
		return;
	buf[0] = '\0';
	for (unsigned int i = 0; i < cfg->n_uplinks; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : "",
					cfg->uplinks[i]);
	pf_print_string(PF_TEXT, NULL, "uplinks: %s\n", cfg->n_uplinks ? buf : "auto");
	pf_open_array("uplinks");
	for (unsigned int i = 0; i < cfg->n_uplinks; i++)
		pf_print_string(PF_JSON, NULL, NULL, cfg->uplinks[i]);
	pf_close_array();
}

void pf_config_print(const struct pf_config *cfg)
{
	char buf[32];

	if (cfg->has_rescue)
		pf_print_bool(PF_ANY, "rescue", "rescue: %s\n", cfg->rescue);
	if (cfg->has_log) {
		if (cfg->log <= PMTUFIX_LOG_MAX)
			snprintf(buf, sizeof(buf), "%s", pf_log_names[cfg->log]);
		else
			snprintf(buf, sizeof(buf), "%u", cfg->log);
		pf_print_string(PF_ANY, "log", "log: %s\n", buf);
	}
	if (cfg->has_floor)
		print_floor(cfg);
	if (cfg->has_floor_eff)
		pf_print_uint(PF_JSON, "floor_effective", NULL, cfg->floor_eff);
	print_routing(cfg);
	if (cfg->has_version) {
		snprintf(buf, sizeof(buf), "%u.%u.%u", cfg->version >> 16,
			 cfg->version >> 8 & 0xff, cfg->version & 0xff);
		pf_print_string(PF_ANY, "module_version", "module: %s\n", buf);
	}
}

void pf_relay_print(const struct pf_relay *r)
{
	char pfx[PF_PREFIX_STRLEN];

	pf_open_object(NULL);
	pf_print_bool(PF_ANY, "enabled", "relay: %s\n", r->n_prefixes > 0);
	pf_open_array("prefixes");
	for (unsigned int i = 0; i < r->n_prefixes; i++) {
		pf_format_prefix(&r->prefixes[i], pfx, sizeof(pfx));
		pf_print_string(PF_ANY, NULL, i ? ",%s" : "prefixes: %s", pfx);
	}
	if (r->n_prefixes)
		pf_print_text("\n");
	pf_close_array();
	if (r->n_prefixes) {
		pf_print_uint(PF_ANY, "rate", "rate: %s/s", r->rate);
		pf_print_uint(PF_ANY, "burst", " burst %s\n", r->burst);
	}
	pf_print_uint(PF_JSON, "ifindex", NULL, r->ifindex);
	if (r->ifindex)
		pf_print_uint(PF_TEXT, NULL, "device: ifindex %s (the agent's)\n", r->ifindex);
	else if (r->n_prefixes)
		pf_print_text("device: none (no agent receives relayed errors)\n");
	pf_close_object();
}

void pf_relay_stats_print(const struct pf_relay_stats *st)
{
	char fmt[64];

	pf_print_text("relay out:\n");
	pf_open_object("relay_out");
	for (size_t i = 0; i < __PMTUFIX_RELAY_OUT_MAX; i++) {
		snprintf(fmt, sizeof(fmt), "  %s: %%s\n", pf_relay_out_names[i]);
		pf_print_uint(PF_ANY, pf_relay_out_names[i], fmt, st->out[i]);
	}
	pf_close_object();
	pf_print_text("relay in:\n");
	pf_stats_print(&st->in, "relay_in", "  ");
}
