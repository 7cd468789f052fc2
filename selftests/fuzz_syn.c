// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_syn - seeded fuzzing of pmtufix's MSS rules with mutated SYNs and
 * SYN-ACKs. Driven by test-fuzz-pkt.sh.
 *
 *   fuzz_syn -p                   print the rules to load into R ("mss add")
 *   fuzz_syn -i A -r R -o B [-n COUNT] [-s SEED]
 *
 *   $A a0 10.1.1.2 ---- r0 $R r1 ---- b0 10.1.2.2 $B
 *
 * Segments leave A's a0 as AF_PACKET frames (pktgen.h), R forwards them and
 * its POST_ROUTING hook applies the rules; B's b0 receives them, where an
 * AF_PACKET socket checks each one against what was sent. R's r1 has
 * transmit checksum offload off, so every segment that reaches B carries a
 * full checksum, computed in software where it was still offloaded.
 *
 * Mutations: flags (SYN, SYN-ACK, also with RST or others), option lists of
 * every length up to 40 bytes (MSS of any value, several MSS options, MSS
 * options of the wrong length, NOPs putting them at odd offsets, window
 * scale, SACK, timestamps, unknown kinds, zero and overlong lengths, EOL and
 * what follows it), a data offset that lies, IP options, data; sent with a
 * full checksum (right or wrong), as CHECKSUM_PARTIAL (PACKET_VNET_HDR
 * NEEDS_CSUM: R sees the pseudo-header sum only) or as GSO (TCPV4, several
 * segments' worth of data: R's output segments it). Sources and
 * destinations fall under rules of 1200, 1000, 400 (below the 536 a peer
 * assumes without an option: one is inserted), "auto" (a route of MTU 1400)
 * or none.
 *
 * Each received segment must: carry a valid TCP checksum exactly when it was
 * sent with one (offloaded ones always); have every header byte as sent
 * except each MSS value the Linux receiver would read, which is lowered to
 * the rule's value when above it and otherwise kept (so never raised), or a
 * single inserted MSS option; carry its data unchanged. B's TcpInCsumErrors
 * must rise by the wrong checksums that reached its TCP, no more. Some
 * segments must have been clamped, some options inserted, and most sent
 * segments must arrive. The seed is printed at the start and with every
 * failure. Exit 0: passed, 1: failed, 2: could not set up.
 */
#include <linux/if_ether.h>
#include <linux/virtio_net.h>
#include <poll.h>

#include "pktgen.h"

#define A_IP		PG_IP4(10, 1, 1, 2)
#define B_IP		PG_IP4(10, 1, 2, 2)
#define NO_RULE		0xffffffffu
#define AUTO_MSS	1360	/* route mtu 1400 - 40 */
#define MSS_DEFAULT	536
#define BATCH		64
#define RING		4096	/* segments remembered: late frames still find theirs */
#define SEG_MAX		1600

/* What R holds; "auto" (0) is AUTO_MSS where the test routes with mtu 1400. */
static const struct rule {
	uint32_t net;
	int plen;
	uint16_t mss;
	const char *text;
} rules[] = {
	{ PG_IP4(10, 1, 2, 0), 25, 1200, "10.1.2.0/25 1200" },
	{ PG_IP4(10, 1, 2, 64), 26, 0, "10.1.2.64/26 auto" },
	{ PG_IP4(10, 1, 2, 128), 25, 400, "10.1.2.128/25 400" },
	{ PG_IP4(10, 1, 1, 192), 26, 1000, "10.1.1.192/26 1000" },
};

enum csum_mode { CS_RIGHT, CS_WRONG, CS_PARTIAL, CS_GSO };

/* One sent segment, as much as the check needs. */
struct seg {
	uint32_t id;			/* in the ACK field: it survives everything */
	enum csum_mode mode;
	uint32_t saddr, daddr;
	uint32_t target;		/* NO_RULE or the rule's MSS */
	uint8_t th[60];			/* TCP header as sent (check field as sent) */
	unsigned int thlen;		/* bytes of header sent (= doff * 4, or 20..60) */
	uint8_t data[1448];
	unsigned int dlen;
	unsigned int gso_size;		/* CS_GSO: bytes of data per segment */
	unsigned int seen;		/* frames received */
};

struct fuzz {
	const char *send_ns, *router_ns, *recv_ns;
	unsigned long count;
	struct pg_rng rng;
	struct pg_tx tx, txv;		/* plain, and with virtio_net_hdr */
	int rx;
	uint8_t dst_mac[6];
	struct seg segs[RING];
	unsigned long sent, arrived, frames, clamped, inserted, kept, wrong_csum_seen;
	unsigned long to_b_bad_csum, modes[4], arrived_modes[4];
};

/* Longest prefix among the rules, or NO_RULE. */
static uint32_t lpm(uint32_t a)
{
	uint32_t best = NO_RULE;
	int plen = -1;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].plen > plen && pg_in_net(a, rules[i].net, rules[i].plen)) {
			plen = rules[i].plen;
			best = rules[i].mss ? rules[i].mss : AUTO_MSS;
		}
	return best;
}

static uint32_t target_of(uint32_t saddr, uint32_t daddr)
{
	uint32_t d = lpm(daddr), s = lpm(saddr);

	return d < s ? d : s;
}

/* A random option list of @len bytes (a multiple of 4). */
static void make_options(struct pg_rng *r, uint8_t *o, unsigned int len)
{
	unsigned int i = 0, n;

	pg_fill(r, o, len);
	while (i < len) {
		unsigned int left = len - i;

		switch (pg_below(r, 10)) {
		case 0: case 1: case 2:		/* MSS, any value */
			if (left < 4)
				goto nop;
			o[i] = 2;
			o[i + 1] = 4;
			n = pg_below(r, 6);
			pg_put16(o + i + 2, n == 0 ? 0 : n == 1 ? 65535 : n == 2 ? 1200 :
				 (uint16_t)(1 + pg_below(r, 2000)));
			i += 4;
			break;
		case 3:	nop:			/* NOP: moves what follows to odd offsets */
			o[i++] = 1;
			break;
		case 4:				/* window scale, SACK permitted, timestamps */
			n = (unsigned int[]){ 3, 2, 10 }[pg_below(r, 3)];
			if (left < n)
				goto nop;
			o[i] = n == 3 ? 3 : n == 2 ? 4 : 8;
			o[i + 1] = (uint8_t)n;
			i += n;
			break;
		case 5:				/* MSS of a wrong length */
			o[i] = 2;
			if (left >= 2)
				o[i + 1] = (uint8_t)(pg_chance(r, 1, 2) ? 3 : 5 + pg_below(r, 4));
			i += left >= 2 ? o[i + 1] : 1;
			break;
		case 6:				/* unknown kind, lengths 0..left+3 */
			o[i] = (uint8_t)(9 + pg_below(r, 240));
			if (left >= 2)
				o[i + 1] = (uint8_t)pg_below(r, left + 4);
			i += left >= 2 && o[i + 1] >= 2 ? o[i + 1] : left;
			break;
		case 7:				/* EOL, then whatever */
			o[i] = 0;
			return;
		default:			/* random bytes to the end */
			return;
		}
	}
}

/* The TCP header and data of one segment; the checksum comes later. */
static void make_tcp(struct fuzz *z, struct seg *s)
{
	static const uint8_t flags[] = { 0x02, 0x02, 0x02, 0x12, 0x12, 0x06, 0x16, 0xc2, 0x2a, 0x03 };
	struct pg_rng *r = &z->rng;
	unsigned int olen = 4 * pg_below(r, 11);
	uint8_t *th = s->th;

	memset(th, 0, sizeof(s->th));
	pg_put16(th, (uint16_t)pg_next(r));
	pg_put16(th + 2, (uint16_t)pg_next(r));
	pg_put32(th + 4, (uint32_t)pg_next(r));
	pg_put32(th + 8, s->id);
	s->thlen = 20 + olen;
	th[12] = (uint8_t)((s->thlen / 4) << 4);
	/* A data offset that lies (not with GSO: every segment would differ). */
	if (s->mode != CS_GSO && pg_chance(r, 1, 20))
		th[12] = (uint8_t)(pg_below(r, 16) << 4);
	th[13] = flags[pg_below(r, ARRAY_SIZE(flags))];
	pg_put16(th + 14, (uint16_t)pg_next(r));
	make_options(r, th + 20, olen);
	s->dlen = 0;
	if (s->mode == CS_GSO)
		s->dlen = 300 + pg_below(r, 1100);
	else if (pg_chance(r, 1, 5))
		s->dlen = 1 + pg_below(r, 200);
	pg_fill(r, s->data, s->dlen);
}

/*
 * The segment R must make of @s (into @out, room for SEG_MAX bytes), as the
 * Linux receiver reads the options: each MSS value above the rule's lowered
 * to it; without any MSS option, one inserted in front when the rule is
 * below the default and nothing follows the header (as the receiver reads
 * it: a data offset may cover bytes sent as data). A data offset that lies
 * makes the receiver read data bytes as options, so the walk runs over the
 * bytes as sent, header and data alike. Returns the length of @out; the
 * header is that minus the data.
 */
static unsigned int expect(const struct seg *s, uint8_t *out)
{
	const uint8_t *th = out;
	unsigned int hdrlen = (s->th[12] >> 4) * 4u, len = s->thlen + s->dlen, i, n = 0, off[10];
	uint32_t t = s->target;
	bool seen = false, odd = false;

	memcpy(out, s->th, s->thlen);
	memcpy(out + s->thlen, s->data, s->dlen);
	if (t == NO_RULE || !(th[13] & 0x02) || (th[13] & 0x04) ||
	    hdrlen < 20 || hdrlen > len)
		return len;
	for (i = 20; i < hdrlen;) {
		if (th[i] == 0)
			break;
		if (th[i] == 1) {
			i++;
			continue;
		}
		if (hdrlen - i < 2 || th[i + 1] < 2 || th[i + 1] > hdrlen - i) {
			odd = true;
			break;
		}
		if (th[i] == 2 && th[i + 1] == 4) {
			uint16_t mss = pg_get16(th + i + 2);

			seen = true;
			if ((mss ? mss : MSS_DEFAULT) > t && n < ARRAY_SIZE(off))
				off[n++] = i + 2;
		} else if (th[i] == 2) {
			odd = true;
		}
		i += th[i + 1];
	}
	for (i = 0; i < n; i++)
		pg_put16(out + off[i], (uint16_t)t);
	/* No payload past the data offset, as read: a lying one may cover the "data". */
	if (n || seen || MSS_DEFAULT <= t || odd || hdrlen != len || hdrlen + 4 > 60)
		return len;
	memmove(out + 24, out + 20, hdrlen - 20);
	out[12] = (uint8_t)(((hdrlen + 4) / 4) << 4 | (s->th[12] & 0xf));
	out[20] = 2;
	out[21] = 4;
	pg_put16(out + 22, (uint16_t)t);
	return hdrlen + 4;
}

static uint32_t pick_src(struct pg_rng *r)
{
	return pg_chance(r, 3, 5) ? A_IP : PG_IP4(10, 1, 1, 192 + pg_below(r, 64));
}

static uint32_t pick_dst(struct pg_rng *r)
{
	uint32_t k = pg_below(r, 100);

	return k < 40 ? B_IP : k < 65 ? PG_IP4(10, 1, 2, 70) :
	       k < 85 ? PG_IP4(10, 1, 2, 200) : PG_IP4(10, 1, 3, 5);
}

/* The frame of @s into @p (after a virtio_net_hdr for the offloaded modes). */
static unsigned int make_frame(struct fuzz *z, struct seg *s, uint8_t *p)
{
	struct pg_rng *r = &z->rng;
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)p;
	uint8_t opts[40];
	struct pg_ip4 h = {
		.version = 4, .ttl = 64, .protocol = IPPROTO_TCP, .id = (uint16_t)pg_next(r),
		.frag = pg_chance(r, 4, 5) ? 0x4000 : 0, .saddr = s->saddr, .daddr = s->daddr,
		.opts = opts,
	};
	unsigned int n = 0, tlen = s->thlen + s->dlen;
	uint8_t *th;
	uint32_t sum;

	if (s->mode == CS_PARTIAL || s->mode == CS_GSO)
		n = sizeof(*vh);
	h.optlen = pg_chance(r, 1, 5) ? 4 * (1 + pg_below(r, 10)) : 0;
	pg_ip4_opts(r, opts, h.optlen);
	h.ihl = (uint8_t)(5 + h.optlen / 4);
	h.tot_len = (uint16_t)(20 + h.optlen + tlen);
	n += pg_eth_put(p + n, z->dst_mac, z->tx.mac, ETH_P_IP);
	n += pg_ip4_put(p + n, &h, r);
	th = p + n;
	memcpy(th, s->th, s->thlen);
	memcpy(th + s->thlen, s->data, s->dlen);
	pg_put16(th + 16, 0);
	sum = pg_pseudo_sum(s->saddr, s->daddr, IPPROTO_TCP, (uint16_t)tlen);
	if (s->mode == CS_RIGHT || s->mode == CS_WRONG) {
		uint16_t c = pg_csum_fold(pg_csum_add(sum, th, tlen, false));

		pg_put16(th + 16, s->mode == CS_RIGHT ? c : pg_csum_wrong(r, c));
	} else {
		/* CHECKSUM_PARTIAL: the field holds the pseudo-header's sum. */
		pg_put16(th + 16, (uint16_t)~pg_csum_fold(sum));
		memset(vh, 0, sizeof(*vh));
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->csum_start = (uint16_t)(n - sizeof(*vh));
		vh->csum_offset = 16;
		if (s->mode == CS_GSO) {
			vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
			vh->hdr_len = (uint16_t)(n - sizeof(*vh) + s->thlen);
			/* Segments that fit the 1400 route: R must not fragment them. */
			unsigned int room = 1400 - (n - sizeof(*vh) - 14) - s->thlen;

			vh->gso_size = (uint16_t)(100 + pg_below(r, s->dlen - 100));
			if (vh->gso_size > room)
				vh->gso_size = (uint16_t)room;
			s->gso_size = vh->gso_size;
		}
	}
	memcpy(s->th + 16, th + 16, 2);
	return n + tlen;
}

static void make_seg(struct fuzz *z, struct seg *s, uint32_t id)
{
	struct pg_rng *r = &z->rng;
	uint32_t k = pg_below(r, 100);

	s->id = id;
	s->seen = 0;
	s->mode = k < 45 ? CS_RIGHT : k < 55 ? CS_WRONG : k < 85 ? CS_PARTIAL : CS_GSO;
	s->saddr = pick_src(r);
	s->daddr = pick_dst(r);
	s->target = target_of(s->saddr, s->daddr);
	make_tcp(z, s);
	z->modes[s->mode]++;
}

static void hex(const char *what, const uint8_t *p, unsigned int n)
{
	unsigned int i;

	printf("#   %s:", what);
	for (i = 0; i < n; i++)
		printf(" %02x", p[i]);
	printf("\n");
}

static const uint8_t *fail_ip;	/* the frame being checked, for seg_fail() */

static void __attribute__((noreturn)) seg_fail(const struct seg *s, const uint8_t *tcp,
					       unsigned int tlen, const uint8_t *want,
					       unsigned int wlen, const char *why)
{
	static const char *const modes[] = { "checksum right", "checksum wrong",
					     "CHECKSUM_PARTIAL", "GSO" };
	char src[16], dst[16];

	inet_ntop(AF_INET, &s->saddr, src, sizeof(src));
	inet_ntop(AF_INET, &s->daddr, dst, sizeof(dst));
	printf("# segment %u %s > %s, %s, rule %d, %u data bytes (GSO: %u per segment):\n",
	       s->id, src, dst, modes[s->mode], s->target == NO_RULE ? -1 : (int)s->target,
	       s->dlen, s->gso_size);
	if (fail_ip)
		hex("IP hdr  ", fail_ip, (fail_ip[0] & 0xfu) * 4);
	hex("sent    ", s->th, s->thlen);
	hex("expected", want, wlen < 60 ? wlen : 60);
	hex("received", tcp, tlen < 60 ? tlen : 60);
	pg_fail("segment %u: %s", s->id, why);
}

/* One frame as B received it (from the IP header on). */
static void check_frame(struct fuzz *z, const uint8_t *ip, unsigned int len)
{
	unsigned int ihl, tot, tlen, wlen, skip;
	uint8_t want[SEG_MAX];
	const uint8_t *tcp;
	struct seg *s;
	uint32_t id, daddr;
	bool ok;

	if (len < 20 || ip[0] >> 4 != 4 || ip[9] != IPPROTO_TCP)
		return;
	ihl = (ip[0] & 0xfu) * 4;
	tot = pg_get16(ip + 2);
	/* R fragments what exceeds a route's MTU without DF: not checkable. */
	if (ihl < 20 || tot > len || tot < ihl + 20 || (pg_get16(ip + 6) & 0x3fff))
		return;
	tcp = ip + ihl;
	tlen = tot - ihl;
	fail_ip = ip;
	id = pg_get32(tcp + 8);
	s = &z->segs[id % RING];
	if (s->id != id)
		return;		/* not ours, or very late */
	s->seen++;
	z->frames++;
	if (pg_csum(ip, ihl))
		pg_fail("segment %u: wrong IP header checksum at the receiver", id);
	memcpy(&daddr, ip + 16, 4);
	ok = !pg_csum_fold(pg_csum_add(pg_pseudo_sum(s->saddr, daddr, IPPROTO_TCP,
						     (uint16_t)tlen), tcp, tlen, false));
	wlen = expect(s, want);
	if (ok != (s->mode != CS_WRONG))
		seg_fail(s, tcp, tlen, want, wlen, ok ? "a wrong TCP checksum became right" :
			 "the TCP checksum is wrong at the receiver");
	if (!ok) {
		z->wrong_csum_seen++;
		if (daddr == B_IP && (tcp[12] >> 4) >= 5 && (tcp[12] >> 4) * 4u <= tlen)
			z->to_b_bad_csum++;
	}
	/* From here on wlen is the header; GSO: every segment has it, with its own sequence and flags. */
	wlen -= s->dlen;
	for (skip = 0; skip < wlen; skip++) {
		if (skip == 16 || skip == 17 || (s->mode == CS_GSO && (skip == 13 ||
		    (skip >= 4 && skip < 8))))
			continue;
		if (skip >= tlen || tcp[skip] != want[skip])
			seg_fail(s, tcp, tlen, want, wlen, "the TCP header is not what the rule makes of it");
	}
	if (s->mode != CS_GSO &&
	    (tlen != wlen + s->dlen || memcmp(tcp + wlen, want + wlen, s->dlen)))
		seg_fail(s, tcp, tlen, want, wlen + s->dlen, "the data or the length changed");
	if (wlen > s->thlen)
		z->inserted++;
	else if (memcmp(want, s->th, s->thlen) || memcmp(want + s->thlen, s->data, s->dlen))
		z->clamped++;
	else
		z->kept++;
}

static void drain(struct fuzz *z)
{
	static uint8_t buf[70000];
	struct sockaddr_ll sll;
	socklen_t sl;
	ssize_t n;

	for (;;) {
		sl = sizeof(sll);
		n = recvfrom(z->rx, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&sll, &sl);
		if (n < 0)
			break;
		if (sll.sll_pkttype != PACKET_OUTGOING)
			check_frame(z, buf, (unsigned int)n);
	}
}

/* TcpInCsumErrors of the namespace the caller is in. */
static long csum_errors(void)
{
	char line[2][1024], *k, *v, *sk, *sv;
	FILE *f = fopen("/proc/self/net/snmp", "r");

	if (!f)
		pg_die("/proc/self/net/snmp");
	while (fgets(line[0], sizeof(line[0]), f) && fgets(line[1], sizeof(line[1]), f)) {
		if (strncmp(line[0], "Tcp:", 4))
			continue;
		k = strtok_r(line[0], " \n", &sk);
		v = strtok_r(line[1], " \n", &sv);
		while (k && v) {
			if (!strcmp(k, "InCsumErrors")) {
				fclose(f);
				return strtol(v, NULL, 10);
			}
			k = strtok_r(NULL, " \n", &sk);
			v = strtok_r(NULL, " \n", &sv);
		}
	}
	fclose(f);
	pg_die("no TcpInCsumErrors");
}

static void setup(struct fuzz *z)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int size = 1 << 22;

	pg_enter(z->router_ns);
	if (pg_ifmac("r0", z->dst_mac))
		pg_die("MAC of r0");
	pg_enter(z->send_ns);
	if (pg_tx_open(&z->tx, "a0", false) || pg_tx_open(&z->txv, "a0", true))
		pg_die("AF_PACKET sockets on a0");
	pg_enter(z->recv_ns);
	z->rx = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	sll.sll_ifindex = (int)if_nametoindex("b0");
	if (z->rx < 0 || !sll.sll_ifindex || bind(z->rx, (struct sockaddr *)&sll, sizeof(sll)))
		pg_die("AF_PACKET socket on b0");
	setsockopt(z->rx, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
}

/* A segment's record is about to be reused, or the run is over. */
static void account(struct fuzz *z, const struct seg *s)
{
	z->arrived += s->seen > 0;
	z->arrived_modes[s->mode] += s->seen > 0;
}

static void run(struct fuzz *z)
{
	static uint8_t frames[2][BATCH][PG_FRAME_MAX * 2];
	uint8_t *fp[2][BATCH];
	unsigned int len[2][BATCH], nf[2], k, nb, v;
	unsigned long i;

	for (i = 0; i < z->count; i += nb) {
		nb = z->count - i < BATCH ? (unsigned int)(z->count - i) : BATCH;
		nf[0] = nf[1] = 0;
		for (k = 0; k < nb; k++) {
			struct seg *s = &z->segs[(i + k) % RING];

			if (i + k >= RING)
				account(z, s);
			make_seg(z, s, (uint32_t)(i + k));
			v = s->mode == CS_PARTIAL || s->mode == CS_GSO;
			fp[v][nf[v]] = frames[v][nf[v]];
			len[v][nf[v]] = make_frame(z, s, fp[v][nf[v]]);
			nf[v]++;
		}
		if (nf[0])
			pg_tx_send(&z->tx, fp[0], len[0], nf[0]);
		if (nf[1])
			pg_tx_send(&z->txv, fp[1], len[1], nf[1]);
		drain(z);
		z->sent += nb;
	}
}

/* What is still on its way, then the segments not accounted for yet. */
static void finish(struct fuzz *z)
{
	struct pollfd p = { .fd = z->rx, .events = POLLIN };
	unsigned long i;

	while (poll(&p, 1, 500) > 0)
		drain(z);
	for (i = z->sent > RING ? z->sent - RING : 0; i < z->sent; i++)
		account(z, &z->segs[i % RING]);
}

int main(int argc, char **argv)
{
	static struct fuzz z = { .count = 100000 };
	struct tpacket_stats st;
	socklen_t len;
	long err0, err1;
	bool seeded = false;
	double t0, dt;
	size_t i;
	int c;

	while ((c = getopt(argc, argv, "pi:r:o:n:s:")) != -1) {
		switch (c) {
		case 'p':
			for (i = 0; i < ARRAY_SIZE(rules); i++)
				printf("mss add %s\n", rules[i].text);
			return 0;
		case 'i': z.send_ns = optarg; break;
		case 'r': z.router_ns = optarg; break;
		case 'o': z.recv_ns = optarg; break;
		case 'n': z.count = strtoul(optarg, NULL, 0); break;
		case 's': pg_seed = strtoull(optarg, NULL, 0); seeded = true; break;
		default:
			fprintf(stderr, "usage: fuzz_syn -p | -i SEND_NS -r ROUTER_NS -o RECV_NS"
				" [-n COUNT] [-s SEED]\n");
			return 2;
		}
	}
	if (!z.send_ns || !z.router_ns || !z.recv_ns || !z.count)
		return 2;
	if (!seeded)
		pg_seed = pg_random_seed();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# fuzz_syn: seed %llu (rerun: -s %llu), %lu segments\n",
	       (unsigned long long)pg_seed, (unsigned long long)pg_seed, z.count);
	z.rng.s = pg_seed;
	setup(&z);
	err0 = csum_errors();
	pg_enter(z.send_ns);
	t0 = pg_now();
	run(&z);
	dt = pg_now() - t0;
	pg_enter(z.recv_ns);
	finish(&z);
	err1 = csum_errors();
	printf("# %lu segments in %.1f s: %.0f/s; sent/arrived: checksum right %lu/%lu, wrong"
	       " %lu/%lu, partial %lu/%lu, GSO %lu/%lu\n", z.sent, dt, z.sent / dt,
	       z.modes[CS_RIGHT], z.arrived_modes[CS_RIGHT], z.modes[CS_WRONG],
	       z.arrived_modes[CS_WRONG], z.modes[CS_PARTIAL], z.arrived_modes[CS_PARTIAL],
	       z.modes[CS_GSO], z.arrived_modes[CS_GSO]);
	printf("# %lu arrived as %lu frames: %lu clamped, %lu with an inserted MSS, %lu kept\n",
	       z.arrived, z.frames, z.clamped, z.inserted, z.kept);
	printf("# wrong checksums received %lu; of them for B's TCP %lu; TcpInCsumErrors +%ld\n",
	       z.wrong_csum_seen, z.to_b_bad_csum, err1 - err0);
	/* Frames the capture socket dropped were still seen by B's TCP. */
	len = sizeof(st);
	if (getsockopt(z.rx, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		pg_die("PACKET_STATISTICS");
	if (st.tp_drops)
		printf("# the capture socket dropped %u frames\n", st.tp_drops);
	if (err1 - err0 < (long)z.to_b_bad_csum ||
	    (!st.tp_drops && err1 - err0 != (long)z.to_b_bad_csum))
		pg_fail("TcpInCsumErrors rose by %ld, %lu segments with a wrong checksum reached B's TCP",
			err1 - err0, z.to_b_bad_csum);
	if (z.arrived < z.sent / 2 || !z.clamped || !z.inserted)
		pg_fail("too little arrived or was changed: the rules did not act");
	printf("# passed (seed %llu)\n", (unsigned long long)pg_seed);
	return 0;
}
