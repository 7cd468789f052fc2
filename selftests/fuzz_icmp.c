// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_icmp - seeded fuzzing of pmtufix's rescue hook with mutated ICMP
 * errors, while real flows run. Driven by test-fuzz-pkt.sh.
 *
 *   fuzz_icmp -i RTR -H SRV -p CLI -S "STATS COMMAND" [-n COUNT] [-s SEED]
 *             [-c CHECK_EVERY] [-P PORT]
 *
 * The seed topology of topo.sh, addresses as drawn there. The errors are
 * Ethernet frames sent with AF_PACKET from the router's r_srv and r_mgmt
 * (pktgen.h), so they arrive at the server's eth1 and eth0, where strict
 * reverse-path filtering is on and the rescue hook runs. Meanwhile a TCP
 * flow (server -> client, data always in flight) and a pair of connected UDP
 * sockets run between server and client; the path MTU toward the client
 * (1500) is learnt through pmtufix before the fuzzing starts.
 *
 * Each error is mutated (icmp_make()): type/code (mostly 3/4), any MTU and
 * unused field, outer source (the switch's management address, the router,
 * neighbours, strangers, martians) and destination, outer IP options, wrong
 * ICMP checksums, the ICMP itself in fragments, from either interface; the
 * quote (every length 0..68 and longer ones) of the real flows or of none,
 * with random version, IHL, IP options, fragment fields, protocol, addresses,
 * ports and sequence numbers. Then icmp_judge() decides from the bytes
 * whether the kernel (loose-RPF path) or pmtufix (rescue path) could accept
 * it; those that could get an MTU of at least the learnt path MTU, so they
 * cannot lower it. Every other error must be rejected, whatever its MTU.
 *
 * Every CHECK_EVERY errors the server's route cache (all exceptions, as
 * "ip route show cache" prints them) and both sockets' path MTUs must be
 * unchanged and the flows must have moved. At the end pmtufix's counters (by
 * STATS COMMAND: "pmtufix -j stats" in the server's namespace) must add up to
 * the errors that reached its hook, and it may not have rescued more errors
 * than could be valid; then known-valid errors (UDP at mtu 1400, TCP at the
 * exact sequence at mtu 1300) must change the path MTU, which proves a
 * change would have been seen, and both flows must still carry data.
 *
 * The seed (default: random) is printed at the start and with every failure;
 * the same seed makes the same errors up to the live flows' sequence numbers.
 * Exit 0: passed, 1: failed, 2: could not set up.
 */
#include <linux/tcp.h>
#include <poll.h>

#include "pktgen.h"

#define SRV_IP		PG_IP4(10, 10, 10, 10)
#define SRV_MGMT_IP	PG_IP4(172, 20, 20, 10)
#define CLI_IP		PG_IP4(10, 10, 20, 20)
#define RTR_SRV_IP	PG_IP4(10, 10, 10, 1)
#define RTR_MGMT_IP	PG_IP4(172, 20, 20, 2)
#define SRV_NET		PG_IP4(10, 10, 10, 0)
#define CLI_NET		PG_IP4(10, 10, 20, 0)
#define MGMT_NET	PG_IP4(172, 20, 20, 0)
#define STRANGER	PG_IP4(192, 0, 2, 1)	/* TEST-NET-1: not ours, no route */

#define PATH_MTU	1500	/* r_cli: what the flows learn first */
#define MIN_PMTU	552	/* net.ipv4.route.min_pmtu: pmtufix's floor */
#define SEQ_MARGIN	(1u << 20)
#define QUOTE_MAX	160
#define CHUNK		(1 << 14)	/* TCP bytes written at most at once */
#define LIVE		4096		/* TCP bytes written after each batch */

enum { ETH1, ETH0, NIF };	/* the server's interfaces (router side: r_srv, r_mgmt) */

struct flows {
	int tcp_tx, tcp_rx, udp_tx, udp_rx;	/* the server sends */
	uint16_t tport_s, tport_c, uport_s, uport_c;
	uint32_t isn;			/* sequence number of the first byte sent */
	uint64_t written, got, acked;
	uint64_t got_checked;		/* got at the last check */
	uint64_t dgrams_sent, dgrams_got;
	uint32_t tcp_pmtu0, udp_mtu0;
};

/* One mutated error, as sent. */
struct err {
	int iface;
	uint32_t src, dst;
	uint8_t type, code;
	uint16_t unused, mtu;
	bool csum_ok, frag, inner_csum_bad;
	uint8_t opts[40];
	unsigned int optlen;
	uint8_t quote[QUOTE_MAX];
	unsigned int qlen;
};

struct tally {
	unsigned long errors, frames, frags, bad_csum, frag_needed;
	unsigned long valid_kernel, valid_module;	/* could be accepted, by path */
	unsigned long counted, maybe_counted;		/* reach pmtufix's counters */
	unsigned long qlen_seen[69];
};

struct fuzz {
	const char *inject_ns, *host_ns, *peer_ns, *stats_cmd;
	unsigned long count, check_every;
	uint16_t port;
	struct pg_rng rng;
	struct pg_tx tx[NIF];
	uint8_t dst_mac[NIF][6];
	uint8_t frames[NIF][PG_BATCH_MAX][PG_FRAME_MAX];
	uint8_t *fp[NIF][PG_BATCH_MAX];
	unsigned int flen[NIF][PG_BATCH_MAX], nf[NIF];
	double send_time;	/* in sendmmsg(): the receiving side's work included */
	struct flows f;
	struct tally t;
	char cache0[8192];
	char chunk[CHUNK];
	/* Rejected errors about a flow, since the last check: named on a failure. */
	struct err suspects[256];
	unsigned int nsuspects;
	unsigned long index;
};

static void flows_open(struct fuzz *z)
{
	struct flows *f = &z->f;
	int lfd;

	f->tport_s = z->port;
	f->tport_c = z->port + 1;
	f->uport_s = z->port + 2;
	f->uport_c = z->port + 3;
	lfd = pg_socket_in(z->host_ns, SOCK_STREAM);
	pg_bind(lfd, SRV_IP, f->tport_s);
	if (listen(lfd, 1))
		pg_die("listen");
	f->tcp_rx = pg_socket_in(z->peer_ns, SOCK_STREAM);
	pg_bind(f->tcp_rx, CLI_IP, f->tport_c);
	pg_connect(f->tcp_rx, SRV_IP, f->tport_s);
	f->tcp_tx = accept(lfd, NULL, NULL);
	if (f->tcp_tx < 0)
		pg_die("accept");
	close(lfd);
	f->isn = pg_tcp_write_seq(f->tcp_tx);

	f->udp_tx = pg_socket_in(z->host_ns, SOCK_DGRAM);
	pg_bind(f->udp_tx, SRV_IP, f->uport_s);
	f->udp_rx = pg_socket_in(z->peer_ns, SOCK_DGRAM);
	pg_bind(f->udp_rx, CLI_IP, f->uport_c);
	pg_connect(f->udp_rx, SRV_IP, f->uport_s);
	pg_connect(f->udp_tx, CLI_IP, f->uport_c);
	pg_nonblock(f->tcp_tx);
	pg_nonblock(f->tcp_rx);
	pg_nonblock(f->udp_tx);
	pg_nonblock(f->udp_rx);
}

static struct tcp_info tcp_info_of(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		pg_die("TCP_INFO");
	return ti;
}

static uint32_t udp_mtu(int fd)
{
	int mtu = 0;
	socklen_t len = sizeof(mtu);

	if (getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &len))
		pg_die("IP_MTU");
	return (uint32_t)mtu;
}

/* Move the flows on: up to @bytes more TCP data, one datagram; read what arrived. */
static void flows_pump(struct fuzz *z, size_t bytes)
{
	struct flows *f = &z->f;
	ssize_t n;

	if (bytes) {
		n = send(f->tcp_tx, z->chunk, bytes, MSG_DONTWAIT);
		if (n > 0)
			f->written += (uint64_t)n;
		else if (n < 0 && errno != EAGAIN)
			pg_fail("TCP flow: send: %s", strerror(errno));
		if (send(f->udp_tx, z->chunk, 512, MSG_DONTWAIT) == 512)
			f->dgrams_sent++;
	}
	while ((n = recv(f->tcp_rx, z->chunk, sizeof(z->chunk), MSG_DONTWAIT)) > 0)
		f->got += (uint64_t)n;
	if (n == 0 || (n < 0 && errno != EAGAIN))
		pg_fail("TCP flow: the receiver saw %s", n ? strerror(errno) : "the end");
	while (recv(f->udp_rx, z->chunk, sizeof(z->chunk), MSG_DONTWAIT) > 0)
		f->dgrams_got++;
	f->acked = tcp_info_of(f->tcp_tx).tcpi_bytes_acked;
}

/* Write @bytes and wait until all the TCP data written so far has arrived. */
static bool flows_drain(struct fuzz *z, size_t bytes, double timeout)
{
	double end = pg_now() + timeout;
	struct pollfd p = { .fd = z->f.tcp_rx, .events = POLLIN };

	while (pg_now() < end) {
		size_t chunk = bytes < CHUNK ? bytes : CHUNK;
		uint64_t before = z->f.written;

		flows_pump(z, chunk);
		bytes -= (size_t)(z->f.written - before);
		if (!bytes && z->f.got == z->f.written &&
		    tcp_info_of(z->f.tcp_tx).tcpi_unacked == 0)
			return true;
		poll(&p, 1, 10);
	}
	return false;
}

/* "ip route show cache" of the server, one line per exception, without ages. */
static void read_cache(struct fuzz *z, char *out, size_t size)
{
	char cmd[256], raw[8192], *tok, *save, *o = out;
	bool skip = false;

	snprintf(cmd, sizeof(cmd), "ip -n %s -o route show cache", z->host_ns);
	if (!pg_run(cmd, raw, sizeof(raw)))
		pg_fail("%s failed", cmd);
	*o = 0;
	for (tok = strtok_r(raw, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (skip) {
			skip = false;
			continue;
		}
		if (!strcmp(tok, "expires") || !strcmp(tok, "age")) {
			skip = true;
			continue;
		}
		if (!strcmp(tok, "\\"))
			continue;
		o += snprintf(o, size - (size_t)(o - out), "%s ", tok);
		if ((size_t)(o - out) >= size - 1)
			break;
	}
}

static void describe(const struct err *e)
{
	char src[16], dst[16], qs[16], qd[16];
	const uint8_t *q = e->quote;
	unsigned int i;

	inet_ntop(AF_INET, &e->src, src, sizeof(src));
	inet_ntop(AF_INET, &e->dst, dst, sizeof(dst));
	inet_ntop(AF_INET, q + 12, qs, sizeof(qs));
	inet_ntop(AF_INET, q + 16, qd, sizeof(qd));
	printf("#   %s type %u code %u dev %s %s > %s mtu %u%s, options %u bytes; quote %u bytes: version %u "
	       "ihl %u frag 0x%04x proto %u %s > %s; L4",
	       e->csum_ok ? "csum-ok" : "csum-bad", e->type, e->code,
	       e->iface == ETH1 ? "eth1" : "eth0", src, dst, e->mtu,
	       e->frag ? " fragmented" : "", e->optlen, e->qlen, q[0] >> 4, q[0] & 0xf,
	       pg_get16(q + 6), q[9], qs, qd);
	for (i = (q[0] & 0xfu) * 4; i < e->qlen && i < (q[0] & 0xfu) * 4 + 8; i++)
		printf(" %02x", q[i]);
	printf("\n");
}

static void suspects(struct fuzz *z)
{
	unsigned int i;

	printf("# rejected errors about a flow since the last check:\n");
	for (i = 0; i < z->nsuspects && i < ARRAY_SIZE(z->suspects); i++)
		describe(&z->suspects[i]);
}

/* Nothing that was sent may have changed a path MTU, and the flows must move. */
static void check_unchanged(struct fuzz *z, const char *when)
{
	struct flows *f = &z->f;
	char cache[8192];
	uint32_t mtu;

	flows_pump(z, CHUNK);
	flows_pump(z, 0);
	mtu = tcp_info_of(f->tcp_tx).tcpi_pmtu;
	if (mtu != f->tcp_pmtu0 || udp_mtu(f->udp_tx) != f->udp_mtu0)
		suspects(z);
	if (mtu != f->tcp_pmtu0)
		pg_fail("%s: the TCP flow's path MTU changed from %u to %u", when, f->tcp_pmtu0, mtu);
	mtu = udp_mtu(f->udp_tx);
	if (mtu != f->udp_mtu0)
		pg_fail("%s: the UDP socket's path MTU changed from %u to %u", when, f->udp_mtu0, mtu);
	read_cache(z, cache, sizeof(cache));
	if (strcmp(cache, z->cache0))
		suspects(z);
	if (strcmp(cache, z->cache0))
		pg_fail("%s: the route cache changed:\n#   before: %s\n#   after:  %s", when,
			z->cache0, cache);
	z->nsuspects = 0;
	if (f->got == f->got_checked && f->written != f->got)
		pg_fail("%s: the TCP flow is stuck at %llu of %llu bytes", when,
			(unsigned long long)f->got, (unsigned long long)f->written);
	f->got_checked = f->got;
}

static void setup(struct fuzz *z)
{
	static const char *const ifs[NIF] = { "r_srv", "r_mgmt" };
	static const char *const peers[NIF] = { "eth1", "eth0" };
	struct flows *f = &z->f;
	int i;

	memset(z->chunk, 'x', sizeof(z->chunk));
	flows_open(z);
	for (i = 0; i < NIF; i++) {
		pg_enter(z->host_ns);
		if (pg_ifmac(peers[i], z->dst_mac[i]))
			pg_die("MAC of %s", peers[i]);
		pg_enter(z->inject_ns);
		if (pg_tx_open(&z->tx[i], ifs[i], false))
			pg_die("AF_PACKET socket on %s", ifs[i]);
		for (int j = 0; j < PG_BATCH_MAX; j++)
			z->fp[i][j] = z->frames[i][j];
	}
	/* The black hole is crossed once, through pmtufix: 1500 is learnt. */
	if (!flows_drain(z, 1 << 20, 30))
		pg_fail("the TCP flow did not carry 1 MiB within 30 s (got %llu of %llu bytes):"
			" no path MTU learnt through pmtufix?",
			(unsigned long long)f->got, (unsigned long long)f->written);
	flows_pump(z, 0);
	f->tcp_pmtu0 = tcp_info_of(f->tcp_tx).tcpi_pmtu;
	f->udp_mtu0 = udp_mtu(f->udp_tx);
	if (f->tcp_pmtu0 != PATH_MTU || f->udp_mtu0 != PATH_MTU)
		pg_fail("path MTU toward the client after the first transfer: TCP %u, UDP %u, not %u",
			f->tcp_pmtu0, f->udp_mtu0, PATH_MTU);
	read_cache(z, z->cache0, sizeof(z->cache0));
	printf("# flows: TCP 10.10.10.10:%u -> 10.10.20.20:%u, UDP 10.10.10.10:%u ->"
	       " 10.10.20.20:%u; path MTU %u; route cache: %s\n", f->tport_s, f->tport_c,
	       f->uport_s, f->uport_c, f->tcp_pmtu0, z->cache0);
}


/*
 * A source the server has a route for. @sure: leave out the subnets' first
 * and last addresses, which one kernel may see as broadcast (a martian
 * source) and another as unicast.
 */
static bool routable_src(uint32_t s, bool sure)
{
	uint32_t h = ntohl(s) & 0xff;

	if (s == SRV_IP || s == SRV_MGMT_IP)
		return false;
	if (pg_in_net(s, CLI_NET, 24))
		return true;
	if (pg_in_net(s, SRV_NET, 24) || pg_in_net(s, MGMT_NET, 24))
		return !sure || (h != 0 && h != 255);
	return false;
}

/* Might the server's strict RPF let this source in on this interface? */
static bool rpf_pass(uint32_t s, int iface)
{
	if (!routable_src(s, false))
		return false;
	return pg_in_net(s, MGMT_NET, 24) == (iface == ETH0);
}

static uint32_t pick_src(struct pg_rng *r)
{
	const uint32_t odd[] = {
		PG_IP4(0, 0, 0, 0), PG_IP4(0, 1, 2, 3), PG_IP4(127, 0, 0, 1),
		PG_IP4(224, 0, 0, 1), PG_IP4(239, 1, 2, 3), PG_IP4(255, 255, 255, 255),
		PG_IP4(240, 0, 0, 1), SRV_IP, SRV_MGMT_IP, PG_IP4(10, 10, 10, 255),
		PG_IP4(10, 10, 10, 0), PG_IP4(172, 20, 20, 255),
	};
	uint32_t k = pg_below(r, 100), host = 1 + pg_below(r, 254);

	if (k < 35)
		return RTR_MGMT_IP;
	if (k < 50)
		return RTR_SRV_IP;
	if (k < 58)
		return htonl(ntohl(MGMT_NET) | host);
	if (k < 66)
		return htonl(ntohl(CLI_NET) | host);
	if (k < 74)
		return htonl(ntohl(SRV_NET) | host);
	if (k < 92)	/* strangers, no route back: 1.0.0.0 - 223.255.255.255 */
		return htonl((1 + pg_below(r, 223)) << 24 | pg_below(r, 1 << 24));
	return odd[pg_below(r, ARRAY_SIZE(odd))];
}

static uint32_t pick_dst(struct pg_rng *r)
{
	const uint32_t odd[] = {
		PG_IP4(10, 10, 10, 77), PG_IP4(1, 2, 3, 4), PG_IP4(10, 10, 10, 255),
		PG_IP4(255, 255, 255, 255), PG_IP4(224, 0, 0, 1), PG_IP4(127, 0, 0, 1),
		RTR_MGMT_IP, CLI_IP,
	};
	uint32_t k = pg_below(r, 100);

	if (k < 86)
		return SRV_IP;
	if (k < 94)
		return SRV_MGMT_IP;
	return odd[pg_below(r, ARRAY_SIZE(odd))];
}

static uint16_t pick_mtu(struct pg_rng *r)
{
	static const uint16_t edges[] = {
		0, 1, 67, 68, 69, 295, 296, 508, 551, 552, 553, 576, 1000, 1279, 1280,
		1400, 1480, 1492, 1499, 1500, 1501, 8999, 9000, 9001, 65535,
	};
	uint32_t k = pg_below(r, 100);

	if (k < 30)
		return (uint16_t)pg_next(r);
	if (k < 60)
		return edges[pg_below(r, ARRAY_SIZE(edges))];
	return (uint16_t)(68 + pg_below(r, PATH_MTU - 68 + 1));
}

/* A sequence number about where the server's unacknowledged data is. */
static uint32_t near_seq(struct pg_rng *r, const struct flows *f)
{
	uint64_t inflight = f->written - f->acked;

	return f->isn + (uint32_t)f->acked + pg_below(r, (uint32_t)inflight + 1);
}

/* Could @seq be in the server's send window at some point of the run? */
static bool seq_near(const struct flows *f, uint32_t seq)
{
	return seq - (f->isn - SEQ_MARGIN) <= (uint32_t)f->written + 2 * SEQ_MARGIN;
}

/* L4 bytes of the quote: those of a real flow (mostly), or of none. */
static uint8_t quote_l4(struct fuzz *z, uint8_t *l4, struct pg_ip4 *h)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMP, 0 };
	struct pg_rng *r = &z->rng;
	const struct flows *f = &z->f;
	uint32_t k = pg_below(r, 100);
	bool tcp = k < 45, udp = k >= 45 && k < 70;
	uint8_t proto = tcp ? IPPROTO_TCP : udp ? IPPROTO_UDP :
			protos[pg_below(r, ARRAY_SIZE(protos))];

	if (!proto)
		proto = (uint8_t)pg_next(r);
	if (!tcp && !udp) {
		h->saddr = pg_chance(r, 1, 2) ? SRV_IP : (uint32_t)pg_next(r);
		h->daddr = pg_chance(r, 1, 3) ? CLI_IP : (uint32_t)pg_next(r);
		/* An echo reply: icmp_err() updates a PMTU with no socket. */
		if (proto == IPPROTO_ICMP && pg_chance(r, 1, 2))
			l4[0] = 0;
		return proto;
	}
	h->saddr = pg_chance(r, 92, 100) ? SRV_IP :
		   pg_chance(r, 1, 2) ? SRV_MGMT_IP : (uint32_t)pg_next(r);
	h->daddr = pg_chance(r, 92, 100) ? CLI_IP : (uint32_t)pg_next(r);
	pg_put16(l4, tcp ? f->tport_s : f->uport_s);
	pg_put16(l4 + 2, tcp ? f->tport_c : f->uport_c);
	if (pg_chance(r, 1, 10))
		pg_put16(l4 + 2 * pg_below(r, 2), (uint16_t)pg_next(r));
	if (tcp && pg_chance(r, 2, 5))
		pg_put32(l4 + 4, near_seq(r, f));
	if (pg_chance(r, 5, 100))
		proto = (uint8_t)pg_next(r);
	return proto;
}

/* The quoted packet: IPv4 header with every field mutated, then L4 bytes. */
static void make_quote(struct fuzz *z, struct err *e)
{
	struct pg_rng *r = &z->rng;
	uint8_t opts[40], l4[QUOTE_MAX];
	struct pg_ip4 h = { .version = 4 };
	unsigned int n, natural;
	uint32_t k;

	pg_fill(r, l4, sizeof(l4));
	h.protocol = quote_l4(z, l4, &h);
	if (pg_chance(r, 8, 100))
		h.version = (uint8_t)pg_below(r, 16);
	h.optlen = pg_chance(r, 1, 5) ? 4 * pg_below(r, 11) : 0;
	if (pg_chance(r, 7, 10))
		pg_ip4_opts(r, opts, h.optlen);
	else
		pg_fill(r, opts, h.optlen);
	h.opts = opts;
	h.ihl = (uint8_t)(pg_chance(r, 85, 100) ? 5 + h.optlen / 4 : pg_below(r, 16));
	h.tos = (uint8_t)pg_next(r);
	h.tot_len = pg_chance(r, 1, 2) ? (pg_chance(r, 1, 2) ? 9000 : 1500) : (uint16_t)pg_next(r);
	h.id = (uint16_t)pg_next(r);
	h.frag = pg_chance(r, 85, 100) ? 0x4000 : (uint16_t)pg_next(r);
	h.ttl = (uint8_t)pg_next(r);
	h.bad_csum = pg_chance(r, 1, 10);
	n = pg_ip4_put(e->quote, &h, r);
	memcpy(e->quote + n, l4, QUOTE_MAX - n);
	natural = n + 8;
	k = pg_below(r, 100);
	e->qlen = k < 40 ? natural : k < 80 ? pg_below(r, 69) :
		  natural + pg_below(r, QUOTE_MAX - natural + 1);
}

static void make_outer(struct fuzz *z, struct err *e)
{
	static const uint8_t types[] = { 0, 3, 4, 11, 12, 14, 16, 18, 40, 255 };
	struct pg_rng *r = &z->rng;
	uint32_t k = pg_below(r, 100);

	e->iface = pg_chance(r, 88, 100) ? ETH1 : ETH0;
	e->src = pick_src(r);
	e->dst = pick_dst(r);
	e->type = 3;
	e->code = 4;
	if (k >= 80 && k < 90) {
		e->code = (uint8_t)pg_below(r, 16);
	} else if (k >= 90) {
		e->type = types[pg_below(r, ARRAY_SIZE(types))];
		e->code = (uint8_t)pg_below(r, 16);
	}
	e->unused = pg_chance(r, 9, 10) ? 0 : (uint16_t)pg_next(r);
	e->mtu = pick_mtu(r);
	e->csum_ok = !pg_chance(r, 15, 100);
	k = pg_below(r, 100);
	e->optlen = k < 85 ? 0 : 4 * (1 + pg_below(r, 10));
	if (k < 98)
		pg_ip4_opts(r, e->opts, e->optlen);
	else
		pg_fill(r, e->opts, e->optlen);
	e->frag = e->qlen >= 8 && pg_chance(r, 3, 100);
}

enum verdict { INVALID, VALID_KERNEL, VALID_MODULE };

static bool local_addr(uint32_t a)
{
	return a == SRV_IP || a == SRV_MGMT_IP || pg_in_net(a, PG_IP4(127, 0, 0, 0), 8);
}

/* The quote is of the UDP flow, exactly: what pmtufix asks of UDP. */
static bool udp_flow(const struct fuzz *z, const uint8_t *q)
{
	const uint8_t *l4 = q + (q[0] & 0xfu) * 4;
	uint32_t s, d;

	memcpy(&s, q + 12, 4);
	memcpy(&d, q + 16, 4);
	return q[9] == IPPROTO_UDP && s == SRV_IP && d == CLI_IP &&
	       pg_get16(l4) == z->f.uport_s && pg_get16(l4 + 2) == z->f.uport_c;
}

/*
 * Would the kernel's ICMP handlers act on this quote? TCP: only for a
 * connection, in window. UDP: udp_err() updates the PMTU toward the quoted
 * destination with or without a socket, whenever the quoted source is ours.
 * ICMP: icmp_err() does the same for a quoted echo reply.
 */
static bool kernel_flow(const struct fuzz *z, const struct err *e)
{
	const struct flows *f = &z->f;
	const uint8_t *q = e->quote, *l4;
	unsigned int ihl;
	uint32_t s, d;

	if (e->qlen < 20)
		return false;
	ihl = (q[0] & 0xfu) * 4;
	if (ihl < 20 || e->qlen < ihl + 8)	/* icmp_socket_deliver() */
		return false;
	memcpy(&s, q + 12, 4);
	memcpy(&d, q + 16, 4);
	l4 = q + ihl;
	switch (q[9]) {
	case IPPROTO_TCP:
		return s == SRV_IP && d == CLI_IP && pg_get16(l4) == f->tport_s &&
		       pg_get16(l4 + 2) == f->tport_c && seq_near(f, pg_get32(l4 + 4));
	case IPPROTO_UDP:
		return local_addr(s);
	case IPPROTO_ICMP:
		return l4[0] == 0;
	default:
		return false;
	}
}

/*
 * Could this error be accepted: by the kernel alone (its source passes
 * strict RPF on that interface) or through pmtufix (every one of its
 * conditions holds)? A superset of what really is: anything else must be
 * rejected whatever its MTU.
 */
static enum verdict icmp_judge(const struct fuzz *z, const struct err *e)
{
	const uint8_t *q = e->quote;
	uint32_t qsaddr;

	if (!e->csum_ok || e->type != 3 || e->code != 4 || !kernel_flow(z, e))
		return INVALID;
	if (rpf_pass(e->src, e->iface))
		return VALID_KERNEL;
	memcpy(&qsaddr, q + 12, 4);
	if (e->frag || e->iface != ETH1 || (q[9] != IPPROTO_TCP && !udp_flow(z, q)) ||
	    q[0] >> 4 != 4 || (pg_get16(q + 6) & 0x1fff) || e->dst != qsaddr ||
	    e->mtu < MIN_PMTU)
		return INVALID;
	return VALID_MODULE;
}

/* One mutated error; an acceptable one gets an MTU that cannot lower the PMTU. */
static void make_error(struct fuzz *z, struct err *e)
{
	uint32_t cli = CLI_IP, stranger = STRANGER;
	struct tally *t = &z->t;
	enum verdict v;

	make_quote(z, e);
	make_outer(z, e);
	v = icmp_judge(z, e);
	if (v != INVALID && e->quote[9] == IPPROTO_ICMP) {
		/* An echo reply to anywhere would do: make it a request. */
		e->quote[(e->quote[0] & 0xf) * 4] = 8;
		v = INVALID;
	} else if (v != INVALID && e->quote[9] == IPPROTO_UDP &&
		   memcmp(e->quote + 16, &cli, 4)) {
		/* UDP to anywhere would do: quote a source that is not ours. */
		memcpy(e->quote + 12, &stranger, 4);
		v = INVALID;
	} else if (v != INVALID && e->mtu < PATH_MTU) {
		e->mtu = (uint16_t)(PATH_MTU + pg_below(&z->rng, 65536 - PATH_MTU));
	}
		if (v == INVALID && e->csum_ok && e->type == 3 && e->code == 4 && kernel_flow(z, e) &&
	    z->nsuspects < ARRAY_SIZE(z->suspects))
		z->suspects[z->nsuspects++] = *e;
	t->errors++;
	t->bad_csum += !e->csum_ok;
	if (e->qlen <= 68)
		t->qlen_seen[e->qlen]++;
	t->valid_kernel += v == VALID_KERNEL;
	t->valid_module += v == VALID_MODULE;
	if (e->type != 3 || e->code != 4)
		return;
	t->frag_needed++;
	if (e->frag)
		return;
	/* The hook counts what routes locally with success or -EXDEV. */
	if ((e->dst == SRV_IP || e->dst == SRV_MGMT_IP) && routable_src(e->src, true))
		t->counted++;
	else
		t->maybe_counted++;
}

static void flush(struct fuzz *z, int i)
{
	double t0;
	int sent;

	if (!z->nf[i])
		return;
	t0 = pg_now();
	sent = pg_tx_send(&z->tx[i], z->fp[i], z->flen[i], z->nf[i]);
	z->send_time += pg_now() - t0;
	if (sent != (int)z->nf[i])
		pg_die("only %d of %u frames were sent", sent, z->nf[i]);
	z->nf[i] = 0;
}

static void queue_frame(struct fuzz *z, int i, const uint8_t *pkt, unsigned int len)
{
	uint8_t *p;
	unsigned int n;

	if (z->nf[i] == PG_BATCH_MAX)
		flush(z, i);
	p = z->fp[i][z->nf[i]];
	n = pg_eth_put(p, z->dst_mac[i], z->tx[i].mac, 0x0800);
	memcpy(p + n, pkt, len);
	z->flen[i][z->nf[i]++] = n + len;
	z->t.frames++;
}

/* The ICMP message in 2 or 3 fragments: in order, reversed, or one missing. */
static void emit_frags(struct fuzz *z, const struct err *e, struct pg_ip4 *h,
		       const uint8_t *icmp, unsigned int ilen)
{
	struct pg_rng *r = &z->rng;
	unsigned int cut[4], pieces = 2, order = pg_below(r, 10), skip, i, j, n, len;
	uint8_t pkt[20 + 8 + QUOTE_MAX];

	cut[0] = 0;
	cut[1] = 8 * (1 + pg_below(r, (ilen - 1) / 8));
	if (cut[1] + 8 < ilen && pg_chance(r, 1, 2)) {
		cut[2] = cut[1] + 8 * (1 + pg_below(r, (ilen - cut[1] - 1) / 8));
		pieces = 3;
	}
	cut[pieces] = ilen;
	skip = order == 9 ? pg_below(r, pieces) : pieces;
	h->ihl = 5;
	h->optlen = 0;
	for (i = 0; i < pieces; i++) {
		j = order >= 7 && order < 9 ? pieces - 1 - i : i;
		if (j == skip)
			continue;
		len = cut[j + 1] - cut[j];
		h->frag = (uint16_t)(cut[j] / 8 | (j + 1 < pieces ? 0x2000 : 0));
		h->tot_len = (uint16_t)(20 + len);
		n = pg_ip4_put(pkt, h, r);
		memcpy(pkt + n, icmp + cut[j], len);
		queue_frame(z, e->iface, pkt, n + len);
	}
	z->t.frags++;
}

static void emit(struct fuzz *z, const struct err *e)
{
	uint8_t icmp[8 + QUOTE_MAX], pkt[60 + 8 + QUOTE_MAX];
	struct pg_icmp m = {
		.type = e->type, .code = e->code, .unused = e->unused, .mtu = e->mtu,
		.quote = e->quote, .qlen = e->qlen, .bad_csum = !e->csum_ok,
	};
	struct pg_ip4 h = {
		.version = 4, .ttl = 64, .protocol = IPPROTO_ICMP, .saddr = e->src,
		.daddr = e->dst, .id = (uint16_t)pg_next(&z->rng),
	};
	unsigned int ilen = pg_icmp_put(icmp, &m, &z->rng), n;

	if (e->frag) {
		emit_frags(z, e, &h, icmp, ilen);
		return;
	}
	h.opts = e->opts;
	h.optlen = e->optlen;
	h.ihl = (uint8_t)(5 + e->optlen / 4);
	h.tot_len = (uint16_t)(20 + e->optlen + ilen);
	n = pg_ip4_put(pkt, &h, &z->rng);
	memcpy(pkt + n, icmp, ilen);
	queue_frame(z, e->iface, pkt, n + ilen);
}

static void flush_all(struct fuzz *z)
{
	int i;

	for (i = 0; i < NIF; i++)
		flush(z, i);
}

static void fuzz(struct fuzz *z)
{
	unsigned long i;
	struct err e;
	char when[96];
	double t0 = pg_now(), dt;

	for (i = 1; i <= z->count; i++) {
		make_error(z, &e);
		emit(z, &e);
		if (i % PG_BATCH_MAX == 0) {
			flush_all(z);
			flows_pump(z, LIVE);
		}
		if (i % z->check_every == 0 || i == z->count) {
			flush_all(z);
			snprintf(when, sizeof(when), "after errors %lu..%lu",
				 i - (i % z->check_every ?: z->check_every) + 1, i);
			check_unchanged(z, when);
		}
	}
	dt = pg_now() - t0;
	printf("# %lu errors (%lu frames, %lu fragmented, %lu bad checksums, %lu frag-needed)"
	       " in %.1f s: %.0f errors/s (%.0f%% of the time in sendmmsg)\n", z->t.errors,
	       z->t.frames, z->t.frags, z->t.bad_csum, z->t.frag_needed, dt, z->t.errors / dt,
	       100 * z->send_time / dt);
	printf("# possibly valid: %lu by the kernel alone, %lu through pmtufix (MTU >= %u)\n",
	       z->t.valid_kernel, z->t.valid_module, PATH_MTU);
	for (i = 0; i <= 68; i++)
		if (!z->t.qlen_seen[i])
			pg_fail("no error with a quote of %lu bytes was sent", i);
}

/* pmtufix's counters: "reason": N pairs of "pmtufix -j stats". */
struct stats {
	char key[32][32];
	long v[32];
	int n;
};

static void read_stats(const struct fuzz *z, struct stats *s)
{
	char out[4096], *p = out, *q;

	if (!pg_run(z->stats_cmd, out, sizeof(out)))
		pg_fail("'%s' failed: %s", z->stats_cmd, out);
	s->n = 0;
	while (s->n < 32 && (p = strchr(p, '"')) && (q = strchr(p + 1, '"'))) {
		size_t len = (size_t)(q - p - 1);

		if (len >= sizeof(s->key[0]))
			len = sizeof(s->key[0]) - 1;
		memcpy(s->key[s->n], p + 1, len);
		s->key[s->n][len] = 0;
		p = strchr(q, ':');
		if (!p)
			break;
		s->v[s->n++] = strtol(p + 1, &p, 10);
	}
	if (!s->n)
		pg_fail("no counters in the output of '%s': %s", z->stats_cmd, out);
}

static long stat_of(const struct stats *s, const char *key)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->key[i], key))
			return s->v[i];
	return 0;
}

/* Every error that reached the hook is counted once, under some reason. */
static void check_counters(const struct fuzz *z, const struct stats *a, const struct stats *b)
{
	const struct tally *t = &z->t;
	long sum = 0, d, rescued;
	char line[1024];
	size_t n = 0;
	int i;

	line[0] = 0;
	for (i = 0; i < b->n; i++) {
		d = b->v[i] - stat_of(a, b->key[i]);
		sum += d;
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s +%ld", b->key[i], d);
		if (n >= sizeof(line))
			break;
	}
	printf("# pmtufix counted %ld:%s\n", sum, line);
	printf("# frag-needed that reach the hook: %lu for sure, %lu more maybe\n",
	       t->counted, t->maybe_counted);
	if (sum < (long)t->counted || sum > (long)(t->counted + t->maybe_counted))
		pg_fail("pmtufix counted %ld errors; between %lu and %lu reached its hook",
			sum, t->counted, t->counted + t->maybe_counted);
	rescued = stat_of(b, "rescued") - stat_of(a, "rescued");
	if (rescued > (long)t->valid_module)
		pg_fail("pmtufix rescued %ld errors; at most %lu could be valid",
			rescued, t->valid_module);
	if (stat_of(b, "disabled") != stat_of(a, "disabled"))
		pg_fail("the rescue was disabled");
}

/* A frag-needed that is right in every respect: from the switch, about a flow. */
static void send_valid(struct fuzz *z, uint8_t proto, uint16_t mtu, uint32_t seq)
{
	struct err e = {
		.iface = ETH1, .src = RTR_MGMT_IP, .dst = SRV_IP,
		.type = 3, .code = 4, .mtu = mtu, .csum_ok = true,
	};
	bool tcp = proto == IPPROTO_TCP;

	e.qlen = pg_quote_put(e.quote, proto, SRV_IP, CLI_IP,
			      tcp ? z->f.tport_s : z->f.uport_s,
			      tcp ? z->f.tport_c : z->f.uport_c, seq, 9000);
	emit(z, &e);
	flush(z, ETH1);
}

/* Valid errors must be seen to change the PMTU; the flows must still work. */
static void finale(struct fuzz *z, const struct stats *before)
{
	struct flows *f = &z->f;
	struct stats after;
	uint64_t dgrams;
	uint32_t mtu;

	send_valid(z, IPPROTO_UDP, 1400, 0);
	mtu = udp_mtu(f->udp_tx);
	if (mtu != 1400)
		pg_fail("a valid error for the UDP flow (mtu 1400) left its path MTU at %u", mtu);
	if (!flows_drain(z, 0, 30))
		pg_fail("the TCP flow did not drain within 30 s");
	send_valid(z, IPPROTO_TCP, 1300, f->isn + (uint32_t)f->written);
	mtu = tcp_info_of(f->tcp_tx).tcpi_pmtu;
	if (mtu != 1300)
		pg_fail("a valid error for the TCP flow (mtu 1300) left its path MTU at %u", mtu);
	read_stats(z, &after);
	if (stat_of(&after, "rescued") != stat_of(before, "rescued") + 2)
		pg_fail("the two valid errors were not counted as rescued (%ld -> %ld)",
			stat_of(before, "rescued"), stat_of(&after, "rescued"));
	if (!flows_drain(z, 1 << 20, 30))
		pg_fail("after the fuzzing the TCP flow did not carry 1 MiB within 30 s");
	dgrams = f->dgrams_got;
	flows_pump(z, 1);
	flows_drain(z, 0, 5);
	if (f->dgrams_got == dgrams)
		pg_fail("after the fuzzing the UDP flow carries nothing");
	printf("# valid errors lowered the path MTU to 1400 (UDP) and 1300 (TCP); TCP carried"
	       " %llu bytes, UDP %llu of %llu datagrams\n", (unsigned long long)f->got,
	       (unsigned long long)f->dgrams_got, (unsigned long long)f->dgrams_sent);
}

static void usage(void)
{
	fprintf(stderr, "usage: fuzz_icmp -i INJECT_NS -H HOST_NS -p PEER_NS -S STATS_CMD\n"
			"                 [-n COUNT] [-s SEED] [-c CHECK_EVERY] [-P PORT]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct fuzz z = { .count = 1000000, .check_every = 50000, .port = 7100 };
	struct stats before, after;
	bool seeded = false;
	int c;

	while ((c = getopt(argc, argv, "i:H:p:S:n:s:c:P:")) != -1) {
		switch (c) {
		case 'i': z.inject_ns = optarg; break;
		case 'H': z.host_ns = optarg; break;
		case 'p': z.peer_ns = optarg; break;
		case 'S': z.stats_cmd = optarg; break;
		case 'n': z.count = strtoul(optarg, NULL, 0); break;
		case 's': pg_seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'c': z.check_every = strtoul(optarg, NULL, 0); break;
		case 'P': z.port = (uint16_t)strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!z.inject_ns || !z.host_ns || !z.peer_ns || !z.stats_cmd || !z.count)
		usage();
	if (!seeded)
		pg_seed = pg_random_seed();
	if (!z.check_every)
		z.check_every = z.count;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# fuzz_icmp: seed %llu (rerun: -s %llu), %lu errors, checks every %lu\n",
	       (unsigned long long)pg_seed, (unsigned long long)pg_seed, z.count, z.check_every);
	z.rng.s = pg_seed;
	setup(&z);
	read_stats(&z, &before);
	fuzz(&z);
	flows_drain(&z, 0, 10);
	read_stats(&z, &after);
	check_counters(&z, &before, &after);
	finale(&z, &after);
	printf("# passed (seed %llu)\n", (unsigned long long)pg_seed);
	return 0;
}
