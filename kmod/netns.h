/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_NETNS_H
#define _PMTUFIX_NETNS_H

#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "pmtufix.h"

struct pmtufix_pcpu_stats {
	u64_stats_t count[__PMTUFIX_REASON_MAX];
	u64_stats_t mss[__PMTUFIX_MSS_STAT_MAX];
	u64_stats_t relay_out[__PMTUFIX_RELAY_OUT_MAX];
	u64_stats_t relay_in[__PMTUFIX_REASON_MAX];
	struct u64_stats_sync syncp;
};

/* Totals of all CPUs. */
struct pmtufix_stats {
	u64 count[__PMTUFIX_REASON_MAX];
	u64 mss[__PMTUFIX_MSS_STAT_MAX];
	u64 relay_out[__PMTUFIX_RELAY_OUT_MAX];
	u64 relay_in[__PMTUFIX_REASON_MAX];
};

struct pmtufix_mss_table;
struct pmtufix_relay;

struct pmtufix_net {
	/*
	 * Serialises configuration changes and statistics resets, so that a
	 * request is applied as a whole. The packet path does not take it: it
	 * reads each setting on its own with READ_ONCE().
	 */
	struct mutex lock;
	bool rescue;
	u8 log_level;		/* enum pmtufix_log_level */
	u32 mtu_floor;		/* 0: follow net.ipv4.route.min_pmtu */

	struct pmtufix_pcpu_stats __percpu *stats;
	/* Totals at the last reset, subtracted on read; under @lock. */
	struct pmtufix_stats stats_base;

	/* MSS rules: NULL until the first is added; changed under @lock. */
	struct pmtufix_mss_table __rcu *mss;

	/* The relay: NULL while off; replaced as a whole under @lock. */
	struct pmtufix_relay __rcu *relay;

	struct ratelimit_state log_rs;
	struct ratelimit_state event_rs;
};

extern unsigned int pmtufix_net_id;

static inline struct pmtufix_net *pmtufix_pernet(const struct net *net)
{
	return net_generic(net, pmtufix_net_id);
}

/**
 * pmtufix_floor_effective() - The MTU floor that applies in @net.
 * @net: the namespace
 * @floor: its configured floor; 0: net.ipv4.route.min_pmtu, read at each
 *	call, so that the floor follows the sysctl
 *
 * Context: Any context.
 * Return: the lowest MTU a rescued error may carry.
 */
static inline u32 pmtufix_floor_effective(const struct net *net, u32 floor)
{
	return floor ?: READ_ONCE(net->ipv4.ip_rt_min_pmtu);
}

void pmtufix_stats_inc(struct pmtufix_net *pn, enum pmtufix_reason reason);
void pmtufix_mss_stats_inc(struct pmtufix_net *pn, enum pmtufix_mss_stat stat);
void pmtufix_relay_out_stats_inc(struct pmtufix_net *pn,
				 enum pmtufix_relay_out what);
void pmtufix_relay_in_stats_inc(struct pmtufix_net *pn,
				enum pmtufix_reason reason);
void pmtufix_stats_read(struct pmtufix_net *pn, struct pmtufix_stats *out);
void pmtufix_stats_reset(struct pmtufix_net *pn);

int pmtufix_net_state_init(struct net *net, bool rescue, u8 log_level);
void pmtufix_net_state_free(struct net *net);

#endif /* _PMTUFIX_NETNS_H */
