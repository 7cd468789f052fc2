// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c - the generic netlink family "pmtufix" seen from a plain netlink
 * socket: validation and extended ACKs, atomic configuration, privileges per
 * user namespace, counters and the events multicast group.
 *
 * Runs as root in a VM (or on a host with the module built for it). Loads
 * build/<release>/pmtufix.ko itself when the module is not loaded (the
 * environment variable PMTUFIX_KO names another file) and unloads it at the
 * end. Most tests run in a network namespace of their own, so settings and
 * counters start from the module's defaults and nothing leaks between tests.
 *
 * The event tests make real frag-needed errors arrive: a tun device in the
 * test's namespace, strict reverse-path filtering, and an ICMP error from an
 * address that is routed nowhere, quoting a UDP flow of a local socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <net/route.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include "nlhelp.h"

/* The harness, built here with -Wextra, is written for -Wall. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#define NOBODY_UID	65534

/* Addresses of the event tests (TEST-NET-2 and TEST-NET-1, never routed). */
#define TUN_NAME	"pmtufix0"
#define TUN_LOCAL	"198.51.100.1"
#define TUN_PEER	"198.51.100.2"
#define STRANGER	"192.0.2.1"	/* the "switch": routed out of lo only */
#define STRANGER_NET	"192.0.2.0"
#define LOCAL_PORT	40000
#define PEER_PORT	6443
#define ADV_MTU		1280

/* ------------------------------------------------------------------------ */
/* Netlink */

struct nl {
	int fd;
	uint16_t family;
	uint32_t events_group;
	uint32_t seq;
};

struct msg {
	union {
		struct nlmsghdr nlh;
		char buf[8192];
	};
};

static void msg_init(struct msg *m, uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct nlh_req r = { .buf = m->buf, .cap = sizeof(m->buf) };

	memset(m, 0, sizeof(*m));
	nlh_msg_start(&r, type, cmd, PMTUFIX_GENL_VERSION, NLM_F_REQUEST | NLM_F_ACK | flags, 0);
}

/* Appends an attribute; returns its offset from the start of the message. */
static uint32_t attr_put(struct msg *m, uint16_t type, const void *data, int len)
{
	struct nlh_req r = { .buf = m->buf, .cap = sizeof(m->buf), .nlh = &m->nlh };

	return nlh_put(&r, type, data, len);
}

static uint32_t attr_put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	return attr_put(m, type, &v, sizeof(v));
}

static uint32_t attr_put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	return attr_put(m, type, &v, sizeof(v));
}

static int nl_send(struct nl *nl, struct msg *m)
{
	m->nlh.nlmsg_seq = ++nl->seq;
	return nlh_sendto(nl->fd, m->buf, m->nlh.nlmsg_len);
}

/*
 * Sends m, reads until its ACK (or the end of a dump). The last data message
 * goes to reply (when given). Returns the ACK's error: 0 or -errno
 * (-EBADMSG for a malformed ACK).
 */
static int nl_talk(struct nl *nl, struct msg *m, struct nlh_ack *ack, struct msg *reply)
{
	static char buf[65536];
	struct nlh_ack local;
	uint32_t seq;
	ssize_t n;
	int err;

	if (!ack)
		ack = &local;
	memset(ack, 0, sizeof(*ack));
	err = nl_send(nl, m);
	if (err)
		return ack->error = err;
	seq = m->nlh.nlmsg_seq;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ack->error = n ? -errno : -ENODATA;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				if (nlh_ack_parse(h, ack))
					return ack->error = -EBADMSG;
				return ack->error;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return ack->error = 0;
			if (reply && h->nlmsg_len <= sizeof(reply->buf))
				memcpy(reply->buf, h, h->nlmsg_len);
		}
	}
}

/* A socket of the current network namespace, family and events group resolved. */
static int nl_open(struct nl *nl)
{
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->fd = nlh_socket();
	if (nl->fd < 0)
		return nl->fd;
	err = nlh_resolve(nl->fd, &nl->family, &nl->events_group);
	if (err)
		close(nl->fd);
	return err;
}

static void nl_close(struct nl *nl)
{
	if (nl->fd > 0)
		close(nl->fd);
	nl->fd = -1;
}

static int nl_join_events(struct nl *nl)
{
	int grp = nl->events_group;

	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The family's commands */

struct config {
	bool has_rescue, has_log, has_floor, has_floor_eff, has_version;
	uint8_t rescue, log;
	uint32_t floor, floor_eff, version;
	int n_attrs, bad_len;
};

static int get_config(struct nl *nl, struct config *c)
{
	struct msg m, r;
	struct nlattr *a;
	int err;

	memset(c, 0, sizeof(*c));
	msg_init(&m, nl->family, PMTUFIX_CMD_GET_CONFIG, 0);
	err = nl_talk(nl, &m, NULL, &r);
	if (err)
		return err;
	nlh_attr_for_each(a, (char *)NLMSG_DATA(&r.nlh) + GENL_HDRLEN,
		      r.nlh.nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)) {
		c->n_attrs++;
		switch (a->nla_type) {
		case PMTUFIX_A_RESCUE_ENABLED:
			c->has_rescue = true;
			c->bad_len |= nlh_attr_len(a) != 1;
			c->rescue = *(uint8_t *)nlh_attr_data(a);
			break;
		case PMTUFIX_A_LOG_LEVEL:
			c->has_log = true;
			c->bad_len |= nlh_attr_len(a) != 1;
			c->log = *(uint8_t *)nlh_attr_data(a);
			break;
		case PMTUFIX_A_MTU_FLOOR:
			c->has_floor = true;
			c->bad_len |= nlh_attr_len(a) != 4;
			memcpy(&c->floor, nlh_attr_data(a), 4);
			break;
		case PMTUFIX_A_MTU_FLOOR_EFFECTIVE:
			c->has_floor_eff = true;
			c->bad_len |= nlh_attr_len(a) != 4;
			memcpy(&c->floor_eff, nlh_attr_data(a), 4);
			break;
		case PMTUFIX_A_VERSION:
			c->has_version = true;
			c->bad_len |= nlh_attr_len(a) != 4;
			memcpy(&c->version, nlh_attr_data(a), 4);
			break;
		}
	}
	return 0;
}

static bool same_config(const struct config *a, const struct config *b)
{
	return a->rescue == b->rescue && a->log == b->log &&
	       a->floor == b->floor && a->floor_eff == b->floor_eff;
}

static int set_config(struct nl *nl, int rescue, int log, int64_t floor, struct nlh_ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, PMTUFIX_CMD_SET_CONFIG, 0);
	if (rescue >= 0)
		attr_put_u8(&m, PMTUFIX_A_RESCUE_ENABLED, rescue);
	if (log >= 0)
		attr_put_u8(&m, PMTUFIX_A_LOG_LEVEL, log);
	if (floor >= 0)
		attr_put_u32(&m, PMTUFIX_A_MTU_FLOOR, floor);
	return nl_talk(nl, &m, ack, NULL);
}

struct stats {
	uint64_t count[__PMTUFIX_REASON_MAX];
	int n, bad_len, nested_flag;
};

static int get_stats(struct nl *nl, struct stats *s)
{
	struct msg m, r;
	struct nlattr *a, *c;
	int err;

	memset(s, 0, sizeof(*s));
	msg_init(&m, nl->family, PMTUFIX_CMD_GET_STATS, 0);
	err = nl_talk(nl, &m, NULL, &r);
	if (err)
		return err;
	nlh_attr_for_each(a, (char *)NLMSG_DATA(&r.nlh) + GENL_HDRLEN,
		      r.nlh.nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)) {
		if ((a->nla_type & NLA_TYPE_MASK) != PMTUFIX_A_STATS)
			continue;
		s->nested_flag = !!(a->nla_type & NLA_F_NESTED);
		nlh_attr_for_each(c, nlh_attr_data(a), nlh_attr_len(a)) {
			int t = c->nla_type;

			if (t == PMTUFIX_A_STATS_PAD)
				continue;
			s->bad_len |= nlh_attr_len(c) != 8;
			if (t >= 1 && t <= __PMTUFIX_REASON_MAX) {
				memcpy(&s->count[t - 1], nlh_attr_data(c), 8);
				s->n++;
			}
		}
	}
	return 0;
}

static int simple_cmd(struct nl *nl, uint8_t cmd, struct nlh_ack *ack)
{
	struct msg m;

	msg_init(&m, nl->family, cmd, 0);
	return nl_talk(nl, &m, ack, NULL);
}

/* ------------------------------------------------------------------------ */
/* Events */

struct event {
	bool nested_flag;
	bool has[__PMTUFIX_A_EV_MAX];
	int len[__PMTUFIX_A_EV_MAX];
	uint32_t reason, ifindex, mtu;
	struct in_addr icmp_saddr, saddr, daddr;
	uint8_t proto;
	uint16_t sport, dport;		/* host order */
	uint8_t version;
};

/* 0: one event read; -ETIMEDOUT: none within timeout_ms. */
static int read_event(struct nl *nl, struct event *ev, int timeout_ms)
{
	static char buf[8192];
	struct pollfd p = { .fd = nl->fd, .events = POLLIN };
	struct nlmsghdr *h;
	struct genlmsghdr *g;
	struct nlattr *a, *e;
	ssize_t n;

	memset(ev, 0, sizeof(*ev));
	for (;;) {
		int r = poll(&p, 1, timeout_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = recv(nl->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return -errno;
		h = (struct nlmsghdr *)buf;
		if (!NLMSG_OK(h, n) || h->nlmsg_type != nl->family)
			continue;
		g = NLMSG_DATA(h);
		if (g->cmd != PMTUFIX_CMD_EVENT)
			continue;
		ev->version = g->version;
		break;
	}
	nlh_attr_for_each(a, (char *)g + GENL_HDRLEN, h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)) {
		if ((a->nla_type & NLA_TYPE_MASK) != PMTUFIX_A_EVENT)
			continue;
		ev->nested_flag = !!(a->nla_type & NLA_F_NESTED);
		nlh_attr_for_each(e, nlh_attr_data(a), nlh_attr_len(a)) {
			int t = e->nla_type;
			void *d = nlh_attr_data(e);
			uint16_t port;

			if (t <= 0 || t > PMTUFIX_A_EV_MAX)
				continue;
			ev->has[t - 1] = true;
			ev->len[t - 1] = nlh_attr_len(e);
			switch (t) {
			case PMTUFIX_A_EV_REASON:
				memcpy(&ev->reason, d, 4);
				break;
			case PMTUFIX_A_EV_IFINDEX:
				memcpy(&ev->ifindex, d, 4);
				break;
			case PMTUFIX_A_EV_MTU:
				memcpy(&ev->mtu, d, 4);
				break;
			case PMTUFIX_A_EV_ICMP_SADDR:
				memcpy(&ev->icmp_saddr, d, 4);
				break;
			case PMTUFIX_A_EV_SADDR:
				memcpy(&ev->saddr, d, 4);
				break;
			case PMTUFIX_A_EV_DADDR:
				memcpy(&ev->daddr, d, 4);
				break;
			case PMTUFIX_A_EV_PROTO:
				ev->proto = *(uint8_t *)d;
				break;
			case PMTUFIX_A_EV_SPORT:
				memcpy(&port, d, 2);
				ev->sport = ntohs(port);
				break;
			case PMTUFIX_A_EV_DPORT:
				memcpy(&port, d, 2);
				ev->dport = ntohs(port);
				break;
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Forged frag-needed errors through a tun device */

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t s = 0;

	for (; len > 1; p += 2, len -= 2)
		s += p[0] << 8 | p[1];
	if (len)
		s += p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons(~s & 0xffff);
}

static void ip_header(uint8_t *h, const char *src, const char *dst, uint8_t proto,
		      uint16_t tot_len)
{
	uint16_t c;

	memset(h, 0, 20);
	h[0] = 0x45;
	h[2] = tot_len >> 8;
	h[3] = tot_len & 0xff;
	h[6] = 0x40;		/* DF */
	h[8] = 64;
	h[9] = proto;
	inet_pton(AF_INET, src, h + 12);
	inet_pton(AF_INET, dst, h + 16);
	c = csum(h, 20);
	memcpy(h + 10, &c, 2);
}

/*
 * Writes to the tun device an ICMP frag-needed from src to TUN_LOCAL, quoting
 * a UDP datagram TUN_LOCAL:sport -> TUN_PEER:dport.
 */
static int send_frag_needed(int tun, const char *src, uint16_t mtu,
			    uint16_t sport, uint16_t dport)
{
	uint8_t pkt[20 + 8 + 20 + 8];
	uint8_t *icmp = pkt + 20, *quote = pkt + 28, *udp = pkt + 48;
	uint16_t c;

	ip_header(pkt, src, TUN_LOCAL, IPPROTO_ICMP, sizeof(pkt));
	memset(icmp, 0, 8);
	icmp[0] = 3;		/* destination unreachable */
	icmp[1] = 4;		/* fragmentation needed */
	icmp[6] = mtu >> 8;
	icmp[7] = mtu & 0xff;
	ip_header(quote, TUN_LOCAL, TUN_PEER, IPPROTO_UDP, 1400);
	udp[0] = sport >> 8;
	udp[1] = sport & 0xff;
	udp[2] = dport >> 8;
	udp[3] = dport & 0xff;
	udp[4] = (1400 - 20) >> 8;
	udp[5] = (1400 - 20) & 0xff;
	udp[6] = udp[7] = 0;
	c = csum(icmp, sizeof(pkt) - 20);
	memcpy(icmp + 2, &c, 2);
	return write(tun, pkt, sizeof(pkt)) == sizeof(pkt) ? 0 : -errno;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -EIO;
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int ifreq_addr(int s, unsigned long req, const char *addr)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", TUN_NAME);
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
	return ioctl(s, req, &ifr);
}

/*
 * The "switch" gets a route, out of lo: strict RPF drops its errors on the
 * tun, as on a node whose management network routes out another interface,
 * and loose RPF would pass them, so the rescue may judge them (a source with
 * no route at all is rejected before that).
 */
static int route_stranger(int s)
{
	struct ifreq ifr = { 0 };
	struct rtentry rt = { 0 };
	struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst;
	struct sockaddr_in *mask = (struct sockaddr_in *)&rt.rt_genmask;
	char lo[] = "lo";

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", lo);
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		return -1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		return -1;
	dst->sin_family = AF_INET;
	inet_pton(AF_INET, STRANGER_NET, &dst->sin_addr);
	mask->sin_family = AF_INET;
	inet_pton(AF_INET, "255.255.255.0", &mask->sin_addr);
	rt.rt_flags = RTF_UP;
	rt.rt_dev = lo;
	return ioctl(s, SIOCADDRT, &rt);
}

/*
 * In the current (fresh) netns: TUN_NAME up with TUN_LOCAL/24, strict RPF,
 * STRANGER routed out of lo. Returns the tun fd, or -errno.
 */
static int tun_setup(uint32_t *ifindex)
{
	struct ifreq ifr = { 0 };
	int fd, s, err;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* Loading tun creates the node in devtmpfs. */
		if (system("modprobe -q tun") == 0)
			fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", TUN_NAME);
	if (ioctl(fd, TUNSETIFF, &ifr))
		goto fail;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		goto fail;
	if (ifreq_addr(s, SIOCSIFADDR, TUN_LOCAL) ||
	    ifreq_addr(s, SIOCSIFNETMASK, "255.255.255.0") ||
	    ioctl(s, SIOCGIFFLAGS, &ifr))
		goto fail_s;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) || ioctl(s, SIOCGIFINDEX, &ifr))
		goto fail_s;
	*ifindex = ifr.ifr_ifindex;
	if (route_stranger(s))
		goto fail_s;
	close(s);
	if (write_file("/proc/sys/net/ipv4/conf/all/rp_filter", "1"))
		goto fail;
	return fd;
fail_s:
	err = -errno;
	close(s);
	close(fd);
	return err;
fail:
	err = -errno;
	close(fd);
	return err;
}

/* A UDP socket TUN_LOCAL:LOCAL_PORT connected to TUN_PEER:PEER_PORT. */
static int udp_flow(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(LOCAL_PORT) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -errno;
	inet_pton(AF_INET, TUN_LOCAL, &a.sin_addr);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	a.sin_port = htons(PEER_PORT);
	inet_pton(AF_INET, TUN_PEER, &a.sin_addr);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	return s;
fail:
	close(s);
	return -errno;
}

/* ------------------------------------------------------------------------ */
/* Expectations */

static uint32_t module_version(void)
{
	unsigned int major = 0, minor = 0, patch = 0;
	char buf[64];

	if (read_file("/sys/module/pmtufix/version", buf, sizeof(buf)) ||
	    sscanf(buf, "%u.%u.%u", &major, &minor, &patch) < 1)
		return UINT32_MAX;
	return (major & 0xff) << 16 | (minor & 0xff) << 8 | (patch & 0xff);
}

/* The module parameters are what a new namespace starts with. */
static void module_defaults(uint8_t *rescue, uint8_t *log)
{
	char buf[16];

	*rescue = 1;
	*log = PMTUFIX_LOG_RESCUE;
	if (!read_file("/sys/module/pmtufix/parameters/rescue", buf, sizeof(buf)))
		*rescue = buf[0] == 'Y' || buf[0] == '1';
	if (!read_file("/sys/module/pmtufix/parameters/log_level", buf, sizeof(buf)))
		*log = atoi(buf);
}

static uint32_t min_pmtu(void)
{
	char buf[32];

	if (read_file("/proc/sys/net/ipv4/route/min_pmtu", buf, sizeof(buf)))
		return 0;
	return strtoul(buf, NULL, 10);
}

static int unshare_net(void)
{
	return unshare(CLONE_NEWNET) ? -errno : 0;
}

/* ------------------------------------------------------------------------ */
/* A fresh network namespace per test */

FIXTURE(ns) {
	struct nl nl;
	struct config defaults;
};

FIXTURE_SETUP(ns)
{
	ASSERT_EQ(0, unshare_net());
	ASSERT_EQ(0, nl_open(&self->nl)) TH_LOG("cannot resolve family pmtufix");
	ASSERT_EQ(0, get_config(&self->nl, &self->defaults));
}

FIXTURE_TEARDOWN(ns)
{
	nl_close(&self->nl);
}

/* GET_CONFIG answers with every setting, the module's defaults in a new netns. */
TEST_F(ns, get_config)
{
	struct config *c = &self->defaults;
	uint8_t rescue, log;

	module_defaults(&rescue, &log);
	ASSERT_TRUE(c->has_rescue && c->has_log && c->has_floor &&
		    c->has_floor_eff && c->has_version);
	EXPECT_EQ(5, c->n_attrs);
	EXPECT_EQ(0, c->bad_len);
	EXPECT_EQ(rescue, c->rescue);
	EXPECT_EQ(log, c->log);
	EXPECT_EQ(0U, c->floor);
	EXPECT_EQ(min_pmtu(), c->floor_eff);
	EXPECT_EQ(module_version(), c->version);
}

/* Each setting alone, all of them at once, and the limits of the floor. */
TEST_F(ns, set_config)
{
	struct nl *nl = &self->nl;
	struct config c;
	struct nlh_ack ack;

	ASSERT_EQ(0, set_config(nl, 0, -1, -1, &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, get_config(nl, &c));
	EXPECT_EQ(0, c.rescue);
	EXPECT_EQ(self->defaults.log, c.log);
	EXPECT_EQ(0U, c.floor);

	ASSERT_EQ(0, set_config(nl, -1, PMTUFIX_LOG_ALL, -1, &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, get_config(nl, &c));
	EXPECT_EQ(0, c.rescue);
	EXPECT_EQ(PMTUFIX_LOG_ALL, c.log);

	ASSERT_EQ(0, set_config(nl, -1, -1, 68, &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, get_config(nl, &c));
	EXPECT_EQ(68U, c.floor);
	EXPECT_EQ(68U, c.floor_eff);

	ASSERT_EQ(0, set_config(nl, -1, -1, 65535, &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, get_config(nl, &c));
	EXPECT_EQ(65535U, c.floor);
	EXPECT_EQ(65535U, c.floor_eff);

	ASSERT_EQ(0, set_config(nl, 1, PMTUFIX_LOG_NONE, 1400, &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, get_config(nl, &c));
	EXPECT_EQ(1, c.rescue);
	EXPECT_EQ(PMTUFIX_LOG_NONE, c.log);
	EXPECT_EQ(1400U, c.floor);

	ASSERT_EQ(0, set_config(nl, 1, PMTUFIX_LOG_NONE, 1400, &ack)) TH_LOG("the same again");
}

/* Floor 0 follows net.ipv4.route.min_pmtu of the namespace, as it changes. */
TEST_F(ns, floor_follows_min_pmtu)
{
	struct nl *nl = &self->nl;
	struct config c;

	ASSERT_EQ(0, set_config(nl, -1, -1, 1400, NULL));
	ASSERT_EQ(0, set_config(nl, -1, -1, 0, NULL));
	ASSERT_EQ(0, write_file("/proc/sys/net/ipv4/route/min_pmtu", "1000"));
	ASSERT_EQ(0, get_config(nl, &c));
	EXPECT_EQ(0U, c.floor);
	EXPECT_EQ(1000U, c.floor_eff);
}

/* ------------------------------------------------------------------------ */
/* Every bad SET_CONFIG is refused with a reason and changes nothing */

#define MAX_ATTRS 3

struct test_attr {
	uint16_t type;		/* with NLA_F_NESTED if wanted */
	int16_t len;		/* payload bytes */
	uint32_t value;		/* its first len bytes, host order */
};

FIXTURE(bad_set) {
	struct nl nl;
	struct config before;
};

FIXTURE_VARIANT(bad_set) {
	/* A valid log level comes first: it must not be applied either. */
	bool lead;
	struct test_attr attrs[MAX_ATTRS];
	int n;
	int bad;		/* index of the attribute the ACK points at, -1: none */
	int trailing;		/* garbage bytes after the attributes */
	int error;		/* expected errno */
	const char *msg;	/* substring of the extack message */
};

FIXTURE_SETUP(bad_set)
{
	ASSERT_EQ(0, unshare_net());
	ASSERT_EQ(0, nl_open(&self->nl));
	ASSERT_EQ(0, get_config(&self->nl, &self->before));
}

FIXTURE_TEARDOWN(bad_set)
{
	nl_close(&self->nl);
}

#define A(t, l, v) { .type = (t), .len = (l), .value = (v) }

FIXTURE_VARIANT_ADD(bad_set, empty) {
	.lead = false, .n = 0, .bad = -1,
	.error = EINVAL, .msg = "nothing to set",
};

FIXTURE_VARIANT_ADD(bad_set, rescue_2) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_RESCUE_ENABLED, 1, 2) }, .bad = 0,
	.error = ERANGE, .msg = "out of range",
};

FIXTURE_VARIANT_ADD(bad_set, rescue_u32) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_RESCUE_ENABLED, 4, 0) }, .bad = 0,
	.error = EINVAL, .msg = "invalid attribute length",
};

FIXTURE_VARIANT_ADD(bad_set, rescue_empty) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_RESCUE_ENABLED, 0, 0) }, .bad = 0,
	.error = EINVAL, .msg = "invalid attribute length",
};

FIXTURE_VARIANT_ADD(bad_set, log_level_3) {
	.lead = false, .n = 2,
	.attrs = { A(PMTUFIX_A_RESCUE_ENABLED, 1, 0), A(PMTUFIX_A_LOG_LEVEL, 1, 3) },
	.bad = 1, .error = ERANGE, .msg = "out of range",
};

FIXTURE_VARIANT_ADD(bad_set, log_level_255) {
	.lead = false, .n = 1, .attrs = { A(PMTUFIX_A_LOG_LEVEL, 1, 255) }, .bad = 0,
	.error = ERANGE, .msg = "out of range",
};

FIXTURE_VARIANT_ADD(bad_set, log_level_u16) {
	.lead = false, .n = 2,
	.attrs = { A(PMTUFIX_A_RESCUE_ENABLED, 1, 0), A(PMTUFIX_A_LOG_LEVEL, 2, 1) },
	.bad = 1, .error = EINVAL, .msg = "invalid attribute length",
};

FIXTURE_VARIANT_ADD(bad_set, floor_1) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_MTU_FLOOR, 4, 1) }, .bad = 0,
	.error = EINVAL, .msg = "MTU floor must be 0",
};

FIXTURE_VARIANT_ADD(bad_set, floor_67) {
	.lead = true, .n = 2,
	.attrs = { A(PMTUFIX_A_RESCUE_ENABLED, 1, 0), A(PMTUFIX_A_MTU_FLOOR, 4, 67) },
	.bad = 1, .error = EINVAL, .msg = "MTU floor must be 0",
};

FIXTURE_VARIANT_ADD(bad_set, floor_65536) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_MTU_FLOOR, 4, 65536) }, .bad = 0,
	.error = ERANGE, .msg = "out of range",
};

FIXTURE_VARIANT_ADD(bad_set, floor_max_u32) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_MTU_FLOOR, 4, UINT32_MAX) }, .bad = 0,
	.error = ERANGE, .msg = "out of range",
};

FIXTURE_VARIANT_ADD(bad_set, floor_u16) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_MTU_FLOOR, 2, 1400) }, .bad = 0,
	.error = EINVAL, .msg = "invalid attribute length",
};

FIXTURE_VARIANT_ADD(bad_set, floor_u8) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_MTU_FLOOR, 1, 100) }, .bad = 0,
	.error = EINVAL, .msg = "invalid attribute length",
};

FIXTURE_VARIANT_ADD(bad_set, version_read_only) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_VERSION, 4, 1) }, .bad = 0,
	.error = EINVAL, .msg = "read-only",
};

FIXTURE_VARIANT_ADD(bad_set, floor_effective_read_only) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_MTU_FLOOR_EFFECTIVE, 4, 1400) },
	.bad = 0, .error = EINVAL, .msg = "read-only",
};

FIXTURE_VARIANT_ADD(bad_set, stats_read_only) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_STATS, 0, 0) },
	.bad = 0, .error = EINVAL, .msg = "read-only",
};

FIXTURE_VARIANT_ADD(bad_set, mss_rule) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_MSS_RULE, 0, 0) },
	.bad = 0, .error = EINVAL, .msg = "not a configuration attribute",
};

FIXTURE_VARIANT_ADD(bad_set, event) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_EVENT, 0, 0) },
	.bad = 0, .error = EINVAL, .msg = "kernel only",
};

FIXTURE_VARIANT_ADD(bad_set, pad) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_PAD, 0, 0) },
	.bad = 0, .error = EINVAL, .msg = "not a configuration attribute",
};

/* Strict validation: unknown types, type 0, flags, trailing bytes. */
FIXTURE_VARIANT_ADD(bad_set, unknown_attr) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_MAX + 1, 4, 0) }, .bad = 0,
	.error = EINVAL, .msg = "Unknown attribute type",
};

FIXTURE_VARIANT_ADD(bad_set, unknown_attr_high) {
	.lead = true, .n = 1, .attrs = { A(1000, 1, 0) }, .bad = 0,
	.error = EINVAL, .msg = "Unknown attribute type",
};

FIXTURE_VARIANT_ADD(bad_set, attr_type_0) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_UNSPEC, 4, 0) }, .bad = 0,
	.error = EINVAL, .msg = "Unknown attribute type",
};

FIXTURE_VARIANT_ADD(bad_set, nested_flag_on_u8) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_RESCUE_ENABLED | NLA_F_NESTED, 1, 0) },
	.bad = 0, .error = EINVAL, .msg = "NLA_F_NESTED",
};

FIXTURE_VARIANT_ADD(bad_set, trailing_bytes) {
	.lead = true, .n = 1, .attrs = { A(PMTUFIX_A_RESCUE_ENABLED, 1, 0) }, .bad = -1,
	.trailing = 3, .error = EINVAL, .msg = "bytes leftover",
};

FIXTURE_VARIANT_ADD(bad_set, duplicate_bad_last) {
	.lead = true, .n = 2,
	.attrs = { A(PMTUFIX_A_MTU_FLOOR, 4, 1400), A(PMTUFIX_A_MTU_FLOOR, 4, 70000) },
	.bad = 1, .error = ERANGE, .msg = "out of range",
};

TEST_F(bad_set, refused_unchanged)
{
	uint32_t offs[MAX_ATTRS];
	struct config after;
	struct nlh_ack ack;
	struct msg m;
	int i;

	msg_init(&m, self->nl.family, PMTUFIX_CMD_SET_CONFIG, 0);
	if (variant->lead) {
		/* Differs from the default: applying it would show. */
		ASSERT_NE(PMTUFIX_LOG_ALL, self->before.log);
		attr_put_u8(&m, PMTUFIX_A_LOG_LEVEL, PMTUFIX_LOG_ALL);
	}
	for (i = 0; i < variant->n; i++)
		offs[i] = attr_put(&m, variant->attrs[i].type, &variant->attrs[i].value,
				   variant->attrs[i].len);
	if (variant->trailing) {
		memset(m.buf + m.nlh.nlmsg_len, 0xa5, variant->trailing);
		m.nlh.nlmsg_len += variant->trailing;
	}

	ASSERT_EQ(-variant->error, nl_talk(&self->nl, &m, &ack, NULL))
		TH_LOG("error %d (%s), message '%s'", ack.error, strerror(-ack.error), ack.msg);
	ASSERT_TRUE(ack.has_msg) TH_LOG("no extack message");
	EXPECT_NE(NULL, strstr(ack.msg, variant->msg))
		TH_LOG("message '%s' does not say '%s'", ack.msg, variant->msg);
	if (variant->bad >= 0) {
		ASSERT_TRUE(ack.has_offs) TH_LOG("no NLMSGERR_ATTR_OFFS");
		EXPECT_EQ(offs[variant->bad], ack.offs);
	}

	ASSERT_EQ(0, get_config(&self->nl, &after));
	EXPECT_TRUE(same_config(&self->before, &after))
		TH_LOG("changed: rescue %u -> %u, log %u -> %u, floor %u -> %u",
		       self->before.rescue, after.rescue, self->before.log, after.log,
		       self->before.floor, after.floor);
}

/* ------------------------------------------------------------------------ */
/* Strict validation of the rest */

/* Commands without attributes take none. */
TEST_F(ns, no_attributes_where_none_are_taken)
{
	static const uint8_t cmds[] = {
		PMTUFIX_CMD_GET_CONFIG, PMTUFIX_CMD_GET_STATS, PMTUFIX_CMD_RESET_STATS,
		PMTUFIX_CMD_GET_RELAY,
	};
	struct nlh_ack ack;
	struct msg m;
	unsigned int i;

	for (i = 0; i < sizeof(cmds); i++) {
		uint32_t off;

		msg_init(&m, self->nl.family, cmds[i], 0);
		off = attr_put_u32(&m, PMTUFIX_A_VERSION, 1);
		EXPECT_EQ(-EINVAL, nl_talk(&self->nl, &m, &ack, NULL))
			TH_LOG("command %u with an attribute: %d", cmds[i], ack.error);
		EXPECT_TRUE(ack.has_msg);
		EXPECT_TRUE(ack.has_offs && ack.offs == off);

		msg_init(&m, self->nl.family, cmds[i], 0);
		attr_put_u8(&m, PMTUFIX_A_LOG_LEVEL, 1);
		EXPECT_EQ(-EINVAL, nl_talk(&self->nl, &m, &ack, NULL))
			TH_LOG("command %u with an attribute: %d", cmds[i], ack.error);
	}
}

/* The generic netlink header and the netlink flags are checked too. */
TEST_F(ns, strict_header)
{
	struct nlh_ack ack;
	struct msg m;

	msg_init(&m, self->nl.family, PMTUFIX_CMD_SET_CONFIG, 0);
	((struct genlmsghdr *)NLMSG_DATA(&m.nlh))->reserved = 1;
	attr_put_u8(&m, PMTUFIX_A_RESCUE_ENABLED, 0);
	EXPECT_EQ(-EINVAL, nl_talk(&self->nl, &m, &ack, NULL));
	EXPECT_NE(NULL, strstr(ack.msg, "reserved")) TH_LOG("message '%s'", ack.msg);

	msg_init(&m, self->nl.family, PMTUFIX_CMD_SET_CONFIG, NLM_F_REPLACE);
	attr_put_u8(&m, PMTUFIX_A_RESCUE_ENABLED, 0);
	EXPECT_EQ(-EINVAL, nl_talk(&self->nl, &m, &ack, NULL));
	EXPECT_NE(NULL, strstr(ack.msg, "nlmsg_flags")) TH_LOG("message '%s'", ack.msg);

	msg_init(&m, self->nl.family, PMTUFIX_CMD_GET_CONFIG, NLM_F_DUMP);
	EXPECT_EQ(-EOPNOTSUPP, nl_talk(&self->nl, &m, &ack, NULL)) TH_LOG("dump of a doit");

	msg_init(&m, self->nl.family, PMTUFIX_CMD_EVENT, 0);
	EXPECT_EQ(-EOPNOTSUPP, nl_talk(&self->nl, &m, &ack, NULL)) TH_LOG("the event command");

	msg_init(&m, self->nl.family, PMTUFIX_CMD_RELAY, 0);
	EXPECT_EQ(-EOPNOTSUPP, nl_talk(&self->nl, &m, &ack, NULL)) TH_LOG("the relay command");

	msg_init(&m, self->nl.family, 200, 0);
	EXPECT_EQ(-EOPNOTSUPP, nl_talk(&self->nl, &m, &ack, NULL)) TH_LOG("command 200");

	ASSERT_EQ(0, simple_cmd(&self->nl, PMTUFIX_CMD_GET_CONFIG, &ack));
}

/* ------------------------------------------------------------------------ */
/* Counters and events, with real frag-needed errors */

FIXTURE(traffic) {
	struct nl nl, events, outside;
	int tun, udp;
	uint32_t ifindex;
};

FIXTURE_SETUP(traffic)
{
	int tun;

	/* A listener in the namespace we came from must hear nothing. */
	ASSERT_EQ(0, nl_open(&self->outside));
	ASSERT_EQ(0, nl_join_events(&self->outside));
	ASSERT_EQ(0, unshare_net());
	ASSERT_EQ(0, nl_open(&self->nl));
	ASSERT_EQ(0, nl_open(&self->events));
	ASSERT_NE(0U, self->events.events_group) TH_LOG("no events group");
	ASSERT_EQ(0, nl_join_events(&self->events));
	tun = tun_setup(&self->ifindex);
	if (tun == -ENOENT || tun == -ENODEV)
		SKIP(return, "no tun device: %s", strerror(-tun));
	ASSERT_LE(0, tun) TH_LOG("tun: %s", strerror(-tun));
	self->tun = tun;
	self->udp = udp_flow();
	ASSERT_LE(0, self->udp) TH_LOG("udp socket: %s", strerror(-self->udp));
}

FIXTURE_TEARDOWN(traffic)
{
	nl_close(&self->nl);
	nl_close(&self->events);
	nl_close(&self->outside);
}

static void expect_event(struct __test_metadata *_metadata, const struct event *ev,
			 uint32_t reason, uint32_t ifindex, uint16_t sport)
{
	static const int len[__PMTUFIX_A_EV_MAX] = {
		[PMTUFIX_A_EV_REASON - 1] = 4, [PMTUFIX_A_EV_IFINDEX - 1] = 4,
		[PMTUFIX_A_EV_ICMP_SADDR - 1] = 4, [PMTUFIX_A_EV_MTU - 1] = 4,
		[PMTUFIX_A_EV_PROTO - 1] = 1, [PMTUFIX_A_EV_SADDR - 1] = 4,
		[PMTUFIX_A_EV_DADDR - 1] = 4, [PMTUFIX_A_EV_SPORT - 1] = 2,
		[PMTUFIX_A_EV_DPORT - 1] = 2,
	};
	int i;

	EXPECT_EQ(PMTUFIX_GENL_VERSION, ev->version);
	EXPECT_TRUE(ev->nested_flag) TH_LOG("PMTUFIX_A_EVENT without NLA_F_NESTED");
	/* Only an error that came in on the relay device is flagged relayed. */
	EXPECT_FALSE(ev->has[PMTUFIX_A_EV_RELAYED - 1]) TH_LOG("a direct error flagged relayed");
	for (i = 0; i < PMTUFIX_A_EV_MAX; i++) {
		if (i == PMTUFIX_A_EV_RELAYED - 1)
			continue;
		EXPECT_TRUE(ev->has[i]) TH_LOG("event attribute %d missing", i + 1);
		EXPECT_EQ(len[i], ev->len[i]) TH_LOG("event attribute %d length", i + 1);
	}
	EXPECT_EQ(reason, ev->reason);
	EXPECT_EQ(ifindex, ev->ifindex);
	EXPECT_STREQ(STRANGER, inet_ntoa(ev->icmp_saddr));
	EXPECT_EQ((uint32_t)ADV_MTU, ev->mtu);
	EXPECT_EQ(IPPROTO_UDP, ev->proto);
	EXPECT_STREQ(TUN_LOCAL, inet_ntoa(ev->saddr));
	EXPECT_STREQ(TUN_PEER, inet_ntoa(ev->daddr));
	EXPECT_EQ(sport, ev->sport);
	EXPECT_EQ(PEER_PORT, ev->dport);
}

/* A rescue and a rejection, each an event with every attribute, counted. */
TEST_F(traffic, events_and_counters)
{
	struct event ev;
	struct stats st;

	ASSERT_EQ(0, get_stats(&self->nl, &st));
	EXPECT_TRUE(st.nested_flag);
	EXPECT_EQ(__PMTUFIX_REASON_MAX, st.n);
	EXPECT_EQ(0, st.bad_len);
	for (int r = 0; r < __PMTUFIX_REASON_MAX; r++) {
		EXPECT_EQ(0U, st.count[r]) TH_LOG("reason %d in a new namespace", r);
	}

	/* Our flow: rescued. */
	ASSERT_EQ(0, send_frag_needed(self->tun, STRANGER, ADV_MTU, LOCAL_PORT, PEER_PORT));
	ASSERT_EQ(0, read_event(&self->events, &ev, 5000)) TH_LOG("no event for a rescue");
	expect_event(_metadata, &ev, PMTUFIX_REASON_RESCUED, self->ifindex, LOCAL_PORT);

	/* Nobody's flow: rejected, no such flow. */
	ASSERT_EQ(0, send_frag_needed(self->tun, STRANGER, ADV_MTU, LOCAL_PORT + 1, PEER_PORT));
	ASSERT_EQ(0, read_event(&self->events, &ev, 5000)) TH_LOG("no event for a rejection");
	expect_event(_metadata, &ev, PMTUFIX_REASON_NO_FLOW, self->ifindex, LOCAL_PORT + 1);

	/* From the peer itself the kernel needs no help: counted, no event. */
	ASSERT_EQ(0, send_frag_needed(self->tun, TUN_PEER, ADV_MTU, LOCAL_PORT, PEER_PORT));

	/* Switched off: counted as such, no event. */
	ASSERT_EQ(0, set_config(&self->nl, 0, -1, -1, NULL));
	ASSERT_EQ(0, send_frag_needed(self->tun, STRANGER, ADV_MTU, LOCAL_PORT, PEER_PORT));
	ASSERT_EQ(0, set_config(&self->nl, 1, -1, -1, NULL));

	/* Below the floor: rejected with that reason. */
	ASSERT_EQ(0, set_config(&self->nl, -1, -1, ADV_MTU + 1, NULL));
	ASSERT_EQ(0, send_frag_needed(self->tun, STRANGER, ADV_MTU, LOCAL_PORT, PEER_PORT));
	ASSERT_EQ(0, read_event(&self->events, &ev, 5000));
	EXPECT_EQ((uint32_t)PMTUFIX_REASON_BELOW_FLOOR, ev.reason);

	EXPECT_EQ(-ETIMEDOUT, read_event(&self->events, &ev, 300))
		TH_LOG("unexpected event, reason %u", ev.reason);
	EXPECT_EQ(-ETIMEDOUT, read_event(&self->outside, &ev, 100))
		TH_LOG("an event reached a listener in another namespace");

	ASSERT_EQ(0, get_stats(&self->nl, &st));
	EXPECT_EQ(1U, st.count[PMTUFIX_REASON_RESCUED]);
	EXPECT_EQ(1U, st.count[PMTUFIX_REASON_NO_FLOW]);
	EXPECT_EQ(1U, st.count[PMTUFIX_REASON_NOT_NEEDED]);
	EXPECT_EQ(1U, st.count[PMTUFIX_REASON_DISABLED]);
	EXPECT_EQ(1U, st.count[PMTUFIX_REASON_BELOW_FLOOR]);
	EXPECT_EQ(0U, st.count[PMTUFIX_REASON_MALFORMED]);
}

/* RESET_STATS zeroes the counters; a refused one leaves them alone. */
TEST_F(traffic, reset_stats)
{
	struct stats st;
	struct nlh_ack ack;
	struct msg m;

	ASSERT_EQ(0, send_frag_needed(self->tun, STRANGER, ADV_MTU, LOCAL_PORT, PEER_PORT));
	ASSERT_EQ(0, send_frag_needed(self->tun, TUN_PEER, ADV_MTU, LOCAL_PORT, PEER_PORT));
	ASSERT_EQ(0, get_stats(&self->nl, &st));
	ASSERT_EQ(1U, st.count[PMTUFIX_REASON_RESCUED]);
	ASSERT_EQ(1U, st.count[PMTUFIX_REASON_NOT_NEEDED]);

	msg_init(&m, self->nl.family, PMTUFIX_CMD_RESET_STATS, 0);
	attr_put(&m, PMTUFIX_A_STATS, NULL, 0);
	EXPECT_EQ(-EINVAL, nl_talk(&self->nl, &m, &ack, NULL));
	ASSERT_EQ(0, get_stats(&self->nl, &st));
	EXPECT_EQ(1U, st.count[PMTUFIX_REASON_RESCUED]) TH_LOG("a refused reset reset");

	ASSERT_EQ(0, simple_cmd(&self->nl, PMTUFIX_CMD_RESET_STATS, &ack)) TH_LOG("%s", ack.msg);
	ASSERT_EQ(0, get_stats(&self->nl, &st));
	for (int r = 0; r < __PMTUFIX_REASON_MAX; r++) {
		EXPECT_EQ(0U, st.count[r]) TH_LOG("reason %d after reset", r);
	}

	/* Counting goes on from zero. */
	ASSERT_EQ(0, send_frag_needed(self->tun, STRANGER, ADV_MTU, LOCAL_PORT, PEER_PORT));
	ASSERT_EQ(0, get_stats(&self->nl, &st));
	EXPECT_EQ(1U, st.count[PMTUFIX_REASON_RESCUED]);
}

/* ------------------------------------------------------------------------ */
/* Privileges: CAP_NET_ADMIN over the user namespace owning the netns */

FIXTURE(priv) {
	struct config init;	/* the initial netns's settings */
};

FIXTURE_SETUP(priv)
{
	struct nl nl;

	ASSERT_EQ(0, nl_open(&nl));
	ASSERT_EQ(0, get_config(&nl, &self->init));
	nl_close(&nl);
}

/* In the parent, still root: puts back what a failed test may have changed. */
FIXTURE_TEARDOWN_PARENT(priv)
{
	struct config now;
	struct nl nl;

	if (nl_open(&nl))
		return;
	if (!get_config(&nl, &now) && !same_config(&now, &self->init))
		set_config(&nl, self->init.rescue, self->init.log, self->init.floor, NULL);
	nl_close(&nl);
}

/* Reading works, every change and the events group are EPERM. */
static void expect_read_only(struct __test_metadata *_metadata,
			     const struct config *want)
{
	struct config c;
	struct nlh_ack ack;
	struct nl nl;

	ASSERT_EQ(0, nl_open(&nl));
	ASSERT_EQ(0, get_config(&nl, &c)) TH_LOG("reading needs no privilege");
	EXPECT_TRUE(same_config(want, &c));
	EXPECT_EQ(0, simple_cmd(&nl, PMTUFIX_CMD_GET_STATS, &ack));
	EXPECT_EQ(-EPERM, set_config(&nl, !want->rescue, -1, -1, &ack));
	EXPECT_EQ(-EPERM, set_config(&nl, -1, -1, 1400, &ack));
	EXPECT_EQ(-EPERM, simple_cmd(&nl, PMTUFIX_CMD_RESET_STATS, &ack));
	EXPECT_EQ(-EPERM, nl_join_events(&nl)) TH_LOG("events name flows: CAP_NET_ADMIN only");
	ASSERT_EQ(0, get_config(&nl, &c));
	EXPECT_TRUE(same_config(want, &c)) TH_LOG("an unprivileged request changed something");
	nl_close(&nl);
}

/* An ordinary user in the initial namespaces. */
TEST_F(priv, nobody)
{
	ASSERT_EQ(0, setgroups(0, NULL));
	ASSERT_EQ(0, setresgid(NOBODY_UID, NOBODY_UID, NOBODY_UID));
	ASSERT_EQ(0, setresuid(NOBODY_UID, NOBODY_UID, NOBODY_UID));
	expect_read_only(_metadata, &self->init);
}

/* Root of a new user namespace is nobody to a netns it does not own. */
TEST_F(priv, user_namespace)
{
	ASSERT_EQ(0, unshare(CLONE_NEWUSER)) TH_LOG("unshare: %s", strerror(errno));
	expect_read_only(_metadata, &self->init);
}

/* ... and administers the netns it creates, and only that one. */
TEST_F(priv, user_and_net_namespace)
{
	struct nl outside, inside;
	struct config c;
	struct nlh_ack ack;

	ASSERT_EQ(0, nl_open(&outside));
	ASSERT_EQ(0, unshare(CLONE_NEWUSER | CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, nl_open(&inside));
	ASSERT_EQ(0, set_config(&inside, !self->init.rescue, PMTUFIX_LOG_ALL, 1400, &ack))
		TH_LOG("in its own netns: %d %s", ack.error, ack.msg);
	ASSERT_EQ(0, get_config(&inside, &c));
	EXPECT_EQ(!self->init.rescue, c.rescue);
	EXPECT_EQ(PMTUFIX_LOG_ALL, c.log);
	EXPECT_EQ(1400U, c.floor);
	EXPECT_EQ(0, simple_cmd(&inside, PMTUFIX_CMD_RESET_STATS, &ack));
	EXPECT_EQ(0, nl_join_events(&inside));

	/* The initial netns is not ours: read, but not written. */
	ASSERT_EQ(0, get_config(&outside, &c));
	EXPECT_TRUE(same_config(&self->init, &c)) TH_LOG("the initial netns changed");
	EXPECT_EQ(-EPERM, set_config(&outside, -1, PMTUFIX_LOG_NONE, -1, &ack));
	EXPECT_EQ(-EPERM, simple_cmd(&outside, PMTUFIX_CMD_RESET_STATS, &ack));
	nl_close(&inside);
	nl_close(&outside);
}

/* ------------------------------------------------------------------------ */
/* The module: loaded here unless it already is */

static bool loaded_here;

static void unload_module(void)
{
	int err;

	if (!loaded_here)
		return;
	err = nlh_module_unload();
	if (!err)
		return;
	printf("# cannot unload pmtufix: %s\n", strerror(-err));
	fflush(stdout);
	_exit(KSFT_FAIL);
}

static void load_module(void)
{
	int err = nlh_module_load();

	if (err < 0)
		ksft_exit_fail_msg("cannot load pmtufix: %s\n", strerror(-err));
	loaded_here = err > 0;
	if (loaded_here)
		atexit(unload_module);
}

int main(int argc, char **argv)
{
	if (geteuid())
		ksft_exit_skip("must be run as root\n");
	load_module();
	return test_harness_run(argc, argv);
}
