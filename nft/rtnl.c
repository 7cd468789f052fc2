// SPDX-License-Identifier: GPL-2.0
/*
 * What the nft backend changes outside its table over rtnetlink: the ip
 * rules and table 500's route; and the uplinks it finds in the main table.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "nl.h"
#include "rtnl.h"

/* ------------------------------------------------------------------ */
/* Rules and routes */

/* Dumped messages, kept whole so that they can be sent back as deletes. */
struct msgs {
	char **v;
	size_t n;
	uint32_t table;		/* routes: only this table (0 = all) */
	bool ours;		/* keep ours (true) or others' (false) */
	bool any;		/* keep regardless of protocol */
	uint8_t proto;		/* ours: the rescue's (0) or the relay's */
};

static bool is_ours(const struct msgs *m, uint8_t proto)
{
	return proto == (m->proto ? m->proto : PFNFT_RTPROT);
}

static void msgs_free(struct msgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static int keep(struct msgs *m, const struct nlmsghdr *nlh)
{
	char **v = realloc(m->v, (m->n + 1) * sizeof(*v));

	if (!v)
		return MNL_CB_ERROR;
	m->v = v;
	m->v[m->n] = malloc(nlh->nlmsg_len);
	if (!m->v[m->n])
		return MNL_CB_ERROR;
	memcpy(m->v[m->n++], nlh, nlh->nlmsg_len);
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct msgs *m = data;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	uint8_t proto = 0;

	if (frh->family != AF_INET)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*frh))
		if (mnl_attr_get_type(a) == FRA_PROTOCOL)
			proto = mnl_attr_get_u8(a);
	if (is_ours(m, proto) == m->ours)
		return keep(m, nlh);
	return MNL_CB_OK;
}

static uint32_t route_table(const struct nlmsghdr *nlh)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	uint32_t table = rtm->rtm_table;

	mnl_attr_for_each(a, nlh, sizeof(*rtm))
		if (mnl_attr_get_type(a) == RTA_TABLE)
			table = mnl_attr_get_u32(a);
	return table;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct msgs *m = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (rtm->rtm_family != AF_INET)
		return MNL_CB_OK;
	if (m->table && route_table(nlh) != m->table)
		return MNL_CB_OK;
	if (m->any || is_ours(m, rtm->rtm_protocol) == m->ours)
		return keep(m, nlh);
	return MNL_CB_OK;
}

static int dump(struct pfnft *h, uint16_t type, struct msgs *m)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(h->buf);
	int err;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = h->seq++;
	if (type == RTM_GETRULE) {
		struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

		frh->family = AF_INET;
	} else {
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

		rtm->rtm_family = AF_INET;
	}
	err = pfnft_talk(h, h->rt, nlh, type == RTM_GETRULE ? rule_cb : route_cb, m);
	if (err)
		msgs_free(m);
	return err;
}

/* Send each dumped message back as type (a delete). */
static int delete_all(struct pfnft *h, struct msgs *m, uint16_t type)
{
	int err = 0;

	for (size_t i = 0; i < m->n; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)m->v[i];
		int e;

		nlh->nlmsg_type = type;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		nlh->nlmsg_seq = h->seq++;
		nlh->nlmsg_pid = 0;
		e = pfnft_talk(h, h->rt, nlh, NULL, NULL);
		if (e && e != -ENOENT && e != -ESRCH && !err)
			err = e;
	}
	return err;
}

static int remove_ours(struct pfnft *h, uint8_t proto, uint32_t table, bool *found)
{
	struct msgs rules = { .ours = true, .proto = proto };
	struct msgs routes = { .ours = true, .proto = proto, .table = table };
	int err, err2;

	*found = false;
	err = dump(h, RTM_GETRULE, &rules);
	if (err)
		return pfnft_fail(h, err, "cannot list the ip rules");
	err = dump(h, RTM_GETROUTE, &routes);
	if (err) {
		msgs_free(&rules);
		return pfnft_fail(h, err, "cannot list the routes");
	}
	*found = rules.n || routes.n;
	/* Rules first: no moment where a rule points at an empty table matters. */
	err = delete_all(h, &rules, RTM_DELRULE);
	err2 = delete_all(h, &routes, RTM_DELROUTE);
	msgs_free(&rules);
	msgs_free(&routes);
	if (err || err2)
		return pfnft_fail(h, err ? err : err2, "cannot remove the ip rules and routes of pmtufix");
	return 0;
}

int pfnft_routing_remove(struct pfnft *h, uint32_t table, bool *found)
{
	return remove_ours(h, PFNFT_RTPROT, table, found);
}

/* Routes in table that are not ours (protocol proto): a count, or -errno. */
static int foreign_routes(struct pfnft *h, uint8_t proto, uint32_t table)
{
	struct msgs routes = { .ours = false, .proto = proto, .table = table };
	int err, n;

	err = dump(h, RTM_GETROUTE, &routes);
	if (err)
		return pfnft_fail(h, err, "cannot list the routes");
	n = (int)routes.n;
	msgs_free(&routes);
	return n;
}

int pfnft_routing_foreign(struct pfnft *h, uint32_t table)
{
	return foreign_routes(h, PFNFT_RTPROT, table);
}

bool pfnft_routing_present(struct pfnft *h, const struct pf_config *conf)
{
	struct msgs rules = { .ours = true }, routes = { .ours = true, .table = conf->table };
	bool ok;

	if (dump(h, RTM_GETRULE, &rules))
		return false;
	if (dump(h, RTM_GETROUTE, &routes)) {
		msgs_free(&rules);
		return false;
	}
	ok = rules.n == conf->n_uplinks + 2 && routes.n == 1;
	msgs_free(&rules);
	msgs_free(&routes);
	return ok;
}

static struct nlmsghdr *rule_msg_proto(struct pfnft *h, uint8_t action, uint32_t pref,
				      uint8_t proto)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(h->buf);
	struct fib_rule_hdr *frh;

	nlh->nlmsg_type = RTM_NEWRULE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = h->seq++;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = AF_INET;
	frh->action = action;
	mnl_attr_put_u32(nlh, FRA_PRIORITY, pref);
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, proto);
	return nlh;
}

static struct nlmsghdr *rule_msg(struct pfnft *h, uint8_t action, uint32_t pref)
{
	return rule_msg_proto(h, action, pref, PFNFT_RTPROT);
}

/* RTM_NEWROUTE: default, scope link, in table, by protocol proto; no device yet. */
static struct nlmsghdr *route_msg(struct pfnft *h, uint32_t table, uint8_t proto)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(h->buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = h->seq++;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;	/* else RTA_TABLE */
	rtm->rtm_protocol = proto;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	return nlh;
}

static int add_rules_and_route(struct pfnft *h, const struct pf_config *c)
{
	struct nlmsghdr *nlh;
	unsigned int ifindex[PF_MAX_UPLINKS];
	int err;

	for (unsigned int i = 0; i < c->n_uplinks; i++) {
		ifindex[i] = if_nametoindex(c->uplinks[i]);
		if (!ifindex[i])
			return pfnft_fail(h, -ENODEV, "uplink %s does not exist", c->uplinks[i]);
	}

	/* The route first: the rules then never point at an empty table. */
	nlh = route_msg(h, c->table, PFNFT_RTPROT);
	if (c->n_uplinks == 1) {
		mnl_attr_put_u32(nlh, RTA_OIF, ifindex[0]);
	} else {
		struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

		for (unsigned int i = 0; i < c->n_uplinks; i++) {
			struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);

			memset(nh, 0, sizeof(*nh));
			nh->rtnh_len = sizeof(*nh);
			nh->rtnh_ifindex = (int)ifindex[i];
			nlh->nlmsg_len += MNL_ALIGN(sizeof(*nh));
		}
		mnl_attr_nest_end(nlh, mp);
	}
	err = pfnft_talk(h, h->rt, nlh, NULL, NULL);
	if (err)
		return pfnft_fail(h, err, "cannot add the route of table %u out the uplinks", c->table);

	nlh = rule_msg(h, FR_ACT_NOP, c->pref + 2);
	err = pfnft_talk(h, h->rt, nlh, NULL, NULL);
	if (!err) {
		nlh = rule_msg(h, FR_ACT_TO_TBL, c->pref + 1);
		((struct fib_rule_hdr *)mnl_nlmsg_get_payload(nlh))->table =
			c->table < 256 ? (uint8_t)c->table : RT_TABLE_UNSPEC;
		mnl_attr_put_u32(nlh, FRA_TABLE, c->table);
		mnl_attr_put_u32(nlh, FRA_FWMARK, c->mark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, c->mask);
		err = pfnft_talk(h, h->rt, nlh, NULL, NULL);
	}
	for (unsigned int i = 0; !err && i < c->n_uplinks; i++) {
		nlh = rule_msg(h, FR_ACT_GOTO, c->pref);
		mnl_attr_put_u32(nlh, FRA_GOTO, c->pref + 2);
		mnl_attr_put_u32(nlh, FRA_FWMARK, c->mark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, c->mask);
		mnl_attr_put_strz(nlh, FRA_IIFNAME, c->uplinks[i]);
		err = pfnft_talk(h, h->rt, nlh, NULL, NULL);
	}
	if (err)
		return pfnft_fail(h, err, "cannot add the ip rules (pref %u..%u)", c->pref, c->pref + 2);
	return 0;
}

int pfnft_routing_install(struct pfnft *h, const struct pf_config *c)
{
	bool found;
	int n, err;

	n = pfnft_routing_foreign(h, c->table);
	if (n < 0)
		return n;
	if (n > 0)
		return pfnft_fail(h, -EBUSY, "route table %u has %d route%s that pmtufix did not add "
				  "(choose another with 'set table N')", c->table, n, n == 1 ? "" : "s");
	err = pfnft_routing_remove(h, 0, &found);
	if (!err)
		err = add_rules_and_route(h, c);
	return err;
}

/* ------------------------------------------------------------------ */
/* The relay's source check */

int pfnft_relay_routing_remove(struct pfnft *h, bool *found)
{
	return remove_ours(h, PFNFT_RTPROT_RELAY, 0, found);
}

/* RTA_OIF of a route message, or 0. */
static uint32_t route_oif(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	uint32_t oif = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct rtmsg))
		if (mnl_attr_get_type(a) == RTA_OIF && !mnl_attr_validate(a, MNL_TYPE_U32))
			oif = mnl_attr_get_u32(a);
	return oif;
}

uint32_t pfnft_relay_routing_ifindex(struct pfnft *h)
{
	struct msgs rules = { .ours = true, .proto = PFNFT_RTPROT_RELAY };
	struct msgs routes = { .ours = true, .proto = PFNFT_RTPROT_RELAY,
			       .table = PFNFT_RELAY_TABLE };
	uint32_t oif = 0;

	if (dump(h, RTM_GETRULE, &rules))
		return 0;
	if (rules.n == 3 && !dump(h, RTM_GETROUTE, &routes)) {
		if (routes.n == 1)
			oif = route_oif((const struct nlmsghdr *)routes.v[0]);
		msgs_free(&routes);
	}
	msgs_free(&rules);
	return oif;
}

/*
 * Table PFNFT_RELAY_TABLE: default dev ifindex; and the rules that send the
 * source check of a packet with the relay mark there (its lookup has iif lo,
 * or the egress device when the error is forwarded, to a pod behind DNAT):
 *
 *   pref P    fwmark R/R iif RELAYDEV goto P+2   (the error's own route)
 *   pref P+1  fwmark R/R lookup T                (its source check)
 *   pref P+2  nop
 */
static int add_relay_rules(struct pfnft *h)
{
	struct nlmsghdr *nlh;
	int err;

	nlh = rule_msg_proto(h, FR_ACT_NOP, PFNFT_RELAY_PREF + 2, PFNFT_RTPROT_RELAY);
	err = pfnft_talk(h, h->rt, nlh, NULL, NULL);
	if (!err) {
		nlh = rule_msg_proto(h, FR_ACT_TO_TBL, PFNFT_RELAY_PREF + 1, PFNFT_RTPROT_RELAY);
		((struct fib_rule_hdr *)mnl_nlmsg_get_payload(nlh))->table = RT_TABLE_UNSPEC;
		mnl_attr_put_u32(nlh, FRA_TABLE, PFNFT_RELAY_TABLE);
		mnl_attr_put_u32(nlh, FRA_FWMARK, PFNFT_RELAY_MARK);
		mnl_attr_put_u32(nlh, FRA_FWMASK, PFNFT_RELAY_MARK);
		err = pfnft_talk(h, h->rt, nlh, NULL, NULL);
	}
	if (!err) {
		nlh = rule_msg_proto(h, FR_ACT_GOTO, PFNFT_RELAY_PREF, PFNFT_RTPROT_RELAY);
		mnl_attr_put_u32(nlh, FRA_GOTO, PFNFT_RELAY_PREF + 2);
		mnl_attr_put_u32(nlh, FRA_FWMARK, PFNFT_RELAY_MARK);
		mnl_attr_put_u32(nlh, FRA_FWMASK, PFNFT_RELAY_MARK);
		mnl_attr_put_strz(nlh, FRA_IIFNAME, PF_RELAY_IFNAME);
		err = pfnft_talk(h, h->rt, nlh, NULL, NULL);
	}
	if (err)
		return pfnft_fail(h, err, "cannot add the relay's ip rules (pref %u..%u)",
				  PFNFT_RELAY_PREF, PFNFT_RELAY_PREF + 2);
	return 0;
}

int pfnft_relay_routing_install(struct pfnft *h, uint32_t ifindex)
{
	struct nlmsghdr *nlh;
	bool found;
	int err;

	err = foreign_routes(h, PFNFT_RTPROT_RELAY, PFNFT_RELAY_TABLE);
	if (err < 0)
		return err;
	if (err > 0)
		return pfnft_fail(h, -EBUSY, "route table %u holds routes that pmtufix did not add: "
				  "the relay needs it", PFNFT_RELAY_TABLE);
	err = pfnft_relay_routing_remove(h, &found);
	if (err)
		return err;
	nlh = route_msg(h, PFNFT_RELAY_TABLE, PFNFT_RTPROT_RELAY);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	err = pfnft_talk(h, h->rt, nlh, NULL, NULL);
	if (err)
		return pfnft_fail(h, err, "cannot add the route of table %u out the relay device",
				  PFNFT_RELAY_TABLE);
	return add_relay_rules(h);
}

/* ------------------------------------------------------------------ */
/* Uplinks */

struct uplinks {
	unsigned int ifindex[PF_MAX_UPLINKS];
	unsigned int n;
};

static void add_ifindex(struct uplinks *u, unsigned int ifindex)
{
	for (unsigned int i = 0; i < u->n; i++)
		if (u->ifindex[i] == ifindex)
			return;
	if (u->n < PF_MAX_UPLINKS && ifindex)
		u->ifindex[u->n++] = ifindex;
}

static int gw_route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct uplinks *u = data;
	const struct nlattr *a, *mp = NULL;
	unsigned int oif = 0;
	bool gw = false;

	if (rtm->rtm_family != AF_INET || rtm->rtm_type != RTN_UNICAST ||
	    route_table(nlh) != RT_TABLE_MAIN)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_GATEWAY:
			gw = true;
			break;
		case RTA_OIF:
			oif = mnl_attr_get_u32(a);
			break;
		case RTA_MULTIPATH:
			mp = a;
			break;
		}
	}
	if (gw)
		add_ifindex(u, oif);
	if (mp) {
		const char *p = mnl_attr_get_payload(mp);
		size_t left = mnl_attr_get_payload_len(mp);

		while (left >= sizeof(struct rtnexthop)) {
			const struct rtnexthop *nh = (const void *)p;

			if (nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > left)
				break;
			if (nh->rtnh_len > sizeof(*nh))	/* has RTA_GATEWAY */
				add_ifindex(u, (unsigned int)nh->rtnh_ifindex);
			p += RTNH_ALIGN(nh->rtnh_len);
			left = left > (size_t)RTNH_ALIGN(nh->rtnh_len) ?
			       left - (size_t)RTNH_ALIGN(nh->rtnh_len) : 0;
		}
	}
	return MNL_CB_OK;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int pfnft_find_uplinks(struct pfnft *h, struct pf_config *c)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(h->buf);
	struct uplinks u = { .n = 0 };
	struct rtmsg *rtm;
	int err;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = h->seq++;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	err = pfnft_talk(h, h->rt, nlh, gw_route_cb, &u);
	if (err)
		return pfnft_fail(h, err, "cannot list the routes");
	c->n_uplinks = 0;
	for (unsigned int i = 0; i < u.n; i++)
		if (if_indextoname(u.ifindex[i], c->uplinks[c->n_uplinks]))
			c->n_uplinks++;
	qsort(c->uplinks, c->n_uplinks, IF_NAMESIZE, name_cmp);
	if (!c->n_uplinks)
		return pfnft_fail(h, -ENODEV, "no IPv4 route with a gateway: name the uplinks "
				  "with 'set uplinks IFACE[,IFACE...]'");
	return 0;
}
