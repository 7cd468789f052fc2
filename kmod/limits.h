/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_LIMITS_H
#define _PMTUFIX_LIMITS_H

#include <linux/types.h>
#include <net/net_namespace.h>

struct pmtufix_net;

/* Default of the userns_mss_rules module parameter. */
#define PMTUFIX_USERNS_MSS_RULES	4096

bool pmtufix_log_allowed(const struct net *net, struct pmtufix_net *pn,
			 u8 level);

u32 pmtufix_mss_rules_max(const struct net *net);

#endif /* _PMTUFIX_LIMITS_H */
