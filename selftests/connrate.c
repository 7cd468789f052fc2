// SPDX-License-Identifier: GPL-2.0
/*
 * connrate - TCP connection setups (or bare SYNs) per second from one network
 * namespace to addresses in another, for benchmarks (python is too slow for
 * this under TCG).
 *
 *   connrate -s SERVER_NS -c CLIENT_NS -a ADDR[,ADDR...] [-p PORT] [-t SECONDS]
 *            [-j THREADS] [-q SLICE_MS]
 *   connrate -S -c CLIENT_NS -a ADDR[,ADDR...] [-p PORT] [-t SECONDS]
 *            [-j THREADS] [-q SLICE_MS]
 *
 * Setups: a listener on each ADDR in SERVER_NS accepts and resets; THREADS
 * clients in CLIENT_NS (default 2) connect and reset in a loop. Resets
 * (SO_LINGER 0) leave no TIME_WAIT behind, so ports do not run out. Each
 * setup is a SYN, a SYN-ACK and an ACK across whatever lies between. A
 * connect() failing with ECONNRESET completed its handshake (the server's
 * reset overtook the client thread) and counts.
 *
 * -S, bare SYNs (IPv4): THREADS raw sockets send SYNs (MSS 1460, a new
 * source port each) as fast as they can; nothing listens. Over veth a send
 * carries the SYN through every namespace on its way before it returns.
 *
 * With several addresses all threads move from one to the next every
 * SLICE_MS (default 100), in the order 1..n, then n..1, and so on: the
 * variants behind the addresses are measured within the same fraction of a
 * second, which is what makes them comparable on a noisy machine. Output:
 *
 *   one address:  conns=N seconds=S rate=R errors=E
 *   several:      slice_ms=Q cycles=C
 *                 cycle K: N1 N2 ... (count per address in that cycle's slice)
 *
 * "conns" counts SYNs with -S. Exit 0, or 1 when nothing succeeded.
 * Namespaces are names under /run/netns (as "ip netns add" makes them) or
 * paths.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_ADDRS	8

static struct sockaddr_storage addrs[MAX_ADDRS];
static socklen_t addrlen;
static int naddrs;
static int server_ns, client_ns;
static atomic_bool stop;
static atomic_long conns, errors;
static atomic_int first_errno;
static double start, deadline, slice;
static long ncycles;
static atomic_long *counts;	/* [cycle][address] */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Which address this moment belongs to, and in which cycle; -1 when done. */
static int slot(long *cycle)
{
	double t = now();
	long s;
	int pos;

	if (t >= deadline)
		return -1;
	if (naddrs == 1) {
		*cycle = 0;
		return 0;
	}
	s = (long)((t - start) / slice);
	*cycle = s / naddrs;
	if (*cycle >= ncycles)
		return -1;
	pos = s % naddrs;
	return *cycle % 2 ? naddrs - 1 - pos : pos;
}

static void count(long cycle, int a)
{
	atomic_fetch_add(&conns, 1);
	atomic_fetch_add(&counts[cycle * naddrs + a], 1);
}

static int open_ns(const char *name)
{
	char path[256];

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static void enter(int ns)
{
	if (setns(ns, CLONE_NEWNET)) {
		perror("setns");
		exit(2);
	}
}

static void reset_close(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static void *client(void *arg)
{
	long cycle;
	int a;

	(void)arg;
	enter(client_ns);
	while ((a = slot(&cycle)) >= 0) {
		int fd = socket(addrs[a].ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0) {
			atomic_fetch_add(&errors, 1);
			continue;
		}
		if (connect(fd, (struct sockaddr *)&addrs[a], addrlen) == 0 || errno == ECONNRESET) {
			count(cycle, a);
		} else {
			int zero = 0;

			atomic_compare_exchange_strong(&first_errno, &zero, errno);
			atomic_fetch_add(&errors, 1);
		}
		reset_close(fd);
	}
	return NULL;
}

static struct pollfd listeners[MAX_ADDRS];

static void *server(void *arg)
{
	int i;

	(void)arg;
	while (!atomic_load(&stop)) {
		if (poll(listeners, naddrs, 100) <= 0)
			continue;
		for (i = 0; i < naddrs; i++) {
			int fd;

			if (!(listeners[i].revents & POLLIN))
				continue;
			fd = accept4(listeners[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0)
				reset_close(fd);
		}
	}
	return NULL;
}

/* RFC 1071, over a buffer of even length. */
static uint16_t csum16(const void *buf, size_t len, uint32_t sum)
{
	const uint16_t *p = buf;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

struct syn {
	struct iphdr ip;
	struct tcphdr tcp;
	uint8_t opt[4];
} __attribute__((packed));

struct pseudo {
	uint32_t saddr, daddr;
	uint8_t zero, proto;
	uint16_t len;
} __attribute__((packed));

static void syn_init(struct syn *pkt, struct pseudo *ph, const struct sockaddr_in *dst)
{
	struct sockaddr_in src;
	socklen_t slen = sizeof(src);
	int u;

	/* The source address the route to dst takes. */
	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u < 0 || connect(u, (const struct sockaddr *)dst, sizeof(*dst)) ||
	    getsockname(u, (struct sockaddr *)&src, &slen)) {
		perror("source address");
		exit(2);
	}
	close(u);

	memset(pkt, 0, sizeof(*pkt));
	pkt->ip.version = 4;
	pkt->ip.ihl = 5;
	pkt->ip.ttl = 64;
	pkt->ip.protocol = IPPROTO_TCP;
	pkt->ip.tot_len = htons(sizeof(*pkt));
	pkt->ip.saddr = src.sin_addr.s_addr;
	pkt->ip.daddr = dst->sin_addr.s_addr;
	pkt->tcp.dest = dst->sin_port;
	pkt->tcp.seq = htonl(0x12345678);
	pkt->tcp.doff = (sizeof(pkt->tcp) + sizeof(pkt->opt)) / 4;
	pkt->tcp.syn = 1;
	pkt->tcp.window = htons(64240);
	memcpy(pkt->opt, "\x02\x04\x05\xb4", 4);	/* MSS 1460 */
	ph->saddr = pkt->ip.saddr;
	ph->daddr = pkt->ip.daddr;
	ph->zero = 0;
	ph->proto = IPPROTO_TCP;
	ph->len = htons(sizeof(pkt->tcp) + sizeof(pkt->opt));
}

static void *syn_sender(void *arg)
{
	struct syn pkt[MAX_ADDRS];
	struct pseudo ph[MAX_ADDRS];
	unsigned int port = 1024 + 7919 * (unsigned int)(long)arg;
	long cycle;
	int fd, a, i;

	enter(client_ns);
	for (a = 0; a < naddrs; a++)
		syn_init(&pkt[a], &ph[a], (const struct sockaddr_in *)&addrs[a]);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("raw socket");
		exit(2);
	}
	/* A clock read per 16 sends: slices stay exact enough, the clock cheap. */
	while ((a = slot(&cycle)) >= 0) {
		for (i = 0; i < 16; i++) {
			struct syn *p = &pkt[a];
			uint32_t sum;

			p->tcp.source = htons(port);
			port = port >= 65535 ? 1024 : port + 1;
			p->tcp.check = 0;
			sum = ~csum16(&ph[a], sizeof(ph[a]), 0) & 0xffff;
			p->tcp.check = csum16(&p->tcp, sizeof(p->tcp) + sizeof(p->opt), sum);
			if (sendto(fd, p, sizeof(*p), 0, (const struct sockaddr *)&addrs[a],
				   sizeof(struct sockaddr_in)) == sizeof(*p))
				count(cycle, a);
			else
				atomic_fetch_add(&errors, 1);
		}
	}
	close(fd);
	return NULL;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: connrate -s SERVER_NS -c CLIENT_NS -a ADDR[,ADDR...] [-p PORT] [-t SECONDS]\n"
		"                [-j THREADS] [-q SLICE_MS]\n"
		"       connrate -S -c CLIENT_NS -a ADDR[,ADDR...] [-p PORT] [-t SECONDS]\n"
		"                [-j THREADS] [-q SLICE_MS]\n");
	exit(2);
}

static void parse_addrs(char *list, int port)
{
	char *a, *save = NULL;

	for (a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&addrs[naddrs];
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&addrs[naddrs];
		socklen_t len;

		if (naddrs == MAX_ADDRS)
			usage();
		memset(&addrs[naddrs], 0, sizeof(addrs[naddrs]));
		if (inet_pton(AF_INET, a, &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons(port);
			len = sizeof(*sin);
		} else if (inet_pton(AF_INET6, a, &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(port);
			len = sizeof(*sin6);
		} else {
			usage();
		}
		if (naddrs && len != addrlen)
			usage();	/* one family */
		addrlen = len;
		naddrs++;
	}
	if (!naddrs)
		usage();
}

int main(int argc, char **argv)
{
	const char *sns = NULL, *cns = NULL;
	char *alist = NULL;
	int port = 5999, threads = 2, one = 1, opt, i, a;
	double seconds = 3, slice_ms = 100;
	pthread_t srv, *cli;
	bool syns = false;
	long c;

	while ((opt = getopt(argc, argv, "Ss:c:a:p:t:j:q:")) != -1) {
		switch (opt) {
		case 'S': syns = true; break;
		case 's': sns = optarg; break;
		case 'c': cns = optarg; break;
		case 'a': alist = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 'j': threads = atoi(optarg); break;
		case 'q': slice_ms = atof(optarg); break;
		default: usage();
		}
	}
	if ((!sns && !syns) || !cns || !alist || threads < 1 || seconds <= 0 || slice_ms <= 0)
		usage();
	parse_addrs(alist, port);
	if (syns && addrs[0].ss_family != AF_INET)
		usage();
	slice = slice_ms / 1000;
	ncycles = naddrs == 1 ? 1 : (long)(seconds / (slice * naddrs));
	if (ncycles < 1)
		usage();
	counts = calloc(ncycles * naddrs, sizeof(*counts));
	cli = calloc(threads, sizeof(*cli));
	client_ns = open_ns(cns);
	if (!counts || !cli || client_ns < 0) {
		perror("connrate");
		return 2;
	}

	if (!syns) {
		/* The listeners are made in the server's namespace by this thread. */
		server_ns = open_ns(sns);
		if (server_ns < 0) {
			perror("open netns");
			return 2;
		}
		enter(server_ns);
		for (a = 0; a < naddrs; a++) {
			int fd = socket(addrs[a].ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

			if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
			    bind(fd, (struct sockaddr *)&addrs[a], addrlen) || listen(fd, 4096)) {
				perror("listen");
				return 2;
			}
			listeners[a].fd = fd;
			listeners[a].events = POLLIN;
		}
		if (pthread_create(&srv, NULL, server, NULL))
			return 2;
	}

	start = now();
	deadline = naddrs == 1 ? start + seconds : start + ncycles * naddrs * slice;
	for (i = 0; i < threads; i++)
		if (pthread_create(&cli[i], NULL, syns ? syn_sender : client, (void *)(long)i))
			return 2;
	for (i = 0; i < threads; i++)
		pthread_join(cli[i], NULL);
	seconds = now() - start;
	if (!syns) {
		atomic_store(&stop, true);
		pthread_join(srv, NULL);
	}

	if (naddrs == 1) {
		printf("conns=%ld seconds=%.3f rate=%.1f errors=%ld", atomic_load(&conns), seconds,
		       atomic_load(&conns) / seconds, atomic_load(&errors));
		if (atomic_load(&errors))
			printf(" first_error=%s", strerror(atomic_load(&first_errno)));
		printf("\n");
	} else {
		printf("slice_ms=%g cycles=%ld errors=%ld\n", slice_ms, ncycles, atomic_load(&errors));
		for (c = 0; c < ncycles; c++) {
			printf("cycle %ld:", c);
			for (a = 0; a < naddrs; a++)
				printf(" %ld", atomic_load(&counts[c * naddrs + a]));
			printf("\n");
		}
	}
	return atomic_load(&conns) ? 0 : 1;
}
