// SPDX-License-Identifier: GPL-2.0
/* `show`, `set`, `save` and `apply`. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "config.h"
#include "connect.h"
#include "mss.h"
#include "nftbe.h"
#include "print.h"
#include "stats.h"

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
	"The whole file is checked before anything changes. Its MSS rules replace\n"
	"all current ones; settings it does not name stay as they are.\n";

int pf_config_decode(const struct nlmsghdr *nlh, struct pf_config *cfg)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1];
	uint8_t rescue;

	memset(cfg, 0, sizeof(*cfg));
	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX))
		return -EPROTO;
	cfg->has_rescue = pf_attr_u8(tb[PMTUFIX_A_RESCUE_ENABLED], &rescue);
	cfg->rescue = rescue != 0;
	cfg->has_log = pf_attr_u8(tb[PMTUFIX_A_LOG_LEVEL], &cfg->log);
	cfg->has_floor = pf_attr_u32(tb[PMTUFIX_A_MTU_FLOOR], &cfg->floor);
	cfg->has_floor_eff = pf_attr_u32(tb[PMTUFIX_A_MTU_FLOOR_EFFECTIVE], &cfg->floor_eff);
	cfg->has_version = pf_attr_u32(tb[PMTUFIX_A_VERSION], &cfg->version);
	return 0;
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
	if (cfg->has_floor) {
		pf_print_uint(PF_JSON, "floor", NULL, cfg->floor);
		if (cfg->floor)
			pf_print_uint(PF_TEXT, NULL, "floor: %s\n", cfg->floor);
		else if (cfg->has_floor_eff)
			pf_print_uint(PF_TEXT, NULL, "floor: auto (%s)\n", cfg->floor_eff);
		else
			pf_print_string(PF_TEXT, NULL, "floor: %s\n", "auto");
	}
	if (cfg->has_floor_eff)
		pf_print_uint(PF_JSON, "floor_effective", NULL, cfg->floor_eff);
	if (cfg->has_version) {
		snprintf(buf, sizeof(buf), "%u.%u.%u", cfg->version >> 16,
			 cfg->version >> 8 & 0xff, cfg->version & 0xff);
		pf_print_string(PF_ANY, "module_version", "module: %s\n", buf);
	}
}

struct config_reply {
	struct pf_config *cfg;
	int err;
};

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	struct config_reply *r = data;

	r->err = pf_config_decode(nlh, r->cfg);
	return MNL_CB_OK;
}

int pf_config_get(struct pf_ctx *c, struct pf_config *cfg)
{
	struct config_reply r = { .cfg = cfg, .err = -EPROTO };
	int err;

	memset(cfg, 0, sizeof(*cfg));
	err = pf_request(c, pf_nl_msg(&c->nl, PMTUFIX_CMD_GET_CONFIG, 0), config_cb, &r);
	return err ? err : r.err;
}

int pf_config_set(struct pf_ctx *c, const struct pf_config_req *req)
{
	struct nlmsghdr *nlh = pf_nl_msg(&c->nl, PMTUFIX_CMD_SET_CONFIG, 0);

	if (req->has_rescue)
		mnl_attr_put_u8(nlh, PMTUFIX_A_RESCUE_ENABLED, req->rescue);
	if (req->has_log)
		mnl_attr_put_u8(nlh, PMTUFIX_A_LOG_LEVEL, req->log);
	if (req->has_floor)
		mnl_attr_put_u32(nlh, PMTUFIX_A_MTU_FLOOR, req->floor);
	return pf_request(c, nlh, NULL, NULL);
}

int pf_cmd_show(struct pf_ctx *c, int argc, char **argv)
{
	struct pf_config cfg;
	struct pf_stats st = { 0 };
	bool have_stats = false;
	int err;

	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_show);
	if (argc > 0)
		return pf_usage_error(c, pf_usage_show, "unexpected '%s'", argv[0]);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_show(c);
	err = pf_config_get(c, &cfg);
	if (err)
		return pf_fail(c, "cannot read the settings", err);
	if (pf_nl_has_cmd(&c->nl, PMTUFIX_CMD_GET_STATS)) {
		err = pf_stats_get(c, &st);
		if (err && err != -EOPNOTSUPP)
			return pf_fail(c, "cannot read the counters", err);
		have_stats = !err;
	}
	pf_open_object(NULL);
	pf_print_string(PF_ANY, "backend", "backend: %s\n", "module");
	pf_config_print(&cfg);
	if (have_stats) {
		pf_print_text("stats:\n");
		pf_stats_print(&st, "stats", "  ");
	}
	pf_close_object();
	pf_print_end();
	pf_stats_free(&st);
	return PF_EXIT_OK;
}

int pf_cmd_set(struct pf_ctx *c, int argc, char **argv)
{
	struct pf_config_req req;
	char msg[PF_ERRLEN];
	int err;

	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_set);
	if (pf_parse_set(argc, argv, &req, msg, sizeof(msg)))
		return pf_usage_error(c, pf_usage_set, "set: %s", msg);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_set(c, &req);
	if (pf_req_has_nft(&req))
		return pf_usage_error(c, pf_usage_set, "set: mark, table, pref and uplinks are "
				      "settings of the nft backend (--backend nft)");
	err = pf_config_set(c, &req);
	if (err)
		return pf_fail(c, "set", err);
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
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_save(c);
	err = pf_config_get(c, &cfg);
	if (err)
		return pf_fail(c, "cannot read the settings", err);
	err = pf_mss_list(c, &rules, &n);
	if (err && err != -EOPNOTSUPP)
		return pf_fail(c, "cannot list the MSS rules", err);
	pf_conf_write(pf_print_file(), &cfg, rules, n);
	free(rules);
	return PF_EXIT_OK;
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

/* After a failure half way: put back the rules and settings we found. */
static void restore(struct pf_ctx *c, const struct pf_config *old_cfg,
		    const struct pf_config_req *changed,
		    const struct pf_mss_rule *old, size_t n_old)
{
	struct pf_config_req req = { 0 };
	char rule[128];
	int err;

	err = pf_mss_flush(c);
	for (size_t i = 0; !err && i < n_old; i++) {
		err = pf_mss_add(c, &old[i]);
		if (err) {
			pf_mss_rule_format(&old[i], rule, sizeof(rule));
			pf_error(c, "could not restore 'mss add %s'", rule);
		}
	}
	if (!err && (changed->has_rescue || changed->has_log || changed->has_floor)) {
		req.has_rescue = changed->has_rescue && old_cfg->has_rescue;
		req.rescue = old_cfg->rescue;
		req.has_log = changed->has_log && old_cfg->has_log;
		req.log = old_cfg->log;
		req.has_floor = changed->has_floor && old_cfg->has_floor;
		req.floor = old_cfg->floor;
		if (req.has_rescue || req.has_log || req.has_floor)
			err = pf_config_set(c, &req);
	}
	if (err) {
		pf_fail(c, "restoring the previous configuration failed", err);
		pf_error(c, "the configuration is now partly applied: check it with 'pmtufix save'");
	} else {
		pf_error(c, "the previous configuration (%zu MSS rule%s) was restored",
			 n_old, n_old == 1 ? "" : "s");
	}
}

static int apply(struct pf_ctx *c, const struct pf_desired *d, const char *name)
{
	const struct pf_config_req *want = &d->cfg;
	struct pf_mss_rule *old = NULL, *rules = NULL;
	struct pf_config old_cfg;
	size_t n_old = 0;
	bool mss, set = want->has_rescue || want->has_log || want->has_floor;
	char rule[128], what[256];
	int err, ret = PF_EXIT_FAIL;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_apply(c, d, name);
	if (pf_req_has_nft(want)) {
		pf_error(c, "%s: mark, table, pref and uplinks are settings of the nft backend; "
			 "nothing was changed", name);
		return PF_EXIT_USAGE;
	}

	/* Read everything first: what to restore, and whether MSS works. */
	err = pf_config_get(c, &old_cfg);
	if (err)
		return pf_fail(c, "cannot read the settings", err);
	err = pf_mss_list(c, &old, &n_old);
	mss = err != -EOPNOTSUPP;
	if (err && mss)
		return pf_fail(c, "cannot list the MSS rules", err);
	if (!mss && d->n) {
		pf_error(c, "%s:%u: this pmtufix module does not support MSS rules; nothing was changed",
			 name, d->lines[0]);
		return PF_EXIT_FAIL;
	}

	/* One request: it succeeds whole or changes nothing. */
	if (set) {
		err = pf_config_set(c, want);
		if (err) {
			pf_fail(c, "set", err);
			pf_error(c, "%s: nothing was changed", name);
			goto out;
		}
	}
	if (!mss) {
		ret = PF_EXIT_OK;
		goto out;
	}

	rules = malloc((d->n ? d->n : 1) * sizeof(*rules));
	if (!rules) {
		pf_error(c, "%s", strerror(ENOMEM));
		goto out;
	}
	memcpy(rules, d->rules, d->n * sizeof(*rules));
	pf_mss_sort(rules, d->n);
	if (same_rules(rules, d->n, old, n_old)) {
		ret = PF_EXIT_OK;	/* no window without rules for nothing */
		goto out;
	}

	err = pf_mss_flush(c);
	if (err) {
		pf_mss_fail(c, "mss flush", err);
		restore(c, &old_cfg, want, old, n_old);
		goto out;
	}
	for (size_t i = 0; i < d->n; i++) {
		err = pf_mss_add(c, &d->rules[i]);
		if (err) {
			pf_mss_rule_format(&d->rules[i], rule, sizeof(rule));
			snprintf(what, sizeof(what), "%s:%u: mss add %s", name, d->lines[i], rule);
			if (c->nl.ext_msg[0])
				pf_error(c, "%s: rejected", what);
			pf_mss_fail(c, what, err);
			restore(c, &old_cfg, want, old, n_old);
			goto out;
		}
	}
	ret = PF_EXIT_OK;
out:
	free(old);
	free(rules);
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
		ret = apply(c, &d, name);
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
	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_down);
	if (argc > 0)
		return pf_usage_error(c, pf_usage_down, "unexpected '%s'", argv[0]);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_down(c);
	pf_error(c, "down: the pmtufix module is loaded and has nothing to take down per "
		 "namespace: 'pmtufix set rescue off' switches rescue off here, 'rmmod pmtufix' "
		 "removes it everywhere ('pmtufix --backend nft down' removes an nft table)");
	return PF_EXIT_FAIL;
}

int pf_apply(struct pf_ctx *c, const struct pf_desired *d, const char *name)
{
	return apply(c, d, name);
}
