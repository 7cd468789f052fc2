// SPDX-License-Identifier: GPL-2.0
/*
 * MSS rules as interval maps (fixed values) and sets (auto: the route's
 * MSS), one per family and direction, and the chains that write the option.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "pmtufix.h"
#include "batch.h"
#include "expr.h"
#include "readback.h"
#include "mssmap.h"

/* Elements per NEWSETELEM message: keeps every message well below 64 KiB. */
#define ELEMS_PER_MSG	400

/* Where each kind of MSS rule lives. */
struct mss_set {
	const char *name;
	uint8_t family;
	bool to;		/* key is the destination */
	bool fixed;		/* a map to the MSS value; else a set (auto) */
};

static const struct mss_set mss_sets[] = {
	{ "mss4_to",	AF_INET,  true,  true },
	{ "mss4_from",	AF_INET,  false, true },
	{ "mss6_to",	AF_INET6, true,  true },
	{ "mss6_from",	AF_INET6, false, true },
	{ "auto4_to",	AF_INET,  true,  false },
	{ "auto4_from",	AF_INET,  false, false },
	{ "auto6_to",	AF_INET6, true,  false },
	{ "auto6_from",	AF_INET6, false, false },
};
#define N_MSS_SETS (sizeof(mss_sets) / sizeof(mss_sets[0]))

/* meta l4proto tcp tcp flags & syn != 0 jump CHAIN */
static void put_syn_jump(struct batch *bt, const char *chain, const char *target)
{
	struct nftnl_rule *r = rule_new(chain);
	uint8_t syn = 0x02, zero = 0;

	x_l4proto(r, IPPROTO_TCP);
	x_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
	x_bitwise(r, 1, &syn, &zero);
	x_cmp(r, NFT_CMP_NEQ, &zero, 1);
	x_jump(r, target);
	put_rule(bt, r);
}

void put_mss(struct batch *bt)
{
	for (size_t i = 0; i < N_MSS_SETS; i++) {
		const struct mss_set *s = &mss_sets[i];

		put_set(bt, s->name, NFT_SET_INTERVAL | (s->fixed ? NFT_SET_MAP : 0),
			s->family == AF_INET ? TYPE_IPADDR : TYPE_IP6ADDR,
			s->family == AF_INET ? 4 : 16, 2);
	}
	put_chain(bt, "mss_fixed", -1, NULL);
	put_chain(bt, "mss_auto", -1, NULL);
	for (size_t i = 0; i < N_MSS_SETS; i++) {
		const struct mss_set *s = &mss_sets[i];
		struct nftnl_rule *r = rule_new(s->fixed ? "mss_fixed" : "mss_auto");
		bool v4 = s->family == AF_INET;

		x_nfproto(r, s->family);
		x_payload(r, NFT_PAYLOAD_NETWORK_HEADER,
			  v4 ? (s->to ? 16 : 12) : (s->to ? 24 : 8), v4 ? 4 : 16);
		x_lookup(r, s->name, s->fixed);
		if (!s->fixed)
			x_rt_mss(r);
		x_mss_write(r);
		put_rule(bt, r);
	}
	/*
	 * As the module: SYNs arriving for this host, and SYNs leaving it, sent
	 * or forwarded (postrouting at mangle priority: after destination NAT,
	 * before source NAT). The kernel allows rt mtu only where the route is
	 * known and leads out: auto rules do not act on arriving SYNs.
	 */
	put_chain(bt, "mss_in", NF_INET_LOCAL_IN, NULL);
	put_syn_jump(bt, "mss_in", "mss_fixed");
	put_chain(bt, "mss_out", NF_INET_POST_ROUTING, NULL);
	put_syn_jump(bt, "mss_out", "mss_fixed");
	put_syn_jump(bt, "mss_out", "mss_auto");
}

/* ------------------------------------------------------------------ */
/* MSS rules as interval elements */

struct rules_read {
	const struct mss_set *ms;
	struct pf_mss_rule **v;
	size_t *n;
};

static int add_rule(void *arg, const struct pf_prefix *p, uint16_t data)
{
	struct rules_read *rr = arg;
	struct pf_mss_rule r = { .prefix = *p }, *nv;

	r.mss = rr->ms->fixed ? data : 0;
	r.dir = rr->ms->to ? PMTUFIX_MSS_DIR_TO : PMTUFIX_MSS_DIR_FROM;
	nv = realloc(*rr->v, (*rr->n + 1) * sizeof(**rr->v));
	if (!nv)
		return -ENOMEM;
	*rr->v = nv;
	(*rr->v)[(*rr->n)++] = r;
	return 0;
}

/* Append the rules of one set to *v. */
static int set_rules(struct pfnft *h, const struct mss_set *ms, struct pf_mss_rule **v, size_t *n)
{
	struct rules_read rr = { .ms = ms, .v = v, .n = n };

	return read_intervals(h, ms->name, ms->family, add_rule, &rr);
}

int pfnft_table_mss_list(struct pfnft *h, struct pf_mss_rule **v, size_t *n)
{
	struct pf_mss_rule *all = NULL;
	size_t na = 0, out = 0;
	int err;

	*v = NULL;
	*n = 0;
	for (size_t i = 0; i < N_MSS_SETS; i++) {
		err = set_rules(h, &mss_sets[i], &all, &na);
		if (err) {
			free(all);
			return pfnft_fail(h, err, "cannot read the MSS rules (set %s)", mss_sets[i].name);
		}
	}
	/* A prefix in a "to" and a "from" set is one rule, dir both. */
	pf_mss_sort(all, na);
	for (size_t i = 0; i < na; i++) {
		if (out && !memcmp(&all[out - 1].prefix, &all[i].prefix, sizeof(all[i].prefix)) &&
		    all[out - 1].mss == all[i].mss && all[out - 1].dir != all[i].dir) {
			all[out - 1].dir = PMTUFIX_MSS_DIR_BOTH;
			continue;
		}
		all[out++] = all[i];
	}
	pf_mss_sort(all, out);
	*v = all;
	*n = out;
	return 0;
}

/* Start (with data) and end elements of each rule r that belongs in ms. */
static void put_elems(struct batch *bt, const struct mss_set *ms, const struct pf_mss_rule *v,
		      size_t n, bool add)
{
	struct nftnl_set *s = NULL;
	size_t count = 0;

	for (size_t i = 0; i <= n; i++) {
		const struct pf_mss_rule *r = i < n ? &v[i] : NULL;

		if (s && (!r || count >= ELEMS_PER_MSG)) {
			struct nlmsghdr *nlh = batch_msg(bt, add ? NFT_MSG_NEWSETELEM :
							 NFT_MSG_DELSETELEM,
							 add ? NLM_F_CREATE | NLM_F_EXCL : 0);

			nftnl_set_elems_nlmsg_build_payload(nlh, s);
			batch_next(bt);
			nftnl_set_free(s);
			s = NULL;
			count = 0;
		}
		if (!r)
			break;
		if (r->prefix.family != ms->family || (r->mss != 0) != ms->fixed)
			continue;
		if (r->dir != PMTUFIX_MSS_DIR_BOTH && (r->dir == PMTUFIX_MSS_DIR_TO) != ms->to)
			continue;
		if (!s) {
			s = set_named(ms->name);
		}
		count += elems_of_prefix(s, &r->prefix, ms->fixed && add ? &r->mss : NULL, add);
	}
}

int pfnft_table_mss_change(struct pfnft *h, const struct pf_mss_rule *del, size_t nd,
			   const struct pf_mss_rule *add, size_t na)
{
	struct batch bt;
	int err;

	err = batch_start(h, &bt);
	if (err)
		return err;
	for (size_t i = 0; i < N_MSS_SETS; i++)
		put_elems(&bt, &mss_sets[i], del, nd, false);
	for (size_t i = 0; i < N_MSS_SETS; i++)
		put_elems(&bt, &mss_sets[i], add, na, true);
	return batch_commit(&bt);
}
