// SPDX-License-Identifier: GPL-2.0
/*
 * The relay of frag-needed errors that land on the wrong host. Behind ECMP
 * or anycast a router hashes its own ICMP error (its address, no ports)
 * differently from the flow it is about, so the error reaches a host that
 * has no such flow, and the owner never learns the path MTU.
 *
 * Out: an IPv4 frag-needed addressed to a relay prefix, for which this host
 * has no flow by the rescue's proof (flow.c), is handed to the relay
 * multicast group (the agent sends it to the peers), at most rate per
 * second. Whether or not RPF would drop it, whether or not the rescue is on:
 * misdelivery does not depend on either. The packet then goes on as before.
 *
 * In: the agent writes what peers relayed into its own device (a TUN without
 * addresses). Such an error never came from the router directly, so the
 * relaxed "came in on the interface our peer is routed out of" rule cannot
 * apply: it is judged as if it had come in through that interface (the
 * device the quoted peer is routed out of), with the flow proof, the MTU
 * floor and a source loose RPF accepts, and routed from there. What fails is
 * dropped; what passes goes on with the dst attached, after conntrack and
 * NAT, to icmp_rcv() or to the forwarding path of a DNATed pod. It is never
 * relayed again.
 *
 * IPv6 Packet Too Big errors take the same way through relay6.c.
 */
#include <linux/icmp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <net/flow.h>
#include <net/ip.h>
#include <net/l3mdev.h>
#include <net/route.h>
#include <net/sock.h>

#include "decision.h"
#include "flow.h"
#include "netlink.h"
#include "netns.h"
#include "relay.h"
#include "relayconf.h"
#include "report.h"
#include "rpf.h"

static bool pmtufix_relay_match(const struct pmtufix_relay *relay,
				__be32 daddr)
{
	unsigned int i;

	for (i = 0; i < relay->n; i++) {
		const struct pmtufix_relay_prefix *p = &relay->prefix[i];

		if (p->family == AF_INET &&
		    !((daddr ^ p->addr4) & p->mask4))
			return true;
	}
	return false;
}

/* A token bucket in time units: each error costs 1/rate s, @burst at most. */
static bool pmtufix_relay_bucket(struct pmtufix_relay *relay)
{
	u64 cost = NSEC_PER_SEC / relay->rate;
	u64 now = ktime_get_ns();
	bool ok;

	spin_lock_bh(&relay->lock);
	relay->credit_ns = min(relay->credit_ns + (now - relay->last_ns),
			       (u64)relay->burst * cost);
	relay->last_ns = now;
	ok = relay->credit_ns >= cost;
	if (ok)
		relay->credit_ns -= cost;
	spin_unlock_bh(&relay->lock);
	return ok;
}

/**
 * pmtufix_relay_send() - Hand an error to the relay group, within the rate.
 * @net: the namespace
 * @relay: its relay configuration, for the bucket
 * @skb: the error, from its network header (skb->data) on
 * @ifindex: the device it came in on
 *
 * Context: Under rcu_read_lock(), from a PRE_ROUTING hook.
 * Return: what became of it, for the relay-out counters.
 */
enum pmtufix_relay_out pmtufix_relay_send(struct net *net,
					  struct pmtufix_relay *relay,
					  struct sk_buff *skb, int ifindex)
{
	/* No token spent on what could never be handed on. */
	if (skb->len > PMTUFIX_RELAY_PACKET_MAX)
		return PMTUFIX_RELAY_OUT_UNDELIVERED;
	if (!pmtufix_relay_bucket(relay))
		return PMTUFIX_RELAY_OUT_RATE_LIMITED;
	if (pmtufix_genl_relay(net, skb, ifindex))
		return PMTUFIX_RELAY_OUT_UNDELIVERED;
	return PMTUFIX_RELAY_OUT_SENT;
}

/*
 * Hand the error on if this host has no flow for it. Returns true when it
 * was an error for the relay (counted in relay-out only, not by the rescue:
 * the rescue could only have refused it for the same reason). Otherwise the
 * flow is here: @d keeps the judgement for the rescue, which does not ask
 * again.
 */
static bool pmtufix_relay_out(struct sk_buff *skb,
			      const struct nf_hook_state *state,
			      struct pmtufix_net *pn,
			      struct pmtufix_relay *relay,
			      struct pmtufix_decision *d)
{
	if (!pmtufix_relay_match(relay, ip_hdr(skb)->daddr))
		return false;
	d->reason = pmtufix_judge(skb, state->hook, state->in, pn, d);
	d->judged = true;
	/* A flow here, even one outside the window, is not another host's. */
	if (d->reason != PMTUFIX_REASON_NOT_LOCAL &&
	    (d->reason != PMTUFIX_REASON_NO_FLOW || d->refused))
		return false;
	pmtufix_relay_out_stats_inc(pn, pmtufix_relay_send(state->net, relay,
							   skb,
							   state->in->ifindex));
	return true;
}

/*
 * The device the quoted peer is routed out of, from our quoted source:
 * the device a genuine error would have come in on. The relay device's VRF,
 * if any, selects the tables; the source may be a pod's (ANYSRC), since a
 * DNATed flow's quote names it after NAT.
 */
static struct net_device *pmtufix_relay_peer_dev(struct net *net,
						 const struct net_device *in,
						 const struct sk_buff *skb,
						 const struct pmtufix_quote *q)
{
	struct flowi4 fl4 = {
		.flowi4_oif = l3mdev_master_ifindex_rcu(in),
		.flowi4_mark = skb->mark,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
		.flowi4_scope = RT_SCOPE_UNIVERSE,
		.flowi4_uid = sock_net_uid(net, NULL),
		.daddr = q->daddr,
		.saddr = q->saddr,
	};
	struct net_device *dev = NULL;
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	/* Freed only after a grace period: valid in this RCU section. */
	if (rt->rt_type == RTN_UNICAST)
		dev = rt->dst.dev;
	ip_rt_put(rt);
	return dev;
}

static enum pmtufix_reason pmtufix_relay_judge(struct sk_buff *skb,
					       const struct nf_hook_state *state,
					       struct pmtufix_net *pn,
					       struct pmtufix_decision *d,
					       struct net_device **peer_dev)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct net_device *dev;
	struct pmtufix_quote q;
	enum pmtufix_reason r;

	if (!pmtufix_quote_read(skb, state->hook, &q, d))
		return PMTUFIX_REASON_MALFORMED;
	if (d->mtu < pmtufix_floor_effective(state->net,
					     READ_ONCE(pn->mtu_floor)))
		return PMTUFIX_REASON_BELOW_FLOOR;
	dev = pmtufix_relay_peer_dev(state->net, state->in, skb, &q);
	if (!dev) {
		d->why = "no unicast route to the quoted peer";
		return PMTUFIX_REASON_WRONG_IFACE;
	}
	r = pmtufix_flow_judge(skb, dev, &q, d);
	if (r != PMTUFIX_REASON_RESCUED)
		return r;
	if (!pmtufix_loose_rpf(skb, dev, iph->saddr, iph->daddr, iph->tos))
		return PMTUFIX_REASON_NO_SOURCE_ROUTE;
	*peer_dev = dev;
	return PMTUFIX_REASON_RESCUED;
}

/* An error a peer relayed: judged as strictly as a direct one, or dropped. */
static unsigned int pmtufix_relay_in(struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     struct pmtufix_net *pn,
				     struct pmtufix_decision *d)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct net_device *peer_dev = NULL;
	__be32 daddr = iph->daddr;
	u8 tos = iph->tos;

	d->relayed = true;
	d->reason = pmtufix_relay_judge(skb, state, pn, d, &peer_dev);
	/*
	 * As if our peer had sent it in through its own interface: strict
	 * RPF then checks our flow from there, and the dst is the one the
	 * kernel would have found for a direct error.
	 */
	if (d->reason == PMTUFIX_REASON_RESCUED &&
	    pmtufix_route_input(skb, daddr, d->daddr, tos, peer_dev)) {
		d->reason = PMTUFIX_REASON_WRONG_IFACE;
		d->why = "peer is not a valid source on its own interface";
	}
	pmtufix_report(state->net, pn, state->in, d);
	return d->reason == PMTUFIX_REASON_RESCUED ? NF_ACCEPT : NF_DROP;
}

/**
 * pmtufix_relay_hook() - The relay's part of the frag-needed hook.
 * @skb: an IPv4 ICMP frag-needed, not a fragment, not routed yet
 * @state: the hook's state; @state->in is the device ip_rcv() sees
 * @d: the decision, with the error's interface, source and MTU; when the
 *	error is for a relay prefix and the flow is here, its judgement
 *	(@d->judged)
 * @verdict: set when this returns true
 *
 * Context: Under rcu_read_lock(), from the rescue's PRE_ROUTING hook.
 * Return: true if the relay decided the packet's fate (@verdict); false if
 * the rescue is to go on with @d.
 */
bool pmtufix_relay_hook(struct sk_buff *skb, const struct nf_hook_state *state,
			struct pmtufix_decision *d, unsigned int *verdict)
{
	struct pmtufix_net *pn = pmtufix_pernet(state->net);
	struct pmtufix_relay *relay = rcu_dereference(pn->relay);

	if (!relay)
		return false;
	if (relay->ifindex && state->in->ifindex == relay->ifindex) {
		*verdict = pmtufix_relay_in(skb, state, pn, d);
		return true;
	}
	/* Looped back: our own, or what was relayed already. */
	if (state->in->flags & IFF_LOOPBACK)
		return false;
	*verdict = NF_ACCEPT;
	return pmtufix_relay_out(skb, state, pn, relay, d);
}
