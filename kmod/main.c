// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix: keeps strict reverse-path filtering and still lets through the
 * ICMP "fragmentation needed" errors that belong to flows of this host; and
 * lowers the TCP MSS of SYNs to or from prefixes known to have a small path.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "mss.h"
#include "msstable.h"
#include "netlink.h"
#include "netns.h"
#include "relayconf.h"
#include "rescue.h"

static bool pmtufix_param_rescue = true;
module_param_named(rescue, pmtufix_param_rescue, bool, 0444);
MODULE_PARM_DESC(rescue,
		 "Rescue frag-needed errors in each new network namespace (default: yes)");

static uint pmtufix_param_log_level = PMTUFIX_LOG_RESCUE;
module_param_named(log_level, pmtufix_param_log_level, uint, 0444);
MODULE_PARM_DESC(log_level,
		 "Log level of each new network namespace: 0 none, 1 rescues, 2 rescues and rejections (default: 1)");

/*
 * A namespace's life: its state first, then the hooks that use it; on the way
 * out the hooks go in pre_exit, and the core waits for an RCU grace period
 * before exit, so no packet is still inside a hook when exit frees the state.
 */
static int __net_init pmtufix_net_init(struct net *net)
{
	int err;

	err = pmtufix_net_state_init(net, pmtufix_param_rescue,
				     pmtufix_param_log_level);
	if (err)
		return err;
	err = pmtufix_rescue_register(net);
	if (err)
		pmtufix_net_state_free(net);
	return err;
}

static void __net_exit pmtufix_net_pre_exit(struct net *net)
{
	pmtufix_mss_net_pre_exit(net);
	pmtufix_rescue_unregister(net);
}

static void __net_exit pmtufix_net_exit(struct net *net)
{
	pmtufix_mss_net_exit(net);
	pmtufix_relay_net_exit(net);
	pmtufix_net_state_free(net);
}

static struct pernet_operations pmtufix_net_ops = {
	.init = pmtufix_net_init,
	.pre_exit = pmtufix_net_pre_exit,
	.exit = pmtufix_net_exit,
	.id = &pmtufix_net_id,
	.size = sizeof(struct pmtufix_net),
};

static int __init pmtufix_init(void)
{
	int err;

	if (pmtufix_param_log_level > PMTUFIX_LOG_MAX) {
		pr_err("log_level must be 0..%d\n", PMTUFIX_LOG_MAX);
		return -EINVAL;
	}

	err = pmtufix_mss_cache_init();
	if (err)
		goto err_cache;
	err = register_pernet_subsys(&pmtufix_net_ops);
	if (err)
		goto err_netns;
	err = pmtufix_genl_init();
	if (err)
		goto err_genl;

	pr_info("version %s loaded, rescue %s by default\n", PMTUFIX_VERSION,
		pmtufix_param_rescue ? "on" : "off");
	return 0;

err_genl:
	unregister_pernet_subsys(&pmtufix_net_ops);
err_netns:
	pmtufix_mss_cache_uninit();
err_cache:
	return err;
}

static void __exit pmtufix_exit(void)
{
	pmtufix_genl_uninit();
	unregister_pernet_subsys(&pmtufix_net_ops);
	pmtufix_mss_cache_uninit();
}

module_init(pmtufix_init);
module_exit(pmtufix_exit);

MODULE_DESCRIPTION("Rescue ICMP frag-needed errors from strict reverse-path filtering");
MODULE_LICENSE("GPL");
MODULE_VERSION(PMTUFIX_VERSION);
MODULE_AUTHOR("The pmtufix authors");
MODULE_ALIAS_GENL_FAMILY(PMTUFIX_GENL_NAME);
