/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_NETLINK_H
#define _PMTUFIX_NETLINK_H

#include <net/net_namespace.h>

struct pmtufix_decision;
struct pmtufix_net;

int pmtufix_genl_init(void);
void pmtufix_genl_uninit(void);

void pmtufix_genl_event(struct net *net, struct pmtufix_net *pn,
			const struct pmtufix_decision *d);

#endif /* _PMTUFIX_NETLINK_H */
