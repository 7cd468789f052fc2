/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_REPORT_H
#define _PMTUFIX_REPORT_H

#include <linux/netdevice.h>
#include <net/net_namespace.h>

struct pmtufix_decision;
struct pmtufix_net;

void pmtufix_report(struct net *net, struct pmtufix_net *pn,
		    const struct net_device *dev,
		    const struct pmtufix_decision *d);

#endif /* _PMTUFIX_REPORT_H */
