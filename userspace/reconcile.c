// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's view of a backend. "In place" means: every setting the file
 * names has the file's value, the MSS rules are exactly the file's, and on
 * nft the table exists and, with rescue on, its ip rules and route too.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "config.h"
#include "connect.h"
#include "mss.h"
#include "nftbe.h"
#include "print.h"
#include "reconcile.h"
#include "stats.h"

const char *pf_rc_backend_name(const struct pf_ctx *c)
{
	if (!c->connected)
		return "none";
	return c->backend == PF_BACKEND_NFT ? "nft" : "module";
}

/* The settings the file names, against what the backend reports. */
static int settings_differ(const struct pf_config_req *w, const struct pf_config *have,
			   char *why, size_t len)
{
	if (w->has_rescue && have->has_rescue && w->rescue != have->rescue)
		snprintf(why, len, "rescue is %s, the file says %s", have->rescue ? "on" : "off",
			 w->rescue ? "on" : "off");
	else if (w->has_log && have->has_log && w->log != have->log)
		snprintf(why, len, "log differs from the file");
	else if (w->has_floor && have->has_floor && w->floor != have->floor)
		snprintf(why, len, "floor is %u, the file says %u", have->floor, w->floor);
	else if (have->has_nft && w->has_mark && (w->mark != have->mark || w->mask != have->mask))
		snprintf(why, len, "mark differs from the file");
	else if (have->has_nft && w->has_table && w->table != have->table)
		snprintf(why, len, "table differs from the file");
	else if (have->has_nft && w->has_pref && w->pref != have->pref)
		snprintf(why, len, "pref differs from the file");
	else
		return 0;
	return 1;
}

static int rules_differ(const struct pf_desired *d, const struct pf_mss_rule *have, size_t n,
			char *why, size_t len)
{
	struct pf_mss_rule *want;
	int ret = 0;

	if (n != d->n) {
		snprintf(why, len, "%zu MSS rule%s installed, the file has %zu", n,
			 n == 1 ? "" : "s", d->n);
		return 1;
	}
	want = malloc((n ? n : 1) * sizeof(*want));
	if (!want) {
		snprintf(why, len, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	memcpy(want, d->rules, n * sizeof(*want));
	pf_mss_sort(want, n);
	for (size_t i = 0; i < n && !ret; i++)
		if (pf_mss_rule_cmp(&want[i], &have[i]))
			ret = 1;
	if (ret)
		snprintf(why, len, "the MSS rules differ from the file");
	free(want);
	return ret;
}

static int check_module(struct pf_ctx *c, const struct pf_desired *d, char *why, size_t len)
{
	struct pf_mss_rule *rules = NULL;
	struct pf_config cfg;
	size_t n = 0;
	int err;

	err = pf_config_get(c, &cfg);
	if (err) {
		snprintf(why, len, "cannot read the settings: %s", strerror(-err));
		return err;
	}
	if (settings_differ(&d->cfg, &cfg, why, len))
		return 1;
	err = pf_mss_list(c, &rules, &n);
	if (err == -EOPNOTSUPP && !d->n)
		return 0;
	if (err) {
		snprintf(why, len, "cannot list the MSS rules: %s", strerror(-err));
		return err;
	}
	err = rules_differ(d, rules, n, why, len);
	free(rules);
	return err;
}

static void nft_to_config(const struct pfnft_state *st, struct pf_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->has_rescue = cfg->has_log = cfg->has_floor = cfg->has_nft = true;
	cfg->rescue = st->conf.rescue;
	cfg->log = st->conf.log;
	cfg->floor = st->conf.floor;
	cfg->mark = st->conf.mark;
	cfg->mask = st->conf.mask;
	cfg->table = st->conf.table;
	cfg->pref = st->conf.pref;
}

static int nft_rules(struct pf_ctx *c, struct pf_mss_rule **rules, size_t *n)
{
	struct pfnft_mss *v = NULL;
	int err = pf_nft->mss_list(c->nft, &v, n);

	if (err)
		return err;
	*rules = calloc(*n ? *n : 1, sizeof(**rules));
	if (!*rules) {
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < *n; i++) {
		(*rules)[i].prefix.family = v[i].prefix.family;
		(*rules)[i].prefix.len = v[i].prefix.len;
		memcpy((*rules)[i].prefix.addr, v[i].prefix.addr, 16);
		(*rules)[i].mss = v[i].mss;
		(*rules)[i].dir = v[i].dir;
	}
	free(v);
	pf_mss_sort(*rules, *n);
	return 0;
}

static int check_nft(struct pf_ctx *c, const struct pf_desired *d, char *why, size_t len)
{
	struct pf_mss_rule *rules = NULL;
	struct pfnft_state st;
	struct pf_config cfg;
	size_t n = 0;
	int err;

	err = pf_nft->get(c->nft, &st);
	if (err) {
		snprintf(why, len, "cannot read the nft backend: %s", strerror(-err));
		return err;
	}
	if (!st.installed) {
		snprintf(why, len, "table inet %s is missing", PFNFT_TABLE);
		return 1;
	}
	if (st.conf.rescue && !st.routing_ok) {
		snprintf(why, len, "the ip rules or the route of table %u are missing",
			 st.conf.table);
		return 1;
	}
	nft_to_config(&st, &cfg);
	if (settings_differ(&d->cfg, &cfg, why, len))
		return 1;
	err = nft_rules(c, &rules, &n);
	if (err) {
		snprintf(why, len, "cannot list the MSS rules: %s", strerror(-err));
		return err;
	}
	err = rules_differ(d, rules, n, why, len);
	free(rules);
	return err;
}

int pf_rc_check(struct pf_ctx *c, const struct pf_desired *d, char *why, size_t len)
{
	if (!c->connected) {
		snprintf(why, len, "no backend is open");
		return -ENODEV;
	}
	if (c->backend == PF_BACKEND_NFT)
		return check_nft(c, d, why, len);
	return check_module(c, d, why, len);
}

int pf_rc_apply(struct pf_ctx *c, const struct pf_desired *d, const char *name)
{
	if (!c->connected)
		return PF_EXIT_FAIL;
	return pf_apply(c, d, name);
}

static int collect_module(struct pf_ctx *c, struct pf_metrics *m, struct pf_stats *st)
{
	struct pf_mss_rule *rules = NULL;
	struct pf_config cfg;
	size_t n = 0;
	int err;

	err = pf_config_get(c, &cfg);
	if (err)
		return err;
	m->has_rescue = cfg.has_rescue;
	m->rescue = cfg.rescue;
	err = pf_stats_get(c, st);
	if (err && err != -EOPNOTSUPP)
		return err;
	m->stats = err ? NULL : st;
	if (!pf_mss_list(c, &rules, &n)) {
		m->has_mss_rules = true;
		m->mss_rules = n;
	}
	free(rules);
	return 0;
}

static int stats_add(struct pf_stats *st, uint32_t reason, uint64_t value)
{
	struct pf_stat *v = realloc(st->v, (st->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	st->v = v;
	st->v[st->n++] = (struct pf_stat){ .reason = reason, .value = value };
	return 0;
}

static int collect_nft(struct pf_ctx *c, struct pf_metrics *m, struct pf_stats *st)
{
	struct pf_mss_rule *rules = NULL;
	struct pfnft_state s;
	size_t n = 0;
	int err;

	err = pf_nft->get(c->nft, &s);
	if (err)
		return err;
	m->has_rescue = true;
	m->rescue = s.installed && s.conf.rescue;
	for (int i = 0; i < PFNFT_C_MAX; i++) {
		/* Reasons the table does not count are absent, not zero. */
		if (stats_add(st, pfnft_counter_reason[i], s.counters[i]))
			return -ENOMEM;
	}
	m->stats = st;
	if (s.installed && !nft_rules(c, &rules, &n)) {
		m->has_mss_rules = true;
		m->mss_rules = n;
	}
	free(rules);
	return 0;
}

int pf_rc_collect(struct pf_ctx *c, struct pf_metrics *m, struct pf_stats *st)
{
	int err = 0;

	memset(st, 0, sizeof(*st));
	m->backend = pf_rc_backend_name(c);
	m->has_rpf = !pf_rpf_read(&m->rpf);
	if (c->connected && c->backend == PF_BACKEND_NFT)
		err = collect_nft(c, m, st);
	else if (c->connected)
		err = collect_module(c, m, st);
	return err;
}

int pf_rc_down(struct pf_ctx *c)
{
	struct pf_config_req req = { .has_rescue = true, .rescue = false };
	int err;

	if (!c->connected)
		return PF_EXIT_FAIL;
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_down(c);
	err = pf_config_set(c, &req);
	if (err)
		return pf_fail(c, "set rescue off", err);
	err = pf_mss_flush(c);
	if (err && err != -EOPNOTSUPP)
		return pf_mss_fail(c, "mss flush", err);
	return PF_EXIT_OK;
}

int pf_rc_nft_remove(struct pf_ctx *c)
{
	struct pfnft *h;
	unsigned int what = 0;
	int err = pf_nft->open(&h);

	if (err)
		return err;
	err = pf_nft->down(h, &what);
	pf_nft->close(h);
	(void)c;
	return err ? err : (int)what;
}

int pf_rc_print_metrics(struct pf_ctx *c)
{
	struct pf_metrics m = { 0 };
	struct pf_stats st;
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	err = pf_rc_collect(c, &m, &st);
	if (err) {
		pf_stats_free(&st);
		return pf_fail(c, "cannot read the counters", err);
	}
	pf_metrics_write(pf_print_file(), &m);
	pf_stats_free(&st);
	return PF_EXIT_OK;
}
