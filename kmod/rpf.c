// SPDX-License-Identifier: GPL-2.0
/*
 * Loose reverse-path filtering (rp_filter=2) as the kernel applies it.
 *
 * ip_route_input_noref() reports every reverse-path failure as -EXDEV: the
 * source routed out of another interface (what strict mode adds and what the
 * rescue may overlook), but also no route to the source at all, a blackhole,
 * unreachable or prohibit route, or an ingress interface without an IPv4
 * address (__fib_validate_source(): fib_lookup() fails or no_addr, then
 * last_resort, then e_rpf for rp_filter 1 and 2 alike). fib_validate_source()
 * is not exported, so its loose verdict is rebuilt here from the same lookup
 * with the same flow: same tables, policy rules, VRF, mark and iif.
 */
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/dst_metadata.h>
#include <net/flow_dissector.h>
#include <net/ip_fib.h>
#include <net/l3mdev.h>
#include <net/nexthop.h>
#include <net/sock.h>

#include "rpf.h"

/*
 * __fib_validate_source()'s lookup of @saddr, for a packet to @daddr whose
 * route leaves by @oif (0: delivered locally). In loose mode it passes when
 * this finds a unicast route (local with accept_local), by whatever device.
 */
static bool pmtufix_rpf_lookup(struct sk_buff *skb, struct net_device *dev,
			       struct in_device *idev, __be32 saddr,
			       __be32 daddr, u8 tos, int oif)
{
	struct net *net = dev_net(dev);
	struct flowi4 fl4 = {
		.flowi4_l3mdev = l3mdev_master_ifindex_rcu(dev),
		.flowi4_iif = oif ? : LOOPBACK_IFINDEX,
		.flowi4_mark = IN_DEV_SRC_VMARK(idev) ? skb->mark : 0,
		.flowi4_tos = tos,
		.flowi4_scope = RT_SCOPE_UNIVERSE,
		.flowi4_uid = sock_net_uid(net, NULL),
		.daddr = saddr,
		.saddr = daddr,
	};
	struct flow_keys flkeys;
	struct fib_result res;

	if (fib4_rules_early_flow_dissect(net, skb, &fl4, &flkeys))
		swap(fl4.fl4_sport, fl4.fl4_dport);
	if (fib_lookup(net, &fl4, &res, 0))
		return false;
	return res.type == RTN_UNICAST ||
	       (res.type == RTN_LOCAL && IN_DEV_ACCEPT_LOCAL(idev));
}

/*
 * The oif ip_route_input_slow() gives fib_validate_source() is 0 for local
 * delivery and the nexthop's device when forwarding. Only policy rules that
 * match on iif can tell them apart, so without custom rules the route to
 * @daddr is not looked up. A multipath route picks its nexthop by a hash
 * whose function is not exported: every nexthop must then pass, which is
 * never more than the kernel accepts.
 */
static bool pmtufix_rpf_forwarded(struct sk_buff *skb, struct net_device *dev,
				  struct in_device *idev, __be32 saddr,
				  __be32 daddr, u8 tos)
{
	const struct ip_tunnel_info *tun_info = skb_tunnel_info(skb);
	struct net *net = dev_net(dev);
	struct flowi4 fl4 = {
		.flowi4_iif = dev->ifindex,
		.flowi4_mark = skb->mark,
		.flowi4_tos = tos,
		.flowi4_scope = RT_SCOPE_UNIVERSE,
		.flowi4_uid = sock_net_uid(net, NULL),
		.daddr = daddr,
		.saddr = saddr,
	};
	struct flow_keys flkeys;
	struct fib_result res;
	unsigned int i;

	if (tun_info && !(tun_info->mode & IP_TUNNEL_INFO_TX))
		fl4.flowi4_tun_key.tun_id = tun_info->key.tun_id;
	fib4_rules_early_flow_dissect(net, skb, &fl4, &flkeys);
	/* No route to daddr: the kernel fails before the source check. */
	if (fib_lookup(net, &fl4, &res, 0))
		return false;
	if (res.type == RTN_LOCAL)
		return pmtufix_rpf_lookup(skb, dev, idev, saddr, daddr, tos, 0);
	if (res.type != RTN_UNICAST || !res.fi)
		return false;
	for (i = 0; i < fib_info_num_path(res.fi); i++) {
		const struct fib_nh_common *nhc = fib_info_nhc(res.fi, i);

		if (!pmtufix_rpf_lookup(skb, dev, idev, saddr, daddr, tos,
					nhc->nhc_oif))
			return false;
	}
	return true;
}

/**
 * pmtufix_loose_rpf() - Would loose reverse-path filtering accept the source?
 * @skb: the packet, for its mark, tunnel key and flow keys (policy rules)
 * @dev: the device it arrived on
 * @saddr: its source address
 * @daddr: its destination address
 * @tos: its TOS byte, as in the IP header
 *
 * Never more lenient than the kernel's own loose check: where the kernel's
 * answer depends on something not known here (the nexthop of a multipath
 * route), every possibility must pass.
 *
 * Context: Under rcu_read_lock(), as netfilter hooks run; softirq or
 * process context.
 * Return: true if rp_filter=2 would accept @saddr.
 */
bool pmtufix_loose_rpf(struct sk_buff *skb, struct net_device *dev,
		       __be32 saddr, __be32 daddr, u8 tos)
{
	struct in_device *idev = __in_dev_get_rcu(dev);

	/* no_addr: last_resort, which drops with rp_filter 1 and 2. */
	if (!idev || !rcu_access_pointer(idev->ifa_list))
		return false;
	tos = pmtufix_route_tos(tos);
	if (!fib4_has_custom_rules(dev_net(dev)))
		return pmtufix_rpf_lookup(skb, dev, idev, saddr, daddr, tos, 0);
	return pmtufix_rpf_forwarded(skb, dev, idev, saddr, daddr, tos);
}
