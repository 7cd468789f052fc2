// SPDX-License-Identifier: GPL-2.0
/* `show`, `set`, `save` and `apply`. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "config.h"
#include "connect.h"
#include "print.h"
#include "view.h"

const char pf_usage_show[] =
	"Usage: pmtufix show\n"
	"Prints the backend, the settings and, when they are counted, the counters.\n";

const char pf_usage_set[] =
	"Usage: pmtufix set SETTING [ SETTING ... ]\n"
	"where  SETTING := { rescue { on | off } | log { none | rescue | all } |\n"
	"                    floor { auto | MTU } |\n"
	"                    mark MARK[/MASK] | table TABLE | pref PREF |\n"
	"                    uplinks { auto | IFACE[,IFACE...] } }\n"
	"       MTU := 68..65535; auto follows net.ipv4.route.min_pmtu\n"
	"       mark, table, pref, uplinks: nft backend only (defaults 0x2000/0x2000,\n"
	"       500, 500, auto = interfaces of the IPv4 routes with a gateway)\n";

const char pf_usage_save[] =
	"Usage: pmtufix save\n"
	"Prints the settings and MSS rules in the format 'apply' reads.\n";

const char pf_usage_apply[] =
	"Usage: pmtufix apply { FILE | - }\n"
	"FILE (- = standard input) has lines as 'save' prints them, '#' comments\n"
	"and blank lines:\n"
	"    set [ rescue { on | off } ] [ log { none | rescue | all } ] [ floor { auto | MTU } ]\n"
	"        [ mark MARK[/MASK] ] [ table TABLE ] [ pref PREF ] [ uplinks LIST ]\n"
	"    mss add PREFIX { MSS | auto } [ dir { to | from | both } ]\n"
	"    relay set prefixes PREFIX[,PREFIX...] [ peers PEER[,PEER...] ] [ port PORT ]\n"
	"        [ rate N ] [ burst N ] [ listen ADDR ]   (see 'pmtufix relay help')\n"
	"    relay off\n"
	"The whole file is checked before anything changes. Its MSS rules replace\n"
	"all current ones; settings it does not name stay as they are, and so does\n"
	"the relay without a relay line.\n";

static void print_backend(struct pf_ctx *c)
{
	pf_print_string(PF_JSON, "backend", NULL, c->ops->name);
	if (c->fell_back)
		pf_print_string(PF_TEXT, NULL, "backend: %s (the pmtufix module is not loaded)\n",
				c->ops->name);
	else
		pf_print_string(PF_TEXT, NULL, "backend: %s\n", c->ops->name);
}

/* A backend without a table of its own is always installed. */
static int read_state(struct pf_ctx *c, struct pf_state *state)
{
	state->installed = state->routing_ok = true;
	return c->ops->state_get ? c->ops->state_get(c->be, state) : 0;
}

int pf_cmd_show(struct pf_ctx *c, int argc, char **argv)
{
	struct pf_stats st = { 0 };
	struct pf_state state;
	struct pf_config cfg;
	bool have_stats;
	int err;

	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_show);
	if (argc > 0)
		return pf_usage_error(c, pf_usage_show, "unexpected '%s'", argv[0]);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	err = c->ops->config_get(c->be, &cfg);
	if (!err)
		err = read_state(c, &state);
	if (err)
		return pf_fail(c, "cannot read the settings", err);
	/* Counters exist only once something counts them. */
	err = c->ops->stats_get ? c->ops->stats_get(c->be, &st) : -EOPNOTSUPP;
	if (err && err != -EOPNOTSUPP && err != -ENOENT)
		return pf_fail(c, "cannot read the counters", err);
	have_stats = !err;
	pf_open_object(NULL);
	print_backend(c);
	if (c->ops->state_get) {
		pf_print_bool(PF_JSON, "installed", NULL, state.installed);
		if (!state.installed)
			pf_print_text("installed: no (nothing installed)\n");
	}
	pf_config_print(&cfg);
	if (have_stats) {
		pf_print_text("stats:\n");
		pf_stats_print(&st, "stats", "  ");
	}
	pf_close_object();
	pf_print_end();
	pf_stats_free(&st);
	if (cfg.rescue && !state.routing_ok)
		pf_error(c, "warning: the ip rules or the route of table %u are missing (did an "
			 "uplink go down?); 'pmtufix set rescue on' puts them back", cfg.table);
	return PF_EXIT_OK;
}

int pf_cmd_set(struct pf_ctx *c, int argc, char **argv)
{
	struct pf_config req;
	char msg[PF_ERRLEN];
	int err;

	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_set);
	if (pf_parse_set(argc, argv, &req, msg, sizeof(msg)))
		return pf_usage_error(c, pf_usage_set, "set: %s", msg);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	err = c->ops->config_set(c->be, &req);
	if (err == -EOPNOTSUPP)
		return pf_usage_error(c, pf_usage_set, "set: %s (--backend nft)",
				      c->ops->errmsg(c->be));
	if (err)
		return pf_fail(c, "set", err);
	pf_warnings(c);
	return PF_EXIT_OK;
}

/* pf_fail(), but says so plainly when the backend has no MSS rules. */
int pf_mss_fail(struct pf_ctx *c, const char *what, int err)
{
	if (pf_unknown_command(c, err)) {
		pf_error(c, "this pmtufix module does not support MSS rules");
		return PF_EXIT_FAIL;
	}
	if (err == -EINTR) {
		pf_error(c, "%s: the rules kept changing while being listed; try again", what);
		return PF_EXIT_FAIL;
	}
	return pf_fail(c, what, err);
}

/*
 * The relay's module part, where the backend has one and it is on. Peers,
 * port and listen live in the agent's file only: the line says so.
 */
static int save_relay(struct pf_ctx *c)
{
	struct pf_relay r;
	int err;

	if (!c->ops->relay_get)
		return PF_EXIT_OK;
	err = c->ops->relay_get(c->be, &r);
	if (err == -EOPNOTSUPP)
		return PF_EXIT_OK;	/* a module (or nft library) without the relay */
	if (err)
		return pf_fail(c, "cannot read the relay", err);
	/* Off is not written: a file without a relay line leaves it alone. */
	if (!r.n_prefixes)
		return PF_EXIT_OK;
	fputs("# relay peers, port and listen are the agent's: see its file\n", pf_print_file());
	pf_conf_write_relay(pf_print_file(), &r);
	return PF_EXIT_OK;
}

int pf_cmd_save(struct pf_ctx *c, int argc, char **argv)
{
	struct pf_mss_rule *rules = NULL;
	struct pf_config cfg;
	size_t n = 0;
	int err;

	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_save);
	if (argc > 0)
		return pf_usage_error(c, pf_usage_save, "unexpected '%s'", argv[0]);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	err = c->ops->config_get(c->be, &cfg);
	if (err)
		return pf_fail(c, "cannot read the settings", err);
	err = c->ops->mss_list(c->be, &rules, &n);
	if (err && err != -EOPNOTSUPP)
		return pf_mss_fail(c, "cannot list the MSS rules", err);
	cfg.has_floor_eff = cfg.has_version = false;
	pf_conf_write(pf_print_file(), &cfg, rules, n);
	free(rules);
	return save_relay(c);
}

static bool same_rules(const struct pf_mss_rule *a, size_t na,
		       const struct pf_mss_rule *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (pf_mss_rule_cmp(&a[i], &b[i]))
			return false;
	return true;
}

/* The settings of old that want changed, to put them back. */
static struct pf_config changed_back(const struct pf_config *old, const struct pf_config *want)
{
	struct pf_config back = *old;

	back.has_rescue = want->has_rescue && old->has_rescue;
	back.has_log = want->has_log && old->has_log;
	back.has_floor = want->has_floor && old->has_floor;
	back.has_mark = want->has_mark && old->has_mark;
	back.has_table = want->has_table && old->has_table;
	back.has_pref = want->has_pref && old->has_pref;
	back.has_uplinks = want->has_uplinks && old->has_uplinks;
	back.has_floor_eff = back.has_version = false;
	return back;
}

static bool any_setting(const struct pf_config *cfg)
{
	return cfg->has_rescue || cfg->has_log || cfg->has_floor || pf_config_has_nft(cfg);
}

/* After a failure half way: put back the rules and settings we found. */
static void restore(struct pf_ctx *c, const struct pf_config *old_cfg,
		    const struct pf_config *changed,
		    const struct pf_mss_rule *old, size_t n_old)
{
	struct pf_config back = changed_back(old_cfg, changed);
	char rule[128];
	size_t bad;
	int err;

	err = c->ops->mss_set(c->be, old, n_old, &bad);
	if (err && bad < n_old) {
		pf_mss_rule_format(&old[bad], rule, sizeof(rule));
		pf_error(c, "could not restore 'mss add %s'", rule);
	}
	if (!err && any_setting(&back))
		err = c->ops->config_set(c->be, &back);
	if (err) {
		pf_fail(c, "restoring the previous configuration failed", err);
		pf_error(c, "the configuration is now partly applied: check it with 'pmtufix save'");
	} else {
		pf_error(c, "the previous configuration (%zu MSS rule%s) was restored",
			 n_old, n_old == 1 ? "" : "s");
	}
}

/* The settings, in one request: they change whole or not at all. */
static int apply_settings(struct pf_ctx *c, const struct pf_config *want, const char *name)
{
	int err;

	if (!any_setting(want))
		return PF_EXIT_OK;
	err = c->ops->config_set(c->be, want);
	if (err == -EOPNOTSUPP) {
		pf_error(c, "%s: %s; nothing was changed", name, c->ops->errmsg(c->be));
		return PF_EXIT_USAGE;
	}
	if (err) {
		pf_fail(c, "set", err);
		pf_error(c, "%s: nothing was changed", name);
		return PF_EXIT_FAIL;
	}
	pf_warnings(c);
	return PF_EXIT_OK;
}

/* The rules, each prefix's rule replaced in place: no SYN goes unclamped. */
static int apply_rules(struct pf_ctx *c, const struct pf_desired *d, const char *name,
		       const struct pf_mss_rule *rules, const unsigned int *lines)
{
	char rule[128], what[256];
	size_t bad;
	int err = c->ops->mss_set(c->be, rules, d->n, &bad);

	if (!err)
		return PF_EXIT_OK;
	if (bad < d->n) {
		pf_mss_rule_format(&rules[bad], rule, sizeof(rule));
		snprintf(what, sizeof(what), "%s:%u: mss add %s", name, lines[bad], rule);
		if (*c->ops->errmsg(c->be))
			pf_error(c, "%s: rejected", what);
	} else {
		snprintf(what, sizeof(what), "%s: the MSS rules", name);
	}
	pf_mss_fail(c, what, err);
	return PF_EXIT_FAIL;
}

struct numbered_rule {
	struct pf_mss_rule rule;
	unsigned int line;
};

static int numbered_cmp(const void *a, const void *b)
{
	return pf_mss_rule_cmp(&((const struct numbered_rule *)a)->rule,
			       &((const struct numbered_rule *)b)->rule);
}

/* The file's rules sorted, each with its line. */
static int sorted_rules(const struct pf_desired *d, struct pf_mss_rule **rules,
			unsigned int **lines)
{
	struct numbered_rule *v = malloc((d->n ? d->n : 1) * sizeof(*v));

	*rules = malloc((d->n ? d->n : 1) * sizeof(**rules));
	*lines = malloc((d->n ? d->n : 1) * sizeof(**lines));
	if (!v || !*rules || !*lines) {
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->n; i++) {
		v[i].rule = d->rules[i];
		v[i].line = d->lines[i];
	}
	qsort(v, d->n, sizeof(*v), numbered_cmp);
	for (size_t i = 0; i < d->n; i++) {
		(*rules)[i] = v[i].rule;
		(*lines)[i] = v[i].line;
	}
	free(v);
	return 0;
}

/* Before anything changes: can this backend take the file's relay line? */
static int relay_read(struct pf_ctx *c, const struct pf_desired *d, const char *name,
		      struct pf_relay *old)
{
	int err;

	if (!d->has_relay)
		return PF_EXIT_OK;
	if (!c->ops->relay_get) {
		pf_error(c, "%s:%u: the %s backend does not relay errors; nothing was changed",
			 name, d->relay_line, c->ops->name);
		return PF_EXIT_FAIL;
	}
	err = c->ops->relay_get(c->be, old);
	if (pf_unknown_command(c, err)) {
		pf_error(c, "%s:%u: this pmtufix module does not relay errors; nothing was changed",
			 name, d->relay_line);
		return PF_EXIT_FAIL;
	}
	return err ? pf_fail(c, "cannot read the relay", err) : PF_EXIT_OK;
}

/*
 * The relay's module part. A file read by `apply` names no relay device:
 * the one the agent set stays while it exists; the agent's own d names its
 * device.
 */
static int apply_relay(struct pf_ctx *c, const struct pf_desired *d, const char *name,
		       const struct pf_relay *old)
{
	struct pf_relay want = d->relay;
	char what[256];
	const char *msg;
	int err;

	if (!want.ifindex)
		want.ifindex = pf_device_alive(old->ifindex);
	if (pf_relay_module_equal(&want, old) && want.ifindex == old->ifindex)
		return PF_EXIT_OK;
	err = c->ops->relay_set(c->be, &want);
	if (!err)
		return PF_EXIT_OK;
	/* One line with the file's line and the reason: the agent's /healthz shows the first. */
	snprintf(what, sizeof(what), "%s:%u: relay", name, d->relay_line);
	msg = c->ops->errmsg(c->be);
	if (msg && *msg) {
		pf_error(c, "%s: %s (%s)", what, msg, strerror(-err));
		return PF_EXIT_FAIL;
	}
	return pf_fail(c, what, err);
}

/* The file's rules in place of old ones, unless they are the same. */
static int apply_all_rules(struct pf_ctx *c, const struct pf_desired *d, const char *name,
			   const struct pf_mss_rule *old, size_t n_old)
{
	struct pf_mss_rule *rules = NULL;
	unsigned int *lines = NULL;
	int ret = PF_EXIT_OK;

	if (sorted_rules(d, &rules, &lines)) {
		pf_error(c, "%s", strerror(ENOMEM));
		ret = PF_EXIT_FAIL;
	} else if (!same_rules(rules, d->n, old, n_old)) {
		/* nothing to do is done without touching a rule */
		ret = apply_rules(c, d, name, rules, lines);
	}
	free(rules);
	free(lines);
	return ret;
}

int pf_apply(struct pf_ctx *c, const struct pf_desired *d, const char *name)
{
	struct pf_mss_rule *old = NULL;
	struct pf_config old_cfg;
	struct pf_relay old_relay;
	size_t n_old = 0;
	bool mss;
	int err, ret;

	pf_relay_init(&old_relay);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	/* Read everything first: what to restore, and whether MSS works. */
	err = c->ops->config_get(c->be, &old_cfg);
	if (err)
		return pf_fail(c, "cannot read the settings", err);
	err = c->ops->mss_list(c->be, &old, &n_old);
	mss = err != -EOPNOTSUPP;
	if (err && mss)
		return pf_mss_fail(c, "cannot list the MSS rules", err);
	if (!mss && d->n) {
		pf_error(c, "%s:%u: this pmtufix module does not support MSS rules; nothing was changed",
			 name, d->lines[0]);
		return PF_EXIT_FAIL;
	}
	ret = relay_read(c, d, name, &old_relay);
	if (!ret)
		ret = apply_settings(c, &d->cfg, name);
	if (ret)
		goto out;
	if (mss)
		ret = apply_all_rules(c, d, name, old, n_old);
	if (!ret && d->has_relay)
		ret = apply_relay(c, d, name, &old_relay);
	if (ret && mss)
		restore(c, &old_cfg, &d->cfg, old, n_old);
	else if (ret)
		pf_error(c, "%s: the settings it names were applied", name);
out:
	free(old);
	return ret;
}

int pf_cmd_apply(struct pf_ctx *c, int argc, char **argv)
{
	struct pf_desired d;
	const char *name;
	FILE *in;
	int bad, ret;

	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_apply);
	if (argc == 0)
		return pf_usage_error(c, pf_usage_apply, "apply: expected FILE or -");
	if (argc > 1)
		return pf_usage_error(c, pf_usage_apply, "apply: unexpected '%s'", argv[1]);
	if (strcmp(argv[0], "-") == 0) {
		in = stdin;
		name = "stdin";
	} else {
		in = fopen(argv[0], "r");
		name = argv[0];
		if (!in) {
			pf_error(c, "cannot open %s: %s", name, strerror(errno));
			return PF_EXIT_FAIL;
		}
	}
	bad = pf_conf_parse(in, name, &d, c->err);
	if (in != stdin)
		fclose(in);
	if (bad < 0) {
		pf_error(c, "cannot read %s: %s", name, strerror(-bad));
		ret = PF_EXIT_FAIL;
	} else if (bad > 0) {
		pf_error(c, "%s: %d error%s, nothing was applied", name, bad, bad == 1 ? "" : "s");
		ret = PF_EXIT_USAGE;
	} else {
		ret = pf_apply(c, &d, name);
	}
	pf_desired_free(&d);
	return ret;
}

const char pf_usage_down[] =
	"Usage: pmtufix down\n"
	"nft backend: removes table inet pmtufix, its ip rules and route, and puts back\n"
	"the src_valid_mark sysctls it changed. The module backend is removed with\n"
	"'rmmod pmtufix'.\n";

int pf_cmd_down(struct pf_ctx *c, int argc, char **argv)
{
	unsigned int what = 0;
	int err;

	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_down);
	if (argc > 0)
		return pf_usage_error(c, pf_usage_down, "unexpected '%s'", argv[0]);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (!c->ops->down)
		return pf_lacks(c, "down", "'pmtufix set rescue off' switches rescue off here, "
				"'rmmod pmtufix' removes it everywhere ('pmtufix --backend nft down' "
				"removes an nft table)");
	err = c->ops->down(c->be, &what);
	if (err)
		return pf_fail(c, "down", err);
	if (!what)
		pf_error(c, "down: nothing to remove (no table inet pmtufix, no ip rule or route "
			 "of pmtufix)");
	return PF_EXIT_OK;
}
