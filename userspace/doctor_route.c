// SPDX-License-Identifier: GPL-2.0
/*
 * doctor's questions to rtnetlink: route lookups as the receive path makes
 * them (with an input interface, so the kernel runs its own reverse-path
 * check), links with their kind, gateways, and cached PMTU exceptions. None
 * needs a privilege. Strict checking is asked for, so a kernel that cannot
 * filter says so instead of answering another question.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "doctor.h"

#define RT_BUFSIZE	32768

typedef int (*rt_cb)(const struct nlmsghdr *nlh, void *data);

/* One request, every answer to cb; 0 or -errno (the kernel's). */
static int rt_talk(struct nlmsghdr *nlh, rt_cb cb, void *data)
{
	struct mnl_socket *s = mnl_socket_open(NETLINK_ROUTE);
	char *buf = malloc(RT_BUFSIZE);
	int one = 1, err = 0;
	unsigned int portid;
	ssize_t len;

	if (!s || !buf) {
		err = s ? -ENOMEM : -errno;
		goto out;
	}
	setsockopt(mnl_socket_get_fd(s), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(s);
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		len = mnl_socket_recvfrom(s, buf, RT_BUFSIZE);
		if (len < 0) {
			err = -errno;
			break;
		}
		err = mnl_cb_run(buf, (size_t)len, nlh->nlmsg_seq, portid, cb, data);
		if (err <= MNL_CB_STOP) {
			err = err < 0 ? -errno : 0;
			break;
		}
	}
out:
	if (s)
		mnl_socket_close(s);
	free(buf);
	return err;
}

static struct nlmsghdr *rt_msg(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	return nlh;
}

static unsigned int metrics_mtu(const struct nlattr *metrics)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, metrics)
		if (mnl_attr_get_type(a) == RTAX_MTU &&
		    mnl_attr_get_payload_len(a) == sizeof(uint32_t))
			return mnl_attr_get_u32(a);
	return 0;
}

struct route_attrs {
	const struct rtmsg *rtm;
	struct in_addr dst, gw, prefsrc;
	int oif;
	uint32_t table;
	unsigned int mtu;
};

static void route_parse(const struct nlmsghdr *nlh, struct route_attrs *r)
{
	const struct nlattr *a;

	memset(r, 0, sizeof(*r));
	r->rtm = mnl_nlmsg_get_payload(nlh);
	r->table = r->rtm->rtm_table;
	mnl_attr_for_each(a, nlh, sizeof(*r->rtm)) {
		uint16_t t = mnl_attr_get_type(a);
		bool u32 = mnl_attr_get_payload_len(a) == sizeof(uint32_t);

		if (t == RTA_DST && u32)
			memcpy(&r->dst, mnl_attr_get_payload(a), 4);
		else if (t == RTA_GATEWAY && u32)
			memcpy(&r->gw, mnl_attr_get_payload(a), 4);
		else if (t == RTA_PREFSRC && u32)
			memcpy(&r->prefsrc, mnl_attr_get_payload(a), 4);
		else if (t == RTA_OIF && u32)
			r->oif = (int)mnl_attr_get_u32(a);
		else if (t == RTA_TABLE && u32)
			r->table = mnl_attr_get_u32(a);
		else if (t == RTA_METRICS)
			r->mtu = metrics_mtu(a);
	}
}

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pf_rt *rt = data;
	struct route_attrs r;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	route_parse(nlh, &r);
	rt->oif = r.oif;
	rt->mtu = r.mtu;
	rt->prefsrc = r.prefsrc;
	rt->cloned = r.rtm->rtm_flags & RTM_F_CLONED;
	return MNL_CB_OK;
}

int pf_rt_get(struct in_addr dst, struct in_addr src, int iif, struct pf_rt *rt)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rt_msg(buf, RTM_GETROUTE, NLM_F_ACK);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	memset(rt, 0, sizeof(*rt));
	rtm->rtm_dst_len = 32;
	mnl_attr_put(nlh, RTA_DST, 4, &dst);
	if (src.s_addr) {
		rtm->rtm_src_len = 32;
		mnl_attr_put(nlh, RTA_SRC, 4, &src);
	}
	if (iif) {
		/* As an ICMP error would be routed, not the default UDP. */
		mnl_attr_put_u32(nlh, RTA_IIF, (uint32_t)iif);
		mnl_attr_put_u8(nlh, RTA_IP_PROTO, IPPROTO_ICMP);
	}
	return rt_talk(nlh, get_cb, rt);
}

struct vec {
	void *v;
	size_t n, size;
};

static void *vec_push(struct vec *x)
{
	char *v = realloc(x->v, (x->n + 1) * x->size);

	if (!v)
		return NULL;
	x->v = v;
	memset(v + x->n * x->size, 0, x->size);
	return v + x->n++ * x->size;
}

static void link_info(const struct nlattr *nest, struct pf_link *l)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == IFLA_INFO_KIND)
			snprintf(l->kind, sizeof(l->kind), "%.*s",
				 (int)mnl_attr_get_payload_len(a),
				 (const char *)mnl_attr_get_payload(a));
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct pf_link *l;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	l = vec_push(data);
	if (!l) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	l->ifindex = ifi->ifi_index;
	l->up = ifi->ifi_flags & IFF_UP;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		bool u32 = mnl_attr_get_payload_len(a) == sizeof(uint32_t);

		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			snprintf(l->name, sizeof(l->name), "%.*s",
				 (int)mnl_attr_get_payload_len(a),
				 (const char *)mnl_attr_get_payload(a));
			break;
		case IFLA_MTU:
			l->mtu = u32 ? mnl_attr_get_u32(a) : 0;
			break;
		case IFLA_LINK:
			l->link = u32 ? (int)mnl_attr_get_u32(a) : 0;
			break;
		case IFLA_LINKINFO:
			link_info(a, l);
			break;
		}
	}
	return MNL_CB_OK;
}

int pf_rt_links(struct pf_link **v, size_t *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct vec x = { .size = sizeof(struct pf_link) };
	struct ifinfomsg *ifi;
	int err;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	err = rt_talk(nlh, link_cb, &x);
	if (err)
		free(x.v);
	*v = err ? NULL : x.v;
	*n = err ? 0 : x.n;
	return err;
}

static int gw_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_attrs r;
	struct pf_gw *g;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	route_parse(nlh, &r);
	if (!r.gw.s_addr || r.table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	g = vec_push(data);
	if (!g) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	g->gw = r.gw;
	g->oif = r.oif;
	g->is_default = r.rtm->rtm_dst_len == 0;
	return MNL_CB_OK;
}

int pf_rt_gateways(struct pf_gw **v, size_t *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rt_msg(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct vec x = { .size = sizeof(struct pf_gw) };
	int err = rt_talk(nlh, gw_cb, &x);

	if (err)
		free(x.v);
	*v = err ? NULL : x.v;
	*n = err ? 0 : x.n;
	return err;
}

static int cache_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_attrs r;
	struct pf_pmtu *p;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	route_parse(nlh, &r);
	if (!(r.rtm->rtm_flags & RTM_F_CLONED) || !r.mtu)
		return MNL_CB_OK;
	p = vec_push(data);
	if (!p) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	p->dst = r.dst;
	p->mtu = r.mtu;
	p->oif = r.oif;
	return MNL_CB_OK;
}

int pf_rt_pmtu_cache(struct pf_pmtu **v, size_t *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rt_msg(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct vec x = { .size = sizeof(struct pf_pmtu) };
	int err;

	/* Exceptions only (fib_dump_info_fnhe): what `ip route show cache` lists. */
	rtm->rtm_flags = RTM_F_CLONED;
	err = rt_talk(nlh, cache_cb, &x);
	if (err)
		free(x.v);
	*v = err ? NULL : x.v;
	*n = err ? 0 : x.n;
	return err;
}
