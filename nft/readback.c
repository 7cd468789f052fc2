// SPDX-License-Identifier: GPL-2.0
/* Reading the table back: its chains, the uplinks set, set elements, counters. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/object.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "batch.h"
#include "readback.h"

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	*(bool *)data = true;
	return MNL_CB_OK;
}

static int udata_comment_cb(const struct nftnl_udata *attr, void *data)
{
	char *out = data;
	uint8_t len = nftnl_udata_len(attr);
	const char *v = nftnl_udata_get(attr);

	/* Chain, set element: the comment is type 0 in both. */
	if (nftnl_udata_type(attr) == 0 && len > 0 && v[len - 1] == '\0')
		snprintf(out, 256, "%s", v);
	return 0;
}

static void udata_comment(const void *ud, uint32_t len, char *out)
{
	out[0] = '\0';
	if (ud && len)
		nftnl_udata_parse(ud, len, udata_comment_cb, out);
}

struct chain_read {
	bool found;
	char *comment;
};

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct chain_read *cr = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	const void *ud;
	uint32_t len = 0;

	if (nftnl_chain_nlmsg_parse(nlh, c) == 0) {
		cr->found = true;
		ud = nftnl_chain_get_data(c, NFTNL_CHAIN_USERDATA, &len);
		if (cr->comment)
			udata_comment(ud, len, cr->comment);
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* Whether chain name exists; its comment into comment (256 bytes) if not NULL. */
int read_chain(struct pfnft *h, const char *name, bool *found, char *comment)
{
	struct chain_read cr = { .comment = comment };
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	int err;

	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, PFNFT_FAMILY);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, PFNFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nlh = nftnl_nlmsg_build_hdr(h->buf, NFT_MSG_GETCHAIN, PFNFT_FAMILY, NLM_F_ACK, h->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	err = pfnft_talk(h, h->nf, nlh, chain_cb, &cr);
	*found = cr.found;
	if (err == -ENOENT)
		return 0;
	return err ? pfnft_fail(h, err, "cannot read chain %s", name) : 0;
}

struct elem_list {
	struct nftnl_set *s;
};

static int elems_cb(const struct nlmsghdr *nlh, void *data)
{
	struct elem_list *l = data;

	nftnl_set_elems_nlmsg_parse(nlh, l->s);
	return MNL_CB_OK;
}

/* Every element of set name, into a libnftnl set (caller frees). */
int read_elems(struct pfnft *h, const char *name, struct nftnl_set **out)
{
	struct elem_list l = { .s = nftnl_set_alloc() };
	struct nlmsghdr *nlh;
	int err;

	nftnl_set_set_u32(l.s, NFTNL_SET_FAMILY, PFNFT_FAMILY);
	nftnl_set_set_str(l.s, NFTNL_SET_TABLE, PFNFT_TABLE);
	nftnl_set_set_str(l.s, NFTNL_SET_NAME, name);
	nlh = nftnl_nlmsg_build_hdr(h->buf, NFT_MSG_GETSETELEM, PFNFT_FAMILY, NLM_F_DUMP, h->seq++);
	nftnl_set_elems_nlmsg_build_payload(nlh, l.s);
	err = pfnft_talk(h, h->nf, nlh, elems_cb, &l);
	if (err) {
		nftnl_set_free(l.s);
		return err;
	}
	*out = l.s;
	return 0;
}

struct key_elem {
	uint8_t key[16];
	bool end;
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

/* The keys of the elements of s, sorted; *out to be freed. */
static int sorted_keys(struct nftnl_set *s, size_t alen, struct key_elem **out, size_t *n)
{
	struct nftnl_set_elems_iter *it = nftnl_set_elems_iter_create(s);
	struct key_elem *ke = NULL, *k;
	struct nftnl_set_elem *e;
	size_t cap = 0, nk = 0;

	for (e = nftnl_set_elems_iter_next(it); e; e = nftnl_set_elems_iter_next(it)) {
		uint32_t len = 0, flags = 0;
		const void *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);

		if (!key || len != alen)
			continue;
		if (nk == cap) {
			cap = cap ? cap * 2 : 64;
			k = realloc(ke, cap * sizeof(*ke));
			if (!k) {
				free(ke);
				nftnl_set_elems_iter_destroy(it);
				return -ENOMEM;
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
	nftnl_set_elems_iter_destroy(it);
	if (ke && nk > 1)
		qsort(ke, nk, sizeof(*ke), key_elem_cmp);
	*out = ke;
	*n = nk;
	return 0;
}

int read_intervals(struct pfnft *h, const char *name, uint8_t family,
		   int (*fn)(void *arg, const struct pf_prefix *p, uint16_t data), void *arg)
{
	struct key_elem *ke = NULL;
	struct nftnl_set *s;
	size_t nk = 0;
	int err;

	err = read_elems(h, name, &s);
	if (err)
		return err;
	err = sorted_keys(s, family == AF_INET ? 4 : 16, &ke, &nk);
	for (size_t i = 0; !err && i < nk; i++) {
		const uint8_t *end = NULL;
		struct pf_prefix p;

		if (ke[i].end)
			continue;
		if (i + 1 < nk && ke[i + 1].end)
			end = ke[i + 1].key;
		if (pf_range_prefix(family, ke[i].key, end, &p))
			continue;	/* not one of ours */
		err = fn(arg, &p, ke[i].data);
	}
	free(ke);
	nftnl_set_free(s);
	return err;
}

static int counter_cb(const struct nlmsghdr *nlh, void *data)
{
	uint64_t *pkts = data;
	struct nftnl_obj *o = nftnl_obj_alloc();

	if (nftnl_obj_nlmsg_parse(nlh, o) == 0 && nftnl_obj_is_set(o, NFTNL_OBJ_CTR_PKTS))
		*pkts = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_PKTS);
	nftnl_obj_free(o);
	return MNL_CB_OK;
}

int read_counter(struct pfnft *h, const char *name, uint16_t type, uint64_t *pkts)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh;

	nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, PFNFT_FAMILY);
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, PFNFT_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nlh = nftnl_nlmsg_build_hdr(h->buf, type, PFNFT_FAMILY, NLM_F_ACK, h->seq++);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	nftnl_obj_free(o);
	*pkts = 0;
	return pfnft_talk(h, h->nf, nlh, counter_cb, pkts);
}

int pfnft_table_read(struct pfnft *h, struct pfnft_table_state *ts)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_set *s;
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;
	struct nlmsghdr *nlh;
	int err;

	memset(ts, 0, sizeof(*ts));
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, PFNFT_FAMILY);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, PFNFT_TABLE);
	nlh = nftnl_nlmsg_build_hdr(h->buf, NFT_MSG_GETTABLE, PFNFT_FAMILY, NLM_F_ACK, h->seq++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	err = pfnft_talk(h, h->nf, nlh, table_cb, &ts->exists);
	if (err == -ENOENT)
		return 0;
	if (err)
		return pfnft_fail(h, err, "cannot read table inet %s", PFNFT_TABLE);

	err = read_chain(h, "config", &ts->has_config, ts->comment);
	if (!err)
		err = read_chain(h, "rescue", &ts->has_rescue, NULL);
	if (err)
		return err;

	err = read_elems(h, "uplinks", &s);
	if (err && err != -ENOENT)
		return pfnft_fail(h, err, "cannot read set uplinks");
	if (!err) {
		it = nftnl_set_elems_iter_create(s);
		for (e = nftnl_set_elems_iter_next(it); e && ts->n_uplinks < PF_MAX_UPLINKS;
		     e = nftnl_set_elems_iter_next(it)) {
			uint32_t len = 0, ulen = 0;
			const char *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
			const void *ud = nftnl_set_elem_get(e, NFTNL_SET_ELEM_USERDATA, &ulen);
			char comment[256];

			if (!key || !len)
				continue;
			snprintf(ts->uplinks[ts->n_uplinks], IF_NAMESIZE, "%.*s", (int)len, key);
			udata_comment(ud, ulen, comment);
			ts->svm_changed[ts->n_uplinks] = !strcmp(comment, "src_valid_mark was 0");
			ts->n_uplinks++;
		}
		nftnl_set_elems_iter_destroy(it);
		nftnl_set_free(s);
	}
	/* The uplinks were read in the kernel's order: sort them by name. */
	for (unsigned int i = 1; i < ts->n_uplinks; i++) {
		for (unsigned int j = i; j > 0 && strcmp(ts->uplinks[j - 1], ts->uplinks[j]) > 0; j--) {
			char tmp[IF_NAMESIZE];
			bool b = ts->svm_changed[j];

			memcpy(tmp, ts->uplinks[j], IF_NAMESIZE);
			memcpy(ts->uplinks[j], ts->uplinks[j - 1], IF_NAMESIZE);
			memcpy(ts->uplinks[j - 1], tmp, IF_NAMESIZE);
			ts->svm_changed[j] = ts->svm_changed[j - 1];
			ts->svm_changed[j - 1] = b;
		}
	}

	for (int i = 0; i < PFNFT_C_MAX; i++) {
		err = read_counter(h, pfnft_counter_names[i], NFT_MSG_GETOBJ, &ts->counters[i]);
		if (err && err != -ENOENT)
			return pfnft_fail(h, err, "cannot read counter %s", pfnft_counter_names[i]);
	}
	return 0;
}

int pfnft_table_reset(struct pfnft *h)
{
	for (int i = 0; i < PFNFT_C_MAX; i++) {
		uint64_t v;
		int err = read_counter(h, pfnft_counter_names[i], NFT_MSG_GETOBJ_RESET, &v);

		/* A table from an older version lacks the newer counters. */
		if (err && err != -ENOENT)
			return pfnft_fail(h, err, "cannot reset counter %s", pfnft_counter_names[i]);
	}
	return 0;
}
