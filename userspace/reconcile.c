// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's view of a backend, through its ops table only. "In place"
 * means: every setting the file names has the file's value, the MSS rules
 * are exactly the file's, and what the backend reports beyond its settings
 * (nft: the table, and with rescue on its ip rules and route) is there.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "config.h"
#include "connect.h"
#include "print.h"
#include "reconcile.h"

const char *pf_rc_backend_name(const struct pf_ctx *c)
{
	return c->ops ? c->ops->name : "none";
}

static int rc_collect(struct pf_ctx *c, struct pf_metrics *m, struct pf_stats *st);

static bool same_uplinks(const struct pf_config *w, const struct pf_config *h)
{
	if (!w->n_uplinks)
		return true;	/* auto: whatever the routes say today */
	if (w->n_uplinks != h->n_uplinks)
		return false;
	for (unsigned int i = 0; i < w->n_uplinks; i++)
		if (strcmp(w->uplinks[i], h->uplinks[i]))
			return false;
	return true;
}

/* The first setting the file names that the backend has otherwise, or NULL. */
static const char *setting_differs(const struct pf_config *w, const struct pf_config *h)
{
	if (w->has_rescue && h->has_rescue && w->rescue != h->rescue)
		return "rescue";
	if (w->has_log && h->has_log && w->log != h->log)
		return "log";
	if (w->has_floor && h->has_floor && w->floor != h->floor)
		return "floor";
	if (w->has_mark && h->has_mark && (w->mark != h->mark || w->mask != h->mask))
		return "mark";
	if (w->has_table && h->has_table && w->table != h->table)
		return "table";
	if (w->has_pref && h->has_pref && w->pref != h->pref)
		return "pref";
	if (w->has_uplinks && h->has_uplinks && !same_uplinks(w, h))
		return "uplinks";
	return NULL;
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
	if (n)
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

static int read_failed(struct pf_ctx *c, const char *what, int err, char *why, size_t len)
{
	const char *msg = c->ops->errmsg ? c->ops->errmsg(c->be) : "";

	snprintf(why, len, "cannot read %s: %s", what, msg && *msg ? msg : strerror(-err));
	return err;
}

/* A file of comments, or of lines only another backend acts on (relay on nft). */
static bool asks_nothing(const struct pf_desired *d)
{
	const struct pf_config *w = &d->cfg;

	return !w->has_rescue && !w->has_log && !w->has_floor && !w->has_mark && !w->has_table &&
	       !w->has_pref && !w->has_uplinks && !d->n;
}

/*
 * What the backend has beyond its settings; a backend without state_get has
 * all. Nothing installed is in place when nothing is asked for: an apply
 * would not install it, and calling that drift would retry for ever.
 */
static int check_state(struct pf_ctx *c, const struct pf_desired *d, struct pf_state *st,
		       char *why, size_t len)
{
	int err;

	st->installed = st->routing_ok = true;
	if (!c->ops->state_get)
		return 0;
	err = c->ops->state_get(c->be, st);
	if (err)
		return read_failed(c, "what is installed", err, why, len);
	if (!st->installed && !asks_nothing(d)) {
		snprintf(why, len, "the %s backend has nothing installed (no table)", c->ops->name);
		return 1;
	}
	return 0;
}

/* A module reloaded forgets its relay: this is how the agent notices. */
static int relay_differs(struct pf_ctx *c, const struct pf_desired *d, char *why, size_t len)
{
	struct pf_relay have;
	int err;

	if (!d->has_relay)
		return 0;
	err = c->ops->relay_get ? c->ops->relay_get(c->be, &have) : -EOPNOTSUPP;
	if (err)
		return read_failed(c, "the relay", err, why, len);
	if (!pf_relay_module_equal(&d->relay, &have) ||
	    (d->relay.ifindex && d->relay.ifindex != have.ifindex)) {
		snprintf(why, len, "the relay differs from the file");
		return 1;
	}
	return 0;
}

int pf_rc_check(struct pf_ctx *c, const struct pf_desired *d, char *why, size_t len)
{
	struct pf_mss_rule *rules = NULL;
	struct pf_config have;
	struct pf_state st;
	const char *differs;
	size_t n = 0;
	int err;

	if (!c->ops) {
		snprintf(why, len, "no backend is open");
		return -ENODEV;
	}
	err = check_state(c, d, &st, why, len);
	if (err)
		return err;
	memset(&have, 0, sizeof(have));
	err = c->ops->config_get(c->be, &have);
	if (err)
		return read_failed(c, "the settings", err, why, len);
	differs = setting_differs(&d->cfg, &have);
	if (differs) {
		snprintf(why, len, "%s differs from the file", differs);
		return 1;
	}
	if (have.rescue && !st.routing_ok) {
		snprintf(why, len, "the ip rules or the route of table %u are missing", have.table);
		return 1;
	}
	err = relay_differs(c, d, why, len);
	if (err)
		return err;
	err = c->ops->mss_list ? c->ops->mss_list(c->be, &rules, &n) : -EOPNOTSUPP;
	if ((err == -EOPNOTSUPP || err == -ENOENT) && !d->n)
		return 0;
	if (err)
		return read_failed(c, "the MSS rules", err, why, len);
	err = rules_differ(d, rules, n, why, len);
	free(rules);
	return err;
}

/* The first thing it said, without the program's name, as the reason. */
static void first_line(const char *text, char *why, size_t len)
{
	const char *p = strncmp(text, "pmtufix: ", 9) ? text : text + 9;
	size_t n = strcspn(p, "\n");

	snprintf(why, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

int pf_rc_apply(struct pf_ctx *c, const struct pf_desired *d, const char *name,
		char *why, size_t len)
{
	FILE *log = c->err, *mem;
	char *text = NULL;
	size_t n = 0;
	int ret;

	why[0] = '\0';
	if (!c->ops)
		return PF_EXIT_FAIL;
	/* Its messages still go to the log; the first is kept for /healthz. */
	mem = open_memstream(&text, &n);
	if (mem)
		c->err = mem;
	ret = pf_apply(c, d, name);
	if (mem) {
		c->err = log;
		fclose(mem);
		fputs(text, log);
		fflush(log);
		first_line(text, why, len);
		free(text);
	}
	return ret;
}

int pf_rc_collect(struct pf_ctx *c, struct pf_metrics *m, struct pf_stats *st)
{
	int err = rc_collect(c, m, st);

	/* The relay's counters, where the backend keeps them. */
	m->relay = NULL;
	if (!err && c->ops && c->ops->relay_stats_get &&
	    !c->ops->relay_stats_get(c->be, &m->relay_stats))
		m->relay = &m->relay_stats;
	return err;
}

void pf_rc_metrics_free(struct pf_metrics *m, struct pf_stats *st)
{
	pf_stats_free(st);
	if (m->relay)
		pf_stats_free(&m->relay_stats.in);
	m->relay = NULL;
}

static int rc_collect(struct pf_ctx *c, struct pf_metrics *m, struct pf_stats *st)
{
	struct pf_mss_rule *rules = NULL;
	struct pf_config cfg;
	size_t n = 0;
	int err;

	memset(st, 0, sizeof(*st));
	m->backend = pf_rc_backend_name(c);
	m->has_rpf = !pf_rpf_read(&m->rpf);
	if (!c->ops)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	err = c->ops->config_get(c->be, &cfg);
	if (err)
		return err;
	m->has_rescue = cfg.has_rescue;
	m->rescue = cfg.rescue;
	/* What a backend does not count (nft without its table) is left out. */
	if (c->ops->stats_get && !c->ops->stats_get(c->be, st))
		m->stats = st;
	if (c->ops->mss_stats_get && !c->ops->mss_stats_get(c->be, &m->mss))
		m->has_mss_stats = true;
	if (c->ops->mss_list && !c->ops->mss_list(c->be, &rules, &n)) {
		m->has_mss_rules = true;
		m->mss_rules = n;
	}
	free(rules);
	return 0;
}

/* No prefixes and no device: a module without the relay has nothing to undo. */
static int relay_off(struct pf_ctx *c)
{
	struct pf_relay off;
	int err;

	if (!c->ops->relay_set)
		return PF_EXIT_OK;
	pf_relay_init(&off);
	err = c->ops->relay_set(c->be, &off);
	if (err && !pf_unknown_command(c, err))
		return pf_fail(c, "relay off", err);
	return PF_EXIT_OK;
}

int pf_rc_down(struct pf_ctx *c)
{
	struct pf_config off = { .has_rescue = true, .rescue = false };
	unsigned int what = 0;
	int err;

	if (!c->ops)
		return PF_EXIT_FAIL;
	if (c->ops->down) {
		err = c->ops->down(c->be, &what);
		return err ? pf_fail(c, "down", err) : PF_EXIT_OK;
	}
	/* The module stays loaded: rescue off and no rules is what "down" means here. */
	err = c->ops->config_set(c->be, &off);
	if (err)
		return pf_fail(c, "set rescue off", err);
	err = c->ops->mss_flush ? c->ops->mss_flush(c->be) : 0;
	if (err && err != -EOPNOTSUPP)
		return pf_fail(c, "mss flush", err);
	return relay_off(c);
}

int pf_rc_nft_remove(void)
{
	struct pf_backend *be;
	unsigned int what = 0;
	int err = pf_backend_nft.open(&be);

	if (err)
		return err;
	err = pf_backend_nft.down(be, &what);
	pf_backend_nft.close(be);
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
	pf_rc_metrics_free(&m, &st);
	return PF_EXIT_OK;
}
