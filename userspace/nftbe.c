// SPDX-License-Identifier: GPL-2.0
/* Every command on the nft backend, and `down`. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "nftbe.h"
#include "print.h"
#include "view.h"

static const struct pf_nft_ops real = {
	.open		= pfnft_open,
	.close		= pfnft_close,
	.errmsg		= pfnft_errmsg,
	.get		= pfnft_get,
	.set		= pfnft_set,
	.down		= pfnft_down,
	.reset		= pfnft_reset_counters,
	.mss_list	= pfnft_mss_list,
	.mss_add	= pfnft_mss_add,
	.mss_del	= pfnft_mss_del,
	.mss_replace	= pfnft_mss_replace,
	.mss_replace_one = pfnft_mss_replace_one,
};

const struct pf_nft_ops *pf_nft = &real;

int pf_nft_open(struct pf_ctx *c)
{
	int err = pf_nft->open(&c->nft);

	if (err) {
		pf_error(c, "cannot open netlink sockets for nftables: %s%s", strerror(-err),
			 err == -EPERM || err == -EACCES ? " (CAP_NET_ADMIN is needed)" : "");
		return PF_EXIT_FAIL;
	}
	c->backend = PF_BACKEND_NFT;
	c->connected = true;
	return PF_EXIT_OK;
}

void pf_nft_close(struct pf_ctx *c)
{
	pf_nft->close(c->nft);
	c->nft = NULL;
}

/* "what: library message (strerror)" or "what: strerror". */
static int nft_fail(struct pf_ctx *c, const char *what, int err)
{
	const char *msg = pf_nft->errmsg(c->nft);

	err = err < 0 ? -err : err;
	if (msg && *msg)
		pf_error(c, "%s: %s (%s)%s", what, msg, strerror(err),
			 err == EPERM ? ", CAP_NET_ADMIN is needed" : "");
	else
		pf_error(c, "%s: %s%s", what, strerror(err),
			 err == EPERM ? " (CAP_NET_ADMIN is needed)" : "");
	return PF_EXIT_FAIL;
}

static void to_config(const struct pfnft_state *st, struct pf_config *cfg)
{
	const struct pfnft_conf *n = &st->conf;

	memset(cfg, 0, sizeof(*cfg));
	cfg->has_rescue = cfg->has_log = cfg->has_floor = cfg->has_floor_eff = true;
	cfg->rescue = n->rescue;
	cfg->log = n->log;
	cfg->floor = n->floor;
	cfg->floor_eff = st->floor_eff;
	cfg->has_nft = true;
	cfg->mark = n->mark;
	cfg->mask = n->mask;
	cfg->table = n->table;
	cfg->pref = n->pref;
	cfg->n_uplinks = n->n_uplinks < PF_MAX_UPLINKS ? n->n_uplinks : PF_MAX_UPLINKS;
	for (unsigned int i = 0; i < cfg->n_uplinks; i++)
		snprintf(cfg->uplinks[i], PF_IFNAMSIZ, "%s", n->uplinks[i]);
}

static void to_nft_rule(const struct pf_mss_rule *r, struct pfnft_mss *n)
{
	memset(n, 0, sizeof(*n));
	n->prefix.family = r->prefix.family;
	n->prefix.len = r->prefix.len;
	memcpy(n->prefix.addr, r->prefix.addr, sizeof(n->prefix.addr));
	n->mss = r->mss;
	n->dir = r->dir;
}

static void from_nft_rule(const struct pfnft_mss *n, struct pf_mss_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->prefix.family = n->prefix.family;
	r->prefix.len = n->prefix.len;
	memcpy(r->prefix.addr, n->prefix.addr, sizeof(r->prefix.addr));
	r->mss = n->mss;
	r->dir = n->dir;
}

static void print_state(const struct pfnft_state *st)
{
	struct pf_config cfg;
	char buf[PF_MAX_UPLINKS * PF_IFNAMSIZ + 8] = "";
	size_t len = 0;

	to_config(st, &cfg);
	pf_print_string(PF_ANY, "backend", "backend: %s\n", "nft");
	pf_print_bool(PF_JSON, "installed", NULL, st->installed);
	if (!st->installed)
		pf_print_text("table: none (nothing installed)\n");
	pf_print_bool(PF_ANY, "rescue", "rescue: %s\n", cfg.rescue);
	pf_print_string(PF_ANY, "log", "log: %s\n",
			cfg.log <= PMTUFIX_LOG_MAX ? pf_log_names[cfg.log] : "none");
	pf_print_uint(PF_JSON, "floor", NULL, cfg.floor);
	if (cfg.floor)
		pf_print_uint(PF_TEXT, NULL, "floor: %s\n", cfg.floor);
	else
		pf_print_uint(PF_TEXT, NULL, "floor: auto (%s)\n", cfg.floor_eff);
	pf_print_uint(PF_JSON, "floor_effective", NULL, cfg.floor_eff);
	snprintf(buf, sizeof(buf), "0x%x/0x%x", cfg.mark, cfg.mask);
	pf_print_string(PF_ANY, "mark", "mark: %s\n", buf);
	pf_print_uint(PF_ANY, "table", "table: %s\n", cfg.table);
	pf_print_uint(PF_ANY, "pref", "pref: %s\n", cfg.pref);
	buf[0] = '\0';
	for (unsigned int i = 0; i < cfg.n_uplinks; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : "",
					cfg.uplinks[i]);
	pf_print_string(PF_TEXT, NULL, "uplinks: %s\n", cfg.n_uplinks ? buf : "auto");
	pf_open_array("uplinks");
	for (unsigned int i = 0; i < cfg.n_uplinks; i++)
		pf_print_string(PF_JSON, NULL, NULL, cfg.uplinks[i]);
	pf_close_array();
}

static void print_stats(const struct pfnft_state *st, const char *key, const char *indent)
{
	struct pf_stats ps = { 0 };
	struct pf_stat v[PFNFT_C_MAX];

	/* In reason order, as the module's. */
	for (int i = 0; i < PFNFT_C_MAX; i++) {
		v[i].reason = pfnft_counter_reason[i];
		v[i].value = st->counters[i];
	}
	for (int i = 1; i < PFNFT_C_MAX; i++)
		for (int j = i; j > 0 && v[j - 1].reason > v[j].reason; j--) {
			struct pf_stat t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	ps.v = v;
	ps.n = PFNFT_C_MAX;
	pf_stats_print(&ps, key, indent);
}

int pf_nft_show(struct pf_ctx *c)
{
	struct pfnft_state st;
	int err = pf_nft->get(c->nft, &st);

	if (err)
		return nft_fail(c, "cannot read table inet " PFNFT_TABLE, err);
	pf_open_object(NULL);
	print_state(&st);
	if (st.installed) {
		pf_print_text("stats:\n");
		print_stats(&st, "stats", "  ");
	}
	pf_close_object();
	pf_print_end();
	if (st.conf.rescue && !st.routing_ok)
		pf_error(c, "warning: the ip rules or the route of table %u are missing (did an "
			 "uplink go down?); 'pmtufix set rescue on' puts them back", st.conf.table);
	return PF_EXIT_OK;
}

/* The settings of st with those req names. */
static void merge(struct pfnft_conf *n, const struct pf_config_req *req)
{
	if (req->has_rescue)
		n->rescue = req->rescue;
	if (req->has_log)
		n->log = req->log;
	if (req->has_floor)
		n->floor = req->floor;
	if (req->has_mark) {
		n->mark = req->mark;
		n->mask = req->mask;
	}
	if (req->has_table)
		n->table = req->table;
	if (req->has_pref)
		n->pref = req->pref;
	if (req->has_uplinks) {
		n->n_uplinks = req->n_uplinks;
		for (unsigned int i = 0; i < req->n_uplinks && i < PFNFT_MAX_UPLINKS; i++)
			snprintf(n->uplinks[i], IF_NAMESIZE, "%s", req->uplinks[i]);
	}
}

int pf_nft_set(struct pf_ctx *c, const struct pf_config_req *req)
{
	struct pfnft_state st;
	int err = pf_nft->get(c->nft, &st);

	if (err)
		return nft_fail(c, "cannot read table inet " PFNFT_TABLE, err);
	merge(&st.conf, req);
	err = pf_nft->set(c->nft, &st.conf);
	if (err)
		return nft_fail(c, "set", err);
	return PF_EXIT_OK;
}

int pf_nft_stats(struct pf_ctx *c, bool reset)
{
	struct pfnft_state st;
	int err;

	if (reset) {
		err = pf_nft->reset(c->nft);
		return err ? nft_fail(c, "cannot reset the counters", err) : PF_EXIT_OK;
	}
	err = pf_nft->get(c->nft, &st);
	if (err)
		return nft_fail(c, "cannot read the counters", err);
	if (!st.installed) {
		pf_error(c, "cannot read the counters: there is no table inet " PFNFT_TABLE
			 " (nothing installed)");
		return PF_EXIT_FAIL;
	}
	print_stats(&st, NULL, "");
	pf_print_end();
	return PF_EXIT_OK;
}

static int list(struct pf_ctx *c, struct pf_mss_rule **rules, size_t *n)
{
	struct pfnft_mss *v;
	int err = pf_nft->mss_list(c->nft, &v, n);

	*rules = NULL;
	if (err)
		return err;
	*rules = malloc((*n ? *n : 1) * sizeof(**rules));
	if (!*rules) {
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < *n; i++)
		from_nft_rule(&v[i], &(*rules)[i]);
	free(v);
	pf_mss_sort(*rules, *n);
	return 0;
}

int pf_nft_mss(struct pf_ctx *c, const char *verb, const struct pf_mss_rule *r,
	       const struct pf_prefix *p)
{
	char what[160], pfx[PF_PREFIX_STRLEN];
	struct pfnft_mss n;
	int err;

	if (!strcmp(verb, "show")) {
		struct pf_mss_rule *rules;
		size_t count;

		err = list(c, &rules, &count);
		if (err)
			return nft_fail(c, "cannot list the MSS rules", err);
		pf_mss_print(rules, count);
		free(rules);
		return PF_EXIT_OK;
	}
	if (!strcmp(verb, "add")) {
		pf_mss_rule_format(r, what + 8, sizeof(what) - 8);
		memcpy(what, "mss add ", 8);
		to_nft_rule(r, &n);
		err = pf_nft->mss_add(c->nft, &n);
		return err ? nft_fail(c, what, err) : PF_EXIT_OK;
	}
	if (!strcmp(verb, "del")) {
		struct pfnft_prefix np = { .family = p->family, .len = p->len };

		memcpy(np.addr, p->addr, sizeof(np.addr));
		pf_format_prefix(p, pfx, sizeof(pfx));
		err = pf_nft->mss_del(c->nft, &np);
		if (err == -ENOENT) {
			pf_error(c, "mss del: there is no rule for %s", pfx);
			return PF_EXIT_FAIL;
		}
		snprintf(what, sizeof(what), "mss del %s", pfx);
		return err ? nft_fail(c, what, err) : PF_EXIT_OK;
	}
	err = pf_nft->mss_replace(c->nft, NULL, 0);
	return err ? nft_fail(c, "mss flush", err) : PF_EXIT_OK;
}

int pf_nft_mss_replace(struct pf_ctx *c, const struct pf_mss_rule *r)
{
	char what[160] = "mss replace ";
	struct pfnft_mss n;
	size_t len = strlen(what);
	int err;

	pf_mss_rule_format(r, what + len, sizeof(what) - len);
	to_nft_rule(r, &n);
	err = pf_nft->mss_replace_one(c->nft, &n);
	return err ? nft_fail(c, what, err) : PF_EXIT_OK;
}

int pf_nft_save(struct pf_ctx *c)
{
	struct pf_mss_rule *rules;
	struct pfnft_state st;
	struct pf_config cfg;
	size_t n;
	int err = pf_nft->get(c->nft, &st);

	if (err)
		return nft_fail(c, "cannot read the settings", err);
	err = list(c, &rules, &n);
	if (err)
		return nft_fail(c, "cannot list the MSS rules", err);
	to_config(&st, &cfg);
	cfg.has_floor_eff = false;
	pf_conf_write(pf_print_file(), &cfg, rules, n);
	free(rules);
	return PF_EXIT_OK;
}

/*
 * The MSS rules are replaced in one nftables transaction; the settings are
 * changed first, and put back if the rules are refused.
 */
int pf_nft_apply(struct pf_ctx *c, const struct pf_desired *d, const char *name)
{
	const struct pf_config_req *want = &d->cfg;
	struct pfnft_state st;
	struct pfnft_conf old;
	struct pfnft_mss *v = NULL;
	bool set = want->has_rescue || want->has_log || want->has_floor || pf_req_has_nft(want);
	int err;

	err = pf_nft->get(c->nft, &st);
	if (err)
		return nft_fail(c, "cannot read the settings", err);
	old = st.conf;
	if (set) {
		merge(&st.conf, want);
		err = pf_nft->set(c->nft, &st.conf);
		if (err) {
			nft_fail(c, "set", err);
			pf_error(c, "%s: nothing was changed", name);
			return PF_EXIT_FAIL;
		}
	}
	if (d->n) {
		v = malloc(d->n * sizeof(*v));
		if (!v) {
			pf_error(c, "%s", strerror(ENOMEM));
			return PF_EXIT_FAIL;
		}
		for (size_t i = 0; i < d->n; i++)
			to_nft_rule(&d->rules[i], &v[i]);
	}
	err = pf_nft->mss_replace(c->nft, v, d->n);
	free(v);
	if (err) {
		nft_fail(c, "the MSS rules", err);
		if (set && pf_nft->set(c->nft, &old) == 0)
			pf_error(c, "%s: the previous settings were restored; the MSS rules were "
				 "not changed", name);
		else if (set)
			pf_error(c, "%s: the settings were changed, the MSS rules were not", name);
		else
			pf_error(c, "%s: nothing was changed", name);
		return PF_EXIT_FAIL;
	}
	return PF_EXIT_OK;
}

int pf_nft_down(struct pf_ctx *c)
{
	unsigned int what = 0;
	int err = pf_nft->down(c->nft, &what);

	if (err)
		return nft_fail(c, "down", err);
	if (!what)
		pf_error(c, "down: nothing to remove (no table inet " PFNFT_TABLE
			 ", no ip rule or route of pmtufix)");
	return PF_EXIT_OK;
}
