/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One decision of the rescue, as the hook (rescue.c) makes it and the
 * counters, the log and the events (netlink.c) report it.
 */
#ifndef _PMTUFIX_DECISION_H
#define _PMTUFIX_DECISION_H

#include <linux/types.h>

#include "pmtufix.h"

/* What was decided about one ICMP frag-needed, for counters, log and events. */
struct pmtufix_decision {
	enum pmtufix_reason reason;
	const char *why;	/* detail for the log; NULL: the reason says it */
	int ifindex;
	__be32 icmp_saddr;
	u32 mtu;
	bool relayed;		/* came in on the relay device */
	bool judged;		/* @reason is pmtufix_judge()'s: not asked again */
	bool refused;		/* a socket of the flow, whose error the kernel ignores */
	bool quoted;		/* proto, saddr and daddr were read */
	bool ports;		/* sport and dport were read */
	u8 proto;
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
};

#endif /* _PMTUFIX_DECISION_H */
