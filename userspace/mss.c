// SPDX-License-Identifier: GPL-2.0
/* `pmtufix mss`: add, replace, delete, list and flush MSS rules; their counters. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "cli.h"
#include "conffile.h"
#include "config.h"
#include "connect.h"
#include "print.h"
#include "view.h"

const char pf_usage_mss[] =
	"Usage: pmtufix mss add PREFIX { MSS | auto } [ dir { to | from | both } ]\n"
	"       pmtufix mss replace PREFIX { MSS | auto } [ dir { to | from | both } ]\n"
	"       pmtufix mss del PREFIX\n"
	"       pmtufix mss [ show ]\n"
	"       pmtufix mss flush\n"
	"       pmtufix mss stats\n"
	"where  PREFIX := an IPv4 or IPv6 ADDRESS[/LENGTH] with the host bits zero\n"
	"       MSS := 88..65495; auto = route MTU - 40 (IPv4) or - 60 (IPv6)\n"
	"       dir: SYNs to the prefix, from it, or both (the default)\n"
	"replace: add, or change the rule of PREFIX in place (no SYN goes without one)\n"
	"stats: what became of the SYNs a rule applied to (reset with 'stats reset')\n";

static int mss_stats(struct pf_ctx *c)
{
	struct pf_mss_stats m;
	char fmt[32];
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (!c->ops->mss_stats_get)
		return pf_lacks(c, "mss stats", "it keeps no MSS counters");
	err = c->ops->mss_stats_get(c->be, &m);
	if (err == -ENOENT) {
		pf_error(c, "this pmtufix module does not count MSS rewrites");
		return PF_EXIT_FAIL;
	}
	if (err)
		return pf_mss_fail(c, "cannot read the MSS counters", err);
	pf_open_object(NULL);
	for (int i = 0; i < __PMTUFIX_MSS_STAT_MAX; i++) {
		snprintf(fmt, sizeof(fmt), "%s: %%s\n", pf_mss_stat_names[i]);
		pf_print_uint(PF_ANY, pf_mss_stat_names[i], fmt, m.v[i]);
	}
	pf_close_object();
	pf_print_end();
	return PF_EXIT_OK;
}

static int mss_show(struct pf_ctx *c)
{
	struct pf_mss_rule *rules;
	size_t n;
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	err = c->ops->mss_list(c->be, &rules, &n);
	if (err)
		return pf_mss_fail(c, "cannot list the MSS rules", err);
	pf_mss_print(rules, n);
	free(rules);
	return PF_EXIT_OK;
}

/* `mss add` and `mss replace`: the same rule, refused or taken in place. */
static int mss_put(struct pf_ctx *c, const char *verb, int argc, char **argv)
{
	bool replace = !strcmp(verb, "replace");
	char err_msg[PF_ERRLEN], rule[128], what[160], pfx[PF_PREFIX_STRLEN];
	struct pf_mss_rule r;
	int err;

	if (pf_parse_mss_add(argc, argv, &r, err_msg, sizeof(err_msg)))
		return pf_usage_error(c, pf_usage_mss, "mss %s: %s", verb, err_msg);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	pf_mss_rule_format(&r, rule, sizeof(rule));
	snprintf(what, sizeof(what), "mss %s %s", verb, rule);
	err = replace ? c->ops->mss_replace(c->be, &r) : c->ops->mss_add(c->be, &r);
	if (err == -EEXIST && !*c->ops->errmsg(c->be)) {
		pf_format_prefix(&r.prefix, pfx, sizeof(pfx));
		pf_error(c, "mss add: there is already a rule for %s (delete it first, or use "
			 "'mss replace')", pfx);
		return PF_EXIT_FAIL;
	}
	if (err)
		return pf_mss_fail(c, what, err);
	pf_warnings(c);
	return PF_EXIT_OK;
}

static int mss_del(struct pf_ctx *c, int argc, char **argv)
{
	char err_msg[PF_ERRLEN], what[160], pfx[PF_PREFIX_STRLEN];
	struct pf_prefix p;
	int err;

	if (pf_parse_mss_del(argc, argv, &p, err_msg, sizeof(err_msg)))
		return pf_usage_error(c, pf_usage_mss, "mss del: %s", err_msg);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	pf_format_prefix(&p, pfx, sizeof(pfx));
	snprintf(what, sizeof(what), "mss del %s", pfx);
	err = c->ops->mss_del(c->be, &p);
	if (err == -ENOENT && !*c->ops->errmsg(c->be)) {
		pf_error(c, "mss del: there is no rule for %s", pfx);
		return PF_EXIT_FAIL;
	}
	if (err)
		return pf_mss_fail(c, what, err);
	return PF_EXIT_OK;
}

static int mss_flush(struct pf_ctx *c)
{
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	err = c->ops->mss_flush(c->be);
	if (err)
		return pf_mss_fail(c, "mss flush", err);
	return PF_EXIT_OK;
}

int pf_cmd_mss(struct pf_ctx *c, int argc, char **argv)
{
	if (argc == 0 || pf_matches(argv[0], "show")) {
		if (argc > 1)
			return pf_is_help(argc - 1, argv + 1) ? pf_help(pf_usage_mss) :
			       pf_usage_error(c, pf_usage_mss, "unexpected '%s'", argv[1]);
		return mss_show(c);
	}
	if (pf_matches(argv[0], "help") || pf_is_help(argc - 1, argv + 1))
		return pf_help(pf_usage_mss);
	if (pf_matches(argv[0], "add"))
		return mss_put(c, "add", argc - 1, argv + 1);
	if (pf_matches(argv[0], "replace"))
		return mss_put(c, "replace", argc - 1, argv + 1);
	if (pf_matches(argv[0], "del"))
		return mss_del(c, argc - 1, argv + 1);
	if (argc > 1 && (pf_matches(argv[0], "stats") || pf_matches(argv[0], "flush")))
		return pf_usage_error(c, pf_usage_mss, "unexpected '%s'", argv[1]);
	if (pf_matches(argv[0], "stats"))
		return mss_stats(c);
	if (pf_matches(argv[0], "flush"))
		return mss_flush(c);
	return pf_usage_error(c, pf_usage_mss, "unknown mss command '%s'", argv[0]);
}
