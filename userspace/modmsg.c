// SPDX-License-Identifier: GPL-2.0
/* The module family's messages, decoded into the data model and encoded. */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include "pmtufix.h"
#include "genl.h"
#include "modmsg.h"

int pf_config_decode(const struct nlmsghdr *nlh, struct pf_config *cfg)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1];
	uint8_t rescue;

	memset(cfg, 0, sizeof(*cfg));
	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX))
		return -EPROTO;
	cfg->has_rescue = pf_attr_u8(tb[PMTUFIX_A_RESCUE_ENABLED], &rescue);
	cfg->rescue = rescue != 0;
	cfg->has_log = pf_attr_u8(tb[PMTUFIX_A_LOG_LEVEL], &cfg->log);
	cfg->has_floor = pf_attr_u32(tb[PMTUFIX_A_MTU_FLOOR], &cfg->floor);
	cfg->has_floor_eff = pf_attr_u32(tb[PMTUFIX_A_MTU_FLOOR_EFFECTIVE], &cfg->floor_eff);
	cfg->has_version = pf_attr_u32(tb[PMTUFIX_A_VERSION], &cfg->version);
	return 0;
}

/* A nest in the shape of the stats nest: type = reason + 1, 0 is padding. */
static int stats_nest_decode(const struct nlattr *nest, struct pf_stats *st)
{
	const struct nlattr *attr;

	for (uint32_t r = 0; r <= PMTUFIX_REASON_MAX; r++)
		if (pf_stats_put(st, r, 0))
			return -ENOMEM;
	mnl_attr_for_each_nested(attr, nest) {
		uint16_t type = mnl_attr_get_type(attr);
		uint64_t v;

		/* Unknown reasons are kept too. */
		if (type == PMTUFIX_A_STATS_PAD || !pf_attr_u64(attr, &v))
			continue;
		if (pf_stats_put(st, (uint32_t)type - 1, v))
			return -ENOMEM;
	}
	return 0;
}

int pf_stats_decode(const struct nlmsghdr *nlh, struct pf_stats *st)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1];
	int err;

	memset(st, 0, sizeof(*st));
	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX) || !tb[PMTUFIX_A_STATS])
		return -EPROTO;
	err = stats_nest_decode(tb[PMTUFIX_A_STATS], st);
	if (err)
		pf_stats_free(st);
	return err;
}

int pf_relay_stats_decode(const struct nlmsghdr *nlh, struct pf_relay_stats *st)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1], *attr;
	int err;

	memset(st, 0, sizeof(*st));
	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX))
		return -EPROTO;
	if (!tb[PMTUFIX_A_RELAY_OUT_STATS] || !tb[PMTUFIX_A_RELAY_IN_STATS])
		return -ENOENT;
	mnl_attr_for_each_nested(attr, tb[PMTUFIX_A_RELAY_OUT_STATS]) {
		uint16_t type = mnl_attr_get_type(attr);
		uint64_t v;

		/* Type = counter + 1; 0 is padding; newer counters are skipped. */
		if (type == PMTUFIX_A_RELAY_OUT_PAD || type > __PMTUFIX_RELAY_OUT_MAX ||
		    !pf_attr_u64(attr, &v))
			continue;
		st->out[type - 1] = v;
	}
	err = stats_nest_decode(tb[PMTUFIX_A_RELAY_IN_STATS], &st->in);
	if (err)
		pf_stats_free(&st->in);
	return err;
}

static int relay_prefix_decode(const struct nlattr *nest, struct pf_prefix *p)
{
	const struct nlattr *tb[PMTUFIX_A_RELAY_PREFIX_MAX + 1], *addr;
	size_t alen;

	memset(p, 0, sizeof(*p));
	if (pf_nl_parse_nested(nest, tb, PMTUFIX_A_RELAY_PREFIX_MAX) ||
	    !pf_attr_u8(tb[PMTUFIX_A_RELAY_PREFIX_FAMILY], &p->family) ||
	    !pf_attr_u8(tb[PMTUFIX_A_RELAY_PREFIX_LEN], &p->len))
		return -EPROTO;
	if (p->family != AF_INET && p->family != AF_INET6)
		return -EPROTO;
	alen = pf_prefix_addrlen(p);
	addr = tb[PMTUFIX_A_RELAY_PREFIX_ADDR];
	if (!addr || mnl_attr_get_payload_len(addr) != alen || p->len > alen * 8)
		return -EPROTO;
	memcpy(p->addr, mnl_attr_get_payload(addr), alen);
	return 0;
}

int pf_relay_decode(const struct nlmsghdr *nlh, struct pf_relay *r)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1], *rb[PMTUFIX_A_RELAY_MAX + 1], *attr;

	pf_relay_init(r);
	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX) || !tb[PMTUFIX_A_RELAY] ||
	    pf_nl_parse_nested(tb[PMTUFIX_A_RELAY], rb, PMTUFIX_A_RELAY_MAX))
		return -EPROTO;
	pf_attr_u32(rb[PMTUFIX_A_RELAY_RATE], &r->rate);
	pf_attr_u32(rb[PMTUFIX_A_RELAY_BURST], &r->burst);
	pf_attr_u32(rb[PMTUFIX_A_RELAY_IFINDEX], &r->ifindex);
	/* Each prefix is one attribute of the same type: walk them all. */
	mnl_attr_for_each_nested(attr, tb[PMTUFIX_A_RELAY]) {
		if (mnl_attr_get_type(attr) != PMTUFIX_A_RELAY_PREFIX)
			continue;
		if (r->n_prefixes == PMTUFIX_RELAY_PREFIXES_MAX ||
		    relay_prefix_decode(attr, &r->prefixes[r->n_prefixes]))
			return -EPROTO;
		r->n_prefixes++;
	}
	pf_prefix_sort(r->prefixes, r->n_prefixes);
	return 0;
}

void pf_relay_put(struct nlmsghdr *nlh, const struct pf_relay *r)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, PMTUFIX_A_RELAY);

	for (unsigned int i = 0; i < r->n_prefixes; i++) {
		const struct pf_prefix *p = &r->prefixes[i];
		struct nlattr *pn = mnl_attr_nest_start(nlh, PMTUFIX_A_RELAY_PREFIX);

		mnl_attr_put_u8(nlh, PMTUFIX_A_RELAY_PREFIX_FAMILY, p->family);
		mnl_attr_put(nlh, PMTUFIX_A_RELAY_PREFIX_ADDR, pf_prefix_addrlen(p), p->addr);
		mnl_attr_put_u8(nlh, PMTUFIX_A_RELAY_PREFIX_LEN, p->len);
		mnl_attr_nest_end(nlh, pn);
	}
	if (r->n_prefixes) {
		mnl_attr_put_u32(nlh, PMTUFIX_A_RELAY_RATE, r->rate);
		mnl_attr_put_u32(nlh, PMTUFIX_A_RELAY_BURST, r->burst);
		mnl_attr_put_u32(nlh, PMTUFIX_A_RELAY_IFINDEX, r->ifindex);
	}
	mnl_attr_nest_end(nlh, nest);
}

int pf_relay_packet_decode(const struct nlmsghdr *nlh, const uint8_t **pkt, size_t *len)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1];
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN || g->cmd != PMTUFIX_CMD_RELAY ||
	    pf_nl_parse(nlh, tb, PMTUFIX_A_MAX) || !tb[PMTUFIX_A_RELAY_PACKET])
		return -EPROTO;
	*pkt = mnl_attr_get_payload(tb[PMTUFIX_A_RELAY_PACKET]);
	*len = mnl_attr_get_payload_len(tb[PMTUFIX_A_RELAY_PACKET]);
	return *len <= PMTUFIX_RELAY_PACKET_MAX ? 0 : -EPROTO;
}

int pf_mss_stats_decode(const struct nlmsghdr *nlh, struct pf_mss_stats *st)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1], *attr;

	memset(st, 0, sizeof(*st));
	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX))
		return -EPROTO;
	if (!tb[PMTUFIX_A_MSS_STATS])
		return -ENOENT;
	mnl_attr_for_each_nested(attr, tb[PMTUFIX_A_MSS_STATS]) {
		uint16_t type = mnl_attr_get_type(attr);
		uint64_t v;

		/* Type = counter + 1; 0 is padding; newer counters are skipped. */
		if (type == PMTUFIX_A_STATS_PAD || type > __PMTUFIX_MSS_STAT_MAX ||
		    !pf_attr_u64(attr, &v))
			continue;
		st->v[type - 1] = v;
	}
	return 0;
}

int pf_mss_rule_decode(const struct nlattr *nest, struct pf_mss_rule *r)
{
	const struct nlattr *tb[PMTUFIX_A_MSS_MAX + 1];
	const struct nlattr *pfx;
	uint8_t family, len;
	size_t alen;

	memset(r, 0, sizeof(*r));
	if (pf_nl_parse_nested(nest, tb, PMTUFIX_A_MSS_MAX) ||
	    !pf_attr_u8(tb[PMTUFIX_A_MSS_FAMILY], &family) ||
	    !pf_attr_u8(tb[PMTUFIX_A_MSS_PREFIX_LEN], &len) ||
	    !pf_attr_u16(tb[PMTUFIX_A_MSS_VALUE], &r->mss))
		return -EPROTO;
	if (family != AF_INET && family != AF_INET6)
		return -EPROTO;
	alen = family == AF_INET ? 4 : 16;
	pfx = tb[PMTUFIX_A_MSS_PREFIX];
	if (!pfx || mnl_attr_get_payload_len(pfx) != alen || len > alen * 8)
		return -EPROTO;
	r->prefix.family = family;
	r->prefix.len = len;
	memcpy(r->prefix.addr, mnl_attr_get_payload(pfx), alen);
	if (!tb[PMTUFIX_A_MSS_DIR])
		r->dir = PMTUFIX_MSS_DIR_BOTH;
	else if (!pf_attr_u8(tb[PMTUFIX_A_MSS_DIR], &r->dir))
		return -EPROTO;
	return 0;
}

void pf_mss_rule_put(struct nlmsghdr *nlh, const struct pf_mss_rule *r, bool value)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, PMTUFIX_A_MSS_RULE);

	mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_FAMILY, r->prefix.family);
	mnl_attr_put(nlh, PMTUFIX_A_MSS_PREFIX, pf_prefix_addrlen(&r->prefix), r->prefix.addr);
	mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_PREFIX_LEN, r->prefix.len);
	if (value) {
		mnl_attr_put_u16(nlh, PMTUFIX_A_MSS_VALUE, r->mss);
		mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_DIR, r->dir);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void get_addr(const struct nlattr *a, struct pf_addr *addr)
{
	size_t len = a ? mnl_attr_get_payload_len(a) : 0;

	memset(addr, 0, sizeof(*addr));
	if (len != 4 && len != 16)
		return;
	addr->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(addr->bytes, mnl_attr_get_payload(a), len);
}

static bool get_port(const struct nlattr *a, uint16_t *port)
{
	uint16_t be;

	if (!pf_attr_u16(a, &be))
		return false;
	*port = ntohs(be);
	return true;
}

int pf_event_decode(const struct nlmsghdr *nlh, struct pf_event *ev)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1], *eb[PMTUFIX_A_EV_MAX + 1];
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	memset(ev, 0, sizeof(*ev));
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN || g->cmd != PMTUFIX_CMD_EVENT)
		return -EPROTO;
	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX) || !tb[PMTUFIX_A_EVENT] ||
	    pf_nl_parse_nested(tb[PMTUFIX_A_EVENT], eb, PMTUFIX_A_EV_MAX))
		return -EPROTO;
	ev->has_reason = pf_attr_u32(eb[PMTUFIX_A_EV_REASON], &ev->reason);
	ev->has_ifindex = pf_attr_u32(eb[PMTUFIX_A_EV_IFINDEX], &ev->ifindex);
	ev->has_mtu = pf_attr_u32(eb[PMTUFIX_A_EV_MTU], &ev->mtu);
	ev->has_proto = pf_attr_u8(eb[PMTUFIX_A_EV_PROTO], &ev->proto);
	ev->has_sport = get_port(eb[PMTUFIX_A_EV_SPORT], &ev->sport);
	ev->has_dport = get_port(eb[PMTUFIX_A_EV_DPORT], &ev->dport);
	get_addr(eb[PMTUFIX_A_EV_ICMP_SADDR], &ev->icmp_saddr);
	get_addr(eb[PMTUFIX_A_EV_SADDR], &ev->saddr);
	get_addr(eb[PMTUFIX_A_EV_DADDR], &ev->daddr);
	ev->relayed = eb[PMTUFIX_A_EV_RELAYED] != NULL;
	return 0;
}
