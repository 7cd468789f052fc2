// SPDX-License-Identifier: GPL-2.0
/* Generic netlink over libmnl: family resolution, requests, extended ACKs. */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "pmtufix.h"
#include "genl.h"
#include "nlack.h"

const struct pf_nl_transport *pf_nl_transport;

int pf_nl_open(struct pf_nl *nl)
{
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->seq = (uint32_t)time(NULL);
	nl->buf = malloc(PF_NL_BUFSIZE);
	if (!nl->buf)
		return -ENOMEM;
	if (pf_nl_transport) {
		nl->tr = pf_nl_transport;
		return 0;
	}
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		goto fail;
	/* Kernels without extended ACKs refuse these: then we do without. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
fail:
	err = errno;
	pf_nl_close(nl);
	return -err;
}

void pf_nl_close(struct pf_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	free(nl->buf);
	nl->buf = NULL;
}

static int nl_send(struct pf_nl *nl, const void *buf, size_t len)
{
	if (nl->tr)
		return nl->tr->send(nl->tr->ctx, buf, len);
	if (mnl_socket_sendto(nl->sock, buf, len) < 0)
		return -errno;
	return 0;
}

/*
 * libmnl's mnl_nlmsg_ok() compares the message length as an int: a header
 * claiming 2 GiB or more passes, and every parser after it reads far past
 * the buffer. A kernel never sends one; refuse the datagram instead.
 */
static bool whole_messages(const void *buf, size_t len)
{
	const struct nlmsghdr *h;
	size_t off = 0;

	while (off + NLMSG_HDRLEN <= len) {
		h = (const struct nlmsghdr *)((const char *)buf + off);
		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - off)
			return false;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return true;
}

static ssize_t nl_recv(struct pf_nl *nl)
{
	ssize_t n;

	if (nl->tr) {
		n = nl->tr->recv(nl->tr->ctx, nl->buf, PF_NL_BUFSIZE);
	} else {
		n = mnl_socket_recvfrom(nl->sock, nl->buf, PF_NL_BUFSIZE);
		n = n < 0 ? -errno : n;
	}
	if (n > 0 && !whole_messages(nl->buf, (size_t)n))
		return -EBADMSG;
	return n;
}

struct parse_ctx {
	const struct nlattr **tb;
	unsigned int max;
};

static int parse_cb(const struct nlattr *a, void *data)
{
	struct parse_ctx *p = data;
	unsigned int type = mnl_attr_get_type(a);

	if (type <= p->max)
		p->tb[type] = a;
	return MNL_CB_OK;
}

int pf_nl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, unsigned int max)
{
	struct parse_ctx p = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return -1;
	return mnl_attr_parse(nlh, GENL_HDRLEN, parse_cb, &p) < 0 ? -1 : 0;
}

int pf_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		       unsigned int max)
{
	struct parse_ctx p = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	return mnl_attr_parse_nested(nest, parse_cb, &p) < 0 ? -1 : 0;
}

bool pf_attr_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*v))
		return false;
	*v = mnl_attr_get_u8(a);
	return true;
}

bool pf_attr_u16(const struct nlattr *a, uint16_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*v))
		return false;
	*v = mnl_attr_get_u16(a);
	return true;
}

bool pf_attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*v))
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

bool pf_attr_u64(const struct nlattr *a, uint64_t *v)
{
	uint32_t v32;

	if (pf_attr_u32(a, &v32)) {
		*v = v32;
		return true;
	}
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*v))
		return false;
	*v = mnl_attr_get_u64(a);
	return true;
}

struct talk {
	struct pf_nl *nl;
	pf_nl_cb cb;
	void *data;
	int err;
};

static int cb_data(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int ret;

	if (!t->cb)
		return MNL_CB_OK;
	errno = 0;
	ret = t->cb(nlh, t->data);
	if (ret == MNL_CB_ERROR && !t->err)
		t->err = errno ? errno : EPROTO;
	return ret;
}

static int cb_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* An ACK or NLMSG_DONE: the end of the request, with what the kernel said. */
static int cb_end(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	struct pf_nlack ack;

	pf_nlack_read(nlh, &ack);
	if (ack.msg[0])
		snprintf(t->nl->ext_msg, sizeof(t->nl->ext_msg), "%s", ack.msg);
	if (ack.miss_type)
		t->nl->ext_miss_type = ack.miss_type;
	if (!ack.error)
		return MNL_CB_STOP;
	t->err = -ack.error;
	return MNL_CB_ERROR;
}

static int cb_overrun(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	(void)nlh;
	t->err = ENOBUFS;
	return MNL_CB_ERROR;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP]	= cb_noop,
	[NLMSG_ERROR]	= cb_end,
	[NLMSG_DONE]	= cb_end,
	[NLMSG_OVERRUN]	= cb_overrun,
};

static struct nlmsghdr *genl_msg(struct pf_nl *nl, uint16_t type, uint8_t cmd,
				 uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *pf_nl_msg(struct pf_nl *nl, uint8_t cmd, uint16_t flags)
{
	return genl_msg(nl, nl->family_id, cmd, PMTUFIX_GENL_VERSION, flags);
}

/* True when buf holds the NLMSG_DONE or NLMSG_ERROR that ends request seq. */
static bool ends(const void *buf, size_t len, uint32_t seq)
{
	const struct nlmsghdr *h = buf;
	int n = (int)len;

	for (; mnl_nlmsg_ok(h, n); h = mnl_nlmsg_next(h, &n))
		if (h->nlmsg_seq == seq &&
		    (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR))
			return true;
	return false;
}

/*
 * libmnl stops at the first message flagged NLM_F_DUMP_INTR (the kernel's
 * objects changed during the dump). Read the rest of that dump, so that the
 * socket is clean for the next request, and say -EINTR: the caller may start
 * the dump over.
 */
static int drain_dump(struct pf_nl *nl, uint32_t seq, ssize_t n)
{
	while (!ends(nl->buf, (size_t)n, seq)) {
		n = nl_recv(nl);
		if (n == -EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? (int)n : -ENODATA;
	}
	return -EINTR;
}

int pf_nl_talk(struct pf_nl *nl, struct nlmsghdr *nlh, pf_nl_cb cb, void *data)
{
	struct talk t = { .nl = nl, .cb = cb, .data = data };
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	nl->ext_msg[0] = '\0';
	nl->ext_miss_type = 0;
	ret = nl_send(nl, nlh, nlh->nlmsg_len);
	if (ret < 0)
		return ret;
	for (;;) {
		n = nl_recv(nl);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ENODATA;
		errno = 0;
		ret = mnl_cb_run2(nl->buf, (size_t)n, seq, nl->portid, cb_data, &t,
				  ctl_cbs, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR && !t.err && errno == EINTR)
			return drain_dump(nl, seq, n);
		if (ret == MNL_CB_ERROR)
			return -(t.err ? t.err : errno ? errno : EPROTO);
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *sub[CTRL_ATTR_MAX + 1];
	const struct nlattr *attr;
	struct pf_nl *nl = data;

	if (pf_nl_parse(nlh, tb, CTRL_ATTR_MAX) ||
	    !pf_attr_u16(tb[CTRL_ATTR_FAMILY_ID], &nl->family_id)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	pf_attr_u32(tb[CTRL_ATTR_VERSION], &nl->family_version);

	if (tb[CTRL_ATTR_OPS]) {
		nl->cmds_known = true;
		mnl_attr_for_each_nested(attr, tb[CTRL_ATTR_OPS]) {
			uint32_t id;

			if (pf_nl_parse_nested(attr, sub, CTRL_ATTR_OP_MAX) == 0 &&
			    pf_attr_u32(sub[CTRL_ATTR_OP_ID], &id) && id < 64)
				nl->cmds |= 1ULL << id;
		}
	}
	if (tb[CTRL_ATTR_MCAST_GROUPS]) {
		mnl_attr_for_each_nested(attr, tb[CTRL_ATTR_MCAST_GROUPS]) {
			const struct nlattr *name;

			if (pf_nl_parse_nested(attr, sub, CTRL_ATTR_MCAST_GRP_MAX))
				continue;
			name = sub[CTRL_ATTR_MCAST_GRP_NAME];
			if (!name || mnl_attr_validate(name, MNL_TYPE_NUL_STRING))
				continue;
			if (strcmp(mnl_attr_get_str(name), PMTUFIX_MCGRP_EVENTS) == 0)
				pf_attr_u32(sub[CTRL_ATTR_MCAST_GRP_ID], &nl->events_group);
			else if (strcmp(mnl_attr_get_str(name), PMTUFIX_MCGRP_RELAY) == 0)
				pf_attr_u32(sub[CTRL_ATTR_MCAST_GRP_ID], &nl->relay_group);
		}
	}
	return MNL_CB_OK;
}

int pf_nl_resolve(struct pf_nl *nl)
{
	struct nlmsghdr *nlh = genl_msg(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PMTUFIX_GENL_NAME);
	return pf_nl_talk(nl, nlh, family_cb, nl);
}

bool pf_nl_has_cmd(const struct pf_nl *nl, uint8_t cmd)
{
	if (!nl->cmds_known)
		return true;
	return cmd < 64 && (nl->cmds >> cmd & 1);
}

int pf_nl_join_group(struct pf_nl *nl, uint32_t id)
{
	int group = (int)id;

	if (nl->tr)
		return nl->tr->join(nl->tr->ctx, id);
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		return -errno;
	return 0;
}

int pf_nl_join_events(struct pf_nl *nl)
{
	if (!nl->events_group)
		return -ENOENT;
	return pf_nl_join_group(nl, nl->events_group);
}

int pf_nl_join_relay(struct pf_nl *nl)
{
	if (!nl->relay_group)
		return -ENOENT;
	return pf_nl_join_group(nl, nl->relay_group);
}

ssize_t pf_nl_recv(struct pf_nl *nl, const sigset_t *sigmask)
{
	if (nl->sock) {
		struct pollfd p = { .fd = mnl_socket_get_fd(nl->sock), .events = POLLIN };

		if (ppoll(&p, 1, NULL, sigmask) < 0)
			return -errno;
	}
	return nl_recv(nl);
}
