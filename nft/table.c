// SPDX-License-Identifier: GPL-2.0
/*
 * The table "inet pmtufix" through libnftnl: every change is one batch
 * (NFNL_MSG_BATCH_BEGIN ... END), which the kernel commits whole or not at all.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "pmtufix.h"
#include "internal.h"

#define FAMILY		NFPROTO_INET
#define PRIO_MANGLE	(-150)

/* nft's datatypes and byte orders, so that `nft list` prints our sets. */
#define TYPE_IPADDR	7
#define TYPE_IP6ADDR	8
#define TYPE_IFNAME	41
#define TYPE_INET_SERVICE	13
#define BYTEORDER_HOST	1
#define BYTEORDER_BIG	2
#define ELEM_F_OPEN	1	/* NFTNL_SET_ELEM_F_INTERVAL_OPEN */

#define TCPOPT_MAXSEG	2
#define ICMP_DEST_UNREACH	3
#define ICMP_FRAG_NEEDED	4

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

/* ------------------------------------------------------------------ */
/* Batches */

struct batch {
	struct pfnft *h;
	struct nftnl_batch *b;
	struct nlmsghdr *last;
	unsigned int n;
	uint32_t set_id;
};

static int batch_start(struct pfnft *h, struct batch *bt)
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

static struct nlmsghdr *batch_msg(struct batch *bt, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(bt->b), type, FAMILY,
						       flags, bt->h->seq++);

	bt->last = nlh;
	bt->n++;
	return nlh;
}

static void batch_next(struct batch *bt)
{
	nftnl_batch_update(bt->b);
}

static void set_buf(int fd, int opt_force, int opt, int size)
{
	if (setsockopt(fd, SOL_SOCKET, opt_force, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

/* An error ACK: its code, and the extended ACK message if there is one. */
static int ack_error(struct pfnft *h, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off = sizeof(*e);

	if (e->error == 0)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_CAPPED)
		off = sizeof(*e);
	else
		off = sizeof(*e) - sizeof(e->msg) + e->msg.nlmsg_len;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(h->err, sizeof(h->err), "%s", mnl_attr_get_str(a));
		}
	}
	return e->error;
}

/*
 * Send the batch; the kernel handles it inside sendmsg(), so every answer is
 * queued when it returns. Only the last command asks for an ACK: errors are
 * always reported.
 */
static int batch_commit(struct batch *bt)
{
	struct pfnft *h = bt->h;
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	struct iovec *iov = NULL;
	struct msghdr msg = { 0 };
	int fd = mnl_socket_get_fd(h->nf), err = 0, n, iovlen;
	size_t total = 0;
	bool acked = false;

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
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (ack_error(h, nlh)) {
				if (!err)
					err = ack_error(h, nlh);
			} else {
				acked = true;
			}
		}
	}
	if (err)
		return err;
	if (!acked)
		return pfnft_fail(h, -EPROTO, "the kernel did not acknowledge the transaction");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Objects */

static void put_table(struct batch *bt)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, FAMILY);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, PFNFT_TABLE);
	nlh = batch_msg(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	batch_next(bt);
	nftnl_table_free(t);
}

static void put_counter(struct batch *bt, const char *name)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh;

	nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, FAMILY);
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, PFNFT_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nlh = batch_msg(bt, NFT_MSG_NEWOBJ, NLM_F_CREATE);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	batch_next(bt);
	nftnl_obj_free(o);
}

static void put_set(struct batch *bt, const char *name, uint32_t flags, uint32_t key_type,
		    uint32_t key_len, uint32_t data_len)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);
	struct nlmsghdr *nlh;

	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, FAMILY);
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

static void put_chain(struct batch *bt, const char *name, int hook, const char *comment)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, FAMILY);
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

static void del_chain(struct batch *bt, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, FAMILY);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, PFNFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	/* Flush first: a chain with rules cannot be deleted. */
	{
		struct nftnl_rule *r = nftnl_rule_alloc();

		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, FAMILY);
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

/* Rules: a tiny assembler, one call per nft expression. */

static void add_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	nftnl_rule_add_expr(r, e);
}

static void x_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	add_expr(r, e);
}

static void x_meta_set(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	add_expr(r, e);
}

static void x_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	add_expr(r, e);
}

static void x_cmp8(struct nftnl_rule *r, uint8_t v)
{
	x_cmp(r, NFT_CMP_EQ, &v, 1);
}

static void x_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	add_expr(r, e);
}

static void x_bitwise(struct nftnl_rule *r, uint32_t len, const void *mask, const void *xor)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, xor, len);
	add_expr(r, e);
}

static void x_lookup(struct nftnl_rule *r, const char *set, bool map)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	if (map)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	add_expr(r, e);
}

static void x_objref(struct nftnl_rule *r, const char *counter)
{
	struct nftnl_expr *e = nftnl_expr_alloc("objref");

	nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE, NFT_OBJECT_COUNTER);
	nftnl_expr_set_str(e, NFTNL_EXPR_OBJREF_IMM_NAME, counter);
	add_expr(r, e);
}

static void x_jump(struct nftnl_rule *r, const char *chain)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)NFT_JUMP);
	nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	add_expr(r, e);
}

static void x_mss_write(struct nftnl_rule *r)
{
	struct nftnl_expr *e = nftnl_expr_alloc("exthdr");

	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_SREG, NFT_REG_1);
	nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, TCPOPT_MAXSEG);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
	add_expr(r, e);
}

static void x_rt_mss(struct nftnl_rule *r)
{
	struct nftnl_expr *e = nftnl_expr_alloc("rt");

	nftnl_expr_set_u32(e, NFTNL_EXPR_RT_KEY, NFT_RT_TCPMSS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RT_DREG, NFT_REG_1);
	add_expr(r, e);
	e = nftnl_expr_alloc("byteorder");
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_LEN, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SIZE, 2);
	add_expr(r, e);
}

/* At most 10 log lines a second per rule. */
static void x_log(struct nftnl_rule *r, const char *prefix)
{
	struct nftnl_expr *e = nftnl_expr_alloc("limit");

	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, 10);
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, 1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, 5);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_FLAGS, 0);
	add_expr(r, e);
	e = nftnl_expr_alloc("log");
	nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix);
	add_expr(r, e);
}

static void x_nfproto(struct nftnl_rule *r, uint8_t family)
{
	x_meta(r, NFT_META_NFPROTO);
	x_cmp8(r, family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
}

static void x_l4proto(struct nftnl_rule *r, uint8_t proto)
{
	x_meta(r, NFT_META_L4PROTO);
	x_cmp8(r, proto);
}

static struct nftnl_rule *rule_new(const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, FAMILY);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, PFNFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

static void put_rule(struct batch *bt, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh = batch_msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);

	nftnl_rule_nlmsg_build_payload(nlh, r);
	batch_next(bt);
	nftnl_rule_free(r);
}

/* ct state related: (state & related) != 0, or == 0 for not related. */
static void x_related(struct nftnl_rule *r, bool related)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");
	uint32_t bit = NF_CT_STATE_BIT(IP_CT_RELATED), zero = 0;

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	add_expr(r, e);
	x_bitwise(r, 4, &bit, &zero);
	x_cmp(r, related ? NFT_CMP_NEQ : NFT_CMP_EQ, &zero, 4);
}

/* icmp mtu (the next-hop MTU of a frag-needed) compared with floor. */
static void x_icmp_mtu(struct nftnl_rule *r, uint32_t op, uint32_t floor)
{
	uint16_t v = htons((uint16_t)floor);

	x_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 6, 2);
	x_cmp(r, op, &v, 2);
}

/* fib saddr . iif oif: present = strict RPF accepts the source. */
static void x_rpf(struct nftnl_rule *r, bool present)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");
	uint32_t zero = 0;

	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_OIF);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS,
			   NFTA_FIB_F_SADDR | NFTA_FIB_F_IIF | NFTA_FIB_F_PRESENT);
	add_expr(r, e);
	x_cmp(r, present ? NFT_CMP_NEQ : NFT_CMP_EQ, &zero, 4);
}

/*
 * fib saddr . mark oif: present = loose RPF accepts the source. The kernel's
 * source check looks it up from lo (local delivery), in the ingress
 * device's VRF, with skb->mark (src_valid_mark is on for the uplinks); a
 * lookup that fails (no route, blackhole, unreachable, prohibit) or finds a
 * local address leaves 0. "fib saddr type" cannot say this: it looks in the
 * local table only and calls an address without a route there unicast.
 */
static void x_loose_rpf(struct nftnl_rule *r, bool present)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");
	uint32_t zero = 0;

	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_OIF);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS,
			   NFTA_FIB_F_SADDR | NFTA_FIB_F_MARK | NFTA_FIB_F_PRESENT);
	add_expr(r, e);
	x_cmp(r, present ? NFT_CMP_NEQ : NFT_CMP_EQ, &zero, 4);
}

/* icmp type destination-unreachable icmp code frag-needed */
static void x_frag_needed(struct nftnl_rule *r)
{
	uint16_t fn = htons(ICMP_DEST_UNREACH << 8 | ICMP_FRAG_NEEDED);

	x_nfproto(r, AF_INET);
	x_l4proto(r, IPPROTO_ICMP);
	x_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2);
	x_cmp(r, NFT_CMP_EQ, &fn, 2);
}

static void put_rescue(struct batch *bt, const struct pf_config *c, uint32_t floor)
{
	struct nftnl_rule *r;
	uint32_t mask = ~c->mask, mark = c->mark & c->mask;

	put_chain(bt, "frag_needed", -1, NULL);
	put_chain(bt, "rescue", NF_INET_PRE_ROUTING, NULL);

	/* iifname @uplinks icmp type destination-unreachable icmp code frag-needed */
	r = rule_new("rescue");
	x_meta(r, NFT_META_IIFNAME);
	x_lookup(r, "uplinks", false);
	x_frag_needed(r);
	x_jump(r, "frag_needed");
	put_rule(bt, r);

	/* Not about a flow conntrack knows. */
	r = rule_new("frag_needed");
	x_frag_needed(r);
	x_related(r, false);
	x_objref(r, pfnft_counter_names[PFNFT_C_NO_FLOW]);
	if (c->log >= PMTUFIX_LOG_ALL)
		x_log(r, "pmtufix: no-flow ");
	put_rule(bt, r);

	r = rule_new("frag_needed");
	x_frag_needed(r);
	x_related(r, true);
	x_icmp_mtu(r, NFT_CMP_LT, floor);
	x_objref(r, pfnft_counter_names[PFNFT_C_BELOW_FLOOR]);
	if (c->log >= PMTUFIX_LOG_ALL)
		x_log(r, "pmtufix: below-floor ");
	put_rule(bt, r);

	r = rule_new("frag_needed");
	x_frag_needed(r);
	x_related(r, true);
	x_icmp_mtu(r, NFT_CMP_GTE, floor);
	x_rpf(r, true);
	x_objref(r, pfnft_counter_names[PFNFT_C_NOT_NEEDED]);
	put_rule(bt, r);

	r = rule_new("frag_needed");
	x_frag_needed(r);
	x_related(r, true);
	x_icmp_mtu(r, NFT_CMP_GTE, floor);
	x_rpf(r, false);
	x_loose_rpf(r, false);
	x_objref(r, pfnft_counter_names[PFNFT_C_NO_SOURCE_ROUTE]);
	if (c->log >= PMTUFIX_LOG_ALL)
		x_log(r, "pmtufix: no-source-route ");
	put_rule(bt, r);

	/* Only which interface the source routes out of is overlooked. */
	r = rule_new("frag_needed");
	x_frag_needed(r);
	x_related(r, true);
	x_icmp_mtu(r, NFT_CMP_GTE, floor);
	x_rpf(r, false);
	x_loose_rpf(r, true);
	x_meta(r, NFT_META_MARK);
	x_bitwise(r, 4, &mask, &mark);
	x_meta_set(r, NFT_META_MARK);
	x_objref(r, pfnft_counter_names[PFNFT_C_RESCUED]);
	if (c->log >= PMTUFIX_LOG_RESCUE)
		x_log(r, "pmtufix: rescued ");
	put_rule(bt, r);
}

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

static void put_mss(struct batch *bt)
{
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

static void put_skeleton(struct batch *bt)
{
	put_table(bt);
	for (int i = 0; i < PFNFT_C_MAX; i++)
		put_counter(bt, pfnft_counter_names[i]);
	put_set(bt, "uplinks", 0, TYPE_IFNAME, IF_NAMESIZE, 0);
	for (size_t i = 0; i < N_MSS_SETS; i++) {
		const struct mss_set *s = &mss_sets[i];

		put_set(bt, s->name, NFT_SET_INTERVAL | (s->fixed ? NFT_SET_MAP : 0),
			s->family == AF_INET ? TYPE_IPADDR : TYPE_IP6ADDR,
			s->family == AF_INET ? 4 : 16, 2);
	}
	put_mss(bt);
}

/* Flush set name (no elements = all of them). */
static void flush_set(struct batch *bt, const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;

	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, FAMILY);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, PFNFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nlh = batch_msg(bt, NFT_MSG_DELSETELEM, 0);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	batch_next(bt);
	nftnl_set_free(s);
}

static void put_uplinks(struct batch *bt, const struct pf_config *c, const bool *svm_changed)
{
	struct nftnl_set *s;
	struct nlmsghdr *nlh;

	flush_set(bt, "uplinks");
	if (!c->n_uplinks)
		return;
	s = nftnl_set_alloc();
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, FAMILY);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, PFNFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, "uplinks");
	for (unsigned int i = 0; i < c->n_uplinks; i++) {
		struct nftnl_set_elem *e = nftnl_set_elem_alloc();
		char key[IF_NAMESIZE] = { 0 };

		strncpy(key, c->uplinks[i], sizeof(key) - 1);
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, sizeof(key));
		if (svm_changed && svm_changed[i]) {
			struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);

			/* What `pmtufix down` puts back. */
			nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_ELEM_COMMENT, "src_valid_mark was 0");
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(ud),
					   nftnl_udata_buf_len(ud));
			nftnl_udata_buf_free(ud);
		}
		nftnl_set_elem_add(s, e);
	}
	nlh = batch_msg(bt, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	batch_next(bt);
	nftnl_set_free(s);
}

int pfnft_table_apply(struct pfnft *h, bool exists, const struct pf_config *conf,
		      const bool *svm_changed, uint32_t floor_eff)
{
	struct pfnft_table_state ts;
	char comment[256];
	struct batch bt;
	int err;

	err = pfnft_conf_format(conf, comment, sizeof(comment));
	if (err)
		return err;
	memset(&ts, 0, sizeof(ts));
	if (exists) {
		err = pfnft_table_read(h, &ts);
		if (err)
			return err;
	}
	err = batch_start(h, &bt);
	if (err)
		return err;
	if (!ts.exists)
		put_skeleton(&bt);
	/* Replace what carries settings; the counters and MSS maps stay. */
	if (ts.has_rescue) {
		del_chain(&bt, "rescue");
		del_chain(&bt, "frag_needed");
	}
	if (ts.has_config)
		del_chain(&bt, "config");
	put_chain(&bt, "config", -1, comment);
	put_uplinks(&bt, conf, svm_changed);
	if (conf->rescue)
		put_rescue(&bt, conf, floor_eff);
	err = batch_commit(&bt);
	if (err)
		return pfnft_fail(h, err, "cannot update table inet %s", PFNFT_TABLE);
	return 0;
}

int pfnft_table_delete(struct pfnft *h)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	struct batch bt;
	int err;

	err = batch_start(h, &bt);
	if (err) {
		nftnl_table_free(t);
		return err;
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, FAMILY);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, PFNFT_TABLE);
	nlh = batch_msg(&bt, NFT_MSG_DELTABLE, 0);
	nftnl_table_nlmsg_build_payload(nlh, t);
	batch_next(&bt);
	nftnl_table_free(t);
	return batch_commit(&bt);
}

/* ------------------------------------------------------------------ */
/* Reading */

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
static int read_chain(struct pfnft *h, const char *name, bool *found, char *comment)
{
	struct chain_read cr = { .comment = comment };
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	int err;

	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, FAMILY);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, PFNFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nlh = nftnl_nlmsg_build_hdr(h->buf, NFT_MSG_GETCHAIN, FAMILY, NLM_F_ACK, h->seq++);
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
static int read_elems(struct pfnft *h, const char *name, struct nftnl_set **out)
{
	struct elem_list l = { .s = nftnl_set_alloc() };
	struct nlmsghdr *nlh;
	int err;

	nftnl_set_set_u32(l.s, NFTNL_SET_FAMILY, FAMILY);
	nftnl_set_set_str(l.s, NFTNL_SET_TABLE, PFNFT_TABLE);
	nftnl_set_set_str(l.s, NFTNL_SET_NAME, name);
	nlh = nftnl_nlmsg_build_hdr(h->buf, NFT_MSG_GETSETELEM, FAMILY, NLM_F_DUMP, h->seq++);
	nftnl_set_elems_nlmsg_build_payload(nlh, l.s);
	err = pfnft_talk(h, h->nf, nlh, elems_cb, &l);
	if (err) {
		nftnl_set_free(l.s);
		return err;
	}
	*out = l.s;
	return 0;
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

static int read_counter(struct pfnft *h, const char *name, uint16_t type, uint64_t *pkts)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh;

	nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, FAMILY);
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, PFNFT_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nlh = nftnl_nlmsg_build_hdr(h->buf, type, FAMILY, NLM_F_ACK, h->seq++);
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
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, FAMILY);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, PFNFT_TABLE);
	nlh = nftnl_nlmsg_build_hdr(h->buf, NFT_MSG_GETTABLE, FAMILY, NLM_F_ACK, h->seq++);
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
			nftnl_set_set_u32(s, NFTNL_SET_FAMILY, FAMILY);
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
