/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_RELAY_H
#define _PMTUFIX_RELAY_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <net/net_namespace.h>

#include "pmtufix.h"

struct pmtufix_relay;

struct pmtufix_decision;

bool pmtufix_relay_hook(struct sk_buff *skb, const struct nf_hook_state *state,
			struct pmtufix_decision *d, unsigned int *verdict);
enum pmtufix_relay_out pmtufix_relay_send(struct net *net,
					  struct pmtufix_relay *relay,
					  struct sk_buff *skb, int ifindex);
#if IS_ENABLED(CONFIG_IPV6)
unsigned int pmtufix_relay6_hook(struct sk_buff *skb,
				 const struct nf_hook_state *state);
#endif

#endif /* _PMTUFIX_RELAY_H */
