// SPDX-License-Identifier: GPL-2.0
/*
 * An NFLOG group's reader (net/netfilter/nfnetlink_log.c). The kernel wrote
 * the messages, but what they carry is a packet from the network: lengths
 * are checked before anything is read, and only the kernel (port id 0) is
 * listened to, since any local process may send to our port id.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "nflog.h"
#include "nlack.h"

/* One packet of up to 64 KiB (NFULNL_COPY_RANGE_MAX) and its metadata. */
#define NFLOG_BUFSIZE	(65536 + 4096)
#define NFLOG_PACKET	(NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_PACKET)
#define NFLOG_CONFIG	(NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_CONFIG)
#define CONFIG_BUFSIZE	256
#define ACK_WAIT_MS	1000
#define ACK_WAIT_DGRAMS	4096

struct pf_nflog {
	struct mnl_socket *sock;
	uint8_t *buf;
	uint32_t seq;
	uint16_t group;
	unsigned long lost, malformed;
};

/* The message at *off if it lies whole in the datagram; NULL ends the walk. */
static const struct nlmsghdr *next_msg(const uint8_t *buf, size_t len, size_t *off)
{
	const struct nlmsghdr *nlh;

	if (*off >= len || len - *off < NLMSG_HDRLEN)
		return NULL;
	nlh = (const struct nlmsghdr *)(buf + *off);
	if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len - *off)
		return NULL;
	*off += NLMSG_ALIGN(nlh->nlmsg_len);
	return nlh;
}

struct logged {
	const struct nlattr *hdr, *payload;
};

/* Each attribute once, of its exact size; unknown ones are newer kernels'. */
static int packet_attr(const struct nlattr *a, struct logged *l)
{
	switch (mnl_attr_get_type(a)) {
	case NFULA_PACKET_HDR:
		if (l->hdr || mnl_attr_validate2(a, MNL_TYPE_UNSPEC,
						 sizeof(struct nfulnl_msg_packet_hdr)) < 0 ||
		    mnl_attr_get_payload_len(a) != sizeof(struct nfulnl_msg_packet_hdr))
			return -1;
		l->hdr = a;
		break;
	case NFULA_PAYLOAD:
		if (l->payload || mnl_attr_validate(a, MNL_TYPE_BINARY) < 0 ||
		    !mnl_attr_get_payload_len(a))
			return -1;
		l->payload = a;
		break;
	}
	return 0;
}

/* The attributes tile the message: a truncated one spoils it all. */
static int packet_attrs(const struct nlmsghdr *nlh, struct logged *l)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
	size_t end = nlh->nlmsg_len;
	const struct nlattr *a;

	memset(l, 0, sizeof(*l));
	if (end < off)
		return -1;
	while (off < end) {
		a = (const struct nlattr *)((const uint8_t *)nlh + off);
		if (end - off < NLA_HDRLEN || a->nla_len < NLA_HDRLEN ||
		    a->nla_len > end - off || packet_attr(a, l) < 0)
			return -1;
		off += NLA_ALIGN(a->nla_len);
	}
	return l->payload ? 0 : -1;
}

/*
 * The hook's family (NFPROTO_IPV4/IPV6 equal AF_INET/AF_INET6, also in an
 * inet table); for bridge and netdev hooks, the packet's ethertype.
 */
static int logged_family(const struct nfgenmsg *nfg, const struct logged *l)
{
	const struct nfulnl_msg_packet_hdr *ph;

	if (nfg->nfgen_family == AF_INET || nfg->nfgen_family == AF_INET6)
		return nfg->nfgen_family;
	if (!l->hdr)
		return 0;
	ph = mnl_attr_get_payload(l->hdr);
	switch (ntohs(ph->hw_protocol)) {
	case ETH_P_IP:
		return AF_INET;
	case ETH_P_IPV6:
		return AF_INET6;
	default:
		return 0;
	}
}

/* 1 delivered, 0 not a packet message, -1 a malformed one. */
static int packet_msg(const struct nlmsghdr *nlh, pf_nflog_fn *fn, void *arg)
{
	const struct nfgenmsg *nfg;
	const uint8_t *pkt;
	struct logged l;
	size_t len;
	int family;

	if (nlh->nlmsg_type != NFLOG_PACKET)
		return 0;
	if (packet_attrs(nlh, &l) < 0)
		return -1;
	nfg = mnl_nlmsg_get_payload(nlh);
	family = logged_family(nfg, &l);
	pkt = mnl_attr_get_payload(l.payload);
	len = mnl_attr_get_payload_len(l.payload);
	if (!family || pkt[0] >> 4 != (family == AF_INET ? 4 : 6))
		return -1;
	fn(arg, family, pkt, len);
	return 1;
}

int pf_nflog_parse(const uint8_t *buf, size_t len, pf_nflog_fn *fn, void *arg,
		   unsigned long *malformed)
{
	const struct nlmsghdr *nlh;
	size_t off = 0;
	int n = 0, r;

	while ((nlh = next_msg(buf, len, &off))) {
		r = packet_msg(nlh, fn, arg);
		if (r < 0)
			(*malformed)++;
		else
			n += r;
	}
	if (off < len)
		(*malformed)++;
	return n;
}

/*
 * A datagram from the kernel, 0 for one dropped (and counted), or -errno
 * (ENOBUFS counted too). Any process may send to a netlink port id: only
 * the kernel's (port id 0) are read. MSG_TRUNC: a packet too long for us.
 */
static ssize_t recv_kernel(struct pf_nflog *h)
{
	struct sockaddr_nl from;
	struct iovec iov = { h->buf, NFLOG_BUFSIZE };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	do {
		n = recvmsg(pf_nflog_fd(h), &msg, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == ENOBUFS)
			h->lost++;
		return -errno;
	}
	if (msg.msg_flags & MSG_TRUNC) {
		h->lost++;
		return 0;
	}
	if (msg.msg_namelen != sizeof(from) || from.nl_pid != 0 || n == 0) {
		h->malformed++;
		return 0;
	}
	return n;
}

static struct nlmsghdr *config_msg(struct pf_nflog *h, uint8_t *buf, uint8_t command)
{
	struct nfulnl_msg_config_cmd cmd = { .command = command };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = NFLOG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++h->seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(h->group);
	mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof(cmd), &cmd);
	return nlh;
}

/* The ACK of seq, among packets logged meanwhile (dropped: not yet ours to hand out). */
static int ack_in(struct pf_nflog *h, size_t n, uint32_t seq)
{
	const struct nlmsghdr *nlh;
	struct pf_nlack ack;
	size_t off = 0;

	while ((nlh = next_msg(h->buf, n, &off))) {
		if (nlh->nlmsg_type == NLMSG_ERROR && nlh->nlmsg_seq == seq) {
			pf_nlack_read(nlh, &ack);
			return ack.error;
		}
	}
	return 1;
}

/*
 * nfnetlink answers within sendmsg; the poll only guards against the odd
 * kernel, the bound against a flood of packets that hides the ACK.
 */
static int wait_ack(struct pf_nflog *h, uint32_t seq)
{
	struct pollfd pfd = { .fd = pf_nflog_fd(h), .events = POLLIN };
	ssize_t n;
	int i, r;

	for (i = 0; i < ACK_WAIT_DGRAMS; i++) {
		n = recv_kernel(h);
		if (n == -EAGAIN && poll(&pfd, 1, ACK_WAIT_MS) == 0)
			return -ETIMEDOUT;
		if (n == -EAGAIN || n == -ENOBUFS || n == 0)
			continue;
		if (n < 0)
			return (int)n;
		r = ack_in(h, (size_t)n, seq);
		if (r <= 0)
			return r;
	}
	return -ETIMEDOUT;
}

static int send_config(struct pf_nflog *h, struct nlmsghdr *nlh)
{
	if (mnl_socket_sendto(h->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return wait_ack(h, nlh->nlmsg_seq);
}

/*
 * One message: BIND, then the mode and thresholds, so no packet is queued
 * under the defaults (threshold 100, one second). The timeout matters only
 * if a rule's queue-threshold ever asks for batching.
 */
static int bind_group(struct pf_nflog *h)
{
	uint8_t buf[CONFIG_BUFSIZE] __attribute__((aligned(4)));
	struct nfulnl_msg_config_mode mode = {
		.copy_range = htonl(0xffff),
		.copy_mode = NFULNL_COPY_PACKET,
	};
	struct nlmsghdr *nlh = config_msg(h, buf, NFULNL_CFG_CMD_BIND);

	mnl_attr_put(nlh, NFULA_CFG_MODE, sizeof(mode), &mode);
	mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl(1));
	mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT, htonl(1));
	return send_config(h, nlh);
}

int pf_nflog_open(struct pf_nflog **hp, uint16_t group)
{
	struct pf_nflog *h = calloc(1, sizeof(*h));
	int err;

	*hp = NULL;
	if (!h)
		return -ENOMEM;
	h->group = group;
	h->seq = (uint32_t)time(NULL);
	h->buf = malloc(NFLOG_BUFSIZE);
	h->sock = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!h->buf || !h->sock || mnl_socket_bind(h->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = h->buf ? -errno : -ENOMEM;
		goto fail;
	}
	err = bind_group(h);
	if (err)
		goto fail;
	*hp = h;
	return 0;
fail:
	if (h->sock)
		mnl_socket_close(h->sock);
	free(h->buf);
	free(h);
	return err;
}

int pf_nflog_fd(const struct pf_nflog *h)
{
	return mnl_socket_get_fd(h->sock);
}

int pf_nflog_read(struct pf_nflog *h, pf_nflog_fn *fn, void *arg)
{
	int delivered = 0, i;
	ssize_t n;

	for (i = 0; i < PF_NFLOG_BATCH; i++) {
		n = recv_kernel(h);
		if (n == -EAGAIN)
			break;
		if (n == -ENOBUFS || n == 0)
			continue;
		if (n < 0)
			return (int)n;
		delivered += pf_nflog_parse(h->buf, (size_t)n, fn, arg, &h->malformed);
	}
	return delivered;
}

unsigned long pf_nflog_lost(const struct pf_nflog *h)
{
	return h->lost;
}

unsigned long pf_nflog_malformed(const struct pf_nflog *h)
{
	return h->malformed;
}

/* Closing the socket would unbind too (NETLINK_URELEASE); say it first. */
void pf_nflog_close(struct pf_nflog *h)
{
	uint8_t buf[CONFIG_BUFSIZE] __attribute__((aligned(4)));

	if (!h)
		return;
	send_config(h, config_msg(h, buf, NFULNL_CFG_CMD_UNBIND));
	mnl_socket_close(h->sock);
	free(h->buf);
	free(h);
}
