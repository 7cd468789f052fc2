// SPDX-License-Identifier: GPL-2.0
/*
 * doctor's active probe: datagrams with DF set (IP_PMTUDISC_PROBE: sent at
 * the interface's size whatever the kernel has cached) toward DEST, largest
 * first, a few of them, one at a time. A packet socket sees each frag-needed
 * about DEST before reverse-path filtering or a firewall can drop it; the
 * probe's own socket (IP_RECVERR) tells what the kernel let through: the
 * difference is what this host drops. DEST's "port unreachable" says a size
 * arrived. With a PORT, one TCP connection sends 64 KiB first, as an
 * application would; only if it stalls without an error do datagrams follow,
 * to find what size arrives.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "doctor.h"

#define PROBE_MAX	6	/* datagrams in all */
#define PROBE_WAIT_MS	400	/* for each one's answer */
#define PROBE_GAP_MS	50	/* at least this between two */
#define PROBE_BUDGET_MS	3000
#define PROBE_PORT	33434	/* traceroute's: nobody listens there */
#define TCP_CONNECT_MS	1000
#define TCP_WAIT_MS	2000	/* for TCP_BYTES to be acknowledged */
#define TCP_TICK_MS	50
#define TCP_BYTES	65536

struct probe {
	int sock, pkt;
	struct sockaddr_in local;
	struct pf_probe_ev *ev;
	bool answered;		/* DEST refused the last one: it arrived */
	unsigned int next;	/* a size a frag-needed asked for, 0 none */
	int err_ifindex;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ICMP type 3 code 4 whose quoted destination is dest; SOCK_DGRAM: offset 0 = IP. */
static int capture_open(struct in_addr dest)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, 0, 10),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 8, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 3, 0, 5),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 1),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 4, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_IND, 8 + 16),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(dest.s_addr), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	char drain[64];
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	/* What arrived before the filter was attached. */
	while (recv(fd, drain, sizeof(drain), MSG_DONTWAIT) >= 0)
		;
	return fd;
}

/* A captured frag-needed about our own probe (quoted source port ours). */
static void capture_read(struct probe *p)
{
	unsigned char b[256];
	struct sockaddr_ll sll = { 0 };
	socklen_t sl = sizeof(sll);
	ssize_t n = recvfrom(p->pkt, b, sizeof(b), MSG_DONTWAIT, (struct sockaddr *)&sll, &sl);
	size_t ihl, qihl;
	uint16_t mtu, sport;

	if (n < 20 || sll.sll_pkttype == PACKET_OUTGOING)
		return;
	ihl = (size_t)(b[0] & 0xf) * 4;
	if ((size_t)n < ihl + 8 + 20)
		return;
	qihl = (size_t)(b[ihl + 8] & 0xf) * 4;
	if (qihl < 20 || (size_t)n < ihl + 8 + qihl + 2)
		return;
	memcpy(&sport, b + ihl + 8 + qihl, 2);
	if (sport != p->local.sin_port || memcmp(b + ihl + 8 + 12, &p->local.sin_addr, 4))
		return;
	memcpy(&mtu, b + ihl + 6, 2);
	if (!p->ev->err_seen) {
		p->ev->err_seen = true;
		memcpy(&p->ev->err_src, b + 12, 4);
		memcpy(&p->ev->err_dst, b + 16, 4);
		p->ev->err_mtu = ntohs(mtu);
		p->err_ifindex = sll.sll_ifindex;
		if_indextoname((unsigned int)sll.sll_ifindex, p->ev->err_ifname);
	}
	p->next = ntohs(mtu);
}

/* What the kernel let through to our socket: EMSGSIZE or "port unreachable". */
static void errqueue_read(struct probe *p)
{
	char data[64], ctl[512];
	struct sockaddr_in from;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;

	while (recvmsg(p->sock, &m, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0) {
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			struct sock_extended_err *ee = (void *)CMSG_DATA(c);
			struct sockaddr_in *off = (void *)SO_EE_OFFENDER(ee);

			if (c->cmsg_level != SOL_IP || c->cmsg_type != IP_RECVERR ||
			    ee->ee_origin != SO_EE_ORIGIN_ICMP)
				continue;
			if (ee->ee_errno == ECONNREFUSED) {
				p->answered = true;
			} else if (ee->ee_errno == EMSGSIZE) {
				p->ev->delivered = true;
				if (!p->ev->err_seen) {
					p->ev->err_seen = true;
					p->ev->err_src = off->sin_addr;
					p->ev->err_mtu = ee->ee_info;
				}
				p->next = ee->ee_info;
			}
		}
		m.msg_namelen = sizeof(from);
		m.msg_controllen = sizeof(ctl);
	}
}

/* Send one of size bytes (IP) and wait for what it brings back. */
static void probe_one(struct probe *p, unsigned int size)
{
	static char payload[65536];
	long end = now_ms() + PROBE_WAIT_MS;
	struct pollfd pfd[2] = { { p->sock, 0, 0 }, { p->pkt, POLLIN, 0 } };

	p->answered = false;
	p->next = 0;
	p->ev->probes++;
	if (send(p->sock, payload, size - 28, 0) < 0)
		return;
	while (!p->answered && !p->next) {
		long left = end - now_ms();

		if (left <= 0 || poll(pfd, p->pkt >= 0 ? 2 : 1, (int)left) <= 0)
			break;
		if (pfd[1].revents & POLLIN)
			capture_read(p);
		errqueue_read(p);
	}
	if (p->answered && size > p->ev->largest_ok)
		p->ev->largest_ok = size;
	if (!p->answered && !p->next && size > p->ev->largest_lost)
		p->ev->largest_lost = size;
}

/* Largest first; after a frag-needed, the size it names; else the next usual MTU. */
static void probe_sizes(struct probe *p)
{
	static const unsigned int usual[] = { 1500, 1280, 576 };
	unsigned int size = p->ev->first_size;
	long end = now_ms() + PROBE_BUDGET_MS;
	size_t u = 0;

	while (size >= 68 && p->ev->probes < PROBE_MAX && now_ms() < end) {
		probe_one(p, size);
		if (p->answered)
			return;
		if (p->next && p->next < size && p->next >= 68) {
			size = p->next;
		} else {
			while (u < sizeof(usual) / sizeof(usual[0]) && usual[u] >= size)
				u++;
			if (u == sizeof(usual) / sizeof(usual[0]))
				return;
			size = usual[u++];
		}
		usleep(PROBE_GAP_MS * 1000);
	}
}

static unsigned int dev_mtu(int ifindex)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unsigned int mtu = 0;

	if (fd < 0 || !if_indextoname((unsigned int)ifindex, ifr.ifr_name))
		goto out;
	if (!ioctl(fd, SIOCGIFMTU, &ifr))
		mtu = (unsigned int)ifr.ifr_mtu;
out:
	if (fd >= 0)
		close(fd);
	return mtu;
}

static int sock_open(struct probe *p, struct in_addr dest)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = dest,
				  .sin_port = htons(PROBE_PORT) };
	socklen_t len = sizeof(p->local);
	int probe = IP_PMTUDISC_PROBE, one = 1;

	p->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->sock < 0)
		return -errno;
	if (setsockopt(p->sock, SOL_IP, IP_MTU_DISCOVER, &probe, sizeof(probe)) < 0 ||
	    setsockopt(p->sock, SOL_IP, IP_RECVERR, &one, sizeof(one)) < 0 ||
	    connect(p->sock, (struct sockaddr *)&to, sizeof(to)) < 0 ||
	    getsockname(p->sock, (struct sockaddr *)&p->local, &len) < 0)
		return -errno;
	return 0;
}

static int tcp_connect(struct probe *p, struct in_addr dest, int port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = dest,
				  .sin_port = htons(port) };
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	socklen_t len = sizeof(p->local), el = sizeof(int);
	struct pollfd pfd;
	int soerr = 0;

	p->sock = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->sock < 0)
		return -errno;
	/* Closed with a reset: no orphan keeps resending what the path drops. */
	setsockopt(p->sock, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	if (connect(p->sock, (struct sockaddr *)&to, sizeof(to)) < 0 && errno != EINPROGRESS)
		return -errno;
	pfd.fd = p->sock;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, TCP_CONNECT_MS) != 1)
		return -ETIMEDOUT;
	if (getsockopt(p->sock, SOL_SOCKET, SO_ERROR, &soerr, &el) < 0 || soerr)
		return soerr ? -soerr : -errno;
	if (getsockname(p->sock, (struct sockaddr *)&p->local, &len) < 0)
		return -errno;
	return 0;
}

static bool tcp_info(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	return !getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len);
}

/*
 * Send TCP_BYTES as an application would (segments as large as the peer's
 * MSS and the PMTU allow) and watch: all acknowledged, a frag-needed, or a
 * stall. The kernel applied an error when the socket's PMTU went down.
 */
static void tcp_send(struct probe *p)
{
	static char payload[TCP_BYTES];
	struct pollfd pfd = { p->pkt, POLLIN, 0 };
	long end = now_ms() + TCP_WAIT_MS;
	struct tcp_info ti;
	size_t sent = 0;

	if (tcp_info(p->sock, &ti) && ti.tcpi_pmtu && ti.tcpi_pmtu < p->ev->first_size)
		p->ev->first_size = ti.tcpi_pmtu;
	p->ev->probes = 1;
	while (!p->answered && now_ms() < end) {
		ssize_t n = 0;

		if (sent < TCP_BYTES)
			n = send(p->sock, payload + sent, TCP_BYTES - sent,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		sent += n > 0 ? (size_t)n : 0;
		if (p->pkt < 0)
			usleep(TCP_TICK_MS * 1000);
		else if (poll(&pfd, 1, TCP_TICK_MS) > 0)
			capture_read(p);
		p->answered = tcp_info(p->sock, &ti) && sent == TCP_BYTES && !ti.tcpi_unacked;
	}
	tcp_info(p->sock, &ti);
	p->ev->delivered = ti.tcpi_pmtu && ti.tcpi_pmtu < p->ev->first_size;
	if (p->ev->delivered && !p->ev->err_seen) {
		p->ev->err_seen = true;	/* not captured: its source is unknown */
		p->ev->err_mtu = ti.tcpi_pmtu;
	}
	if (p->answered)
		p->ev->largest_ok = ti.tcpi_pmtu;
	if (p->ev->delivered || !p->answered)
		p->ev->largest_lost = p->ev->first_size;
}

/* After the probe: how strict RPF judges the error, where its source routes, the cache. */
static void judge(struct probe *p, struct in_addr dest)
{
	struct in_addr none = { 0 };
	struct pf_rt rt;

	if (p->ev->err_seen && p->err_ifindex) {
		p->ev->rpf_err = pf_rt_get(p->ev->err_dst, p->ev->err_src, p->err_ifindex, &rt);
		if (!pf_rt_get(p->ev->err_src, none, 0, &rt)) {
			if_indextoname((unsigned int)rt.oif, p->ev->err_src_oif);
			/*
			 * 6.1 and 6.12 answer a failed source check -EXDEV; later
			 * kernels turn the drop reason into -EINVAL. A source that
			 * routes, but elsewhere, failed the strict check.
			 */
			if (p->ev->rpf_err && rt.oif != p->err_ifindex)
				p->ev->rpf_err = -EXDEV;
		}
		if (!pf_rt_get(dest, none, 0, &rt))
			p->ev->dest_via_err_if = rt.oif == p->err_ifindex;
	}
	if (!pf_rt_get(dest, none, 0, &rt) && rt.cloned && rt.mtu)
		p->ev->cached_mtu = rt.mtu;
}

int pf_doc_probe(struct in_addr dest, int port, struct pf_probe_ev *ev, struct pf_findings *f)
{
	struct probe p = { .sock = -1, .pkt = -1, .ev = ev };
	struct in_addr none = { 0 };
	struct pf_rt rt;
	int err;

	ev->dest = dest;
	err = pf_rt_get(dest, none, 0, &rt);
	if (err)
		return err;
	if (rt.cloned && rt.mtu)
		ev->route_mtu_before = rt.mtu;
	ev->first_size = dev_mtu(rt.oif);
	if (ev->first_size > 65535)	/* lo: no datagram is that big */
		ev->first_size = 65535;
	if (ev->first_size < 68)
		return -ENODEV;
	p.pkt = capture_open(dest);
	ev->captured = p.pkt >= 0;
	if (!ev->captured)
		pf_find_add(f, PF_SEV_SKIP, "probe.capture", NULL, "cannot capture ICMP (%s%s): "
			    "an error this host drops is invisible, only those it accepts are "
			    "seen", strerror(-p.pkt), p.pkt == -EPERM ? ", CAP_NET_RAW is needed" : "");
	if (port) {
		ev->tcp = true;
		err = tcp_connect(&p, dest, port);
		if (err)
			goto out;
		tcp_send(&p);
		if (p.answered || ev->err_seen)
			goto judge;
		/* A stall and no error: the datagrams below find what size arrives. */
		close(p.sock);
		p.sock = -1;
	}
	err = sock_open(&p, dest);
	if (err)
		goto out;
	probe_sizes(&p);
	errqueue_read(&p);
judge:
	judge(&p, dest);
out:
	if (p.sock >= 0)
		close(p.sock);
	if (p.pkt >= 0)
		close(p.pkt);
	return err;
}
