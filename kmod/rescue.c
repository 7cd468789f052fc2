// SPDX-License-Identifier: GPL-2.0
/*
 * Rescue of ICMP "fragmentation needed" errors that strict reverse-path
 * filtering would drop although they concern a flow this host really has.
 *
 * Why this does not weaken anti-spoofing: the rescue only relaxes which
 * source address an ICMP error may carry. The error must still arrive on the
 * interface through which our peer (the quoted destination) is routed, so
 * whoever can inject it there could already pass strict RPF by forging any
 * source routed out of that interface. On top of that the quoted flow must
 * exist (socket, TCP sequence in window, or conntrack RELATED) and the MTU
 * must not be below a floor.
 *
 * The PMTU update stays with the kernel: with a valid dst attached,
 * ip_rcv_finish_core() skips its own lookup, and icmp_rcv() hands the error
 * to tcp_v4_err(), udp_err() or ping_err() exactly as with loose RPF.
 */
#include <linux/icmp.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/route.h>

#include "decision.h"
#include "flow.h"
#include "netns.h"
#include "relay.h"
#include "report.h"
#include "rescue.h"
#include "rpf.h"

/*
 * Strict RPF lets the error pass. The dst is dropped again: hooks after
 * this one may still change what routing sees (a mark with src_valid_mark
 * or policy rules), and the kernel must judge the packet as it will be
 * then. A destination the host can neither deliver nor forward to (the
 * dst's input is ip_error(): no route, or forwarding off) never met the
 * reverse-path check: nothing to count.
 */
static unsigned int pmtufix_not_needed(struct sk_buff *skb,
				       struct pmtufix_net *pn)
{
	bool routed = !skb_dst(skb)->error;

	skb_dst_drop(skb);
	if (routed)
		pmtufix_stats_inc(pn, PMTUFIX_REASON_NOT_NEEDED);
	return NF_ACCEPT;
}

/* @d: the error's interface, source and MTU; judged already if the relay did. */
static unsigned int pmtufix_rescue(struct sk_buff *skb,
				   const struct nf_hook_state *state,
				   struct pmtufix_decision *d)
{
	struct pmtufix_net *pn = pmtufix_pernet(state->net);
	const struct iphdr *iph = ip_hdr(skb);
	__be32 daddr = iph->daddr;
	u8 tos = iph->tos;
	int err;

	if (!READ_ONCE(pn->rescue)) {
		pmtufix_stats_inc(pn, PMTUFIX_REASON_DISABLED);
		return NF_ACCEPT;
	}

	/*
	 * The lookup ip_rcv_finish_core() would do. A dst attached here is
	 * kept only for a rescued error: the kernel then uses it as if it
	 * had found it itself.
	 */
	err = pmtufix_route_input(skb, daddr, d->icmp_saddr, tos, state->in);
	if (!err)
		return pmtufix_not_needed(skb, pn);
	/*
	 * Martian sources, allocation failures and the like: not a reverse-
	 * path drop, not ours to judge, and not counted. The kernel's lookup
	 * fails the same way and drops the packet.
	 */
	if (err != -EXDEV)
		return NF_ACCEPT;

	if (!d->judged)
		d->reason = pmtufix_judge(skb, state->hook, state->in, pn, d);
	/*
	 * Only which interface the source routes out of may be overlooked.
	 * Asked after the flow checks: a forged error, the common case of a
	 * flood, is refused by them without another FIB lookup.
	 */
	if (d->reason == PMTUFIX_REASON_RESCUED &&
	    !pmtufix_loose_rpf(skb, state->in, d->icmp_saddr, daddr, tos))
		d->reason = PMTUFIX_REASON_NO_SOURCE_ROUTE;
	if (d->reason == PMTUFIX_REASON_RESCUED) {
		/*
		 * Route as if our peer had sent it: strict RPF then checks our
		 * own flow, which passes only if the peer is routed out of the
		 * interface the error came in on.
		 */
		err = pmtufix_route_input(skb, daddr, d->daddr, tos, state->in);
		if (err) {
			d->reason = PMTUFIX_REASON_WRONG_IFACE;
			if (err != -EXDEV)
				d->why = "peer is not a valid source on this interface";
		}
	}
	pmtufix_report(state->net, pn, state->in, d);
	return NF_ACCEPT;
}

/*
 * br_netfilter runs the IPv4 PRE_ROUTING hooks for a frame entering a bridge
 * port (input device: the bridge) before the bridge has decided whether the
 * frame is for this host. A dst set then is replaced by br_netfilter's own,
 * and when the frame goes up to this host ip_sabotage_in() keeps the IPv4
 * hooks from running again before the routing that applies RPF. So that
 * pass is left alone; pmtufix_rescue_bridge_hook() judges the error where the
 * bridge hands the frame up.
 */
static bool pmtufix_bridged(const struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_BRIDGE_NETFILTER)
	const struct nf_bridge_info *nf_bridge = nf_bridge_info_get(skb);

	return nf_bridge && nf_bridge->in_prerouting;
#else
	return false;
#endif
}

/* Every check of the IPv4 path; @state->in is the device ip_rcv() sees. */
static unsigned int pmtufix_rescue_ipv4(struct sk_buff *skb,
					const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct icmphdr *icmph;
	struct icmphdr _icmph;
	struct pmtufix_decision d = {};
	unsigned int verdict;

	if (likely(iph->protocol != IPPROTO_ICMP))
		return NF_ACCEPT;
	/*
	 * A fragment cannot be rescued whole: the other fragments would still
	 * meet RPF. conntrack, if active, has already reassembled it.
	 */
	if (ip_is_fragment(iph))
		return NF_ACCEPT;
	icmph = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_icmph), &_icmph);
	if (!icmph || icmph->type != ICMP_DEST_UNREACH ||
	    icmph->code != ICMP_FRAG_NEEDED)
		return NF_ACCEPT;
	/*
	 * Routed already, e.g. looped back: RPF will not look at it. Or a
	 * tunnel's metadata dst (collect_md), which our route lookup would
	 * consume: the kernel's own lookup needs its tunnel key.
	 */
	if (skb_dst(skb))
		return NF_ACCEPT;
	/*
	 * vrf_ip_rcv() runs PRE_ROUTING again with the VRF device as input.
	 * The kernel routes the packet from the slave, with the VRF's table,
	 * and so did the first pass: judging again here, from a device that
	 * every nexthop of the VRF counts as, would accept what the first
	 * pass rejected, and count it twice.
	 */
	if (netif_is_l3_master(state->in))
		return NF_ACCEPT;
	/* icmp_rcv() discards errors sent to broadcast or multicast. */
	if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr))
		return NF_ACCEPT;

	d.ifindex = state->in->ifindex;
	d.icmp_saddr = iph->saddr;
	d.mtu = ntohs(icmph->un.frag.mtu);
	if (pmtufix_relay_hook(skb, state, &d, &verdict))
		return verdict;
	return pmtufix_rescue(skb, state, &d);
}

static unsigned int pmtufix_rescue_hook(void *priv, struct sk_buff *skb,
					const struct nf_hook_state *state)
{
	if (pmtufix_bridged(skb))
		return NF_ACCEPT;
	return pmtufix_rescue_ipv4(skb, state);
}

#if IS_ENABLED(CONFIG_IPV6)
/* IPv6 has no reverse-path filter to rescue from: only the relay's part. */
static unsigned int pmtufix_rescue_ipv6_hook(void *priv, struct sk_buff *skb,
					     const struct nf_hook_state *state)
{
	if (pmtufix_bridged(skb))
		return NF_ACCEPT;
	return pmtufix_relay6_hook(skb, state);
}
#endif

#if IS_ENABLED(CONFIG_BRIDGE_NETFILTER)
/*
 * br_pass_frame_up(): a frame br_netfilter ran the IPv4 hooks for goes up
 * to this host, skb->dev the bridge, the device ip_rcv() routes it from.
 * ip_sabotage_in() will skip every IPv4 PRE_ROUTING hook, so this is the
 * last place before routing; the judging is the IPv4 path's, from the same
 * device. Not for a bridge that is a VRF slave: there the IPv4 hooks run
 * again, and pmtufix_rescue_hook() judges.
 */
static unsigned int pmtufix_rescue_bridge_hook(void *priv, struct sk_buff *skb,
					       const struct nf_hook_state *state)
{
	struct nf_hook_state ipv4_state = *state;
	unsigned int verdict;

	if (!nf_bridge_info_get(skb) || skb->protocol != htons(ETH_P_IP) ||
	    !netif_is_bridge_master(skb->dev) || netif_is_l3_slave(skb->dev) ||
	    skb->pkt_type == PACKET_OTHERHOST)
		return NF_ACCEPT;

	/* br_netfilter's placeholder, dropped anyway on the way up. */
	br_drop_fake_rtable(skb);
	ipv4_state.in = skb->dev;
	verdict = pmtufix_rescue_ipv4(skb, &ipv4_state);
	/* netif_receive_skb() may queue the frame (RPS): past this RCU section. */
	skb_dst_force(skb);
	return verdict;
}
#endif

/* Right after NAT has translated RELATED errors back to the inner flow. */
static const struct nf_hook_ops pmtufix_rescue_ops[] = {
	{
		.hook		= pmtufix_rescue_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_NAT_DST + 1,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook		= pmtufix_rescue_ipv6_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_NAT_DST + 1,
	},
#endif
#if IS_ENABLED(CONFIG_BRIDGE_NETFILTER)
	/* After bridge filtering, before br_netfilter's conntrack confirm. */
	{
		.hook		= pmtufix_rescue_bridge_hook,
		.pf		= NFPROTO_BRIDGE,
		.hooknum	= NF_BR_LOCAL_IN,
		.priority	= NF_BR_PRI_LAST - 1,
	},
#endif
};

/**
 * pmtufix_rescue_register() - Register the rescue's hooks in a namespace.
 * @net: the namespace
 *
 * Registered in every namespace, whether or not its rescue is enabled: the
 * switch is read per packet, so turning it on needs no allocation and
 * cannot fail.
 *
 * Context: Process context, from the pernet init, after the namespace's
 * state exists (pmtufix_net_state_init()). May sleep.
 * Return: 0, or the error of nf_register_net_hooks().
 */
int pmtufix_rescue_register(struct net *net)
{
	return nf_register_net_hooks(net, pmtufix_rescue_ops,
				     ARRAY_SIZE(pmtufix_rescue_ops));
}

/**
 * pmtufix_rescue_unregister() - Unregister the rescue's hooks.
 * @net: the namespace
 *
 * A hook may still be running when this returns; the pernet core's grace
 * period before the exit methods waits for it.
 *
 * Context: Process context, from the pernet pre_exit. May sleep.
 */
void pmtufix_rescue_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, pmtufix_rescue_ops,
				ARRAY_SIZE(pmtufix_rescue_ops));
}
