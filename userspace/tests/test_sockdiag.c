// SPDX-License-Identifier: GPL-2.0
/*
 * sockdiag.c: the quote of a frag-needed / Packet Too Big read, and real
 * sockets of a fresh network namespace found (or not) through sock_diag.
 * Local and remote addresses and ports differ everywhere, so that a lookup
 * with its ends swapped cannot pass.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "netns.h"
#include "sockdiag.h"
#include "tap.h"

#define MAX_EXT 4

/* An error from router to local, quoting local:lport -> remote:rport. */
struct quote {
	const char *router, *local, *remote;
	uint8_t proto;
	uint16_t lport, rport;
	uint8_t ext[MAX_EXT];	/* IPv6: extension headers of the quote, 0-ended */
	uint16_t frag_off;	/* of a fragment header among them */
};

static struct quote mk(const char *router, const char *local, const char *remote,
			uint8_t proto, uint16_t lport, uint16_t rport)
{
	return (struct quote){ .router = router, .local = local, .remote = remote,
			       .proto = proto, .lport = lport, .rport = rport };
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Both checksums of an IPv4 error of len bytes, after any change. */
static void fix4(uint8_t *p, size_t len)
{
	size_t ihl = (size_t)(p[0] & 0xf) * 4;

	put16(p + 2, (unsigned int)len);
	put16(p + 10, 0);
	put16(p + 10, csum(p, ihl, 0));
	put16(p + ihl + 2, 0);
	put16(p + ihl + 2, csum(p + ihl, len - ihl, 0));
}

static size_t build4(uint8_t *p, const struct quote *q)
{
	uint8_t *icmp = p + 20, *qh = icmp + 8, *l4 = qh + 20;

	memset(p, 0, 56);
	p[0] = 0x45;
	p[8] = 64;
	p[9] = IPPROTO_ICMP;
	inet_pton(AF_INET, q->router, p + 12);
	inet_pton(AF_INET, q->local, p + 16);
	icmp[0] = 3;
	icmp[1] = 4;
	put16(icmp + 6, 1400);
	qh[0] = 0x45;
	put16(qh + 2, 1500);
	qh[6] = 0x40;
	qh[8] = 64;
	qh[9] = q->proto;
	inet_pton(AF_INET, q->local, qh + 12);
	inet_pton(AF_INET, q->remote, qh + 16);
	put16(qh + 10, csum(qh, 20, 0));
	put16(l4, q->lport);
	put16(l4 + 2, q->rport);
	fix4(p, 56);
	return 56;
}

static void fix6(uint8_t *p, size_t len)
{
	uint8_t pseudo[40] = { 0 };
	uint32_t sum = 0;
	size_t i;

	put16(p + 4, (unsigned int)(len - 40));
	memcpy(pseudo, p + 8, 32);
	put16(pseudo + 34, (unsigned int)(len - 40));
	pseudo[39] = IPPROTO_ICMPV6;
	put16(p + 42, 0);
	for (i = 0; i < sizeof(pseudo); i += 2)
		sum += (uint32_t)pseudo[i] << 8 | pseudo[i + 1];
	put16(p + 42, csum(p + 40, len - 40, sum));
}

/* Each extension header 8 bytes; a fragment header carries frag_off. */
static size_t build6(uint8_t *p, const struct quote *q)
{
	uint8_t *icmp = p + 40, *qh = icmp + 8, *h = qh + 40, *prev = qh + 6;
	size_t len;
	int i;

	memset(p, 0, 200);
	p[0] = 0x60;
	p[6] = IPPROTO_ICMPV6;
	p[7] = 64;
	inet_pton(AF_INET6, q->router, p + 8);
	inet_pton(AF_INET6, q->local, p + 24);
	icmp[0] = 2;
	put16(icmp + 6, 1280);
	qh[0] = 0x60;
	put16(qh + 4, 1400);
	qh[7] = 64;
	inet_pton(AF_INET6, q->local, qh + 8);
	inet_pton(AF_INET6, q->remote, qh + 24);
	for (i = 0; i < MAX_EXT && q->ext[i]; i++, h += 8) {
		*prev = q->ext[i];
		prev = h;
		if (q->ext[i] == 44)
			put16(h + 2, q->frag_off);
	}
	*prev = q->proto;
	put16(h, q->lport);
	put16(h + 2, q->rport);
	len = (size_t)(h + 8 - p);
	fix6(p, len);
	return len;
}

static int ask(int family, const struct quote *q)
{
	uint8_t pkt[256];
	size_t len = family == AF_INET ? build4(pkt, q) : build6(pkt, q);

	return pf_quoted_flow_has_socket(pkt, len);
}

static void parse_good(void)
{
	struct quote q = mk("192.0.2.1", "198.51.100.7", "203.0.113.9", IPPROTO_TCP, 40000, 443);
	struct pf_quoted_flow f;
	uint8_t pkt[256], want[4];
	size_t len = build4(pkt, &q);

	is_int(pf_quoted_flow_parse(pkt, len, &f), 0, "quote: a frag-needed is read");
	inet_pton(AF_INET, "198.51.100.7", want);
	ok(f.family == AF_INET && f.proto == IPPROTO_TCP && !memcmp(f.local, want, 4) &&
	   ntohs(f.lport) == 40000 && ntohs(f.rport) == 443, "quote: our end is its source");
	inet_pton(AF_INET, "203.0.113.9", want);
	ok(!memcmp(f.remote, want, 4), "quote: the peer is its destination");

	q = mk("2001:db8::1", "2001:db8:1::7", "2001:db8:2::9", IPPROTO_UDP, 5353, 53);
	q.ext[0] = 60;
	q.ext[1] = 44;
	len = build6(pkt, &q);
	is_int(pf_quoted_flow_parse(pkt, len, &f), 0,
	       "quote: a Packet Too Big through destination options and a first fragment");
	ok(f.family == AF_INET6 && f.proto == IPPROTO_UDP && ntohs(f.lport) == 5353 &&
	   ntohs(f.rport) == 53, "quote: its protocol and ports after the extension headers");

	q.proto = 132;
	q.ext[0] = 0;
	len = build6(pkt, &q);
	ok(pf_quoted_flow_parse(pkt, len, &f) == 0 && f.proto == 132 && !f.lport && !f.rport,
	   "quote: another protocol is read, without ports");
	is_int(pf_quoted_flow_has_socket(pkt, len), 0, "no socket to ask about for it");
}

/* Every shorter copy of pkt, outer length and checksums made to match. */
static int truncations(const uint8_t *pkt, size_t len, int family)
{
	uint8_t cut[256];
	struct pf_quoted_flow f;
	size_t l;
	int bad = 0;

	for (l = 0; l < len; l++) {
		memcpy(cut, pkt, len);
		if (family == AF_INET && l >= 28)
			fix4(cut, l);
		else if (family == AF_INET6 && l >= 48)
			fix6(cut, l);
		bad += pf_quoted_flow_parse(cut, l, &f) != -EINVAL;
	}
	return bad;
}

static void parse_bad4(void)
{
	struct quote q = mk("192.0.2.1", "198.51.100.7", "203.0.113.9", IPPROTO_TCP, 40000, 443);
	struct pf_quoted_flow f;
	uint8_t pkt[256];
	size_t len = build4(pkt, &q);

	is_int(truncations(pkt, len, AF_INET), 0, "IPv4: every truncation refused, checksums right");
	is_int(pf_quoted_flow_parse(pkt, len + 1, &f), -EINVAL, "IPv4: a byte past tot_len");
	pkt[len - 1] ^= 1;
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv4: bad ICMP checksum");
	build4(pkt, &q);
	pkt[10] ^= 1;
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv4: bad header checksum");
	build4(pkt, &q);
	pkt[21] = 3;
	fix4(pkt, len);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv4: port unreachable is not frag-needed");
	build4(pkt, &q);
	pkt[19] ^= 1;
	fix4(pkt, len);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv4: not addressed to the quoted source");
	build4(pkt, &q);
	put16(pkt + 28 + 6, 0x20b9);
	fix4(pkt, len);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv4: quotes a non-first fragment");
	build4(pkt, &q);
	pkt[28] = 0x46;
	fix4(pkt, len);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv4: quoted options leave 4 bytes of L4");
	build4(pkt, &q);
	put16(pkt + 6, 0x2000);
	fix4(pkt, len);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv4: the error is a fragment");
	is_int(pf_quoted_flow_parse(NULL, 0, &f), -EINVAL, "nothing at all");
	is_int(pf_quoted_flow_has_socket((const uint8_t *)"\x50garbage", 8), -EINVAL,
	       "neither IPv4 nor IPv6: -EINVAL before any socket");
}

static void parse_bad6(void)
{
	struct quote q = mk("2001:db8::1", "2001:db8:1::7", "2001:db8:2::9", IPPROTO_TCP, 40000, 443);
	struct pf_quoted_flow f;
	uint8_t pkt[256];
	size_t len = build6(pkt, &q);

	is_int(truncations(pkt, len, AF_INET6), 0, "IPv6: every truncation refused, checksum right");
	pkt[len - 1] ^= 1;
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv6: bad ICMPv6 checksum");
	build6(pkt, &q);
	pkt[40] = 1;
	fix6(pkt, len);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv6: unreachable is not Packet Too Big");
	build6(pkt, &q);
	pkt[39] ^= 1;
	fix6(pkt, len);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv6: not addressed to the quoted source");
	q.ext[0] = 44;
	q.frag_off = 0x0100;
	len = build6(pkt, &q);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv6: quotes a non-first fragment");
	q.ext[0] = 59;
	len = build6(pkt, &q);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv6: quote ends in no next header");
	q.ext[0] = 60;
	len = build6(pkt, &q);
	pkt[48 + 40 + 1] = 200;
	fix6(pkt, len);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv6: quoted option longer than the quote");
	q = mk("2001:db8::1", "::ffff:198.51.100.7", "::ffff:203.0.113.9",
			    IPPROTO_TCP, 40000, 443);
	len = build6(pkt, &q);
	is_int(pf_quoted_flow_parse(pkt, len, &f), -EINVAL, "IPv6: IPv4-mapped quote");
}

/* Socket helpers: each returns a descriptor and fills the port, or -1. */
static int sa(int family, const char *addr, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		s4->sin_port = htons(port);
		inet_pton(AF_INET, addr, &s4->sin_addr);
		return sizeof(*s4);
	}
	s6->sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &s6->sin6_addr);
	return sizeof(*s6);
}

static int sock_at(int family, int type, const char *addr, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t l = (socklen_t)sa(family, addr, 0, &ss);
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, l) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &l) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static int connect_to(int fd, int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t l = (socklen_t)sa(family, addr, port, &ss);

	return connect(fd, (struct sockaddr *)&ss, l);
}

static void tcp_cases(int family, const char *local, const char *remote, const char *what)
{
	const char *router = family == AF_INET ? "192.0.2.1" : "2001:db8::1";
	uint16_t lport = 0, cport = 0;
	int lfd = sock_at(family, SOCK_STREAM, remote, &lport), cfd, afd = -1;
	struct quote q;

	cfd = sock_at(family, SOCK_STREAM, local, &cport);
	if (!ok(lfd >= 0 && cfd >= 0 && listen(lfd, 4) == 0 &&
		connect_to(cfd, family, remote, lport) == 0 &&
		(afd = accept(lfd, NULL, NULL)) >= 0, "%s TCP: connected", what))
		goto out;
	q = mk(router, local, remote, IPPROTO_TCP, cport, lport);
	is_int(ask(family, &q), 1, "%s TCP: the connection's socket", what);
	q = mk(router, remote, local, IPPROTO_TCP, lport, cport);
	is_int(ask(family, &q), 1, "%s TCP: the accepted socket, from its end", what);
	q = mk(router, local, remote, IPPROTO_TCP, cport, (uint16_t)(lport + 1));
	is_int(ask(family, &q), 0, "%s TCP: another remote port", what);
	q = mk(router, remote, local, IPPROTO_TCP, lport, (uint16_t)(cport + 1));
	is_int(ask(family, &q), 0, "%s TCP: to the listener's port from elsewhere: LISTEN only", what);
out:
	if (lfd >= 0)
		close(lfd);
	if (cfd >= 0)
		close(cfd);
	if (afd >= 0)
		close(afd);
}

/*
 * The side that closes first waits in TIME_WAIT, where tcp_v4_err() ignores
 * errors (and the module relays them): it does not count. On loopback the
 * FINs cross at once; the wait is for a slow machine only.
 */
static void time_wait(int family, const char *local, const char *remote, const char *what)
{
	const char *router = family == AF_INET ? "192.0.2.1" : "2001:db8::1";
	uint16_t lport = 0, cport = 0;
	int lfd = sock_at(family, SOCK_STREAM, remote, &lport), afd = -1, i, r = -1;
	int cfd = sock_at(family, SOCK_STREAM, local, &cport);
	struct quote q = mk(router, local, remote, IPPROTO_TCP, cport, lport);

	if (ok(lfd >= 0 && cfd >= 0 && listen(lfd, 4) == 0 &&
	       connect_to(cfd, family, remote, lport) == 0 &&
	       (afd = accept(lfd, NULL, NULL)) >= 0, "%s TCP: connected, to close", what)) {
		close(cfd);
		close(afd);
		cfd = afd = -1;
		for (i = 0; i < 100 && (r = ask(family, &q)) != 0; i++)
			usleep(10000);
	}
	is_int(r, 0, "%s TCP: a socket in TIME_WAIT", what);
	if (lfd >= 0)
		close(lfd);
	if (cfd >= 0)
		close(cfd);
}

static void udp_cases(int family, const char *local, const char *remote, const char *what)
{
	const char *router = family == AF_INET ? "192.0.2.1" : "2001:db8::1";
	const char *any = family == AF_INET ? "0.0.0.0" : "::";
	uint16_t cport = 0, uport = 0, wport = 0, rport = 4789;
	int cfd = sock_at(family, SOCK_DGRAM, local, &cport);
	int ufd = sock_at(family, SOCK_DGRAM, local, &uport);
	int wfd = sock_at(family, SOCK_DGRAM, any, &wport);
	struct quote q;

	if (!ok(cfd >= 0 && ufd >= 0 && wfd >= 0 && connect_to(cfd, family, remote, rport) == 0,
		"%s UDP: sockets", what))
		goto out;
	q = mk(router, local, remote, IPPROTO_UDP, cport, rport);
	is_int(ask(family, &q), 1, "%s UDP: a socket connected to the peer", what);
	q.rport = (uint16_t)(rport + 1);
	is_int(ask(family, &q), 0, "%s UDP: connected to another peer port", what);
	q = mk(router, local, remote, IPPROTO_UDP, uport, rport);
	is_int(ask(family, &q), 0, "%s UDP: a socket only bound to the port", what);
	q = mk(router, local, remote, IPPROTO_UDP, wport, rport);
	is_int(ask(family, &q), 0, "%s UDP: a wildcard socket", what);
	q = mk(router, local, remote, IPPROTO_TCP, cport, rport);
	is_int(ask(family, &q), 0, "%s UDP: the same 4-tuple in TCP", what);
out:
	if (cfd >= 0)
		close(cfd);
	if (ufd >= 0)
		close(ufd);
	if (wfd >= 0)
		close(wfd);
}

/* An IPv6 socket with IPv4-mapped addresses holds an IPv4 flow. */
static void dual_stack(void)
{
	uint16_t lport = 0, cport = 0, uport = 0;
	int lfd = sock_at(AF_INET, SOCK_STREAM, "127.0.0.1", &lport), afd = -1;
	int cfd = sock_at(AF_INET6, SOCK_STREAM, "::ffff:127.0.0.2", &cport);
	int ufd = sock_at(AF_INET6, SOCK_DGRAM, "::ffff:127.0.0.2", &uport);
	struct quote q;

	if (!ok(lfd >= 0 && cfd >= 0 && ufd >= 0 && listen(lfd, 4) == 0 &&
		connect_to(cfd, AF_INET6, "::ffff:127.0.0.1", lport) == 0 &&
		connect_to(ufd, AF_INET6, "::ffff:127.0.0.1", 4789) == 0 &&
		(afd = accept(lfd, NULL, NULL)) >= 0, "dual stack: IPv6 sockets to an IPv4 peer"))
		goto out;
	q = mk("192.0.2.1", "127.0.0.2", "127.0.0.1", IPPROTO_TCP, cport, lport);
	is_int(ask(AF_INET, &q), 1, "dual stack: an IPv4 frag-needed finds the IPv6 TCP socket");
	q = mk("192.0.2.1", "127.0.0.2", "127.0.0.1", IPPROTO_UDP, uport, 4789);
	is_int(ask(AF_INET, &q), 1, "dual stack: and the connected IPv6 UDP socket");
out:
	if (lfd >= 0)
		close(lfd);
	if (cfd >= 0)
		close(cfd);
	if (ufd >= 0)
		close(ufd);
	if (afd >= 0)
		close(afd);
}

static void real_sockets(void)
{
	char why[256];

	if (tns_enter(why, sizeof(why)) < 0) {
		tap_skip("sock_diag lookups of real sockets", why);
		return;
	}
	tcp_cases(AF_INET, "127.0.0.2", "127.0.0.1", "IPv4");
	tcp_cases(AF_INET6, "fd00::2", "::1", "IPv6");
	time_wait(AF_INET, "127.0.0.2", "127.0.0.1", "IPv4");
	time_wait(AF_INET6, "fd00::2", "::1", "IPv6");
	udp_cases(AF_INET, "127.0.0.2", "127.0.0.1", "IPv4");
	udp_cases(AF_INET6, "fd00::2", "::1", "IPv6");
	dual_stack();
	tns_leave();
}

void test_sockdiag(void)
{
	parse_good();
	parse_bad4();
	parse_bad6();
	real_sockets();
}
