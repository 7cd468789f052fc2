// SPDX-License-Identifier: GPL-2.0
/*
 * The relay between agents. Out: the backend's capture hands over each
 * error addressed to a relay prefix that this node has no flow for;
 * unless its ICMP source is a peer (never relay what a peer relayed), it
 * goes in one datagram to every peer but ourselves. In: a datagram counts
 * only from a peer's address, only when it is one whole error
 * (relaypkt.c), and only within the receiving rate; then it is written to
 * the relay device, where the backend judges it as strictly as a direct
 * one (the module) or as its rescue does (nft: conntrack RELATED).
 */

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "pmtufix.h"
#include "relay_agent.h"
#include "relay_capture.h"
#include "relay_peers.h"
#include "relaypkt.h"

enum { RA_CAPTURE, RA_UDP, RA_PEERS };

struct pf_relay_agent {
	struct pf_relay cfg;
	int epfd, tun, udp, peers_fd;
	bool v4;			/* the UDP socket is IPv4 only */
	uint64_t tag;
	uint32_t ifindex;
	const struct pf_capture_ops *cap_ops;
	struct pf_capture *cap;
	struct pf_resolver *resolver;
	struct pf_peer_set all, targets;
	struct pf_bucket bucket;
	struct pf_relay_counters n;
	struct pf_capture_counters cap_n;	/* added to by every capture opened */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void pf_bucket_init(struct pf_bucket *b, uint32_t rate, uint32_t burst, uint64_t now)
{
	b->rate = rate;
	b->burst = burst;
	b->tokens_milli = (uint64_t)burst * 1000;
	b->last_ns = now;
}

bool pf_bucket_take(struct pf_bucket *b, uint64_t now)
{
	uint64_t cap = (uint64_t)b->burst * 1000;

	if (now > b->last_ns) {
		/* rate <= 10000 and a gap capped at 1000 s: no overflow. */
		uint64_t gap = now - b->last_ns > 1000000000000ull ? 1000000000000ull
								  : now - b->last_ns;
		uint64_t add = gap * b->rate / 1000000;

		/*
		 * Only the time turned into tokens is used up: calls closer
		 * together than a thousandth of a token still add up.
		 */
		if (b->tokens_milli + add >= cap) {
			b->tokens_milli = cap;
			b->last_ns = now;
		} else {
			b->tokens_milli += add;
			b->last_ns += add * 1000000 / b->rate;
		}
	}
	if (b->tokens_milli < 1000)
		return false;
	b->tokens_milli -= 1000;
	return true;
}

/* A TUN device without packet information, up, without an address. */
static int open_tun(struct pf_relay_agent *ra, char *why, size_t len)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	int s;

	ra->tun = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (ra->tun < 0) {
		snprintf(why, len, "relay: cannot open /dev/net/tun: %s", strerror(errno));
		return -EIO;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", PF_RELAY_IFNAME);
	if (ioctl(ra->tun, TUNSETIFF, &ifr) < 0) {
		snprintf(why, len, "relay: cannot create %s: %s", PF_RELAY_IFNAME, strerror(errno));
		return -EIO;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		snprintf(why, len, "relay: %s: %s", PF_RELAY_IFNAME, strerror(errno));
		if (s >= 0)
			close(s);
		return -EIO;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
		snprintf(why, len, "relay: cannot bring %s up: %s", PF_RELAY_IFNAME, strerror(errno));
		close(s);
		return -EIO;
	}
	close(s);
	ra->ifindex = if_nametoindex(PF_RELAY_IFNAME);
	return ra->ifindex ? 0 : -ENODEV;
}

/* IPv6 with IPv4 mapped, unless listen names an IPv4 address. */
static int open_udp(struct pf_relay_agent *ra, char *why, size_t len)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int off = 0, err;

	ra->v4 = ra->cfg.listen.family == AF_INET;
	ra->udp = socket(ra->v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ra->udp < 0 && errno == EAFNOSUPPORT && !ra->cfg.listen.family) {
		/* A kernel booted with ipv6.disable=1: IPv4 any, IPv4 peers. */
		ra->v4 = true;
		ra->udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	}
	if (ra->udp < 0)
		goto fail;
	if (ra->v4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(ra->cfg.port);
		memcpy(&sin->sin_addr, ra->cfg.listen.bytes, 4);	/* zero: any */
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(ra->cfg.port);
		memcpy(&sin6->sin6_addr, ra->cfg.listen.bytes, 16);	/* zero: any */
		sl = sizeof(*sin6);
		if (!ra->cfg.listen.family &&
		    setsockopt(ra->udp, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0)
			goto fail;
	}
	if (bind(ra->udp, (struct sockaddr *)&ss, sl) == 0)
		return 0;
fail:
	err = errno;
	snprintf(why, len, "relay: cannot listen on UDP port %u: %s", ra->cfg.port,
		 strerror(err));
	return -err;
}

/* Where the backend hands over the errors to relay, read without blocking. */
static int join(struct pf_relay_agent *ra)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = ra->tag + RA_CAPTURE };
	int err;

	if (ra->cap) {
		epoll_ctl(ra->epfd, EPOLL_CTL_DEL, ra->cap_ops->fd(ra->cap), NULL);
		ra->cap_ops->close(ra->cap);
		ra->cap = NULL;
	}
	err = ra->cap_ops->open(&ra->cap, &ra->cap_n);
	if (err)
		return err;
	return epoll_ctl(ra->epfd, EPOLL_CTL_ADD, ra->cap_ops->fd(ra->cap), &ev) < 0 ? -errno : 0;
}

int pf_ra_rejoin(struct pf_relay_agent *ra)
{
	return join(ra);
}

static int add(struct pf_relay_agent *ra, int fd, int which)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = ra->tag + (uint64_t)which };

	return epoll_ctl(ra->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int pf_ra_open(struct pf_relay_agent **out, const struct pf_relay *cfg,
	       const struct pf_capture_ops *capture, int epfd, uint64_t tag, char *why, size_t len)
{
	struct pf_relay_agent *ra = calloc(1, sizeof(*ra));
	int err;

	if (!ra)
		return -ENOMEM;
	ra->cfg = *cfg;
	ra->cap_ops = capture;
	ra->epfd = epfd;
	ra->tag = tag;
	ra->tun = ra->udp = ra->peers_fd = -1;
	pf_bucket_init(&ra->bucket, cfg->rate, cfg->burst, now_ns());
	*out = ra;
	err = open_tun(ra, why, len);
	if (!err)
		err = open_udp(ra, why, len);
	if (!err && (err = pf_resolver_start(&ra->resolver, cfg, &ra->all, &ra->targets,
					      &ra->peers_fd)))
		snprintf(why, len, "relay: cannot start resolving peers: %s", strerror(-err));
	if (!err && (err = add(ra, ra->udp, RA_UDP)) == 0 &&
	    (err = add(ra, ra->peers_fd, RA_PEERS)) == 0 && (err = join(ra)))
		snprintf(why, len, "relay: cannot listen for the errors to relay: %s",
			 err == -ENOENT ? "the backend is gone or has no relay" : strerror(-err));
	else if (err && !why[0])
		snprintf(why, len, "relay: %s", strerror(-err));
	return err;
}

void pf_ra_close(struct pf_relay_agent *ra)
{
	if (!ra)
		return;
	pf_resolver_stop(ra->resolver);
	if (ra->cap)
		ra->cap_ops->close(ra->cap);
	if (ra->udp >= 0)
		close(ra->udp);
	if (ra->tun >= 0)
		close(ra->tun);	/* a TUN device not made persistent goes with it */
	free(ra);
}

const struct pf_capture_ops *pf_ra_capture_ops(const struct pf_relay_agent *ra)
{
	return ra->cap_ops;
}

uint32_t pf_ra_ifindex(const struct pf_relay_agent *ra)
{
	return ra->ifindex;
}

const struct pf_relay_counters *pf_ra_counters(struct pf_relay_agent *ra)
{
	ra->n.local_flow = ra->cap_n.local_flow;
	ra->n.lost = ra->cap_n.lost;
	return &ra->n;
}

void pf_ra_resolve(struct pf_relay_agent *ra)
{
	pf_resolver_kick(ra->resolver);
}

static socklen_t to_sockaddr(const struct pf_relay_agent *ra, const struct pf_addr *a,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ra->v4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (a->family != AF_INET)
			return 0;	/* an IPv4 socket cannot reach it */
		sin->sin_family = AF_INET;
		sin->sin_port = htons(ra->cfg.port);
		memcpy(&sin->sin_addr, a->bytes, 4);
		return sizeof(*sin);
	}
	{
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(ra->cfg.port);
		if (a->family == AF_INET) {
			sin6->sin6_addr.s6_addr[10] = sin6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&sin6->sin6_addr.s6_addr[12], a->bytes, 4);
		} else {
			memcpy(&sin6->sin6_addr, a->bytes, 16);
		}
		return sizeof(*sin6);
	}
}

/* The source of a packet from its outer header; false if there is none. */
static bool icmp_source(const uint8_t *pkt, size_t len, struct pf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (len >= 20 && pkt[0] >> 4 == 4) {
		a->family = AF_INET;
		memcpy(a->bytes, pkt + 12, 4);
	} else if (len >= 40 && pkt[0] >> 4 == 6) {
		a->family = AF_INET6;
		memcpy(a->bytes, pkt + 8, 16);
	}
	return a->family != 0;
}

static void send_out(void *arg, const uint8_t *pkt, size_t len)
{
	struct pf_relay_agent *ra = arg;
	uint8_t dg[PF_RELAY_DGRAM_MAX];
	struct sockaddr_storage ss;
	struct pf_addr src;
	size_t n;

	if (!icmp_source(pkt, len, &src))
		return;
	if (pf_peer_set_has(&ra->all, &src)) {
		ra->n.from_peer++;	/* a peer's own error, or one it relayed: no loop */
		return;
	}
	n = pf_relay_dgram_build(dg, pkt, len);
	if (!n)
		return;
	for (size_t i = 0; i < ra->targets.n; i++) {
		socklen_t sl = to_sockaddr(ra, &ra->targets.v[i], &ss);

		if (!sl || sendto(ra->udp, dg, n, MSG_DONTWAIT | MSG_NOSIGNAL,
				  (struct sockaddr *)&ss, sl) != (ssize_t)n)
			ra->n.send_error++;
	}
}

static bool from_peer(const struct pf_relay_agent *ra, const struct sockaddr_storage *ss)
{
	struct pf_addr a = { 0 };

	if (ss->ss_family == AF_INET) {
		a.family = AF_INET;
		memcpy(a.bytes, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		const uint8_t *b = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

		a.family = memcmp(b, mapped, 12) ? AF_INET6 : AF_INET;
		memcpy(a.bytes, a.family == AF_INET ? b + 12 : b, a.family == AF_INET ? 4 : 16);
	}
	return a.family && pf_peer_set_has(&ra->all, &a);
}

/* At most a bounded number per wake-up, so the loop stays fair. */
static void on_udp(struct pf_relay_agent *ra)
{
	uint8_t buf[PF_RELAY_DGRAM_MAX + 1];

	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss = { 0 };
		socklen_t sl = sizeof(ss);
		ssize_t n = recvfrom(ra->udp, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
				     (struct sockaddr *)&ss, &sl);
		const uint8_t *pkt;
		size_t len;

		if (n < 0)
			return;
		if (!from_peer(ra, &ss))
			ra->n.unknown_peer++;
		else if ((size_t)n > PF_RELAY_DGRAM_MAX ||
			 pf_relay_dgram_check(buf, (size_t)n, &pkt, &len) == PF_RELAY_BAD)
			ra->n.malformed++;
		else if (!pf_bucket_take(&ra->bucket, now_ns()))
			ra->n.rate_limited++;
		else if (write(ra->tun, pkt, len) != (ssize_t)len)
			ra->n.inject_error++;
	}
}

void pf_ra_event(struct pf_relay_agent *ra, uint64_t tag)
{
	switch (tag - ra->tag) {
	case RA_CAPTURE:
		ra->cap_ops->read(ra->cap, send_out, ra);
		break;
	case RA_UDP:
		on_udp(ra);
		break;
	case RA_PEERS:
		pf_resolver_take(ra->resolver, &ra->all, &ra->targets);
		break;
	}
}
