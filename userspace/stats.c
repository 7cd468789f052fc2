// SPDX-License-Identifier: GPL-2.0
/* `pmtufix stats`: counters by reason, and resetting them. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "connect.h"
#include "nftbe.h"
#include "parse.h"
#include "print.h"
#include "reconcile.h"
#include "stats.h"
#include "view.h"

const char pf_usage_stats[] =
	"Usage: pmtufix stats [ show | reset ]\n"
	"       pmtufix stats -o prometheus\n"
	"-o prometheus: the agent's /metrics once, for node_exporter's textfile collector\n";

static int stat_cmp(const void *a, const void *b)
{
	const struct pf_stat *x = a, *y = b;

	return x->reason < y->reason ? -1 : x->reason > y->reason;
}

static struct pf_stat *find(struct pf_stats *st, uint32_t reason)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->v[i].reason == reason)
			return &st->v[i];
	return NULL;
}

static int put(struct pf_stats *st, uint32_t reason, uint64_t value)
{
	struct pf_stat *s = find(st, reason), *v;

	if (s) {
		s->value = value;
		return 0;
	}
	v = realloc(st->v, (st->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	st->v = v;
	st->v[st->n].reason = reason;
	st->v[st->n].value = value;
	st->n++;
	return 0;
}

int pf_stats_decode(const struct nlmsghdr *nlh, struct pf_stats *st)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1], *attr;
	uint32_t r;

	memset(st, 0, sizeof(*st));
	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX) || !tb[PMTUFIX_A_STATS])
		return -EPROTO;
	for (r = 0; r <= PMTUFIX_REASON_MAX; r++)
		if (put(st, r, 0))
			goto nomem;
	mnl_attr_for_each_nested(attr, tb[PMTUFIX_A_STATS]) {
		uint16_t type = mnl_attr_get_type(attr);
		uint64_t v;

		/* Type = reason + 1; 0 is padding. Unknown reasons are kept too. */
		if (type == PMTUFIX_A_STATS_PAD || !pf_attr_u64(attr, &v))
			continue;
		if (put(st, (uint32_t)type - 1, v))
			goto nomem;
	}
	qsort(st->v, st->n, sizeof(*st->v), stat_cmp);
	return 0;
nomem:
	pf_stats_free(st);
	return -ENOMEM;
}

void pf_stats_free(struct pf_stats *st)
{
	free(st->v);
	st->v = NULL;
	st->n = 0;
}

struct stats_reply {
	struct pf_stats *st;
	int err;
};

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats_reply *r = data;

	pf_stats_free(r->st);
	r->err = pf_stats_decode(nlh, r->st);
	return MNL_CB_OK;
}

int pf_stats_get(struct pf_ctx *c, struct pf_stats *st)
{
	struct stats_reply r = { .st = st, .err = -EPROTO };
	struct nlmsghdr *nlh = pf_nl_msg(&c->nl, PMTUFIX_CMD_GET_STATS, 0);
	int err;

	memset(st, 0, sizeof(*st));
	err = pf_request(c, nlh, stats_cb, &r);
	if (!err)
		err = r.err;
	if (err)
		pf_stats_free(st);
	return err;
}

static int stats_show(struct pf_ctx *c)
{
	struct pf_stats st;
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_stats(c, false);
	err = pf_stats_get(c, &st);
	if (err)
		return pf_fail(c, "cannot read the counters", err);
	pf_stats_print(&st, NULL, "");
	pf_print_end();
	pf_stats_free(&st);
	return PF_EXIT_OK;
}

static int stats_reset(struct pf_ctx *c)
{
	struct nlmsghdr *nlh;
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_stats(c, true);
	nlh = pf_nl_msg(&c->nl, PMTUFIX_CMD_RESET_STATS, 0);
	err = pf_request(c, nlh, NULL, NULL);
	if (err)
		return pf_fail(c, "cannot reset the counters", err);
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
