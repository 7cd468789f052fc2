// SPDX-License-Identifier: GPL-2.0
/*
 * icmpflood - floods of ICMP frag-needed at the server of the seed topology
 * (topo.sh), for `make bench` (scripts/bench-flood-guest.sh drives it).
 *
 *   icmpflood -i RTR -H SRV -p CLI [-r RATE] [-P PORT] [-s SEED]
 *
 * Opens an idle TCP connection from the server (10.10.10.10) to the client
 * (10.10.20.20), then reads commands from standard input, one a line:
 *
 *   floor N    N forged errors to a MAC address nobody has: the server's
 *              eth1 drops them in ip_rcv (the cost of sending and receiving
 *              a frame, to be subtracted)
 *   forged N   N errors about no flow: from the switch's management address
 *              172.20.20.2, into eth1, quoting 10.10.10.10 -> 10.10.20.20 TCP
 *              with ports and sequence numbers that change with every error
 *              (no per-flow cache could help) and MTUs of 552..1499
 *   valid N    N errors about the connection, sequence number in the window,
 *              MTU 1500 (what the path has: accepted, changes nothing)
 *   quit
 *
 * Each flood goes out in batches of 64 frames (AF_PACKET sendmmsg into the
 * router's r_srv) at RATE frames per second (default 100000) or as fast as
 * the machine allows, and answers with one line:
 *
 *   KIND frames=N wall=SECONDS busy=SECONDS rate=FRAMES_PER_SECOND
 *
 * busy is the time spent in sendmmsg(): over veth the server's receive path
 * (ip_rcv, netfilter, routing, ICMP) runs in it, in softirq on the sending
 * CPU. Exit 0, or 2 when the setup fails.
 */
#include <linux/tcp.h>

#include "pktgen.h"

#define SRV_IP		PG_IP4(10, 10, 10, 10)
#define CLI_IP		PG_IP4(10, 10, 20, 20)
#define RTR_MGMT_IP	PG_IP4(172, 20, 20, 2)
#define BATCH		64
#define POOL		4096	/* distinct frames per kind, a multiple of BATCH */

enum kind { FLOOR, FORGED, VALID, NKINDS };

struct flood {
	const char *inject_ns, *host_ns, *peer_ns;
	double rate;
	uint16_t port;
	struct pg_rng rng;
	struct pg_tx tx;
	uint8_t srv_mac[6];
	int tcp_tx, tcp_rx;
	uint32_t seq;		/* the idle connection's snd_una = snd_nxt */
	uint16_t sport, dport;
	uint8_t *frame[NKINDS][POOL];
	unsigned int len[NKINDS][POOL];
};

static void connection(struct flood *f)
{
	int lfd;

	f->sport = f->port;
	f->dport = f->port + 1;
	lfd = pg_socket_in(f->host_ns, SOCK_STREAM);
	pg_bind(lfd, SRV_IP, f->sport);
	if (listen(lfd, 1))
		pg_die("listen");
	f->tcp_rx = pg_socket_in(f->peer_ns, SOCK_STREAM);
	pg_bind(f->tcp_rx, CLI_IP, f->dport);
	pg_connect(f->tcp_rx, SRV_IP, f->sport);
	f->tcp_tx = accept(lfd, NULL, NULL);
	if (f->tcp_tx < 0)
		pg_die("accept");
	close(lfd);
	f->seq = pg_tcp_write_seq(f->tcp_tx);
}

/* One frag-needed from the switch, quoting TCP 10.10.10.10:sport > 10.10.20.20:dport. */
static unsigned int make(struct flood *f, uint8_t *p, const uint8_t *dst_mac, uint16_t sport,
			 uint16_t dport, uint32_t seq, uint16_t mtu)
{
	uint8_t quote[28], icmp[8 + sizeof(quote)];
	struct pg_icmp m = { .type = 3, .code = 4, .mtu = mtu, .quote = quote };
	struct pg_ip4 h = {
		.version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_ICMP,
		.saddr = RTR_MGMT_IP, .daddr = SRV_IP, .id = (uint16_t)pg_next(&f->rng),
	};
	unsigned int n, ilen;

	m.qlen = pg_quote_put(quote, IPPROTO_TCP, SRV_IP, CLI_IP, sport, dport, seq, 1500 + 40);
	ilen = pg_icmp_put(icmp, &m, &f->rng);
	h.tot_len = (uint16_t)(20 + ilen);
	n = pg_eth_put(p, dst_mac, f->tx.mac, 0x0800);
	n += pg_ip4_put(p + n, &h, &f->rng);
	memcpy(p + n, icmp, ilen);
	return n + ilen;
}

static void build(struct flood *f)
{
	uint8_t nobody[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	unsigned int i, k;

	for (k = 0; k < NKINDS; k++)
		for (i = 0; i < POOL; i++) {
			f->frame[k][i] = malloc(128);
			if (!f->frame[k][i])
				pg_die("malloc");
		}
	for (i = 0; i < POOL; i++) {
		uint16_t sport = (uint16_t)(1024 + pg_below(&f->rng, 64512));
		uint16_t dport = (uint16_t)(1024 + pg_below(&f->rng, 64512));
		uint32_t seq = (uint32_t)pg_next(&f->rng);
		uint16_t mtu = (uint16_t)(552 + pg_below(&f->rng, 1500 - 552));

		f->len[FORGED][i] = make(f, f->frame[FORGED][i], f->srv_mac, sport, dport, seq, mtu);
		f->len[FLOOR][i] = make(f, f->frame[FLOOR][i], nobody, sport, dport, seq, mtu);
		f->len[VALID][i] = make(f, f->frame[VALID][i], f->srv_mac, f->sport, f->dport,
					f->seq, 1500);
	}
}

static void flood(struct flood *f, enum kind k, unsigned long n)
{
	static const char *const names[] = { "floor", "forged", "valid" };
	double t0 = pg_now(), busy = 0, a, next, now;
	unsigned long sent = 0;
	struct timespec ts;
	unsigned int b;

	while (sent < n) {
		b = n - sent < BATCH ? (unsigned int)(n - sent) : BATCH;
		a = pg_now();
		pg_tx_send(&f->tx, &f->frame[k][sent % POOL], &f->len[k][sent % POOL], b);
		now = pg_now();
		busy += now - a;
		sent += b;
		next = t0 + sent / f->rate;
		if (next > now) {
			ts.tv_sec = (time_t)(next - now);
			ts.tv_nsec = (long)((next - now - (double)ts.tv_sec) * 1e9);
			nanosleep(&ts, NULL);
		}
	}
	now = pg_now() - t0;
	printf("%s frames=%lu wall=%.6f busy=%.6f rate=%.0f\n", names[k], n, now, busy, n / now);
}

int main(int argc, char **argv)
{
	static struct flood f = { .rate = 100000, .port = 7300 };
	char line[128], cmd[16];
	unsigned long n;
	int c;

	pg_seed = pg_random_seed();
	while ((c = getopt(argc, argv, "i:H:p:r:P:s:")) != -1) {
		switch (c) {
		case 'i': f.inject_ns = optarg; break;
		case 'H': f.host_ns = optarg; break;
		case 'p': f.peer_ns = optarg; break;
		case 'r': f.rate = strtod(optarg, NULL); break;
		case 'P': f.port = (uint16_t)strtoul(optarg, NULL, 0); break;
		case 's': pg_seed = strtoull(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: icmpflood -i INJECT_NS -H HOST_NS -p PEER_NS"
					" [-r RATE] [-P PORT] [-s SEED]\n");
			return 2;
		}
	}
	if (!f.inject_ns || !f.host_ns || !f.peer_ns || f.rate <= 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	f.rng.s = pg_seed;
	connection(&f);
	pg_enter(f.host_ns);
	if (pg_ifmac("eth1", f.srv_mac))
		pg_die("MAC of eth1");
	pg_enter(f.inject_ns);
	if (pg_tx_open(&f.tx, "r_srv", false))
		pg_die("AF_PACKET socket on r_srv");
	build(&f);
	printf("ready seed=%llu seq=%u\n", (unsigned long long)pg_seed, f.seq);
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "%15s %lu", cmd, &n) < 1 || !strcmp(cmd, "quit"))
			break;
		if (!strcmp(cmd, "floor"))
			flood(&f, FLOOR, n);
		else if (!strcmp(cmd, "forged"))
			flood(&f, FORGED, n);
		else if (!strcmp(cmd, "valid"))
			flood(&f, VALID, n);
		else
			printf("error unknown command %s\n", cmd);
	}
	return 0;
}
