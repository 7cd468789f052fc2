/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_RESCUE_H
#define _PMTUFIX_RESCUE_H

#include <linux/types.h>
#include <net/net_namespace.h>

#include "pmtufix.h"

/* What was decided about one ICMP frag-needed, for counters, log and events. */
struct pmtufix_decision {
	enum pmtufix_reason reason;
	const char *why;	/* detail for the log; NULL: the reason says it */
	int ifindex;
	__be32 icmp_saddr;
	u32 mtu;
	bool quoted;		/* proto, saddr and daddr were read */
	bool ports;		/* sport and dport were read */
	u8 proto;
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
};

int pmtufix_rescue_register(struct net *net);
void pmtufix_rescue_unregister(struct net *net);

#endif /* _PMTUFIX_RESCUE_H */
