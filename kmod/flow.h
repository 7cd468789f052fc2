/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is the flow an ICMP error quotes one of this host's? Used by the rescue
 * (rescue.c) and the relay (relay.c) alike.
 */
#ifndef _PMTUFIX_FLOW_H
#define _PMTUFIX_FLOW_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/in6.h>
#include <linux/types.h>

#include "decision.h"

struct pmtufix_net;

/* The quoted packet, copied out of the skb: all of it is attacker-controlled. */
struct pmtufix_quote {
	__be32 saddr;
	__be32 daddr;
	u8 protocol;
	union pmtufix_quote_l4 {
		u8 raw[8];	/* RFC 792: 64 bits of the datagram at least */
		struct {
			__be16 sport;
			__be16 dport;
			__be32 seq;	/* TCP only */
		};
	} l4;
};

/* The packet an ICMPv6 Packet Too Big quotes, as attacker-controlled. */
struct pmtufix_quote6 {
	struct in6_addr saddr;
	struct in6_addr daddr;
	u8 protocol;
	union pmtufix_quote_l4 l4;
};

bool pmtufix_quote_read(struct sk_buff *skb, unsigned int hook,
			struct pmtufix_quote *q, struct pmtufix_decision *d);
enum pmtufix_reason pmtufix_flow_judge(struct sk_buff *skb,
				       const struct net_device *in,
				       const struct pmtufix_quote *q,
				       struct pmtufix_decision *d);
enum pmtufix_reason pmtufix_judge(struct sk_buff *skb, unsigned int hook,
				  const struct net_device *in,
				  struct pmtufix_net *pn,
				  struct pmtufix_decision *d);

#if IS_ENABLED(CONFIG_IPV6)
bool pmtufix_quote6_read(struct sk_buff *skb, unsigned int hook,
			 unsigned int icmpoff, struct pmtufix_quote6 *q,
			 struct pmtufix_decision *d);
enum pmtufix_reason pmtufix_flow6_judge(struct sk_buff *skb,
					const struct net_device *in,
					const struct pmtufix_quote6 *q,
					struct pmtufix_decision *d);
#endif

#endif /* _PMTUFIX_FLOW_H */
