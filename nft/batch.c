// SPDX-License-Identifier: GPL-2.0
/*
 * The table "inet pmtufix" through libnftnl: every change is one batch
 * (NFNL_MSG_BATCH_BEGIN ... END), which the kernel commits whole or not at all.
 * Here: the transaction, its ACKs, and one message per object it carries.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nlack.h"
#include "batch.h"

#define PRIO_MANGLE	(-150)

int batch_start(struct pfnft *h, struct batch *bt)
{
	memset(bt, 0, sizeof(*bt));
	bt->h = h;
	bt->b = nftnl_batch_alloc(256 * 1024, 128 * 1024);
	if (!bt->b)
		return -ENOMEM;
	nftnl_batch_begin(nftnl_batch_buffer(bt->b), h->seq++);
	nftnl_batch_update(bt->b);
	return 0;
}

struct nlmsghdr *batch_msg(struct batch *bt, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(bt->b), type, PFNFT_FAMILY,
						       flags, bt->h->seq++);

	bt->last = nlh;
	bt->n++;
	return nlh;
}

void batch_next(struct batch *bt)
{
	nftnl_batch_update(bt->b);
}

static void set_buf(int fd, int opt_force, int opt, int size)
{
	if (setsockopt(fd, SOL_SOCKET, opt_force, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

/* Every answer to the batch (queued before sendmsg() returned): 0 or -errno. */
static int batch_acks(struct pfnft *h, int fd)
{
	bool acked = false;
	int err = 0, n;

	h->err[0] = '\0';
	for (;;) {
		struct nlmsghdr *nlh;

		n = (int)recv(fd, h->buf, PFNFT_BUFSIZE, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return pfnft_fail(h, -errno, "nftables transaction: no answer");
		}
		for (nlh = (struct nlmsghdr *)h->buf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			struct pf_nlack ack;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			pf_nlack_read(nlh, &ack);
			if (!ack.error) {
				acked = true;
				continue;
			}
			/* The first failure's code and words: later ones follow from it. */
			if (err)
				continue;
			err = ack.error;
			if (ack.msg[0])
				snprintf(h->err, sizeof(h->err), "%s", ack.msg);
		}
	}
	if (err)
		return err;
	if (!acked)
		return pfnft_fail(h, -EPROTO, "the kernel did not acknowledge the transaction");
	return 0;
}

/*
 * Send the batch; the kernel handles it inside sendmsg(), so every answer is
 * queued when it returns. Only the last command asks for an ACK: errors are
 * always reported.
 */
int batch_commit(struct batch *bt)
{
	struct pfnft *h = bt->h;
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	struct iovec *iov = NULL;
	struct msghdr msg = { 0 };
	int fd = mnl_socket_get_fd(h->nf), err = 0, iovlen;
	size_t total = 0;

	if (!bt->n) {
		nftnl_batch_free(bt->b);
		return 0;
	}
	bt->last->nlmsg_flags |= NLM_F_ACK;
	nftnl_batch_end(nftnl_batch_buffer(bt->b), h->seq++);
	nftnl_batch_update(bt->b);

	iovlen = nftnl_batch_iovec_len(bt->b);
	iov = calloc((size_t)iovlen, sizeof(*iov));
	if (!iov) {
		nftnl_batch_free(bt->b);
		return -ENOMEM;
	}
	nftnl_batch_iovec(bt->b, iov, (uint32_t)iovlen);
	for (int i = 0; i < iovlen; i++)
		total += iov[i].iov_len;
	set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, (int)(total + 65536));
	msg.msg_name = &snl;
	msg.msg_namelen = sizeof(snl);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)iovlen;
	if (sendmsg(fd, &msg, 0) < 0)
		err = -errno;
	free(iov);
	nftnl_batch_free(bt->b);
	if (err)
		return pfnft_fail(h, err, "cannot send the nftables transaction");
	return batch_acks(h, fd);
}
/* ------------------------------------------------------------------ */
/* Objects */

void put_table(struct batch *bt)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, PFNFT_FAMILY);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, PFNFT_TABLE);
	nlh = batch_msg(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	batch_next(bt);
	nftnl_table_free(t);
}

void put_counter(struct batch *bt, const char *name)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh;

	nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, PFNFT_FAMILY);
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, PFNFT_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nlh = batch_msg(bt, NFT_MSG_NEWOBJ, NLM_F_CREATE);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	batch_next(bt);
	nftnl_obj_free(o);
}

void put_set(struct batch *bt, const char *name, uint32_t flags, uint32_t key_type,
		    uint32_t key_len, uint32_t data_len)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);
	struct nlmsghdr *nlh;

	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, PFNFT_FAMILY);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, PFNFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_ID, ++bt->set_id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, key_len);
	nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER,
			    key_type == TYPE_IFNAME ? BYTEORDER_HOST : BYTEORDER_BIG);
	if (flags & NFT_SET_MAP) {
		/* 16 bits, network order, printed as a number: as an MSS reads. */
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, TYPE_INET_SERVICE);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, data_len);
		nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_DATABYTEORDER, BYTEORDER_BIG);
	}
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
			   nftnl_udata_buf_len(ud));
	nlh = batch_msg(bt, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	batch_next(bt);
	nftnl_udata_buf_free(ud);
	nftnl_set_free(s);
}

void put_chain(struct batch *bt, const char *name, int hook, const char *comment)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, PFNFT_FAMILY);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, PFNFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (hook >= 0) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, PRIO_MANGLE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	if (comment) {
		struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(256);

		nftnl_udata_put_strz(ud, NFTNL_UDATA_CHAIN_COMMENT, comment);
		nftnl_chain_set_data(c, NFTNL_CHAIN_USERDATA, nftnl_udata_buf_data(ud),
				     nftnl_udata_buf_len(ud));
		nftnl_udata_buf_free(ud);
	}
	nlh = batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	batch_next(bt);
	nftnl_chain_free(c);
}

void del_chain(struct batch *bt, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, PFNFT_FAMILY);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, PFNFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	/* Flush first: a chain with rules cannot be deleted. */
	{
		struct nftnl_rule *r = nftnl_rule_alloc();

		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, PFNFT_FAMILY);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, PFNFT_TABLE);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, name);
		nlh = batch_msg(bt, NFT_MSG_DELRULE, 0);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		batch_next(bt);
		nftnl_rule_free(r);
	}
	nlh = batch_msg(bt, NFT_MSG_DELCHAIN, 0);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	batch_next(bt);
	nftnl_chain_free(c);
}

struct nftnl_rule *rule_new(const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, PFNFT_FAMILY);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, PFNFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

void put_rule(struct batch *bt, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh = batch_msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);

	nftnl_rule_nlmsg_build_payload(nlh, r);
	batch_next(bt);
	nftnl_rule_free(r);
}

struct nftnl_set *set_named(const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();

	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, PFNFT_FAMILY);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, PFNFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	return s;
}

void del_set(struct batch *bt, const char *name)
{
	struct nftnl_set *s = set_named(name);
	struct nlmsghdr *nlh;

	nlh = batch_msg(bt, NFT_MSG_DELSET, 0);
	nftnl_set_nlmsg_build_payload(nlh, s);
	batch_next(bt);
	nftnl_set_free(s);
}

/* Flush set name (no elements = all of them). */
void flush_set(struct batch *bt, const char *name)
{
	struct nftnl_set *s = set_named(name);
	struct nlmsghdr *nlh;

	nlh = batch_msg(bt, NFT_MSG_DELSETELEM, 0);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	batch_next(bt);
	nftnl_set_free(s);
}

#define ELEM_F_OPEN	1	/* NFTNL_SET_ELEM_F_INTERVAL_OPEN */

unsigned int elems_of_prefix(struct nftnl_set *s, const struct pf_prefix *p, const uint16_t *mss,
			     bool add)
{
	size_t alen = pf_prefix_addrlen(p);
	uint8_t start[16], end[16];
	struct nftnl_set_elem *e;
	bool closed;

	closed = pf_prefix_range(p, start, end);
	e = nftnl_set_elem_alloc();
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, start, (uint32_t)alen);
	if (mss) {
		uint16_t d = htons(*mss);

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
	if (!closed)
		return 1;
	e = nftnl_set_elem_alloc();
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, end, (uint32_t)alen);
	nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
	nftnl_set_elem_add(s, e);
	return 2;
}
