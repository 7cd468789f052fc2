// SPDX-License-Identifier: GPL-2.0
/* `pmtufix mss`: add, delete, list and flush MSS rules; their counters. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "conffile.h"
#include "connect.h"
#include "mss.h"
#include "nftbe.h"
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
	"stats: what became of the SYNs a rule applied to (reset with 'stats reset')\n";

int pf_mss_rule_decode(const struct nlattr *nest, struct pf_mss_rule *r)
{
	const struct nlattr *tb[PMTUFIX_A_MSS_MAX + 1];
	const struct nlattr *pfx;
	uint8_t family, len;
	size_t alen;

	memset(r, 0, sizeof(*r));
	if (pf_nl_parse_nested(nest, tb, PMTUFIX_A_MSS_MAX) ||
	    !pf_attr_u8(tb[PMTUFIX_A_MSS_FAMILY], &family) ||
	    !pf_attr_u8(tb[PMTUFIX_A_MSS_PREFIX_LEN], &len) ||
	    !pf_attr_u16(tb[PMTUFIX_A_MSS_VALUE], &r->mss))
		return -EPROTO;
	if (family != AF_INET && family != AF_INET6)
		return -EPROTO;
	alen = family == AF_INET ? 4 : 16;
	pfx = tb[PMTUFIX_A_MSS_PREFIX];
	if (!pfx || mnl_attr_get_payload_len(pfx) != alen || len > alen * 8)
		return -EPROTO;
	r->prefix.family = family;
	r->prefix.len = len;
	memcpy(r->prefix.addr, mnl_attr_get_payload(pfx), alen);
	if (!tb[PMTUFIX_A_MSS_DIR])
		r->dir = PMTUFIX_MSS_DIR_BOTH;
	else if (!pf_attr_u8(tb[PMTUFIX_A_MSS_DIR], &r->dir))
		return -EPROTO;
	return 0;
}

void pf_mss_rule_put(struct nlmsghdr *nlh, const struct pf_mss_rule *r, bool value)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, PMTUFIX_A_MSS_RULE);

	mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_FAMILY, r->prefix.family);
	mnl_attr_put(nlh, PMTUFIX_A_MSS_PREFIX, pf_prefix_addrlen(&r->prefix), r->prefix.addr);
	mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_PREFIX_LEN, r->prefix.len);
	if (value) {
		mnl_attr_put_u16(nlh, PMTUFIX_A_MSS_VALUE, r->mss);
		mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_DIR, r->dir);
	}
	mnl_attr_nest_end(nlh, nest);
}

bool pf_mss_supported(struct pf_ctx *c, uint8_t cmd)
{
	return pf_nl_has_cmd(&c->nl, cmd);
}

int pf_mss_fail(struct pf_ctx *c, const char *what, int err)
{
	if (err == -EOPNOTSUPP && !c->nl.ext_msg[0]) {
		pf_error(c, "this pmtufix module does not support MSS rules");
		return PF_EXIT_FAIL;
	}
	if (err == -EINTR) {
		pf_error(c, "%s: the rules kept changing while being listed; try again", what);
		return PF_EXIT_FAIL;
	}
	return pf_fail(c, what, err);
}

struct rule_list {
	struct pf_mss_rule *v;
	size_t n, cap;
	int err;
};

/* Tables of 100k rules and more: grow by half, not by one. */
static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1];
	struct rule_list *l = data;
	struct pf_mss_rule *v;

	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX) || !tb[PMTUFIX_A_MSS_RULE]) {
		l->err = -EPROTO;
		return MNL_CB_OK;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap + l->cap / 2 : 64;

		v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		l->v = v;
		l->cap = cap;
	}
	if (pf_mss_rule_decode(tb[PMTUFIX_A_MSS_RULE], &l->v[l->n]))
		l->err = -EPROTO;
	else
		l->n++;
	return MNL_CB_OK;
}

/* Dumps interrupted by changes (-EINTR) are started over, this many times at most. */
#define PF_MSS_DUMP_TRIES	5

int pf_mss_list(struct pf_ctx *c, struct pf_mss_rule **rules, size_t *n)
{
	struct rule_list l = { 0 };
	struct nlmsghdr *nlh;
	int err, tries = 0;

	*rules = NULL;
	*n = 0;
	if (!pf_mss_supported(c, PMTUFIX_CMD_MSS_GET))
		return -EOPNOTSUPP;
	do {
		l.n = 0;
		l.err = 0;
		nlh = pf_nl_msg(&c->nl, PMTUFIX_CMD_MSS_GET, NLM_F_DUMP);
		err = pf_request(c, nlh, list_cb, &l);
		if (!err)
			err = l.err;
	} while (err == -EINTR && ++tries < PF_MSS_DUMP_TRIES);
	if (err) {
		free(l.v);
		return err;
	}
	pf_mss_sort(l.v, l.n);
	*rules = l.v;
	*n = l.n;
	return 0;
}

int pf_mss_add(struct pf_ctx *c, const struct pf_mss_rule *r)
{
	struct nlmsghdr *nlh;

	if (!pf_mss_supported(c, PMTUFIX_CMD_MSS_ADD))
		return -EOPNOTSUPP;
	nlh = pf_nl_msg(&c->nl, PMTUFIX_CMD_MSS_ADD, 0);
	pf_mss_rule_put(nlh, r, true);
	return pf_request(c, nlh, NULL, NULL);
}

/* A rule for the same prefix changes in place: a SYN sees the old rule or the new one. */
int pf_mss_replace(struct pf_ctx *c, const struct pf_mss_rule *r)
{
	struct nlmsghdr *nlh;

	if (!pf_mss_supported(c, PMTUFIX_CMD_MSS_ADD))
		return -EOPNOTSUPP;
	nlh = pf_nl_msg(&c->nl, PMTUFIX_CMD_MSS_ADD, 0);
	pf_mss_rule_put(nlh, r, true);
	mnl_attr_put(nlh, PMTUFIX_A_MSS_REPLACE, 0, NULL);
	return pf_request(c, nlh, NULL, NULL);
}

int pf_mss_del(struct pf_ctx *c, const struct pf_prefix *p)
{
	struct pf_mss_rule r = { .prefix = *p };
	struct nlmsghdr *nlh;

	if (!pf_mss_supported(c, PMTUFIX_CMD_MSS_DEL))
		return -EOPNOTSUPP;
	nlh = pf_nl_msg(&c->nl, PMTUFIX_CMD_MSS_DEL, 0);
	pf_mss_rule_put(nlh, &r, false);
	return pf_request(c, nlh, NULL, NULL);
}

int pf_mss_flush(struct pf_ctx *c)
{
	if (!pf_mss_supported(c, PMTUFIX_CMD_MSS_FLUSH))
		return -EOPNOTSUPP;
	return pf_request(c, pf_nl_msg(&c->nl, PMTUFIX_CMD_MSS_FLUSH, 0), NULL, NULL);
}

static const char *const mss_stat_names[] = {
	[PMTUFIX_MSS_STAT_CLAMPED]	= "clamped",
	[PMTUFIX_MSS_STAT_INSERTED]	= "inserted",
	[PMTUFIX_MSS_STAT_KEPT]		= "kept",
	[PMTUFIX_MSS_STAT_MALFORMED]	= "malformed",
	[PMTUFIX_MSS_STAT_NO_ROUTE]	= "no_route",
	[PMTUFIX_MSS_STAT_FAILED]	= "failed",
};

_Static_assert(sizeof(mss_stat_names) / sizeof(mss_stat_names[0]) == __PMTUFIX_MSS_STAT_MAX,
	       "a name for every MSS counter");

struct mss_counters {
	uint64_t v[__PMTUFIX_MSS_STAT_MAX];
	bool found;
};

static int mss_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1], *attr;
	struct mss_counters *m = data;

	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX) || !tb[PMTUFIX_A_MSS_STATS])
		return MNL_CB_OK;
	m->found = true;
	mnl_attr_for_each_nested(attr, tb[PMTUFIX_A_MSS_STATS]) {
		uint16_t type = mnl_attr_get_type(attr);
		uint64_t v;

		/* Type = counter + 1; 0 is padding; newer counters are skipped. */
		if (type == PMTUFIX_A_STATS_PAD || type > __PMTUFIX_MSS_STAT_MAX ||
		    !pf_attr_u64(attr, &v))
			continue;
		m->v[type - 1] = v;
	}
	return MNL_CB_OK;
}

static int mss_stats(struct pf_ctx *c)
{
	struct mss_counters m = { 0 };
	char fmt[32];
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (c->backend == PF_BACKEND_NFT) {
		pf_error(c, "mss stats: the nft backend keeps no MSS counters");
		return PF_EXIT_FAIL;
	}
	err = pf_request(c, pf_nl_msg(&c->nl, PMTUFIX_CMD_GET_STATS, 0), mss_stats_cb, &m);
	if (err)
		return pf_mss_fail(c, "cannot read the MSS counters", err);
	if (!m.found) {
		pf_error(c, "this pmtufix module does not count MSS rewrites");
		return PF_EXIT_FAIL;
	}
	pf_open_object(NULL);
	for (int i = 0; i < __PMTUFIX_MSS_STAT_MAX; i++) {
		snprintf(fmt, sizeof(fmt), "%s: %%s\n", mss_stat_names[i]);
		pf_print_uint(PF_ANY, mss_stat_names[i], fmt, m.v[i]);
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
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_mss(c, "show", NULL, NULL);
	err = pf_mss_list(c, &rules, &n);
	if (err)
		return pf_mss_fail(c, "cannot list the MSS rules", err);
	pf_mss_print(rules, n);
	free(rules);
	return PF_EXIT_OK;
}

/* `mss replace`: argv after the verb. */
static int mss_replace_cmd(struct pf_ctx *c, int argc, char **argv)
{
	char err_msg[PF_ERRLEN], rule[128], what[160];
	struct pf_mss_rule r;
	int err;

	if (pf_parse_mss_add(argc, argv, &r, err_msg, sizeof(err_msg)))
		return pf_usage_error(c, pf_usage_mss, "mss replace: %s", err_msg);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_mss_replace(c, &r);
	pf_mss_rule_format(&r, rule, sizeof(rule));
	snprintf(what, sizeof(what), "mss replace %s", rule);
	err = pf_mss_replace(c, &r);
	return err ? pf_mss_fail(c, what, err) : PF_EXIT_OK;
}

int pf_cmd_mss(struct pf_ctx *c, int argc, char **argv)
{
	char err_msg[PF_ERRLEN], rule[128], what[160], pfx[PF_PREFIX_STRLEN];
	int err;

	if (argc == 0 || pf_matches(argv[0], "show")) {
		if (argc > 1)
			return pf_is_help(argc - 1, argv + 1) ? pf_help(pf_usage_mss) :
			       pf_usage_error(c, pf_usage_mss, "unexpected '%s'", argv[1]);
		return mss_show(c);
	}
	if (pf_matches(argv[0], "help") || pf_is_help(argc - 1, argv + 1))
		return pf_help(pf_usage_mss);

	if (pf_matches(argv[0], "add")) {
		struct pf_mss_rule r;

		if (pf_parse_mss_add(argc - 1, argv + 1, &r, err_msg, sizeof(err_msg)))
			return pf_usage_error(c, pf_usage_mss, "mss add: %s", err_msg);
		if (pf_connect(c))
			return PF_EXIT_FAIL;
		if (c->backend == PF_BACKEND_NFT)
			return pf_nft_mss(c, "add", &r, NULL);
		pf_mss_rule_format(&r, rule, sizeof(rule));
		snprintf(what, sizeof(what), "mss add %s", rule);
		err = pf_mss_add(c, &r);
		if (err == -EEXIST && !c->nl.ext_msg[0]) {
			pf_format_prefix(&r.prefix, pfx, sizeof(pfx));
			pf_error(c, "mss add: there is already a rule for %s (delete it first)", pfx);
			return PF_EXIT_FAIL;
		}
		if (err)
			return pf_mss_fail(c, what, err);
		return PF_EXIT_OK;
	}
	if (pf_matches(argv[0], "replace"))
		return mss_replace_cmd(c, argc - 1, argv + 1);
	if (pf_matches(argv[0], "del")) {
		struct pf_prefix p;

		if (pf_parse_mss_del(argc - 1, argv + 1, &p, err_msg, sizeof(err_msg)))
			return pf_usage_error(c, pf_usage_mss, "mss del: %s", err_msg);
		if (pf_connect(c))
			return PF_EXIT_FAIL;
		if (c->backend == PF_BACKEND_NFT)
			return pf_nft_mss(c, "del", NULL, &p);
		pf_format_prefix(&p, pfx, sizeof(pfx));
		snprintf(what, sizeof(what), "mss del %s", pfx);
		err = pf_mss_del(c, &p);
		if (err == -ENOENT && !c->nl.ext_msg[0]) {
			pf_error(c, "mss del: there is no rule for %s", pfx);
			return PF_EXIT_FAIL;
		}
		if (err)
			return pf_mss_fail(c, what, err);
		return PF_EXIT_OK;
	}
	if (pf_matches(argv[0], "stats")) {
		if (argc > 1)
			return pf_usage_error(c, pf_usage_mss, "unexpected '%s'", argv[1]);
		return mss_stats(c);
	}
	if (pf_matches(argv[0], "flush")) {
		if (argc > 1)
			return pf_usage_error(c, pf_usage_mss, "unexpected '%s'", argv[1]);
		if (pf_connect(c))
			return PF_EXIT_FAIL;
		if (c->backend == PF_BACKEND_NFT)
			return pf_nft_mss(c, "flush", NULL, NULL);
		err = pf_mss_flush(c);
		if (err)
			return pf_mss_fail(c, "mss flush", err);
		return PF_EXIT_OK;
	}
	return pf_usage_error(c, pf_usage_mss, "unknown mss command '%s'", argv[0]);
}
