/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_MSS_H
#define _PMTUFIX_MSS_H

#include <linux/netlink.h>
#include <net/net_namespace.h>

#include "msstable.h"

int pmtufix_mss_add(struct net *net, const struct pmtufix_mss_key *key,
		    u32 action, bool replace, struct netlink_ext_ack *extack);
int pmtufix_mss_del(struct net *net, const struct pmtufix_mss_key *key,
		    struct netlink_ext_ack *extack);
void pmtufix_mss_flush(struct net *net);

void pmtufix_mss_net_pre_exit(struct net *net);
void pmtufix_mss_net_exit(struct net *net);

#endif /* _PMTUFIX_MSS_H */
