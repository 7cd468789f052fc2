// SPDX-License-Identifier: GPL-2.0
/* The module family's messages, decoded into the data model and encoded. */

#include <arpa/inet.h>
#include <errno.h>
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

int pf_stats_decode(const struct nlmsghdr *nlh, struct pf_stats *st)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1], *attr;
	uint32_t r;

	memset(st, 0, sizeof(*st));
	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX) || !tb[PMTUFIX_A_STATS])
		return -EPROTO;
	for (r = 0; r <= PMTUFIX_REASON_MAX; r++)
		if (pf_stats_put(st, r, 0))
			goto nomem;
	mnl_attr_for_each_nested(attr, tb[PMTUFIX_A_STATS]) {
		uint16_t type = mnl_attr_get_type(attr);
		uint64_t v;

		/* Type = reason + 1; 0 is padding. Unknown reasons are kept too. */
		if (type == PMTUFIX_A_STATS_PAD || !pf_attr_u64(attr, &v))
			continue;
		if (pf_stats_put(st, (uint32_t)type - 1, v))
			goto nomem;
	}
	return 0;
nomem:
	pf_stats_free(st);
	return -ENOMEM;
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
	return 0;
}
