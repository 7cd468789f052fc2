// SPDX-License-Identifier: GPL-2.0
/*
 * nflog.c: nfnetlink_log messages read (crafted ones, well formed and not),
 * and real packets an nft rule logs in a fresh network namespace.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "netns.h"
#include "nflog.h"
#include "tap.h"

#define GROUP	7
#define MARKER	"pmtufix-nflog-test"

struct got {
	int n, family;
	size_t len;
	uint8_t pkt[2048];
};

static void collect(void *arg, int family, const uint8_t *pkt, size_t len)
{
	struct got *g = arg;

	g->n++;
	g->family = family;
	g->len = len < sizeof(g->pkt) ? len : sizeof(g->pkt);
	memcpy(g->pkt, pkt, g->len);
}

static uint8_t dgram[8192] __attribute__((aligned(4)));

/* A packet message as nfnetlink_log builds it, appended at off. */
static struct nlmsghdr *put_packet(size_t off, uint8_t family, uint16_t hw_proto,
				   const void *pkt, size_t len)
{
	struct nfulnl_msg_packet_hdr ph = { .hw_protocol = htons(hw_proto), .hook = 1 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(dgram + off);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_PACKET;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->res_id = htons(GROUP);
	mnl_attr_put(nlh, NFULA_PACKET_HDR, sizeof(ph), &ph);
	mnl_attr_put_u32(nlh, NFULA_MARK, htonl(42));
	if (pkt)
		mnl_attr_put(nlh, NFULA_PAYLOAD, len, pkt);
	return nlh;
}

static int parse(size_t len, struct got *g, unsigned long *bad)
{
	memset(g, 0, sizeof(*g));
	*bad = 0;
	return pf_nflog_parse(dgram, len, collect, g, bad);
}

static const uint8_t v4[] = { 0x45, 0, 0, 20, 1, 2, 3, 4, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1 };
static const uint8_t v6[] = { 0x60, 0, 0, 0, 0, 0, 58, 64 };

static void parse_good(void)
{
	struct nlmsghdr *nlh = put_packet(0, AF_INET, 0x0800, v4, sizeof(v4));
	size_t len = nlh->nlmsg_len;
	unsigned long bad;
	struct got g;

	is_int(parse(len, &g, &bad), 1, "nflog: a logged IPv4 packet");
	ok(g.family == AF_INET && g.len == sizeof(v4) && !memcmp(g.pkt, v4, sizeof(v4)) && !bad,
	   "nflog: its family and bytes from the network header on; other attributes passed over");
	nlh = put_packet(NLMSG_ALIGN(len), 7 /* NFPROTO_BRIDGE */, 0x86dd, v6, sizeof(v6));
	len = NLMSG_ALIGN(len) + nlh->nlmsg_len;
	nlh = mnl_nlmsg_put_header(dgram + len);
	nlh->nlmsg_type = NLMSG_DONE;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	len += nlh->nlmsg_len;
	is_int(parse(len, &g, &bad), 2, "nflog: two packets and NLMSG_DONE in one datagram");
	ok(g.family == AF_INET6 && g.len == sizeof(v6) && !bad,
	   "nflog: a bridge hook's packet: family from its ethertype");
}

static void parse_bad(void)
{
	struct nlmsghdr *nlh;
	unsigned long bad;
	struct got g;
	size_t len;

	nlh = put_packet(0, AF_INET, 0x0800, NULL, 0);
	is_int(parse(nlh->nlmsg_len, &g, &bad), 0, "nflog: no payload: skipped");
	is_int(bad, 1, "nflog: and counted");
	nlh = put_packet(0, AF_INET, 0x0800, v6, sizeof(v6));
	ok(parse(nlh->nlmsg_len, &g, &bad) == 0 && bad == 1, "nflog: IPv6 bytes from an IPv4 hook");
	nlh = put_packet(0, AF_UNSPEC, 0x0806, v4, sizeof(v4));
	ok(parse(nlh->nlmsg_len, &g, &bad) == 0 && bad == 1, "nflog: neither family nor IP ethertype");
	nlh = put_packet(0, AF_INET, 0x0800, v4, sizeof(v4));
	mnl_attr_put(nlh, NFULA_PAYLOAD, sizeof(v4), v4);
	ok(parse(nlh->nlmsg_len, &g, &bad) == 0 && bad == 1, "nflog: two payloads");
	nlh = put_packet(0, AF_INET, 0x0800, v4, sizeof(v4));
	len = nlh->nlmsg_len;
	/* The payload attribute claims a byte more than the message holds. */
	((struct nlattr *)(dgram + len - NLA_ALIGN(NLA_HDRLEN + sizeof(v4))))->nla_len =
		(uint16_t)(NLA_HDRLEN + sizeof(v4) + 1);
	ok(parse(len, &g, &bad) == 0 && bad == 1, "nflog: an attribute past the message's end");
	nlh = put_packet(0, AF_INET, 0x0800, v4, sizeof(v4));
	((struct nlattr *)(dgram + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg))))->nla_len = 7;
	ok(parse(nlh->nlmsg_len, &g, &bad) == 0 && bad == 1, "nflog: a packet header of 3 bytes");
	nlh = put_packet(0, AF_INET, 0x0800, v4, sizeof(v4));
	len = nlh->nlmsg_len;
	nlh->nlmsg_len += 4;
	ok(parse(len, &g, &bad) == 0 && bad == 1, "nflog: a message longer than the datagram");
	nlh = put_packet(0, AF_INET, 0x0800, v4, sizeof(v4));
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	ok(parse(NLMSG_HDRLEN + 4, &g, &bad) == 0 && bad == 1, "nflog: shorter than its nfgenmsg");
	ok(parse(3, &g, &bad) == 0 && bad == 1, "nflog: 3 bytes");
}

/*
 * The ruleset goes in through the nft CLI, inside the test's namespace
 * only; without nft the real test is skipped.
 */
static int nft_rules(void)
{
	FILE *f = popen("PATH=$PATH:/usr/sbin:/sbin nft -f - 2>&1", "w");

	if (!f)
		return -1;
	fprintf(f, "table inet t {\n chain out {\n  type filter hook output priority 0;\n"
		   "  icmp type echo-request log group %d\n"
		   "  icmpv6 type echo-request log group %d\n }\n}\n", GROUP, GROUP);
	return pclose(f) == 0 ? 0 : -1;
}

/* An echo request with MARKER in it, through a raw socket. */
static int ping(int family, const char *addr)
{
	uint8_t msg[8 + sizeof(MARKER)] = { family == AF_INET ? 8 : 128 };
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, proto);
	socklen_t l;
	ssize_t n;

	if (fd < 0)
		return -1;
	memcpy(msg + 8, MARKER, sizeof(MARKER));
	if (family == AF_INET) {
		inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr);
		l = sizeof(struct sockaddr_in);
	} else {
		inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr);
		l = sizeof(struct sockaddr_in6);
	}
	n = sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&ss, l);
	close(fd);
	return n == (ssize_t)sizeof(msg) ? 0 : -1;
}

/*
 * No waiting: the OUTPUT hook logs within sendto(), and with queue
 * threshold 1 nfnetlink_log sends the packet on at once. Under the
 * kernel's defaults (100 packets, one second) nothing would be there yet.
 */
static int read_one(struct pf_nflog *h, struct got *g)
{
	struct pollfd pfd = { .fd = pf_nflog_fd(h), .events = POLLIN };

	memset(g, 0, sizeof(*g));
	if (poll(&pfd, 1, 0) != 1)
		return -EAGAIN;
	return pf_nflog_read(h, collect, g);
}

static void logged(struct pf_nflog *h, int family, const char *dst, const char *what)
{
	uint8_t want[16];
	struct got g;
	size_t off = family == AF_INET ? 16 : 24, alen = family == AF_INET ? 4 : 16;

	inet_pton(family, dst, want);
	if (!ok(ping(family, dst) == 0, "nflog: %s echo request sent", what))
		return;
	is_int(read_one(h, &g), 1, "nflog: %s: one packet delivered, readable at once", what);
	ok(g.family == family && g.len >= off + alen && g.pkt[0] >> 4 == (family == AF_INET ? 4 : 6) &&
	   !memcmp(g.pkt + off, want, alen), "nflog: %s: its family and IP header", what);
	ok(g.len > sizeof(MARKER) && !memcmp(g.pkt + g.len - sizeof(MARKER), MARKER, sizeof(MARKER)),
	   "nflog: %s: the whole packet, to its last byte", what);
}

/*
 * A reader that falls behind: the kernel drops what does not fit and says
 * ENOBUFS once; that is counted, and what was queued is still read.
 */
static void overrun(struct pf_nflog *h)
{
	int small = 1, i, sent = 0, n, total = 0;
	struct got g;

	setsockopt(pf_nflog_fd(h), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	for (i = 0; i < 64; i++)
		sent += ping(AF_INET, "127.0.0.1") == 0;
	do {
		memset(&g, 0, sizeof(g));
		n = pf_nflog_read(h, collect, &g);
		total += n > 0 ? n : 0;
	} while (n > 0);
	is_int(n, 0, "nflog: overrun: reading goes on, no error");
	ok(total > 0 && total < sent, "nflog: overrun: %d of %d packets read", total, sent);
	ok(pf_nflog_lost(h) > 0, "nflog: overrun: the loss counted (%lu)", pf_nflog_lost(h));
}

static void real_group(void)
{
	struct pf_nflog *h = NULL, *h2 = NULL;
	struct got g;

	is_int(pf_nflog_open(&h, GROUP), 0, "nflog: group %d bound", GROUP);
	if (!h)
		return;
	is_int(pf_nflog_read(h, collect, &g), 0, "nflog: nothing logged yet: 0, at once");
	is_int(pf_nflog_open(&h2, GROUP), -EPERM, "nflog: a second socket on the group: EPERM");
	ok(!h2, "nflog: and no handle");
	logged(h, AF_INET, "127.0.0.1", "IPv4");
	logged(h, AF_INET6, "::1", "IPv6");
	ok(pf_nflog_lost(h) == 0 && pf_nflog_malformed(h) == 0, "nflog: nothing lost or malformed");
	overrun(h);
	pf_nflog_close(h);
	is_int(pf_nflog_open(&h, GROUP), 0, "nflog: closed: the group can be bound again");
	pf_nflog_close(h);
	pf_nflog_close(NULL);
}

static void real_nflog(void)
{
	char why[256];

	if (tns_enter(why, sizeof(why)) < 0) {
		tap_skip("NFLOG group in a network namespace", why);
		return;
	}
	if (nft_rules() < 0)
		tap_skip("NFLOG group in a network namespace",
			 "the nft CLI is missing or cannot add the test's rules");
	else
		real_group();
	tns_leave();
}

void test_nflog(void)
{
	parse_good();
	parse_bad();
	real_nflog();
}
