/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_NETLINK_H
#define _PMTUFIX_NETLINK_H

#include <linux/skbuff.h>
#include <net/net_namespace.h>

struct pmtufix_decision;
struct pmtufix_net;

int pmtufix_genl_init(void);
void pmtufix_genl_uninit(void);

int pmtufix_genl_relay(struct net *net, const struct sk_buff *pkt,
		       int ifindex);
void pmtufix_genl_event(struct net *net, struct pmtufix_net *pn,
			const struct pmtufix_decision *d);

#endif /* _PMTUFIX_NETLINK_H */
