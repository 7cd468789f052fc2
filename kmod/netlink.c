// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "pmtufix": configuration, counters and events of
 * the network namespace of the requesting socket.
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/netlink.h>

#include "netlink.h"
#include "netns.h"
#include "rescue.h"

enum pmtufix_genl_mcgrp {
	PMTUFIX_GENL_MCGRP_EVENTS,
};

static struct genl_family pmtufix_genl_family;

/*
 * The hook is live before the family is registered and after it is gone:
 * events are sent only while this is set.
 */
static bool pmtufix_genl_ready;

static u32 pmtufix_version_code __ro_after_init;

#define PMTUFIX_READ_ONLY(msg) { .type = NLA_REJECT, .reject_message = (msg) }

static struct netlink_range_validation pmtufix_mtu_floor_range = {
	.min = 0,
	.max = 65535,
};

static const struct nla_policy pmtufix_set_config_policy[PMTUFIX_A_MAX + 1] = {
	[PMTUFIX_A_VERSION]		= PMTUFIX_READ_ONLY("the module version is read-only"),
	[PMTUFIX_A_RESCUE_ENABLED]	= NLA_POLICY_MAX(NLA_U8, 1),
	[PMTUFIX_A_LOG_LEVEL]		= NLA_POLICY_MAX(NLA_U8, PMTUFIX_LOG_MAX),
	/* 1..67 is refused in pmtufix_set_config_check(). */
	[PMTUFIX_A_MTU_FLOOR]		= NLA_POLICY_FULL_RANGE(NLA_U32,
								&pmtufix_mtu_floor_range),
	[PMTUFIX_A_MTU_FLOOR_EFFECTIVE]	= PMTUFIX_READ_ONLY("the effective MTU floor is read-only"),
	[PMTUFIX_A_STATS]		= PMTUFIX_READ_ONLY("counters are read-only"),
	[PMTUFIX_A_MSS_RULE]		= PMTUFIX_READ_ONLY("not a configuration attribute"),
	[PMTUFIX_A_EVENT]		= PMTUFIX_READ_ONLY("events are sent by the kernel only"),
	[PMTUFIX_A_PAD]			= PMTUFIX_READ_ONLY("not a configuration attribute"),
};

static size_t pmtufix_config_size(void)
{
	return 2 * nla_total_size(sizeof(u8)) +		/* rescue, log level */
	       3 * nla_total_size(sizeof(u32));		/* floors, version */
}

static size_t pmtufix_stats_size(void)
{
	return nla_total_size(0) +
	       __PMTUFIX_REASON_MAX * nla_total_size_64bit(sizeof(u64));
}

static size_t pmtufix_event_size(void)
{
	return nla_total_size(0) +
	       4 * nla_total_size(sizeof(u32)) +	/* reason .. mtu */
	       nla_total_size(sizeof(u8)) +		/* proto */
	       2 * nla_total_size(sizeof(__be32)) +	/* saddr, daddr */
	       2 * nla_total_size(sizeof(__be16));	/* ports */
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
		if (floor && floor < IPV4_MIN_MTU) {
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

static int pmtufix_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct pmtufix_net *pn = pmtufix_pernet(genl_info_net(info));
	u64 count[__PMTUFIX_REASON_MAX];
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	int r;

	mutex_lock(&pn->lock);
	pmtufix_stats_read(pn, count);
	mutex_unlock(&pn->lock);

	msg = genlmsg_new(pmtufix_stats_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &pmtufix_genl_family, 0,
				PMTUFIX_CMD_GET_STATS);
	if (!hdr)
		goto nospace;
	nest = nla_nest_start(msg, PMTUFIX_A_STATS);
	if (!nest)
		goto nospace;
	for (r = 0; r < __PMTUFIX_REASON_MAX; r++)
		if (nla_put_u64_64bit(msg, r + 1, count[r],
				      PMTUFIX_A_STATS_PAD))
			goto nospace;
	nla_nest_end(msg, nest);
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
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);

	genlmsg_multicast_netns(&pmtufix_genl_family, net, msg, 0,
				PMTUFIX_GENL_MCGRP_EVENTS, GFP_ATOMIC);
	return;

nospace:
	nlmsg_free(msg);
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
};

/* Events name local flows and rejected attacks: listeners need CAP_NET_ADMIN. */
static const struct genl_multicast_group pmtufix_genl_mcgrps[] = {
	[PMTUFIX_GENL_MCGRP_EVENTS] = {
		.name	= PMTUFIX_MCGRP_EVENTS,
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

void pmtufix_genl_uninit(void)
{
	WRITE_ONCE(pmtufix_genl_ready, false);
	/* The hook runs under RCU: after this, none is still sending. */
	synchronize_net();
	genl_unregister_family(&pmtufix_genl_family);
}
