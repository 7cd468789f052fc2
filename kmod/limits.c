// SPDX-License-Identifier: GPL-2.0
/*
 * What one network namespace may cost the host. Root of any user namespace
 * administers the network namespaces it creates, including their log level
 * and MSS rules; the kernel log and the part of the memory no cgroup is
 * charged for are the host's. So both are bounded by module parameters,
 * which only root of the initial user namespace can change
 * (/sys/module/pmtufix/parameters/ belongs to it, whatever the caller's
 * capabilities in its own user namespace).
 */
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/stringify.h>
#include <linux/user_namespace.h>

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
 * The rhashtable allocates (and resizes, from a worker) its bucket arrays
 * without charging any memory cgroup: the cap bounds that part.
 */
static uint pmtufix_userns_mss_rules __read_mostly = PMTUFIX_USERNS_MSS_RULES;
module_param_named(userns_mss_rules, pmtufix_userns_mss_rules, uint, 0644);
MODULE_PARM_DESC(userns_mss_rules,
		 "Most MSS rules in a network namespace owned by a user namespace other than the initial one (default: "
		 __stringify(PMTUFIX_USERNS_MSS_RULES) ")");

/*
 * The lines of all namespaces but the initial one, together: each has its
 * own limit, but there may be thousands of them. The initial namespace is
 * not counted here, so that they cannot crowd out the host's own lines.
 */
static DEFINE_RATELIMIT_STATE(pmtufix_log_others_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

/**
 * pmtufix_log_allowed() - May a decision go to the kernel log now?
 * @net: the namespace the decision was made in
 * @pn: its state
 * @level: the log level the decision needs (enum pmtufix_log_level)
 *
 * Asking may use up a token of the rate limits: ask only for a line that
 * is printed when allowed.
 *
 * Context: Any context; from the rescue hook, under RCU.
 * Return: true if the line may be printed.
 */
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

/**
 * pmtufix_mss_rules_max() - How many MSS rules a namespace may hold.
 * @net: the namespace
 *
 * Read at every addition, so that a lowered parameter holds back growth
 * at once; rules already there stay.
 *
 * Context: Any context; pmtufix_mss_add() asks under the namespace's lock.
 * Return: PMTUFIX_MSS_RULES_MAX for a namespace of the initial user
 * namespace, else the userns_mss_rules parameter, at most that.
 */
u32 pmtufix_mss_rules_max(const struct net *net)
{
	if (net->user_ns == &init_user_ns)
		return PMTUFIX_MSS_RULES_MAX;
	return min_t(u32, READ_ONCE(pmtufix_userns_mss_rules),
		     PMTUFIX_MSS_RULES_MAX);
}
