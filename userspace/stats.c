// SPDX-License-Identifier: GPL-2.0
/* `pmtufix stats`: counters by reason, and resetting them. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "cli.h"
#include "connect.h"
#include "parse.h"
#include "print.h"
#include "reconcile.h"
#include "view.h"

const char pf_usage_stats[] =
	"Usage: pmtufix stats [ show | reset ]\n"
	"       pmtufix stats -o prometheus\n"
	"-o prometheus: the agent's /metrics once, for node_exporter's textfile collector\n";

/*
 * Relay counters where the backend keeps them, and only while the relay is
 * on or has counted something: a node that never relays sees what it saw
 * before. -ENOENT when there is nothing to show.
 */
static int relay_counters(struct pf_ctx *c, struct pf_relay_stats *rs)
{
	struct pf_relay r;
	bool any = false;
	int err;

	err = c->ops->relay_stats_get ? c->ops->relay_stats_get(c->be, rs) : -ENOENT;
	if (err)
		return err;
	for (size_t i = 0; i < __PMTUFIX_RELAY_OUT_MAX; i++)
		any |= rs->out[i] != 0;
	for (size_t i = 0; i < rs->in.n; i++)
		any |= rs->in.v[i].value != 0;
	if (!any && (!c->ops->relay_get || c->ops->relay_get(c->be, &r) || !r.n_prefixes)) {
		pf_stats_free(&rs->in);
		return -ENOENT;
	}
	return 0;
}

static int stats_show(struct pf_ctx *c)
{
	struct pf_relay_stats rs;
	struct pf_stats st;
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	err = c->ops->stats_get(c->be, &st);
	if (err)
		return pf_fail(c, "cannot read the counters", err);
	pf_open_object(NULL);
	pf_stats_fields(&st, "");
	pf_stats_free(&st);
	err = relay_counters(c, &rs);
	if (!err) {
		pf_relay_stats_print(&rs);
		pf_stats_free(&rs.in);
	}
	pf_close_object();
	pf_print_end();
	if (err && err != -ENOENT)
		return pf_fail(c, "cannot read the relay counters", err);
	return PF_EXIT_OK;
}

static int stats_reset(struct pf_ctx *c)
{
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	err = c->ops->stats_reset(c->be);
	if (err)
		return pf_fail(c, "cannot reset the counters", err);
	pf_warnings(c);
	return PF_EXIT_OK;
}

int pf_cmd_stats(struct pf_ctx *c, int argc, char **argv)
{
	if (pf_is_help(argc, argv) || pf_is_help(argc - 1, argv + 1))
		return pf_help(pf_usage_stats);
	if (argc == 2 && !strcmp(argv[0], "-o") && pf_matches(argv[1], "prometheus"))
		return pf_rc_print_metrics(c);
	if (argc > 1)
		return pf_usage_error(c, pf_usage_stats, "unexpected '%s'", argv[1]);
	if (argc == 0 || pf_matches(argv[0], "show"))
		return stats_show(c);
	if (pf_matches(argv[0], "reset"))
		return stats_reset(c);
	return pf_usage_error(c, pf_usage_stats, "unknown stats command '%s'", argv[0]);
}
