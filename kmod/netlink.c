// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "pmtufix": configuration, counters, MSS rules and
 * events of the network namespace of the requesting socket.
 */
#include <linux/inetdevice.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/netlink.h>

#include "decision.h"
#include "mss.h"
#include "netlink.h"
#include "netns.h"
#include "relayconf.h"

enum pmtufix_genl_mcgrp {
	PMTUFIX_GENL_MCGRP_EVENTS,
	PMTUFIX_GENL_MCGRP_RELAY,
};

static struct genl_family pmtufix_genl_family;

/*
 * The hook is live before the family is registered and after it is gone:
 * events are sent only while this is set.
 */
static bool pmtufix_genl_ready;

static u32 pmtufix_version_code __ro_after_init;

#define PMTUFIX_READ_ONLY(msg) { .type = NLA_REJECT, .reject_message = (msg) }

static pmtufix_range_const struct netlink_range_validation pmtufix_mtu_floor_range = {
	.min = 0,
	.max = PMTUFIX_MTU_FLOOR_MAX,
};

static const struct nla_policy pmtufix_set_config_policy[PMTUFIX_A_MAX + 1] = {
	[PMTUFIX_A_VERSION]		= PMTUFIX_READ_ONLY("the module version is read-only"),
	[PMTUFIX_A_RESCUE_ENABLED]	= NLA_POLICY_MAX(NLA_U8, 1),
	[PMTUFIX_A_LOG_LEVEL]		= NLA_POLICY_MAX(NLA_U8, PMTUFIX_LOG_MAX),
	/* 1..PMTUFIX_MTU_FLOOR_MIN - 1 is refused in pmtufix_set_config_check(). */
	[PMTUFIX_A_MTU_FLOOR]		= NLA_POLICY_FULL_RANGE(NLA_U32,
								&pmtufix_mtu_floor_range),
	[PMTUFIX_A_MTU_FLOOR_EFFECTIVE]	= PMTUFIX_READ_ONLY("the effective MTU floor is read-only"),
	[PMTUFIX_A_STATS]		= PMTUFIX_READ_ONLY("counters are read-only"),
	[PMTUFIX_A_MSS_RULE]		= PMTUFIX_READ_ONLY("not a configuration attribute"),
	[PMTUFIX_A_EVENT]		= PMTUFIX_READ_ONLY("events are sent by the kernel only"),
	[PMTUFIX_A_PAD]			= PMTUFIX_READ_ONLY("not a configuration attribute"),
	[PMTUFIX_A_MSS_REPLACE]		= PMTUFIX_READ_ONLY("not a configuration attribute"),
	[PMTUFIX_A_MSS_STATS]		= PMTUFIX_READ_ONLY("counters are read-only"),
	[PMTUFIX_A_RELAY]		= PMTUFIX_READ_ONLY("the relay is set with set-relay"),
	[PMTUFIX_A_RELAY_OUT_STATS]	= PMTUFIX_READ_ONLY("counters are read-only"),
	[PMTUFIX_A_RELAY_IN_STATS]	= PMTUFIX_READ_ONLY("counters are read-only"),
	[PMTUFIX_A_RELAY_PACKET]	= PMTUFIX_READ_ONLY("sent by the kernel only"),
	[PMTUFIX_A_IFINDEX]		= PMTUFIX_READ_ONLY("sent by the kernel only"),
};

static size_t pmtufix_config_size(void)
{
	return 2 * nla_total_size(sizeof(u8)) +		/* rescue, log level */
	       3 * nla_total_size(sizeof(u32));		/* floors, version */
}

static size_t pmtufix_stats_size(void)
{
	return nla_total_size(0) +
	       __PMTUFIX_REASON_MAX * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(0) +
	       __PMTUFIX_MSS_STAT_MAX * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(0) +
	       __PMTUFIX_RELAY_OUT_MAX * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(0) +
	       __PMTUFIX_REASON_MAX * nla_total_size_64bit(sizeof(u64));
}

static size_t pmtufix_event_size(void)
{
	return nla_total_size(0) +
	       4 * nla_total_size(sizeof(u32)) +	/* reason .. mtu */
	       nla_total_size(sizeof(u8)) +		/* proto */
	       2 * nla_total_size(sizeof(__be32)) +	/* saddr, daddr */
	       2 * nla_total_size(sizeof(__be16)) +	/* ports */
	       nla_total_size(0);			/* relayed */
}

static int pmtufix_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct pmtufix_net *pn = pmtufix_pernet(net);
	struct sk_buff *msg;
	u8 rescue, log_level;
	u32 floor;
	void *hdr;

	mutex_lock(&pn->lock);
	rescue = pn->rescue;
	log_level = pn->log_level;
	floor = pn->mtu_floor;
	mutex_unlock(&pn->lock);

	msg = genlmsg_new(pmtufix_config_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &pmtufix_genl_family, 0,
				PMTUFIX_CMD_GET_CONFIG);
	if (!hdr ||
	    nla_put_u8(msg, PMTUFIX_A_RESCUE_ENABLED, rescue) ||
	    nla_put_u8(msg, PMTUFIX_A_LOG_LEVEL, log_level) ||
	    nla_put_u32(msg, PMTUFIX_A_MTU_FLOOR, floor) ||
	    nla_put_u32(msg, PMTUFIX_A_MTU_FLOOR_EFFECTIVE,
			pmtufix_floor_effective(net, floor)) ||
	    nla_put_u32(msg, PMTUFIX_A_VERSION, pmtufix_version_code)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Every check the policy cannot express, so that a failing request changes nothing. */
static int pmtufix_set_config_check(struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u32 floor;

	if (!attrs[PMTUFIX_A_RESCUE_ENABLED] && !attrs[PMTUFIX_A_LOG_LEVEL] &&
	    !attrs[PMTUFIX_A_MTU_FLOOR]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "nothing to set: give the rescue switch, the log level or the MTU floor");
		return -EINVAL;
	}

	if (attrs[PMTUFIX_A_MTU_FLOOR]) {
		floor = nla_get_u32(attrs[PMTUFIX_A_MTU_FLOOR]);
		if (floor && floor < PMTUFIX_MTU_FLOOR_MIN) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[PMTUFIX_A_MTU_FLOOR],
					    "MTU floor must be 0 (follow net.ipv4.route.min_pmtu) or 68..65535");
			return -EINVAL;
		}
	}
	return 0;
}

static int pmtufix_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct pmtufix_net *pn = pmtufix_pernet(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	int err;

	err = pmtufix_set_config_check(info);
	if (err)
		return err;

	mutex_lock(&pn->lock);
	if (attrs[PMTUFIX_A_RESCUE_ENABLED])
		WRITE_ONCE(pn->rescue,
			   !!nla_get_u8(attrs[PMTUFIX_A_RESCUE_ENABLED]));
	if (attrs[PMTUFIX_A_LOG_LEVEL])
		WRITE_ONCE(pn->log_level,
			   nla_get_u8(attrs[PMTUFIX_A_LOG_LEVEL]));
	if (attrs[PMTUFIX_A_MTU_FLOOR])
		WRITE_ONCE(pn->mtu_floor,
			   nla_get_u32(attrs[PMTUFIX_A_MTU_FLOOR]));
	mutex_unlock(&pn->lock);
	return 0;
}

/* A nest of counters, attribute type = index + 1. */
static int pmtufix_put_counters(struct sk_buff *msg, int type, const u64 *v,
				int n)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(msg, i + 1, v[i], PMTUFIX_A_STATS_PAD))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int pmtufix_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct pmtufix_net *pn = pmtufix_pernet(genl_info_net(info));
	struct pmtufix_stats stats;
	struct sk_buff *msg;
	void *hdr;

	mutex_lock(&pn->lock);
	pmtufix_stats_read(pn, &stats);
	mutex_unlock(&pn->lock);

	msg = genlmsg_new(pmtufix_stats_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &pmtufix_genl_family, 0,
				PMTUFIX_CMD_GET_STATS);
	if (!hdr ||
	    pmtufix_put_counters(msg, PMTUFIX_A_STATS, stats.count,
				 __PMTUFIX_REASON_MAX) ||
	    pmtufix_put_counters(msg, PMTUFIX_A_MSS_STATS, stats.mss,
				 __PMTUFIX_MSS_STAT_MAX) ||
	    pmtufix_put_counters(msg, PMTUFIX_A_RELAY_OUT_STATS,
				 stats.relay_out, __PMTUFIX_RELAY_OUT_MAX) ||
	    pmtufix_put_counters(msg, PMTUFIX_A_RELAY_IN_STATS,
				 stats.relay_in, __PMTUFIX_REASON_MAX))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int pmtufix_reset_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct pmtufix_net *pn = pmtufix_pernet(genl_info_net(info));

	mutex_lock(&pn->lock);
	pmtufix_stats_reset(pn);
	mutex_unlock(&pn->lock);
	return 0;
}

/**
 * pmtufix_genl_event() - Tell the namespace's listeners of one decision.
 * @net: the namespace the decision was made in
 * @pn: its state, for the rate limit of events
 * @d: the decision
 *
 * Costs nothing but a check while no one listens, and no more than a burst
 * of events per second per namespace when someone does: a flood of forged
 * errors must not turn into a flood of messages. Events lost to the limit
 * or to memory pressure are lost; the counters still count them.
 *
 * Context: Under rcu_read_lock(), from the rescue hook: softirq, or process
 * context after an NFQUEUE verdict. Does not sleep.
 */
void pmtufix_genl_event(struct net *net, struct pmtufix_net *pn,
			const struct pmtufix_decision *d)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	/* Pairs with smp_store_release() in pmtufix_genl_init(). */
	if (!smp_load_acquire(&pmtufix_genl_ready) ||
	    !genl_has_listeners(&pmtufix_genl_family, net,
				PMTUFIX_GENL_MCGRP_EVENTS))
		return;
	if (!__ratelimit(&pn->event_rs))
		return;

	msg = genlmsg_new(pmtufix_event_size(), GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &pmtufix_genl_family, 0,
			  PMTUFIX_CMD_EVENT);
	if (!hdr)
		goto nospace;
	nest = nla_nest_start(msg, PMTUFIX_A_EVENT);
	if (!nest ||
	    nla_put_u32(msg, PMTUFIX_A_EV_REASON, d->reason) ||
	    nla_put_u32(msg, PMTUFIX_A_EV_IFINDEX, d->ifindex) ||
	    nla_put_in_addr(msg, PMTUFIX_A_EV_ICMP_SADDR, d->icmp_saddr) ||
	    nla_put_u32(msg, PMTUFIX_A_EV_MTU, d->mtu))
		goto nospace;
	if (d->quoted &&
	    (nla_put_u8(msg, PMTUFIX_A_EV_PROTO, d->proto) ||
	     nla_put_in_addr(msg, PMTUFIX_A_EV_SADDR, d->saddr) ||
	     nla_put_in_addr(msg, PMTUFIX_A_EV_DADDR, d->daddr)))
		goto nospace;
	if (d->ports &&
	    (nla_put_be16(msg, PMTUFIX_A_EV_SPORT, d->sport) ||
	     nla_put_be16(msg, PMTUFIX_A_EV_DPORT, d->dport)))
		goto nospace;
	if (d->relayed && nla_put_flag(msg, PMTUFIX_A_EV_RELAYED))
		goto nospace;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);

	genlmsg_multicast_netns(&pmtufix_genl_family, net, msg, 0,
				PMTUFIX_GENL_MCGRP_EVENTS, GFP_ATOMIC);
	return;

nospace:
	nlmsg_free(msg);
}

/* NLA_POLICY_MAX() holds an s16: too small for the top of this range. */
static pmtufix_range_const struct netlink_range_validation pmtufix_mss_value_range = {
	.min = 0,
	.max = PMTUFIX_MSS_MAX,
};

static const struct nla_policy pmtufix_mss_add_rule_policy[PMTUFIX_A_MSS_MAX + 1] = {
	[PMTUFIX_A_MSS_FAMILY]		= { .type = NLA_U8 },
	[PMTUFIX_A_MSS_PREFIX]		= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[PMTUFIX_A_MSS_PREFIX_LEN]	= NLA_POLICY_MAX(NLA_U8, 128),
	/* 1..PMTUFIX_MSS_MIN - 1 is refused in pmtufix_mss_parse(). */
	[PMTUFIX_A_MSS_VALUE]		= NLA_POLICY_FULL_RANGE(NLA_U16,
								&pmtufix_mss_value_range),
	[PMTUFIX_A_MSS_DIR]		= NLA_POLICY_MAX(NLA_U8, PMTUFIX_MSS_DIR_MAX),
};

static const struct nla_policy pmtufix_mss_del_rule_policy[PMTUFIX_A_MSS_MAX + 1] = {
	[PMTUFIX_A_MSS_FAMILY]		= { .type = NLA_U8 },
	[PMTUFIX_A_MSS_PREFIX]		= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[PMTUFIX_A_MSS_PREFIX_LEN]	= NLA_POLICY_MAX(NLA_U8, 128),
	[PMTUFIX_A_MSS_VALUE]		=
		PMTUFIX_READ_ONLY("a rule is deleted by family, prefix and prefix length only"),
	[PMTUFIX_A_MSS_DIR]		=
		PMTUFIX_READ_ONLY("a rule is deleted by family, prefix and prefix length only"),
};

static const struct nla_policy pmtufix_mss_add_policy[PMTUFIX_A_MAX + 1] = {
	[PMTUFIX_A_MSS_RULE]		= NLA_POLICY_NESTED(pmtufix_mss_add_rule_policy),
	[PMTUFIX_A_MSS_REPLACE]		= { .type = NLA_FLAG },
};

static const struct nla_policy pmtufix_mss_del_policy[PMTUFIX_A_MAX + 1] = {
	[PMTUFIX_A_MSS_RULE]		= NLA_POLICY_NESTED(pmtufix_mss_del_rule_policy),
};

/* Host bits beyond @plen of an address of @words 32-bit words. */
static bool pmtufix_host_bits(const __be32 *addr, unsigned int words,
			      unsigned int plen)
{
	unsigned int i, bits;

	for (i = 0; i < words; i++) {
		bits = clamp_t(int, (int)plen - 32 * (int)i, 0, 32);
		if (addr[i] & ~inet_make_mask(bits))
			return true;
	}
	return false;
}

/*
 * Family, address and length of a prefix, the checks MSS rules and relay
 * prefixes share: the family is AF_INET or AF_INET6, the address as long as
 * the family's, the length within it, no host bits. @addr: 16 bytes, zeroed
 * beyond the family's length.
 */
static int pmtufix_prefix_get(const struct nlattr *fa, const struct nlattr *aa,
			      const struct nlattr *la, struct netlink_ext_ack *extack,
			      u8 *family, __be32 *addr, u8 *plen)
{
	unsigned int alen;

	*family = nla_get_u8(fa);
	if (*family != AF_INET && *family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, fa, "family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	alen = *family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
	if (nla_len(aa) != alen) {
		if (*family == AF_INET)
			NL_SET_ERR_MSG_ATTR(extack, aa, "an IPv4 prefix is 4 bytes long");
		else
			NL_SET_ERR_MSG_ATTR(extack, aa, "an IPv6 prefix is 16 bytes long");
		return -EINVAL;
	}
	*plen = nla_get_u8(la);
	/* The policies allow up to 128: an IPv6 length. */
	if (*plen > alen * 8) {
		NL_SET_ERR_MSG_ATTR(extack, la, "an IPv4 prefix length is 0..32");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(struct in6_addr));
	nla_memcpy(addr, aa, alen);
	if (pmtufix_host_bits(addr, alen / 4, *plen)) {
		NL_SET_ERR_MSG_ATTR(extack, aa,
				    "the prefix has bits set beyond its length (host bits must be zero)");
		return -EINVAL;
	}
	return 0;
}

/*
 * The rule of a request: the policy checked types, lengths and ranges; the
 * rest needs the family. @value says whether value and direction are
 * required (add) or absent (del, by its policy).
 */
static int pmtufix_mss_parse(struct genl_info *info,
			     const struct nla_policy *policy, bool value,
			     struct pmtufix_mss_key *key, u32 *action)
{
	struct nlattr *tb[PMTUFIX_A_MSS_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[PMTUFIX_A_MSS_RULE];
	__be32 addr[4];
	u16 mss = 0;
	u8 family, plen, dir = PMTUFIX_MSS_DIR_BOTH;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, PMTUFIX_A_MSS_RULE)) {
		NL_SET_ERR_MSG_MOD(extack, "no rule in the request");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, PMTUFIX_A_MSS_MAX, nest, policy, extack);
	if (err)
		return err;
	/* Which one is missing goes back as NLMSGERR_ATTR_MISS_TYPE. */
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, PMTUFIX_A_MSS_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, PMTUFIX_A_MSS_PREFIX) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, PMTUFIX_A_MSS_PREFIX_LEN) ||
	    (value && NL_REQ_ATTR_CHECK(extack, nest, tb, PMTUFIX_A_MSS_VALUE))) {
		if (value)
			NL_SET_ERR_MSG_MOD(extack,
					   "a rule needs family, prefix, prefix length and value");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "a rule needs family, prefix and prefix length");
		return -EINVAL;
	}

	err = pmtufix_prefix_get(tb[PMTUFIX_A_MSS_FAMILY], tb[PMTUFIX_A_MSS_PREFIX],
				 tb[PMTUFIX_A_MSS_PREFIX_LEN], extack, &family, addr, &plen);
	if (err)
		return err;
	pmtufix_mss_key_init(key, family, addr, plen);

	if (value) {
		mss = nla_get_u16(tb[PMTUFIX_A_MSS_VALUE]);
		if (mss && mss < PMTUFIX_MSS_MIN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PMTUFIX_A_MSS_VALUE],
					    "MSS must be 0 (auto) or "
					    __stringify(PMTUFIX_MSS_MIN) ".."
					    __stringify(PMTUFIX_MSS_MAX));
			return -EINVAL;
		}
		if (tb[PMTUFIX_A_MSS_DIR])
			dir = nla_get_u8(tb[PMTUFIX_A_MSS_DIR]);
	}
	*action = pmtufix_mss_action(mss, dir);
	return 0;
}

static int pmtufix_mss_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmtufix_mss_key key;
	u32 action;
	int err;

	err = pmtufix_mss_parse(info, pmtufix_mss_add_rule_policy, true, &key,
				&action);
	if (err)
		return err;
	return pmtufix_mss_add(genl_info_net(info), &key, action,
			       nla_get_flag(info->attrs[PMTUFIX_A_MSS_REPLACE]),
			       info->extack);
}

static int pmtufix_mss_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmtufix_mss_key key;
	u32 action;
	int err;

	err = pmtufix_mss_parse(info, pmtufix_mss_del_rule_policy, false, &key,
				&action);
	if (err)
		return err;
	return pmtufix_mss_del(genl_info_net(info), &key, info->extack);
}

static int pmtufix_mss_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	pmtufix_mss_flush(genl_info_net(info));
	return 0;
}

static int pmtufix_mss_fill(struct sk_buff *msg, const struct pmtufix_mss_rule *r,
			    struct netlink_callback *cb)
{
	const struct pmtufix_mss_key *key = &r->key;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(msg, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &pmtufix_genl_family, NLM_F_MULTI, PMTUFIX_CMD_MSS_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	nest = nla_nest_start(msg, PMTUFIX_A_MSS_RULE);
	if (!nest ||
	    nla_put_u8(msg, PMTUFIX_A_MSS_FAMILY, key->family) ||
	    nla_put(msg, PMTUFIX_A_MSS_PREFIX,
		    key->family == AF_INET ? sizeof(struct in_addr) :
					     sizeof(struct in6_addr),
		    key->addr) ||
	    nla_put_u8(msg, PMTUFIX_A_MSS_PREFIX_LEN, key->plen) ||
	    nla_put_u16(msg, PMTUFIX_A_MSS_VALUE,
			pmtufix_mss_action_value(r->action)) ||
	    nla_put_u8(msg, PMTUFIX_A_MSS_DIR,
		       pmtufix_mss_action_dir(r->action))) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return 0;
}

/* Where a dump resumes: after the key of the last rule it sent. */
struct pmtufix_mss_dump_ctx {
	struct pmtufix_mss_key last;
	bool started;
};

/*
 * Each part of the dump takes the lock, finds its place again by key
 * (O(log n)) and fills one skb. Rules may change between two parts: a rule
 * present throughout is still sent exactly once, and the generation
 * counter flags the parts after a change with NLM_F_DUMP_INTR.
 */
static int pmtufix_mss_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pmtufix_mss_dump_ctx *ctx = (void *)cb->ctx;
	struct pmtufix_net *pn = pmtufix_pernet(sock_net(skb->sk));
	struct pmtufix_mss_table *t;
	struct pmtufix_mss_rule *r;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));

	mutex_lock(&pn->lock);
	t = rcu_dereference_protected(pn->mss, lockdep_is_held(&pn->lock));
	if (!t)
		goto out;
	cb->seq = t->gen;
	for (r = pmtufix_mss_next(t, ctx->started ? &ctx->last : NULL); r;
	     r = pmtufix_mss_succ(r)) {
		if (pmtufix_mss_fill(skb, r, cb))
			break;
		ctx->last = r->key;
		ctx->started = true;
	}
out:
	mutex_unlock(&pn->lock);
	return skb->len;
}

/* ------------------------------------------------------------------------ */
/* The relay */

static const struct nla_policy pmtufix_relay_prefix_policy[PMTUFIX_A_RELAY_PREFIX_MAX + 1] = {
	[PMTUFIX_A_RELAY_PREFIX_FAMILY]	= { .type = NLA_U8 },
	[PMTUFIX_A_RELAY_PREFIX_ADDR]	= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[PMTUFIX_A_RELAY_PREFIX_LEN]	= NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy pmtufix_relay_policy[PMTUFIX_A_RELAY_MAX + 1] = {
	[PMTUFIX_A_RELAY_PREFIX]	= NLA_POLICY_NESTED(pmtufix_relay_prefix_policy),
	[PMTUFIX_A_RELAY_RATE]		= NLA_POLICY_RANGE(NLA_U32, 1, PMTUFIX_RELAY_RATE_MAX),
	[PMTUFIX_A_RELAY_BURST]		= NLA_POLICY_RANGE(NLA_U32, 1, PMTUFIX_RELAY_RATE_MAX),
	[PMTUFIX_A_RELAY_IFINDEX]	= { .type = NLA_U32 },
};

static const struct nla_policy pmtufix_set_relay_policy[PMTUFIX_A_MAX + 1] = {
	[PMTUFIX_A_RELAY]		= NLA_POLICY_NESTED(pmtufix_relay_policy),
};

/* One prefix nest; the policy checked types, lengths and ranges. */
static int pmtufix_relay_prefix_parse(const struct nlattr *nest,
				      struct pmtufix_relay_prefix *p,
				      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PMTUFIX_A_RELAY_PREFIX_MAX + 1];
	u8 family, plen;
	int err;

	err = nla_parse_nested(tb, PMTUFIX_A_RELAY_PREFIX_MAX, nest,
			       pmtufix_relay_prefix_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, PMTUFIX_A_RELAY_PREFIX_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, PMTUFIX_A_RELAY_PREFIX_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, PMTUFIX_A_RELAY_PREFIX_LEN)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a relay prefix needs family, address and length");
		return -EINVAL;
	}
	err = pmtufix_prefix_get(tb[PMTUFIX_A_RELAY_PREFIX_FAMILY],
				 tb[PMTUFIX_A_RELAY_PREFIX_ADDR],
				 tb[PMTUFIX_A_RELAY_PREFIX_LEN], extack,
				 &family, p->addr, &plen);
	if (err)
		return err;
	/* The hook matches IPv4 against a mask made here, once. */
	if (family == AF_INET)
		p->mask4 = inet_make_mask(plen);
	p->family = family;
	p->plen = plen;
	return 0;
}

/* The relay device must exist now, and not be the loopback. */
static int pmtufix_relay_dev_check(struct net *net, struct nlattr *attr,
				   struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	int err = 0;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, nla_get_u32(attr));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "no such device in this namespace");
		err = -ENODEV;
	} else if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the relay device cannot be the loopback");
		err = -EINVAL;
	}
	rcu_read_unlock();
	return err;
}

static unsigned int pmtufix_relay_count(const struct nlattr *nest)
{
	const struct nlattr *a;
	unsigned int n = 0;
	int rem;

	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == PMTUFIX_A_RELAY_PREFIX)
			n++;
	return n;
}

/*
 * The relay configuration of a request, whole: NULL (off) when it has no
 * prefix. Nothing is published until all of it is valid.
 */
static int pmtufix_relay_parse(struct genl_info *info,
			       struct pmtufix_relay **out)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[PMTUFIX_A_RELAY_MAX + 1];
	struct nlattr *nest = info->attrs[PMTUFIX_A_RELAY];
	struct pmtufix_relay *relay;
	const struct nlattr *a;
	unsigned int n, i = 0;
	u32 rate, burst, ifindex = 0;
	int rem, err;

	*out = NULL;
	if (GENL_REQ_ATTR_CHECK(info, PMTUFIX_A_RELAY)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "no relay nest in the request (an empty one turns the relay off)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, PMTUFIX_A_RELAY_MAX, nest,
			       pmtufix_relay_policy, extack);
	if (err)
		return err;
	n = pmtufix_relay_count(nest);
	if (!n)
		return 0;
	if (n > PMTUFIX_RELAY_PREFIXES_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "at most "
				   __stringify(PMTUFIX_RELAY_PREFIXES_MAX)
				   " relay prefixes");
		return -ENOSPC;
	}
	rate = tb[PMTUFIX_A_RELAY_RATE] ? nla_get_u32(tb[PMTUFIX_A_RELAY_RATE]) :
					  PMTUFIX_RELAY_RATE_DEFAULT;
	burst = tb[PMTUFIX_A_RELAY_BURST] ?
		nla_get_u32(tb[PMTUFIX_A_RELAY_BURST]) :
		min_t(u32, 2 * rate, PMTUFIX_RELAY_RATE_MAX);
	if (tb[PMTUFIX_A_RELAY_IFINDEX]) {
		ifindex = nla_get_u32(tb[PMTUFIX_A_RELAY_IFINDEX]);
		err = ifindex ? pmtufix_relay_dev_check(genl_info_net(info),
							tb[PMTUFIX_A_RELAY_IFINDEX],
							extack) : 0;
		if (err)
			return err;
	}

	relay = pmtufix_relay_alloc(n, rate, burst, ifindex);
	if (!relay)
		return -ENOMEM;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != PMTUFIX_A_RELAY_PREFIX)
			continue;
		err = pmtufix_relay_prefix_parse(a, &relay->prefix[i++], extack);
		if (err) {
			kfree(relay);
			return err;
		}
	}
	*out = relay;
	return 0;
}

static int pmtufix_set_relay(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct pmtufix_net *pn = pmtufix_pernet(net);
	struct pmtufix_relay *relay;
	int err;

	err = pmtufix_relay_parse(info, &relay);
	if (err)
		return err;
	mutex_lock(&pn->lock);
	pmtufix_relay_replace(net, relay);
	mutex_unlock(&pn->lock);
	return 0;
}

static size_t pmtufix_relay_size(const struct pmtufix_relay *relay)
{
	size_t prefix = nla_total_size(0) +
			2 * nla_total_size(sizeof(u8)) +
			nla_total_size(sizeof(struct in6_addr));

	return nla_total_size(0) + 3 * nla_total_size(sizeof(u32)) +
	       (relay ? relay->n : 0) * prefix;
}

static int pmtufix_relay_put_prefix(struct sk_buff *msg,
				    const struct pmtufix_relay_prefix *p)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, PMTUFIX_A_RELAY_PREFIX);
	if (!nest ||
	    nla_put_u8(msg, PMTUFIX_A_RELAY_PREFIX_FAMILY, p->family) ||
	    nla_put(msg, PMTUFIX_A_RELAY_PREFIX_ADDR,
		    p->family == AF_INET ? sizeof(struct in_addr) :
					   sizeof(struct in6_addr),
		    p->addr) ||
	    nla_put_u8(msg, PMTUFIX_A_RELAY_PREFIX_LEN, p->plen))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* An empty nest while the relay is off. */
static int pmtufix_relay_put(struct sk_buff *msg,
			     const struct pmtufix_relay *relay)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, PMTUFIX_A_RELAY);
	if (!nest)
		return -EMSGSIZE;
	if (relay) {
		for (i = 0; i < relay->n; i++)
			if (pmtufix_relay_put_prefix(msg, &relay->prefix[i]))
				return -EMSGSIZE;
		if (nla_put_u32(msg, PMTUFIX_A_RELAY_RATE, relay->rate) ||
		    nla_put_u32(msg, PMTUFIX_A_RELAY_BURST, relay->burst) ||
		    nla_put_u32(msg, PMTUFIX_A_RELAY_IFINDEX, relay->ifindex))
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int pmtufix_get_relay(struct sk_buff *skb, struct genl_info *info)
{
	struct pmtufix_net *pn = pmtufix_pernet(genl_info_net(info));
	const struct pmtufix_relay *relay;
	struct sk_buff *msg;
	void *hdr;

	mutex_lock(&pn->lock);
	relay = rcu_dereference_protected(pn->relay, lockdep_is_held(&pn->lock));
	msg = genlmsg_new(pmtufix_relay_size(relay), GFP_KERNEL);
	if (!msg) {
		mutex_unlock(&pn->lock);
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(msg, info, &pmtufix_genl_family, 0,
				PMTUFIX_CMD_GET_RELAY);
	if (!hdr || pmtufix_relay_put(msg, relay)) {
		mutex_unlock(&pn->lock);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	mutex_unlock(&pn->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/**
 * pmtufix_genl_relay() - Hand an error to the namespace's relay group.
 * @net: the namespace it arrived in
 * @pkt: the error, from its IPv4 header (skb->data) on, at most
 *	PMTUFIX_RELAY_PACKET_MAX bytes
 * @ifindex: the device it came in on
 *
 * Context: Under rcu_read_lock(), from the rescue hook. Does not sleep.
 * Return: 0 once a listener has it; -ESRCH without a listener (as
 * genlmsg_multicast_netns() says it), -ENOBUFS when a listener's queue is
 * full, -ENOMEM or -EMSGSIZE.
 */
int pmtufix_genl_relay(struct net *net, const struct sk_buff *pkt,
		       int ifindex)
{
	unsigned int len = pkt->len;
	struct sk_buff *msg;
	struct nlattr *attr;
	void *hdr;

	/* Pairs with smp_store_release() in pmtufix_genl_init(). */
	if (!smp_load_acquire(&pmtufix_genl_ready) ||
	    !genl_has_listeners(&pmtufix_genl_family, net,
				PMTUFIX_GENL_MCGRP_RELAY))
		return -ESRCH;

	msg = genlmsg_new(nla_total_size(len) + nla_total_size(sizeof(u32)),
			  GFP_ATOMIC);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &pmtufix_genl_family, 0,
			  PMTUFIX_CMD_RELAY);
	if (!hdr)
		goto nospace;
	attr = nla_reserve(msg, PMTUFIX_A_RELAY_PACKET, len);
	if (!attr || skb_copy_bits(pkt, 0, nla_data(attr), len) ||
	    nla_put_u32(msg, PMTUFIX_A_IFINDEX, ifindex))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_multicast_netns(&pmtufix_genl_family, net, msg, 0,
				       PMTUFIX_GENL_MCGRP_RELAY, GFP_ATOMIC);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops pmtufix_genl_ops[] = {
	{
		.cmd	= PMTUFIX_CMD_GET_CONFIG,
		.doit	= pmtufix_get_config,
	},
	{
		.cmd	= PMTUFIX_CMD_SET_CONFIG,
		.doit	= pmtufix_set_config,
		.policy	= pmtufix_set_config_policy,
		.maxattr = PMTUFIX_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= PMTUFIX_CMD_GET_STATS,
		.doit	= pmtufix_get_stats,
	},
	{
		.cmd	= PMTUFIX_CMD_RESET_STATS,
		.doit	= pmtufix_reset_stats,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= PMTUFIX_CMD_MSS_ADD,
		.doit	= pmtufix_mss_add_doit,
		.policy	= pmtufix_mss_add_policy,
		.maxattr = PMTUFIX_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= PMTUFIX_CMD_MSS_DEL,
		.doit	= pmtufix_mss_del_doit,
		.policy	= pmtufix_mss_del_policy,
		.maxattr = PMTUFIX_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= PMTUFIX_CMD_MSS_GET,
		.dumpit	= pmtufix_mss_dumpit,
	},
	{
		.cmd	= PMTUFIX_CMD_MSS_FLUSH,
		.doit	= pmtufix_mss_flush_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= PMTUFIX_CMD_GET_RELAY,
		.doit	= pmtufix_get_relay,
	},
	{
		.cmd	= PMTUFIX_CMD_SET_RELAY,
		.doit	= pmtufix_set_relay,
		.policy	= pmtufix_set_relay_policy,
		.maxattr = PMTUFIX_A_MAX,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

/* Events name local flows and rejected attacks: listeners need CAP_NET_ADMIN. */
static const struct genl_multicast_group pmtufix_genl_mcgrps[] = {
	[PMTUFIX_GENL_MCGRP_EVENTS] = {
		.name	= PMTUFIX_MCGRP_EVENTS,
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
	/* Whole packets of other hosts' flows: the agent's, as the events. */
	[PMTUFIX_GENL_MCGRP_RELAY] = {
		.name	= PMTUFIX_MCGRP_RELAY,
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};

static struct genl_family pmtufix_genl_family __ro_after_init = {
	.name		= PMTUFIX_GENL_NAME,
	.version	= PMTUFIX_GENL_VERSION,
	.maxattr	= PMTUFIX_A_MAX,
	.netnsok	= true,
	/* The namespace's mutex serialises what needs it. */
	.parallel_ops	= true,
	/*
	 * Strict header and attribute validation from the first command on;
	 * commands without a policy accept no attributes at all.
	 */
	.resv_start_op	= PMTUFIX_CMD_UNSPEC,
	.module		= THIS_MODULE,
	.ops		= pmtufix_genl_ops,
	.n_ops		= ARRAY_SIZE(pmtufix_genl_ops),
	.mcgrps		= pmtufix_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(pmtufix_genl_mcgrps),
};

/**
 * pmtufix_genl_init() - Register the generic netlink family.
 *
 * Last in module init: from here on, requests may come in for any
 * namespace, and they find every namespace's state in place.
 *
 * Context: Process context, module init.
 * Return: 0, or the error of genl_register_family().
 */
int pmtufix_genl_init(void)
{
	unsigned int major = 0, minor = 0, patch = 0;
	int err;

	if (sscanf(PMTUFIX_VERSION, "%u.%u.%u", &major, &minor, &patch) < 1)
		pr_warn("cannot parse version \"%s\"\n", PMTUFIX_VERSION);
	pmtufix_version_code = (major & 0xff) << 16 | (minor & 0xff) << 8 |
			       (patch & 0xff);

	err = genl_register_family(&pmtufix_genl_family);
	if (err)
		return err;
	/* Pairs with smp_load_acquire(): the family id is set by now. */
	smp_store_release(&pmtufix_genl_ready, true);
	return 0;
}

/**
 * pmtufix_genl_uninit() - Stop events and unregister the family.
 *
 * First in module exit, so that no request reaches a namespace whose state
 * is being torn down.
 *
 * Context: Process context, module exit. Sleeps for an RCU grace period.
 */
void pmtufix_genl_uninit(void)
{
	WRITE_ONCE(pmtufix_genl_ready, false);
	/* The hook runs under RCU: after this, none is still sending. */
	synchronize_net();
	genl_unregister_family(&pmtufix_genl_family);
}
