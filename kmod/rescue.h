/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_RESCUE_H
#define _PMTUFIX_RESCUE_H

#include <net/net_namespace.h>

int pmtufix_rescue_register(struct net *net);
void pmtufix_rescue_unregister(struct net *net);

#endif /* _PMTUFIX_RESCUE_H */
