// SPDX-License-Identifier: GPL-2.0
/*
 * What one network namespace may cost the host. Root of any user namespace
 * administers the network namespaces it creates, including their log level;
 * the kernel log is the host's. So it is bounded by module parameters,
 * which only root of the initial user namespace can change
 * (/sys/module/pmtufix/parameters/ belongs to it, whatever the caller's
 * capabilities in its own user namespace).
 */
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>

#include "limits.h"
#include "netns.h"

/*
 * As nf_log_all_netns: only the initial namespace logs, unless the host's
 * administrator asks for the others too.
 */
static bool pmtufix_log_all_netns __read_mostly;
module_param_named(log_all_netns, pmtufix_log_all_netns, bool, 0644);
MODULE_PARM_DESC(log_all_netns,
		 "Log decisions of every network namespace, not only of the initial one (default: no)");

/*
 * The lines of all namespaces but the initial one, together: each has its
 * own limit, but there may be thousands of them. The initial namespace is
 * not counted here, so that they cannot crowd out the host's own lines.
 */
static DEFINE_RATELIMIT_STATE(pmtufix_log_others_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

bool pmtufix_log_allowed(const struct net *net, struct pmtufix_net *pn,
			 u8 level)
{
	if (READ_ONCE(pn->log_level) < level)
		return false;
	if (net_eq(net, &init_net))
		return __ratelimit(&pn->log_rs);
	return READ_ONCE(pmtufix_log_all_netns) && __ratelimit(&pn->log_rs) &&
	       __ratelimit(&pmtufix_log_others_rs);
}
