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

#define ELEM_F_OPEN	1	/* NFTNL_SET_ELEM_F_INTERVAL_OPEN */

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

struct key_elem {
	uint8_t key[16];
	bool end;
	bool open;
	uint16_t data;
};

static int key_elem_cmp(const void *a, const void *b)
{
	const struct key_elem *x = a, *y = b;
	int r = memcmp(x->key, y->key, 16);

	if (r)
		return r;
	return (int)y->end - (int)x->end;	/* an end before a start at the same key */
}

/* Append the rules of one set to *v. */
static int set_rules(struct pfnft *h, const struct mss_set *ms, struct pf_mss_rule **v, size_t *n)
{
	struct nftnl_set *s;
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;
	struct key_elem *ke = NULL;
	size_t nk = 0, cap = 0, alen = ms->family == AF_INET ? 4 : 16;
	int err;

	err = read_elems(h, ms->name, &s);
	if (err)
		return err;
	it = nftnl_set_elems_iter_create(s);
	for (e = nftnl_set_elems_iter_next(it); e; e = nftnl_set_elems_iter_next(it)) {
		uint32_t len = 0, flags = 0;
		const void *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
		struct key_elem *k;

		if (!key || len != alen)
			continue;
		if (nk == cap) {
			cap = cap ? cap * 2 : 64;
			k = realloc(ke, cap * sizeof(*ke));
			if (!k) {
				err = -ENOMEM;
				goto out;
			}
			ke = k;
		}
		k = &ke[nk++];
		memset(k, 0, sizeof(*k));
		memcpy(k->key, key, alen);
		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS))
			flags = nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS);
		k->end = flags & NFT_SET_ELEM_INTERVAL_END;
		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_DATA)) {
			const uint16_t *d = nftnl_set_elem_get(e, NFTNL_SET_ELEM_DATA, &len);

			if (len == 2)
				k->data = ntohs(*d);
		}
	}
	if (nk > 1)
		qsort(ke, nk, sizeof(*ke), key_elem_cmp);
	for (size_t i = 0; i < nk; i++) {
		struct pf_mss_rule r = { 0 }, *nv;
		const uint8_t *end = NULL;

		if (ke[i].end)
			continue;
		if (i + 1 < nk && ke[i + 1].end)
			end = ke[i + 1].key;
		if (pf_range_prefix(ms->family, ke[i].key, end, &r.prefix))
			continue;	/* not one of ours */
		r.mss = ms->fixed ? ke[i].data : 0;
		r.dir = ms->to ? PMTUFIX_MSS_DIR_TO : PMTUFIX_MSS_DIR_FROM;
		nv = realloc(*v, (*n + 1) * sizeof(**v));
		if (!nv) {
			err = -ENOMEM;
			goto out;
		}
		*v = nv;
		(*v)[(*n)++] = r;
	}
out:
	free(ke);
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return err;
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
		uint8_t start[16], end[16];
		struct nftnl_set_elem *e;
		bool closed;

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
			s = nftnl_set_alloc();
			nftnl_set_set_u32(s, NFTNL_SET_FAMILY, PFNFT_FAMILY);
			nftnl_set_set_str(s, NFTNL_SET_TABLE, PFNFT_TABLE);
			nftnl_set_set_str(s, NFTNL_SET_NAME, ms->name);
		}
		closed = pf_prefix_range(&r->prefix, start, end);
		e = nftnl_set_elem_alloc();
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, start, ms->family == AF_INET ? 4 : 16);
		if (ms->fixed && add) {
			uint16_t d = htons(r->mss);

			nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, &d, sizeof(d));
		}
		if (!closed && add) {
			struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(16);

			/* As nft marks an interval that runs to the last address. */
			nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_ELEM_FLAGS, ELEM_F_OPEN);
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(ud),
					   nftnl_udata_buf_len(ud));
			nftnl_udata_buf_free(ud);
		}
		nftnl_set_elem_add(s, e);
		count++;
		if (closed) {
			e = nftnl_set_elem_alloc();
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, end, ms->family == AF_INET ? 4 : 16);
			nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
			nftnl_set_elem_add(s, e);
			count++;
		}
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
