/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_RELAY_H
#define _PMTUFIX_RELAY_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <net/net_namespace.h>

bool pmtufix_relay_hook(struct sk_buff *skb, const struct nf_hook_state *state,
			u32 mtu, unsigned int *verdict);

#endif /* _PMTUFIX_RELAY_H */
