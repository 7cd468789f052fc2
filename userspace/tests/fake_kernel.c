// SPDX-License-Identifier: GPL-2.0
/* A simulated pmtufix genetlink family for host tests. */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "pmtufix.h"
#include "genl.h"
#include "fake_kernel.h"

#define MSGLEN 4096

static void trace(struct fake_kernel *k, const char *word)
{
	size_t n = strlen(k->trace);

	snprintf(k->trace + n, sizeof(k->trace) - n, "%s%s", n ? " " : "", word);
}

static void push(struct fake_kernel *k, const struct nlmsghdr *nlh)
{
	struct fake_msg *m = &k->q[k->qtail++ % FAKE_MAX_MSGS];

	m->len = nlh->nlmsg_len;
	m->buf = malloc(m->len);
	memcpy(m->buf, nlh, m->len);
}

static void ack(struct fake_kernel *k, const struct nlmsghdr *req, int err, const char *msg)
{
	char buf[MSGLEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;
	bool capped = !err || !k->uncapped;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_flags = capped ? NLM_F_CAPPED : 0;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = err;
	e->msg = *req;
	if (!capped) {
		size_t len = req->nlmsg_len - NLMSG_HDRLEN;
		void *quote = mnl_nlmsg_put_extra_header(nlh, len);

		memcpy(quote, mnl_nlmsg_get_payload(req), len);
	}
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	}
	push(k, nlh);
}

static struct nlmsghdr *reply(char *buf, const struct nlmsghdr *req, uint16_t type,
			      uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = req ? req->nlmsg_seq : 0;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = PMTUFIX_GENL_VERSION;
	return nlh;
}

static const struct {
	uint8_t cmd;
	bool mss, stats;
} ops[] = {
	{ PMTUFIX_CMD_GET_CONFIG, false, false },
	{ PMTUFIX_CMD_SET_CONFIG, false, false },
	{ PMTUFIX_CMD_GET_STATS, false, true },
	{ PMTUFIX_CMD_RESET_STATS, false, true },
	{ PMTUFIX_CMD_MSS_ADD, true, false },
	{ PMTUFIX_CMD_MSS_DEL, true, false },
	{ PMTUFIX_CMD_MSS_GET, true, false },
	{ PMTUFIX_CMD_MSS_FLUSH, true, false },
};

static bool has_op(const struct fake_kernel *k, uint8_t cmd)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].cmd == cmd)
			return (!ops[i].mss || k->has_mss) && (!ops[i].stats || k->has_stats);
	return false;
}

static void getfamily(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nlattr *nest, *sub;
	struct nlmsghdr *nlh;
	char buf[MSGLEN];
	int idx = 1;

	trace(k, "getfamily");
	if (pf_nl_parse(req, tb, CTRL_ATTR_MAX) || !tb[CTRL_ATTR_FAMILY_NAME] ||
	    strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), PMTUFIX_GENL_NAME) || !k->loaded) {
		ack(k, req, -ENOENT, NULL);
		return;
	}
	nlh = reply(buf, req, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 0);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY_ID);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PMTUFIX_GENL_NAME);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, PMTUFIX_GENL_VERSION);
	if (k->list_ops) {
		nest = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			if (!has_op(k, ops[i].cmd))
				continue;
			sub = mnl_attr_nest_start(nlh, (uint16_t)idx++);
			mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, ops[i].cmd);
			mnl_attr_put_u32(nlh, CTRL_ATTR_OP_FLAGS, GENL_CMD_CAP_DO);
			mnl_attr_nest_end(nlh, sub);
		}
		mnl_attr_nest_end(nlh, nest);
	}
	nest = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	sub = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "other");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, FAKE_GROUP_ID - 1);
	mnl_attr_nest_end(nlh, sub);
	sub = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, PMTUFIX_MCGRP_EVENTS);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, FAKE_GROUP_ID);
	mnl_attr_nest_end(nlh, sub);
	mnl_attr_nest_end(nlh, nest);
	push(k, nlh);
	ack(k, req, 0, NULL);
}

static void get_config(struct fake_kernel *k, const struct nlmsghdr *req)
{
	char buf[MSGLEN];
	struct nlmsghdr *nlh = reply(buf, req, FAKE_FAMILY_ID, PMTUFIX_CMD_GET_CONFIG, 0);

	mnl_attr_put_u8(nlh, PMTUFIX_A_RESCUE_ENABLED, k->rescue);
	mnl_attr_put_u8(nlh, PMTUFIX_A_LOG_LEVEL, k->log);
	mnl_attr_put_u32(nlh, PMTUFIX_A_MTU_FLOOR, k->floor);
	mnl_attr_put_u32(nlh, PMTUFIX_A_MTU_FLOOR_EFFECTIVE, k->floor ? k->floor : k->min_pmtu);
	mnl_attr_put_u32(nlh, PMTUFIX_A_VERSION, 0 << 16 | 1 << 8 | 0);
	push(k, nlh);
	ack(k, req, 0, NULL);
}

static void set_config(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1];
	uint8_t rescue = k->rescue, log = k->log;
	uint32_t floor = k->floor;

	pf_nl_parse(req, tb, PMTUFIX_A_MAX);
	if (k->set_error) {
		ack(k, req, -EINVAL, k->set_error);
		return;
	}
	if (!tb[PMTUFIX_A_RESCUE_ENABLED] && !tb[PMTUFIX_A_LOG_LEVEL] && !tb[PMTUFIX_A_MTU_FLOOR]) {
		ack(k, req, -EINVAL, "nothing to set");
		return;
	}
	if (tb[PMTUFIX_A_RESCUE_ENABLED] &&
	    (!pf_attr_u8(tb[PMTUFIX_A_RESCUE_ENABLED], &rescue) || rescue > 1)) {
		ack(k, req, -EINVAL, "rescue must be 0 or 1");
		return;
	}
	if (tb[PMTUFIX_A_LOG_LEVEL] &&
	    (!pf_attr_u8(tb[PMTUFIX_A_LOG_LEVEL], &log) || log > PMTUFIX_LOG_MAX)) {
		ack(k, req, -EINVAL, "unknown log level");
		return;
	}
	if (tb[PMTUFIX_A_MTU_FLOOR] && (!pf_attr_u32(tb[PMTUFIX_A_MTU_FLOOR], &floor) ||
					(floor && (floor < 68 || floor > 65535)))) {
		ack(k, req, -ERANGE, "floor out of range");
		return;
	}
	k->rescue = rescue;
	k->log = log;
	k->floor = floor;
	ack(k, req, 0, k->set_warning);
}

static void get_stats(struct fake_kernel *k, const struct nlmsghdr *req)
{
	char buf[MSGLEN];
	struct nlmsghdr *nlh = reply(buf, req, FAKE_FAMILY_ID, PMTUFIX_CMD_GET_STATS, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, PMTUFIX_A_STATS);

	mnl_attr_put_u32(nlh, PMTUFIX_A_STATS_PAD, 0);	/* as on 32-bit machines */
	for (unsigned int r = 0; r < k->ncounters; r++)
		mnl_attr_put_u64(nlh, (uint16_t)(r + 1), k->counters[r]);
	mnl_attr_nest_end(nlh, nest);
	if (k->nmss_counters) {
		nest = mnl_attr_nest_start(nlh, PMTUFIX_A_MSS_STATS);
		for (unsigned int r = 0; r < k->nmss_counters; r++)
			mnl_attr_put_u64(nlh, (uint16_t)(r + 1), k->mss_counters[r]);
		mnl_attr_nest_end(nlh, nest);
	}
	push(k, nlh);
	ack(k, req, 0, NULL);
}

/* Family, prefix and length of a rule nest, checked as the policy would. */
static const char *rule_key(const struct nlmsghdr *req, struct pf_mss_rule *r,
			    const struct nlattr **mb)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1];
	size_t alen;

	memset(r, 0, sizeof(*r));
	if (pf_nl_parse(req, tb, PMTUFIX_A_MAX) || !tb[PMTUFIX_A_MSS_RULE] ||
	    pf_nl_parse_nested(tb[PMTUFIX_A_MSS_RULE], mb, PMTUFIX_A_MSS_MAX))
		return "missing rule";
	if (!pf_attr_u8(mb[PMTUFIX_A_MSS_FAMILY], &r->prefix.family) ||
	    (r->prefix.family != AF_INET && r->prefix.family != AF_INET6))
		return "bad family";
	alen = r->prefix.family == AF_INET ? 4 : 16;
	if (!mb[PMTUFIX_A_MSS_PREFIX] || mnl_attr_get_payload_len(mb[PMTUFIX_A_MSS_PREFIX]) != alen)
		return "bad prefix";
	memcpy(r->prefix.addr, mnl_attr_get_payload(mb[PMTUFIX_A_MSS_PREFIX]), alen);
	if (!pf_attr_u8(mb[PMTUFIX_A_MSS_PREFIX_LEN], &r->prefix.len) || r->prefix.len > alen * 8)
		return "bad prefix length";
	return NULL;
}

static ssize_t find_rule(struct fake_kernel *k, const struct pf_mss_rule *r)
{
	for (size_t i = 0; i < k->nrules; i++)
		if (pf_prefix_cmp(&k->rules[i].prefix, &r->prefix) == 0)
			return (ssize_t)i;
	return -1;
}

static void mss_add(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *mb[PMTUFIX_A_MSS_MAX + 1];
	struct pf_mss_rule r;
	const char *bad = rule_key(req, &r, mb);
	const struct nlattr *tb[PMTUFIX_A_MAX + 1];
	bool replace;
	ssize_t i;

	k->adds++;
	replace = !pf_nl_parse(req, tb, PMTUFIX_A_MAX) && tb[PMTUFIX_A_MSS_REPLACE];
	if (bad) {
		ack(k, req, -EINVAL, bad);
		return;
	}
	if (!pf_attr_u16(mb[PMTUFIX_A_MSS_VALUE], &r.mss) ||
	    (r.mss && (r.mss < PMTUFIX_MSS_MIN || r.mss > PMTUFIX_MSS_MAX))) {
		ack(k, req, -EINVAL, "MSS must be 0 (auto) or 88..65495");
		return;
	}
	r.dir = PMTUFIX_MSS_DIR_BOTH;
	if (mb[PMTUFIX_A_MSS_DIR] &&
	    (!pf_attr_u8(mb[PMTUFIX_A_MSS_DIR], &r.dir) || r.dir > PMTUFIX_MSS_DIR_MAX)) {
		ack(k, req, -EINVAL, "bad direction");
		return;
	}
	if (k->fail_add == k->adds) {
		ack(k, req, -ENOSPC, "too many MSS rules in this namespace");
		return;
	}
	i = find_rule(k, &r);
	if (i >= 0 && replace) {
		k->rules[i] = r;
		ack(k, req, 0, NULL);
		return;
	}
	if (i >= 0) {
		ack(k, req, -EEXIST, "a rule for this prefix exists");
		return;
	}
	if (k->nrules == FAKE_MAX_RULES) {
		ack(k, req, -ENOSPC, NULL);
		return;
	}
	k->rules[k->nrules++] = r;
	ack(k, req, 0, NULL);
}

static void mss_del(struct fake_kernel *k, const struct nlmsghdr *req)
{
	const struct nlattr *mb[PMTUFIX_A_MSS_MAX + 1];
	struct pf_mss_rule r;
	const char *bad = rule_key(req, &r, mb);
	ssize_t i;

	if (bad) {
		ack(k, req, -EINVAL, bad);
		return;
	}
	i = find_rule(k, &r);
	if (i < 0) {
		ack(k, req, -ENOENT, NULL);
		return;
	}
	k->rules[i] = k->rules[--k->nrules];
	ack(k, req, 0, NULL);
}

/* A dump: the rules in the order they were added, not sorted. */
static void mss_get(struct fake_kernel *k, const struct nlmsghdr *req)
{
	uint16_t intr = k->dump_intr > 0 ? NLM_F_DUMP_INTR : 0;
	char buf[MSGLEN];
	struct nlmsghdr *nlh;
	int done = 0;

	if (k->dump_intr > 0)
		k->dump_intr--;
	for (size_t i = 0; i < k->nrules; i++) {
		const struct pf_mss_rule *r = &k->rules[i];
		struct nlattr *nest;

		/* As the kernel does: from the part after a change on. */
		nlh = reply(buf, req, FAKE_FAMILY_ID, PMTUFIX_CMD_MSS_GET,
			    NLM_F_MULTI | (i ? intr : 0));
		nest = mnl_attr_nest_start(nlh, PMTUFIX_A_MSS_RULE);
		mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_FAMILY, r->prefix.family);
		mnl_attr_put(nlh, PMTUFIX_A_MSS_PREFIX, pf_prefix_addrlen(&r->prefix), r->prefix.addr);
		mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_PREFIX_LEN, r->prefix.len);
		mnl_attr_put_u16(nlh, PMTUFIX_A_MSS_VALUE, r->mss);
		mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_DIR, r->dir);
		mnl_attr_nest_end(nlh, nest);
		push(k, nlh);
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = req->nlmsg_seq;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(done)), &done, sizeof(done));
	push(k, nlh);
}

static const char *const cmd_names[] = {
	[PMTUFIX_CMD_GET_CONFIG] = "get_config",
	[PMTUFIX_CMD_SET_CONFIG] = "set_config",
	[PMTUFIX_CMD_GET_STATS] = "get_stats",
	[PMTUFIX_CMD_RESET_STATS] = "reset_stats",
	[PMTUFIX_CMD_MSS_ADD] = "mss_add",
	[PMTUFIX_CMD_MSS_DEL] = "mss_del",
	[PMTUFIX_CMD_MSS_GET] = "mss_get",
	[PMTUFIX_CMD_MSS_FLUSH] = "mss_flush",
};

static int fake_send(void *ctx, const void *buf, size_t len)
{
	struct fake_kernel *k = ctx;
	const struct nlmsghdr *req = buf;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

	if (len < NLMSG_HDRLEN + GENL_HDRLEN || req->nlmsg_len != len)
		return -EINVAL;
	if (req->nlmsg_type == GENL_ID_CTRL && g->cmd == CTRL_CMD_GETFAMILY) {
		getfamily(k, req);
		return 0;
	}
	if (req->nlmsg_type != FAKE_FAMILY_ID || !(req->nlmsg_flags & NLM_F_ACK)) {
		ack(k, req, -EINVAL, "unexpected request");
		return 0;
	}
	if (!has_op(k, g->cmd) || dump != (g->cmd == PMTUFIX_CMD_MSS_GET)) {
		trace(k, "unsupported");
		ack(k, req, -EOPNOTSUPP, NULL);
		return 0;
	}
	trace(k, cmd_names[g->cmd]);
	if (!k->admin && g->cmd != PMTUFIX_CMD_GET_CONFIG && g->cmd != PMTUFIX_CMD_GET_STATS &&
	    g->cmd != PMTUFIX_CMD_MSS_GET) {
		ack(k, req, -EPERM, NULL);
		return 0;
	}
	switch (g->cmd) {
	case PMTUFIX_CMD_GET_CONFIG:
		get_config(k, req);
		break;
	case PMTUFIX_CMD_SET_CONFIG:
		set_config(k, req);
		break;
	case PMTUFIX_CMD_GET_STATS:
		get_stats(k, req);
		break;
	case PMTUFIX_CMD_RESET_STATS:
		memset(k->counters, 0, sizeof(k->counters));
		ack(k, req, 0, NULL);
		break;
	case PMTUFIX_CMD_MSS_ADD:
		mss_add(k, req);
		break;
	case PMTUFIX_CMD_MSS_DEL:
		mss_del(k, req);
		break;
	case PMTUFIX_CMD_MSS_GET:
		mss_get(k, req);
		break;
	case PMTUFIX_CMD_MSS_FLUSH:
		k->nrules = 0;
		ack(k, req, 0, NULL);
		break;
	}
	return 0;
}

static ssize_t fake_recv(void *ctx, void *buf, size_t len)
{
	struct fake_kernel *k = ctx;
	struct fake_msg *m;
	size_t n;

	if (k->qhead == k->qtail)
		return 0;
	m = &k->q[k->qhead++ % FAKE_MAX_MSGS];
	n = m->len < len ? m->len : len;
	memcpy(buf, m->buf, n);
	free(m->buf);
	m->buf = NULL;
	return (ssize_t)n;
}

static int fake_join(void *ctx, uint32_t group)
{
	struct fake_kernel *k = ctx;

	if (group != FAKE_GROUP_ID)
		return -EINVAL;
	trace(k, "join");
	if (!k->admin)
		return -EPERM;	/* events name local flows */
	for (size_t i = 0; i < k->nevents; i++) {
		push(k, (struct nlmsghdr *)k->events[i].buf);
		free(k->events[i].buf);
		k->events[i].buf = NULL;
	}
	k->nevents = 0;
	return 0;
}

static struct pf_nl_transport transport = {
	.send = fake_send,
	.recv = fake_recv,
	.join = fake_join,
};

void fake_init(struct fake_kernel *k)
{
	memset(k, 0, sizeof(*k));
	k->loaded = k->has_mss = k->has_stats = k->list_ops = k->admin = true;
	k->rescue = true;
	k->log = PMTUFIX_LOG_RESCUE;
	k->min_pmtu = 552;
	k->ncounters = PMTUFIX_REASON_MAX + 1;
	k->nmss_counters = PMTUFIX_MSS_STAT_MAX + 1;
}

void fake_install(struct fake_kernel *k)
{
	transport.ctx = k;
	pf_nl_transport = &transport;
}

void fake_uninstall(void)
{
	pf_nl_transport = NULL;
}

void fake_free(struct fake_kernel *k)
{
	while (k->qhead != k->qtail) {
		free(k->q[k->qhead % FAKE_MAX_MSGS].buf);
		k->qhead++;
	}
	for (size_t i = 0; i < k->nevents; i++)
		free(k->events[i].buf);
	k->nevents = 0;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	uint8_t a[16];

	if (!s)
		return;
	if (inet_pton(AF_INET, s, a) == 1)
		mnl_attr_put(nlh, type, 4, a);
	else if (inet_pton(AF_INET6, s, a) == 1)
		mnl_attr_put(nlh, type, 16, a);
}

void fake_event(struct fake_kernel *k, uint32_t reason, uint32_t ifindex,
		const char *icmp_saddr, uint32_t mtu, uint8_t proto,
		const char *saddr, const char *daddr, int sport, int dport)
{
	char buf[MSGLEN];
	struct nlmsghdr *nlh = reply(buf, NULL, FAKE_FAMILY_ID, PMTUFIX_CMD_EVENT, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, PMTUFIX_A_EVENT);
	struct fake_msg *m = &k->events[k->nevents++];

	mnl_attr_put_u32(nlh, PMTUFIX_A_EV_REASON, reason);
	mnl_attr_put_u32(nlh, PMTUFIX_A_EV_IFINDEX, ifindex);
	put_addr(nlh, PMTUFIX_A_EV_ICMP_SADDR, icmp_saddr);
	mnl_attr_put_u32(nlh, PMTUFIX_A_EV_MTU, mtu);
	mnl_attr_put_u8(nlh, PMTUFIX_A_EV_PROTO, proto);
	put_addr(nlh, PMTUFIX_A_EV_SADDR, saddr);
	put_addr(nlh, PMTUFIX_A_EV_DADDR, daddr);
	if (sport >= 0)
		mnl_attr_put_u16(nlh, PMTUFIX_A_EV_SPORT, htons((uint16_t)sport));
	if (dport >= 0)
		mnl_attr_put_u16(nlh, PMTUFIX_A_EV_DPORT, htons((uint16_t)dport));
	mnl_attr_nest_end(nlh, nest);
	m->len = nlh->nlmsg_len;
	m->buf = malloc(m->len);
	memcpy(m->buf, nlh, m->len);
}

void fake_rule(struct fake_kernel *k, const char *prefix, uint16_t mss, uint8_t dir)
{
	struct pf_mss_rule *r = &k->rules[k->nrules++];
	char err[PF_ERRLEN];

	pf_parse_prefix(prefix, &r->prefix, err, sizeof(err));
	r->mss = mss;
	r->dir = dir;
}
