/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_RPF_H
#define _PMTUFIX_RPF_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/types.h>

bool pmtufix_loose_rpf(struct sk_buff *skb, struct net_device *dev,
		       __be32 saddr, __be32 daddr, u8 tos);

#endif /* _PMTUFIX_RPF_H */
