/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_LIMITS_H
#define _PMTUFIX_LIMITS_H

#include <linux/types.h>
#include <net/net_namespace.h>

struct pmtufix_net;

/* Whether a decision of @level in @net may go to the kernel log now. */
bool pmtufix_log_allowed(const struct net *net, struct pmtufix_net *pn,
			 u8 level);

#endif /* _PMTUFIX_LIMITS_H */
