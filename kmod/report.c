// SPDX-License-Identifier: GPL-2.0
/*
 * What becomes of one decision about a frag-needed error, direct or relayed:
 * a counter, a rate-limited log line, an event for the monitors.
 */
#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>

#include "decision.h"
#include "limits.h"
#include "netlink.h"
#include "netns.h"
#include "report.h"

static const char *const pmtufix_reason_text[__PMTUFIX_REASON_MAX] = {
	[PMTUFIX_REASON_RESCUED]	= "rescued",
	[PMTUFIX_REASON_NOT_NEEDED]	= "not needed",
	[PMTUFIX_REASON_MALFORMED]	= "quoted header unusable",
	[PMTUFIX_REASON_NOT_LOCAL]	= "quoted source neither local nor a tracked flow",
	[PMTUFIX_REASON_NO_FLOW]	= "no such flow",
	[PMTUFIX_REASON_SEQ_WINDOW]	= "sequence outside window",
	[PMTUFIX_REASON_WRONG_IFACE]	= "peer not routed via this interface",
	[PMTUFIX_REASON_BELOW_FLOOR]	= "mtu below floor",
	[PMTUFIX_REASON_DISABLED]	= "rescue disabled",
	[PMTUFIX_REASON_NO_SOURCE_ROUTE] = "source has no unicast route",
};

static const char *pmtufix_proto_name(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_DCCP:
		return "dccp";
	default:
		return NULL;
	}
}

static void pmtufix_log(const struct net_device *dev,
			const struct pmtufix_decision *d)
{
	const char *name;
	char flow[80] = "";
	int n;

	if (d->quoted) {
		name = pmtufix_proto_name(d->proto);
		if (name)
			n = scnprintf(flow, sizeof(flow), " for %s", name);
		else
			n = scnprintf(flow, sizeof(flow), " for proto %u",
				      d->proto);
		if (d->ports)
			scnprintf(flow + n, sizeof(flow) - n,
				  " %pI4:%u > %pI4:%u",
				  &d->saddr, ntohs(d->sport),
				  &d->daddr, ntohs(d->dport));
		else
			scnprintf(flow + n, sizeof(flow) - n, " %pI4 > %pI4",
				  &d->saddr, &d->daddr);
	}

	if (d->reason == PMTUFIX_REASON_RESCUED)
		pr_info("rescued %sfrag-needed from %pI4 dev %s mtu %u%s\n",
			d->relayed ? "relayed " : "", &d->icmp_saddr,
			dev->name, d->mtu, flow);
	else
		pr_info("rejected %sfrag-needed from %pI4 dev %s mtu %u%s: %s\n",
			d->relayed ? "relayed " : "", &d->icmp_saddr,
			dev->name, d->mtu, flow, d->why ?: pmtufix_reason_text[d->reason]);
}

/**
 * pmtufix_report() - Count, log and announce one decision.
 * @net: the namespace it was made in
 * @pn: its state
 * @dev: the device the error came in on
 * @d: the decision; @d->relayed selects the relay-in counters
 *
 * Context: Under rcu_read_lock(), from a netfilter hook. Does not sleep.
 */
void pmtufix_report(struct net *net, struct pmtufix_net *pn,
		    const struct net_device *dev,
		    const struct pmtufix_decision *d)
{
	u8 level = d->reason == PMTUFIX_REASON_RESCUED ? PMTUFIX_LOG_RESCUE :
							 PMTUFIX_LOG_ALL;

	if (d->relayed)
		pmtufix_relay_in_stats_inc(pn, d->reason);
	else
		pmtufix_stats_inc(pn, d->reason);
	if (pmtufix_log_allowed(net, pn, level))
		pmtufix_log(dev, d);
	pmtufix_genl_event(net, pn, d);
}
