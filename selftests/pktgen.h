/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktgen.h - what the packet fuzzer (pktfuzz.c) and the flood sender
 * (icmpflood.c) share: a seeded random generator, Internet checksums, IPv4
 * and ICMP error headers written byte by byte (any field may be wrong on
 * purpose), and Ethernet frames sent in batches with AF_PACKET sendmmsg.
 *
 * Over veth the receiving namespace handles each frame in softirq on the
 * sending CPU before sendmmsg() returns: when it returns, the frames have
 * been through the peer's ip_rcv(), netfilter and routing.
 *
 * Header-only: each program is one .c file and the selftests Makefile builds
 * each from its own source.
 */
#ifndef PKTGEN_H
#define PKTGEN_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/tcp.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PG_FRAME_MAX	2048
#define PG_BATCH_MAX	256

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* splitmix64: a whole run follows from one 64-bit seed. */
struct pg_rng {
	uint64_t s;
};

static inline uint64_t pg_next(struct pg_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in 0..n-1 (n > 0); the bias of a 64-bit modulo does not matter here. */
static inline uint32_t pg_below(struct pg_rng *r, uint32_t n)
{
	return (uint32_t)(pg_next(r) % n);
}

/* True with probability num/den. */
static inline bool pg_chance(struct pg_rng *r, uint32_t num, uint32_t den)
{
	return pg_below(r, den) < num;
}

static inline void pg_fill(struct pg_rng *r, uint8_t *p, size_t n)
{
	uint64_t v;

	for (; n >= 8; n -= 8, p += 8) {
		v = pg_next(r);
		memcpy(p, &v, 8);
	}
	if (n) {
		v = pg_next(r);
		memcpy(p, &v, n);
	}
}

/* A seed from the clock and the pid, for runs that do not name one. */
static inline uint64_t pg_random_seed(void)
{
	struct timespec ts;
	struct pg_rng r;

	clock_gettime(CLOCK_REALTIME, &ts);
	r.s = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec + ((uint64_t)getpid() << 32);
	return pg_next(&r);
}

/*
 * One's complement sum of big-endian 16-bit words; @odd says that the data
 * starts at an odd offset of the checksummed region.
 */
static inline uint32_t pg_csum_add(uint32_t sum, const void *data, size_t len, bool odd)
{
	const uint8_t *p = data;
	uint64_t s = sum;
	size_t i = 0;

	if (odd && len)
		s += p[i++];
	for (; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < len)
		s += (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

/* The checksum field's value: the complement of the folded sum. */
static inline uint16_t pg_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline uint16_t pg_csum(const void *data, size_t len)
{
	return pg_csum_fold(pg_csum_add(0, data, len, false));
}

/* A value not equivalent to @c in one's complement (0 and 0xffff are). */
static inline uint16_t pg_csum_wrong(struct pg_rng *r, uint16_t c)
{
	uint32_t s = (uint32_t)c + 1 + pg_below(r, 0xfffd);

	return (uint16_t)((s & 0xffff) + (s >> 16));
}

static inline void pg_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void pg_put32(uint8_t *p, uint32_t v)
{
	pg_put16(p, v >> 16);
	pg_put16(p + 2, v & 0xffff);
}

static inline uint16_t pg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t pg_get32(const uint8_t *p)
{
	return (uint32_t)pg_get16(p) << 16 | pg_get16(p + 2);
}

/* Sum of the TCP/UDP pseudo-header (addresses in network order). */
static inline uint32_t pg_pseudo_sum(uint32_t saddr, uint32_t daddr, uint8_t proto,
				     uint16_t len)
{
	uint8_t ph[12];

	memcpy(ph, &saddr, 4);
	memcpy(ph + 4, &daddr, 4);
	ph[8] = 0;
	ph[9] = proto;
	pg_put16(ph + 10, len);
	return pg_csum_add(0, ph, sizeof(ph), false);
}

/* IPv4 header fields; every one is written as given, right or wrong. */
struct pg_ip4 {
	uint8_t version;	/* 4 */
	uint8_t ihl;		/* in 32-bit words; the options follow regardless */
	uint8_t tos;
	uint16_t tot_len;
	uint16_t id;
	uint16_t frag;		/* flags (DF 0x4000, MF 0x2000) | offset in 8 bytes */
	uint8_t ttl;
	uint8_t protocol;
	uint32_t saddr;		/* network order */
	uint32_t daddr;		/* network order */
	const uint8_t *opts;
	unsigned int optlen;	/* bytes of options written after the 20 */
	bool bad_csum;
};

/* Writes the header and its options; returns the bytes written. */
static inline unsigned int pg_ip4_put(uint8_t *p, const struct pg_ip4 *h, struct pg_rng *r)
{
	unsigned int n = 20 + h->optlen;
	uint16_t c;

	p[0] = (uint8_t)(h->version << 4 | (h->ihl & 0xf));
	p[1] = h->tos;
	pg_put16(p + 2, h->tot_len);
	pg_put16(p + 4, h->id);
	pg_put16(p + 6, h->frag);
	p[8] = h->ttl;
	p[9] = h->protocol;
	p[10] = p[11] = 0;
	memcpy(p + 12, &h->saddr, 4);
	memcpy(p + 16, &h->daddr, 4);
	if (h->optlen)
		memcpy(p + 20, h->opts, h->optlen);
	/* The checksum covers what IHL says, as the receiver computes it. */
	c = pg_csum(p, (h->ihl & 0xf) * 4u > n ? n : (h->ihl & 0xf) * 4u);
	if (h->bad_csum)
		c = pg_csum_wrong(r, c);
	pg_put16(p + 10, c);
	return n;
}

/*
 * Valid IPv4 options of @len bytes (a multiple of 4, at most 40): NOPs, an
 * empty record-route or timestamp option, EOL padding. Routers and hosts
 * accept all of them.
 */
static inline void pg_ip4_opts(struct pg_rng *r, uint8_t *o, unsigned int len)
{
	unsigned int i = 0;

	memset(o, 0, len);
	while (i < len) {
		unsigned int left = len - i;

		switch (pg_below(r, 4)) {
		case 0:
			if (left >= 7) {	/* record route, room for one address */
				o[i] = 7;
				o[i + 1] = 7;
				o[i + 2] = 4;
				i += 7;
				break;
			}
			/* fall through */
		case 1:
			o[i++] = 1;		/* NOP */
			break;
		case 2:
			if (left >= 4 && pg_chance(r, 1, 4)) {
				/* router alert */
				o[i] = 148;
				o[i + 1] = 4;
				o[i + 2] = o[i + 3] = 0;
				i += 4;
				break;
			}
			o[i++] = 1;
			break;
		default:
			o[i] = 0;		/* EOL: the rest is padding */
			return;
		}
	}
}

/* An ICMP message: 8 bytes of header, then the quote as given. */
struct pg_icmp {
	uint8_t type;
	uint8_t code;
	uint16_t unused;	/* high half of the rest of the header */
	uint16_t mtu;		/* next-hop MTU of a frag-needed */
	const uint8_t *quote;
	unsigned int qlen;
	bool bad_csum;
};

static inline unsigned int pg_icmp_put(uint8_t *p, const struct pg_icmp *m, struct pg_rng *r)
{
	uint16_t c;

	p[0] = m->type;
	p[1] = m->code;
	p[2] = p[3] = 0;
	pg_put16(p + 4, m->unused);
	pg_put16(p + 6, m->mtu);
	memcpy(p + 8, m->quote, m->qlen);
	c = pg_csum(p, 8 + m->qlen);
	if (m->bad_csum)
		c = pg_csum_wrong(r, c);
	pg_put16(p + 2, c);
	return 8 + m->qlen;
}

/*
 * What a router quotes of a TCP or UDP packet it could not forward: the
 * IPv4 header (20 bytes, DF, a total length of @tot_len) and the first 8
 * bytes of L4: ports, then the TCP sequence number (UDP: length, checksum).
 * Addresses in network order. Returns 28.
 */
static inline unsigned int pg_quote_put(uint8_t *q, uint8_t proto, uint32_t saddr,
					uint32_t daddr, uint16_t sport, uint16_t dport,
					uint32_t seq, uint16_t tot_len)
{
	struct pg_ip4 h = {
		.version = 4, .ihl = 5, .tot_len = tot_len, .id = (uint16_t)seq,
		.frag = 0x4000, .ttl = 63, .protocol = proto,
		.saddr = saddr, .daddr = daddr,
	};

	pg_ip4_put(q, &h, NULL);
	pg_put16(q + 20, sport);
	pg_put16(q + 22, dport);
	pg_put32(q + 24, seq);
	return 28;
}

/* Ethernet header; returns 14. */
static inline unsigned int pg_eth_put(uint8_t *p, const uint8_t *dst, const uint8_t *src,
				      uint16_t proto)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	pg_put16(p + 12, proto);
	return 14;
}

/* Enter a network namespace by name (under /run/netns) or path. */
static inline int pg_setns(const char *name)
{
	char path[256];
	int fd, err;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	err = setns(fd, CLONE_NEWNET);
	close(fd);
	return err;
}

/* MAC address of @ifname in the current namespace. */
static inline int pg_ifmac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	err = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return err;
}

/* A sending end on one interface of the current namespace. */
struct pg_tx {
	int fd;
	int ifindex;
	uint8_t mac[6];		/* the interface's own */
	bool vnet;		/* frames start with a struct virtio_net_hdr */
};

/* @vnet: PACKET_VNET_HDR, for checksum offload and GSO from userspace. */
static inline int pg_tx_open(struct pg_tx *tx, const char *ifname, bool vnet)
{
	int one = 1;

	memset(tx, 0, sizeof(*tx));
	tx->ifindex = (int)if_nametoindex(ifname);
	if (!tx->ifindex || pg_ifmac(ifname, tx->mac))
		return -1;
	tx->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (tx->fd < 0)
		return -1;
	/* veth has no queue: straight to the driver, no qdisc drops. */
	if (setsockopt(tx->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		goto fail;
	if (vnet && setsockopt(tx->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)))
		goto fail;
	tx->vnet = vnet;
	return 0;
fail:
	close(tx->fd);
	tx->fd = -1;
	return -1;
}

/*
 * Send @n frames; returns how many went (sendmmsg stops at a frame the
 * kernel refuses: that one is skipped and the rest sent).
 */
static inline int pg_tx_send(struct pg_tx *tx, uint8_t *const *frames, const unsigned int *lens,
			     unsigned int n)
{
	struct mmsghdr msg[PG_BATCH_MAX];
	struct iovec iov[PG_BATCH_MAX];
	struct sockaddr_ll sll;
	unsigned int i, done = 0, refused = 0;
	int ret;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = tx->ifindex;
	sll.sll_halen = 6;
	memset(msg, 0, sizeof(msg[0]) * n);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = frames[i];
		iov[i].iov_len = lens[i];
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_name = &sll;
		msg[i].msg_hdr.msg_namelen = sizeof(sll);
	}
	while (done < n) {
		ret = sendmmsg(tx->fd, msg + done, n - done, 0);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			/* This frame was refused; go on with the next. */
			done++;
			refused++;
			continue;
		}
		done += (unsigned int)ret;
		if (!ret)
			break;
	}
	return (int)(done - refused);
}

static inline double pg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The programs' common ground: the run's seed, printed with every failure
 * (exit 1) and setup error (exit 2), namespaces entered by name, sockets.
 */
static uint64_t pg_seed;

static inline void __attribute__((format(printf, 1, 2), noreturn)) pg_fail(const char *fmt, ...)
{
	va_list ap;

	printf("# FAIL (seed %llu): ", (unsigned long long)pg_seed);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

static inline void __attribute__((format(printf, 1, 2), noreturn)) pg_die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	printf("# setup error (seed %llu): ", (unsigned long long)pg_seed);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%s)\n", strerror(err));
	fflush(stdout);
	exit(2);
}

static inline void pg_enter(const char *ns)
{
	if (pg_setns(ns))
		pg_die("cannot enter netns %s", ns);
}

/* An IPv4 address in network order, as a constant expression. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PG_IP4(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#else
#define PG_IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#endif

/* @a lies in @net/@plen (both in network order). */
static inline bool pg_in_net(uint32_t a, uint32_t net, int plen)
{
	uint32_t mask = plen ? ~0u << (32 - plen) : 0;

	return (ntohl(a) & mask) == (ntohl(net) & mask);
}

static inline void pg_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* An AF_INET socket created in namespace @ns (where the caller then stays). */
static inline int pg_socket_in(const char *ns, int type)
{
	int fd, one = 1;

	pg_enter(ns);
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		pg_die("socket in %s", ns);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return fd;
}

/* The sequence number @fd sends next (its write_seq), read in repair mode. */
static inline uint32_t pg_tcp_write_seq(int fd)
{
	int on = TCP_REPAIR_ON, off = TCP_REPAIR_OFF_NO_WP, q = TCP_SEND_QUEUE;
	uint32_t seq = 0;
	socklen_t len = sizeof(seq);

	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &on, sizeof(on)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof(q)) ||
	    getsockopt(fd, IPPROTO_TCP, TCP_QUEUE_SEQ, &seq, &len) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &off, sizeof(off)))
		pg_die("TCP_REPAIR");
	return seq;
}

static inline struct sockaddr_in pg_sin(uint32_t addr, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = addr;
	return a;
}

static inline void pg_bind(int fd, uint32_t addr, uint16_t port)
{
	struct sockaddr_in a = pg_sin(addr, port);

	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		pg_die("bind to port %u", port);
}

static inline void pg_connect(int fd, uint32_t addr, uint16_t port)
{
	struct sockaddr_in a = pg_sin(addr, port);

	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		pg_die("connect to port %u", port);
}

/* A number in a JSON object by key ("key": N), or -1. */
static inline long pg_json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	p = strchr(p + strlen(pat), ':');
	return p ? strtol(p + 1, NULL, 10) : -1;
}

/* Output of a shell command (at most @size - 1 bytes); false on failure. */
static inline bool pg_run(const char *cmd, char *out, size_t size)
{
	FILE *f = popen(cmd, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(out, 1, size - 1, f);
	out[n] = 0;
	return pclose(f) == 0;
}

#endif /* PKTGEN_H */
