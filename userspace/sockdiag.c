// SPDX-License-Identifier: GPL-2.0
/*
 * The quoted flow of a frag-needed or Packet Too Big (attacker data, every
 * offset checked against len), and whether a socket of this host has it,
 * asked of sock_diag with one exact lookup.
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "nlack.h"
#include "relaypkt.h"
#include "sockdiag.h"

#define IP4_HDRLEN	20
#define IP6_HDRLEN	40
#define ICMP_HDRLEN	8
#define QUOTE_L4	8	/* what a router must quote past the header */
#define DIAG_BUFSIZE	8192	/* one inet_diag_msg and its few attributes */
#define DIAG_DGRAMS	16	/* others' datagrams read before giving up */
#define TW_TIMER	3	/* idiag_timer of a TIME_WAIT socket, whatever its substate */

static unsigned int be16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

/* The one's complement sum of len bytes (odd lengths padded), unfolded. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += be16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static int csum_ok(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* Ports only for the protocols the lookups know; the 8 bytes are there. */
static void quoted_ports(const uint8_t *l4, struct pf_quoted_flow *f)
{
	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		return;
	memcpy(&f->lport, l4, 2);
	memcpy(&f->rport, l4 + 2, 2);
}

/*
 * As kmod/flow.c reads the quote: no non-first fragment, and the error
 * addressed to the quoted source (a router's error goes to the sender).
 */
static int quote4(const uint8_t *q, size_t qlen, const uint8_t *outer_dst,
		  struct pf_quoted_flow *f)
{
	size_t qihl = pf_ip4_hdr(q, qlen);

	if (!qihl || qlen - qihl < QUOTE_L4 || (be16(q + 6) & 0x1fff) ||
	    memcmp(q + 12, outer_dst, 4))
		return -EINVAL;
	f->family = AF_INET;
	f->proto = q[9];
	memcpy(f->local, q + 12, 4);
	memcpy(f->remote, q + 16, 4);
	quoted_ports(q + qihl, f);
	return 0;
}

/*
 * The outer header exactly as long as the packet (the kernel trims it to
 * that before any hook), not a fragment, header checksum right (as
 * relaypkt.c wants it); ICMP type 3 code 4 with a right checksum.
 */
static int parse4(const uint8_t *p, size_t len, struct pf_quoted_flow *f)
{
	size_t ihl = pf_ip4_hdr(p, len);
	const uint8_t *icmp;
	size_t ilen;

	if (!ihl || be16(p + 2) != len || (be16(p + 6) & 0x3fff) || p[9] != IPPROTO_ICMP ||
	    !csum_ok(csum_add(0, p, ihl)))
		return -EINVAL;
	icmp = p + ihl;
	ilen = len - ihl;
	if (ilen < ICMP_HDRLEN + IP4_HDRLEN + QUOTE_L4 || icmp[0] != 3 || icmp[1] != 4 ||
	    !csum_ok(csum_add(0, icmp, ilen)))
		return -EINVAL;
	return quote4(icmp + ICMP_HDRLEN, ilen - ICMP_HDRLEN, p + 16, f);
}

static int ip6_ext_hdr(uint8_t nexthdr)
{
	/* ipv6_ext_hdr(): hop-by-hop, routing, fragment, AH, none, destination */
	return nexthdr == 0 || nexthdr == 43 || nexthdr == 44 || nexthdr == 51 ||
	       nexthdr == 59 || nexthdr == 60;
}

/*
 * The offset of what follows the quoted header's extension headers, as
 * ipv6_skip_exthdr() finds it for icmpv6_notify(); 0 when they do not fit,
 * end in "no next header", or the quote is a non-first fragment.
 */
static size_t skip_ext6(const uint8_t *q, size_t qlen, uint8_t *nexthdr)
{
	size_t off = IP6_HDRLEN, hl;

	while (ip6_ext_hdr(*nexthdr)) {
		if (*nexthdr == 59 || qlen - off < 8)
			return 0;
		if (*nexthdr == 44) {
			if (be16(q + off + 2) & ~7u)
				return 0;
			hl = 8;
		} else if (*nexthdr == 51) {
			hl = ((size_t)q[off + 1] + 2) * 4;
		} else {
			hl = ((size_t)q[off + 1] + 1) * 8;
		}
		*nexthdr = q[off];
		if (hl > qlen - off)
			return 0;
		off += hl;
	}
	return off;
}

static int v4mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, prefix, sizeof(prefix));
}

/*
 * An IPv6 packet with IPv4-mapped addresses is no flow of an IPv6 socket
 * (one talking to a mapped peer sends IPv4), and the kernel's diag lookup
 * would turn it into an IPv4 one: not a Packet Too Big to judge.
 */
static int quote6(const uint8_t *q, size_t qlen, const uint8_t *outer_dst,
		  struct pf_quoted_flow *f)
{
	uint8_t nexthdr;
	size_t off;

	if (qlen < IP6_HDRLEN + QUOTE_L4 || q[0] >> 4 != 6)
		return -EINVAL;
	nexthdr = q[6];
	off = skip_ext6(q, qlen, &nexthdr);
	if (!off || qlen - off < QUOTE_L4 || memcmp(q + 8, outer_dst, 16) ||
	    v4mapped(q + 8) || v4mapped(q + 24))
		return -EINVAL;
	f->family = AF_INET6;
	f->proto = nexthdr;
	memcpy(f->local, q + 8, 16);
	memcpy(f->remote, q + 24, 16);
	quoted_ports(q + off, f);
	return 0;
}

/*
 * No outer extension headers, as relaypkt.c wants a relayed one; ICMPv6
 * type 2 code 0, its checksum over the pseudo-header right.
 */
static int parse6(const uint8_t *p, size_t len, struct pf_quoted_flow *f)
{
	const uint8_t *icmp = p + IP6_HDRLEN;
	uint8_t pseudo[8] = { 0 };
	size_t ilen;
	uint32_t sum;

	if (len < IP6_HDRLEN + ICMP_HDRLEN + IP6_HDRLEN + QUOTE_L4 || p[0] >> 4 != 6 ||
	    be16(p + 4) != len - IP6_HDRLEN || p[6] != IPPROTO_ICMPV6)
		return -EINVAL;
	ilen = len - IP6_HDRLEN;
	pseudo[2] = (uint8_t)(ilen >> 8);
	pseudo[3] = (uint8_t)ilen;
	pseudo[7] = IPPROTO_ICMPV6;
	sum = csum_add(csum_add(csum_add(0, p + 8, 32), pseudo, sizeof(pseudo)), icmp, ilen);
	if (icmp[0] != 2 || icmp[1] != 0 || !csum_ok(sum))
		return -EINVAL;
	return quote6(icmp + ICMP_HDRLEN, ilen - ICMP_HDRLEN, p + 24, f);
}

int pf_quoted_flow_parse(const uint8_t *pkt, size_t len, struct pf_quoted_flow *f)
{
	memset(f, 0, sizeof(*f));
	if (!pkt || len < 1)
		return -EINVAL;
	switch (pkt[0] >> 4) {
	case 4:
		return parse4(pkt, len, f);
	case 6:
		return parse6(pkt, len, f);
	default:
		return -EINVAL;
	}
}

/*
 * The request for f. TCP's dump_one (inet_diag_find_one_icsk()) calls
 * inet_lookup() with idiag_dst as the packet's source: src is our end, as
 * in every reply. UDP's (udp_dump_one()) passes idiag_src first to
 * __udp4_lib_lookup(), whose first address is the remote one: src is the
 * peer ("swapped for historical reasons", the same on 6.1 and 6.12).
 */
static void diag_request(const struct pf_quoted_flow *f, struct inet_diag_req_v2 *req)
{
	size_t alen = f->family == AF_INET ? 4 : 16;
	int udp = f->proto == IPPROTO_UDP;

	memset(req, 0, sizeof(*req));
	req->sdiag_family = (uint8_t)f->family;
	req->sdiag_protocol = f->proto;
	req->idiag_states = ~0u;
	memcpy(req->id.idiag_src, udp ? f->remote : f->local, alen);
	memcpy(req->id.idiag_dst, udp ? f->local : f->remote, alen);
	req->id.idiag_sport = udp ? f->rport : f->lport;
	req->id.idiag_dport = udp ? f->lport : f->rport;
	req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
}

/* An address of a reply (always our end first) against the flow's. */
static int same_addr(const struct pf_quoted_flow *f, int family, const uint32_t *got,
		     const uint8_t *want)
{
	if (f->family == AF_INET6)
		return family == AF_INET6 && !memcmp(got, want, 16);
	if (family == AF_INET)
		return !memcmp(got, want, 4);
	/* A dual-stack IPv6 socket of an IPv4 flow, found by the IPv4 lookup. */
	return family == AF_INET6 && v4mapped((const uint8_t *)got) && !memcmp(&got[3], want, 4);
}

/*
 * The lookups fall back to listeners (TCP) and to sockets bound to the
 * port only (UDP): the reply must be the flow itself.
 */
static int reply_counts(const struct pf_quoted_flow *f, const struct inet_diag_msg *m)
{
	if (!same_addr(f, m->idiag_family, m->id.idiag_src, f->local) ||
	    !same_addr(f, m->idiag_family, m->id.idiag_dst, f->remote) ||
	    m->id.idiag_sport != f->lport || m->id.idiag_dport != f->rport)
		return 0;
	if (f->proto == IPPROTO_UDP)
		return m->idiag_state == TCP_ESTABLISHED;
	return m->idiag_state != TCP_LISTEN && m->idiag_state != TCP_TIME_WAIT &&
	       m->idiag_timer != TW_TIMER;
}

/* One answer: 1 or 0 from a reply or ENOENT, else -errno; 2: not ours. */
static int diag_answer(const struct nlmsghdr *nlh, uint32_t seq,
		       const struct pf_quoted_flow *f)
{
	struct pf_nlack ack;

	if (nlh->nlmsg_seq != seq)
		return 2;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		pf_nlack_read(nlh, &ack);
		if (ack.error == -ENOENT)
			return 0;
		return ack.error ? ack.error : -EPROTO;
	}
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct inet_diag_msg))
		return -EPROTO;
	return reply_counts(f, mnl_nlmsg_get_payload(nlh));
}

/* Each message whole within the datagram before it is read. */
static int diag_datagram(const uint8_t *buf, size_t n, uint32_t seq,
			 const struct pf_quoted_flow *f)
{
	const struct nlmsghdr *nlh;
	size_t off = 0;
	int r;

	while (n - off >= NLMSG_HDRLEN) {
		nlh = (const struct nlmsghdr *)(buf + off);
		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > n - off)
			return -EPROTO;
		r = diag_answer(nlh, seq, f);
		if (r != 2)
			return r;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
		if (off > n)
			break;
	}
	return 2;
}

/*
 * A datagram from the kernel (port id 0): any process may send to ours.
 * 0 for one dropped, or -errno.
 */
static ssize_t recv_kernel(int fd, uint8_t *buf, size_t len)
{
	struct sockaddr_nl from;
	struct iovec iov = { buf, len };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	do {
		n = recvmsg(fd, &msg, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	if ((msg.msg_flags & MSG_TRUNC) || msg.msg_namelen != sizeof(from) || from.nl_pid)
		return 0;
	return n;
}

/* The kernel answers an exact lookup within sendmsg; the timeout is a guard. */
static int diag_ask(struct mnl_socket *nl, const struct pf_quoted_flow *f)
{
	uint8_t buf[DIAG_BUFSIZE] __attribute__((aligned(4)));
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;
	uint32_t seq = (uint32_t)time(NULL);
	int r = 2, i;
	ssize_t n;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	diag_request(f, req);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (i = 0; i < DIAG_DGRAMS && r == 2; i++) {
		n = recv_kernel(mnl_socket_get_fd(nl), buf, sizeof(buf));
		if (n < 0)
			return (int)n;
		r = diag_datagram(buf, (size_t)n, seq, f);
	}
	return r == 2 ? -ETIMEDOUT : r;
}

/*
 * A socket of its own per question: an error is asked about at most at
 * the relay's rate. A kernel without the protocol's diag module answers
 * ENOENT as for no socket: the error is then relayed (Debian builds
 * tcp_diag and udp_diag as modules that sock_diag loads on demand).
 */
int pf_flow_has_socket(const struct pf_quoted_flow *f)
{
	struct timeval tv = { .tv_sec = 1 };
	struct mnl_socket *nl;
	int r;

	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		return 0;
	nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		r = -errno;
	else
		r = diag_ask(nl, f);
	mnl_socket_close(nl);
	return r;
}

int pf_quoted_flow_has_socket(const uint8_t *pkt, size_t len)
{
	struct pf_quoted_flow f;
	int r = pf_quoted_flow_parse(pkt, len, &f);

	return r < 0 ? r : pf_flow_has_socket(&f);
}
