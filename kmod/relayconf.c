// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace's relay configuration: prefixes, rate, burst, relay device.
 * Set as a whole from netlink.c, read by the hook (relay.c) under RCU. At
 * most PMTUFIX_RELAY_PREFIXES_MAX prefixes, charged to the memory cgroup of
 * whoever sets them: an unprivileged namespace may.
 */
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "netns.h"
#include "relayconf.h"

/**
 * pmtufix_relay_alloc() - A relay configuration with room for @n prefixes.
 * @n: number of prefixes, at most PMTUFIX_RELAY_PREFIXES_MAX
 * @rate: errors handed on per second, 1..PMTUFIX_RELAY_RATE_MAX
 * @burst: errors handed on at once, 1..PMTUFIX_RELAY_RATE_MAX
 * @ifindex: the relay device; 0: none
 *
 * The bucket starts full. The caller fills in the prefixes.
 *
 * Context: Process context. May sleep. Charged to the caller's memory cgroup.
 * Return: the configuration, or NULL without memory.
 */
struct pmtufix_relay *pmtufix_relay_alloc(unsigned int n, u32 rate, u32 burst,
					  int ifindex)
{
	struct pmtufix_relay *relay;

	relay = kzalloc(struct_size(relay, prefix, n), GFP_KERNEL_ACCOUNT);
	if (!relay)
		return NULL;
	spin_lock_init(&relay->lock);
	relay->n = n;
	relay->rate = rate;
	relay->burst = burst;
	relay->ifindex = ifindex;
	relay->credit_ns = (u64)burst * (NSEC_PER_SEC / rate);
	relay->last_ns = ktime_get_ns();
	return relay;
}

/**
 * pmtufix_relay_replace() - Publish a namespace's relay configuration.
 * @net: the namespace
 * @relay: the new configuration; NULL turns the relay off
 *
 * The old configuration is freed after a grace period: the hook may still
 * be reading it.
 *
 * Context: Process context. Caller holds the namespace's lock.
 */
void pmtufix_relay_replace(struct net *net, struct pmtufix_relay *relay)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);
	struct pmtufix_relay *old;

	old = rcu_replace_pointer(pn->relay, relay, lockdep_is_held(&pn->lock));
	if (old)
		kfree_rcu(old, rcu);
}

/**
 * pmtufix_relay_net_exit() - Free a namespace's relay configuration.
 * @net: the namespace
 *
 * Context: Process context, pernet exit: the hooks are gone and a grace
 * period has passed.
 */
void pmtufix_relay_net_exit(struct net *net)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);

	kfree(rcu_dereference_protected(pn->relay, true));
	RCU_INIT_POINTER(pn->relay, NULL);
}
