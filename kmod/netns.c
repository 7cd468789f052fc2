// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: configuration, counters and rate limits. The
 * hooks that use it are registered and removed by main.c, around it.
 */
#include <linux/bottom_half.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/string.h>

#include "netns.h"

/* Generous enough for a monitor to see every decision of a real PMTU event. */
#define PMTUFIX_EVENT_INTERVAL	HZ
#define PMTUFIX_EVENT_BURST	50

unsigned int pmtufix_net_id __read_mostly;

/*
 * The hooks run in softirq context, but not only: locally sent segments pass
 * POST_ROUTING in process context, and so does every hook after an NFQUEUE
 * verdict (nf_reinject() runs them from the verdict's sendmsg, under RCU
 * alone, which is preemptible). With bottom halves off, the task stays on
 * its CPU and no softirq update on that CPU can run inside this one, as
 * u64_stats_sync requires of its writers.
 */
enum pmtufix_stats_kind {
	PMTUFIX_STATS_RESCUE,
	PMTUFIX_STATS_MSS,
	PMTUFIX_STATS_RELAY_OUT,
	PMTUFIX_STATS_RELAY_IN,
};

static u64_stats_t *pmtufix_stats_slot(struct pmtufix_pcpu_stats *s,
				       enum pmtufix_stats_kind kind,
				       unsigned int i)
{
	switch (kind) {
	case PMTUFIX_STATS_MSS:
		return &s->mss[i];
	case PMTUFIX_STATS_RELAY_OUT:
		return &s->relay_out[i];
	case PMTUFIX_STATS_RELAY_IN:
		return &s->relay_in[i];
	default:
		return &s->count[i];
	}
}

static void pmtufix_stats_add(struct pmtufix_net *pn,
			      enum pmtufix_stats_kind kind, unsigned int i)
{
	struct pmtufix_pcpu_stats *s;

	local_bh_disable();
	s = this_cpu_ptr(pn->stats);
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(pmtufix_stats_slot(s, kind, i));
	u64_stats_update_end(&s->syncp);
	local_bh_enable();
}

/**
 * pmtufix_stats_inc() - Count one decision of the rescue.
 * @pn: the namespace's state
 * @reason: what was decided
 *
 * Context: Any context but a hard interrupt: softirq, or process context for
 * a hook run after an NFQUEUE verdict. Disables bottom halves itself.
 */
void pmtufix_stats_inc(struct pmtufix_net *pn, enum pmtufix_reason reason)
{
	pmtufix_stats_add(pn, PMTUFIX_STATS_RESCUE, reason);
}

/**
 * pmtufix_mss_stats_inc() - Count what the MSS hooks did to one SYN.
 * @pn: the namespace's state
 * @stat: the outcome
 *
 * Context: Any context but a hard interrupt: softirq, or process context for
 * a segment sent by this host or one passed on after an NFQUEUE verdict.
 * Disables bottom halves itself.
 */
void pmtufix_mss_stats_inc(struct pmtufix_net *pn, enum pmtufix_mss_stat stat)
{
	pmtufix_stats_add(pn, PMTUFIX_STATS_MSS, stat);
}

/**
 * pmtufix_relay_out_stats_inc() - Count what became of an error to relay.
 * @pn: the namespace's state
 * @what: sent, rate-limited or undelivered
 *
 * Context: Any context but a hard interrupt. Disables bottom halves itself.
 */
void pmtufix_relay_out_stats_inc(struct pmtufix_net *pn,
				 enum pmtufix_relay_out what)
{
	pmtufix_stats_add(pn, PMTUFIX_STATS_RELAY_OUT, what);
}

/**
 * pmtufix_relay_in_stats_inc() - Count one decision about a relayed error.
 * @pn: the namespace's state
 * @reason: what was decided
 *
 * Context: Any context but a hard interrupt. Disables bottom halves itself.
 */
void pmtufix_relay_in_stats_inc(struct pmtufix_net *pn,
				enum pmtufix_reason reason)
{
	pmtufix_stats_add(pn, PMTUFIX_STATS_RELAY_IN, reason);
}

static void pmtufix_stats_sum(struct pmtufix_net *pn, struct pmtufix_stats *sum)
{
	int cpu, r;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct pmtufix_pcpu_stats *s = per_cpu_ptr(pn->stats, cpu);
		struct pmtufix_stats v;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (r = 0; r < __PMTUFIX_REASON_MAX; r++)
				v.count[r] = u64_stats_read(&s->count[r]);
			for (r = 0; r < __PMTUFIX_MSS_STAT_MAX; r++)
				v.mss[r] = u64_stats_read(&s->mss[r]);
			for (r = 0; r < __PMTUFIX_RELAY_OUT_MAX; r++)
				v.relay_out[r] = u64_stats_read(&s->relay_out[r]);
			for (r = 0; r < __PMTUFIX_REASON_MAX; r++)
				v.relay_in[r] = u64_stats_read(&s->relay_in[r]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		for (r = 0; r < __PMTUFIX_REASON_MAX; r++)
			sum->count[r] += v.count[r];
		for (r = 0; r < __PMTUFIX_MSS_STAT_MAX; r++)
			sum->mss[r] += v.mss[r];
		for (r = 0; r < __PMTUFIX_RELAY_OUT_MAX; r++)
			sum->relay_out[r] += v.relay_out[r];
		for (r = 0; r < __PMTUFIX_REASON_MAX; r++)
			sum->relay_in[r] += v.relay_in[r];
	}
}

/**
 * pmtufix_stats_read() - The counters since the last reset.
 * @pn: the namespace's state
 * @out: filled with the totals of all CPUs
 *
 * Other CPUs may count while this sums: each counter is read whole, but the
 * totals are not one instant's.
 *
 * Context: Process context. Caller holds @pn->lock, so that no reset moves
 * the base under it.
 */
void pmtufix_stats_read(struct pmtufix_net *pn, struct pmtufix_stats *out)
{
	int r;

	lockdep_assert_held(&pn->lock);
	pmtufix_stats_sum(pn, out);
	for (r = 0; r < __PMTUFIX_REASON_MAX; r++)
		out->count[r] -= pn->stats_base.count[r];
	for (r = 0; r < __PMTUFIX_MSS_STAT_MAX; r++)
		out->mss[r] -= pn->stats_base.mss[r];
	for (r = 0; r < __PMTUFIX_RELAY_OUT_MAX; r++)
		out->relay_out[r] -= pn->stats_base.relay_out[r];
	for (r = 0; r < __PMTUFIX_REASON_MAX; r++)
		out->relay_in[r] -= pn->stats_base.relay_in[r];
}

/**
 * pmtufix_stats_reset() - Start the counters of a namespace from zero.
 * @pn: the namespace's state
 *
 * Counters are only ever written by their own CPU; a reset records the
 * current totals instead of touching other CPUs' counters.
 *
 * Context: Process context. Caller holds @pn->lock.
 */
void pmtufix_stats_reset(struct pmtufix_net *pn)
{
	lockdep_assert_held(&pn->lock);
	pmtufix_stats_sum(pn, &pn->stats_base);
}

/**
 * pmtufix_net_state_init() - Set up the state of a new namespace.
 * @net: the namespace
 * @rescue: whether its rescue starts enabled (module parameter)
 * @log_level: its initial log level (module parameter)
 *
 * Must complete before any hook of the namespace is registered: the hooks
 * find the state without a lock and expect it whole.
 *
 * Context: Process context, from the pernet init. May sleep.
 * Return: 0, or -ENOMEM.
 */
int pmtufix_net_state_init(struct net *net, bool rescue, u8 log_level)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);
	int cpu;

	/* Charged to the memory cgroup of whoever creates the namespace. */
	pn->stats = alloc_percpu_gfp(struct pmtufix_pcpu_stats,
				     GFP_KERNEL_ACCOUNT);
	if (!pn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pn->stats, cpu)->syncp);

	mutex_init(&pn->lock);
	pn->rescue = rescue;
	pn->log_level = log_level;
	pn->mtu_floor = 0;
	RCU_INIT_POINTER(pn->mss, NULL);
	RCU_INIT_POINTER(pn->relay, NULL);

	ratelimit_default_init(&pn->log_rs);
	/*
	 * "callbacks suppressed" would be a line per namespace, outside the
	 * limit all namespaces but the initial one share (see limits.c).
	 */
	if (!net_eq(net, &init_net))
		ratelimit_set_flags(&pn->log_rs, RATELIMIT_MSG_ON_RELEASE);
	ratelimit_state_init(&pn->event_rs, PMTUFIX_EVENT_INTERVAL,
			     PMTUFIX_EVENT_BURST);
	/* Dropped events must not turn into kernel log lines. */
	ratelimit_set_flags(&pn->event_rs, RATELIMIT_MSG_ON_RELEASE);
	return 0;
}

/**
 * pmtufix_net_state_free() - Free the state of a namespace.
 * @net: the namespace
 *
 * Context: Process context, from the pernet exit (or a failed init): its
 * hooks are unregistered and an RCU grace period has passed, so no packet
 * still counts into @net's counters.
 */
void pmtufix_net_state_free(struct net *net)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);

	mutex_destroy(&pn->lock);
	free_percpu(pn->stats);
}
