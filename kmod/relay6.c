// SPDX-License-Identifier: GPL-2.0
/*
 * The relay of IPv6 Packet Too Big errors that land on the wrong host: the
 * IPv6 side of relay.c, with the same bucket, counters and agent.
 *
 * Out: a Packet Too Big addressed to an IPv6 relay prefix, for which this
 * host has no flow by the proof of flow.c, is handed to the relay group.
 *
 * In: what the agent writes into its device is judged (checksum, quote, the
 * MTU at least IPv6's minimum and the floor, the flow proof) and accepted or
 * dropped. IPv6 has no reverse-path filter: nothing stops the kernel from
 * routing an accepted error from the relay device itself, so no route is
 * attached; the sockets are looked up from that device, as tcp_v6_err() will
 * look them up.
 *
 * Decisions are counted (relay-out, relay-in stats) but neither logged nor
 * sent as events: a decision's addresses are IPv4 ones.
 */
#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/minmax.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <net/ipv6.h>

#include "decision.h"
#include "flow.h"
#include "netns.h"
#include "relay.h"
#include "relayconf.h"

static bool pmtufix_relay6_match(const struct pmtufix_relay *relay,
				 const struct in6_addr *daddr)
{
	unsigned int i;

	for (i = 0; i < relay->n; i++) {
		const struct pmtufix_relay_prefix *p = &relay->prefix[i];

		if (p->family == AF_INET6 &&
		    ipv6_prefix_equal(daddr, &p->addr6, p->plen))
			return true;
	}
	return false;
}

/* Hand the error on if this host has no flow for it. */
static void pmtufix_relay6_out(struct sk_buff *skb,
			       const struct nf_hook_state *state,
			       struct pmtufix_net *pn,
			       struct pmtufix_relay *relay, unsigned int icmpoff)
{
	struct pmtufix_decision d = {};
	struct pmtufix_quote6 q;
	enum pmtufix_reason r;

	if (!pmtufix_relay6_match(relay, &ipv6_hdr(skb)->daddr))
		return;
	if (!pmtufix_quote6_read(skb, state->hook, icmpoff, &q, &d))
		return;
	r = pmtufix_flow6_judge(skb, state->in, &q, &d);
	/* A flow here, even one outside the window, is not another host's. */
	if (r != PMTUFIX_REASON_NOT_LOCAL &&
	    (r != PMTUFIX_REASON_NO_FLOW || d.refused))
		return;
	pmtufix_relay_out_stats_inc(pn, pmtufix_relay_send(state->net, relay,
							   skb,
							   state->in->ifindex));
}

/* An error a peer relayed: judged as strictly as a direct one, or dropped. */
static unsigned int pmtufix_relay6_in(struct sk_buff *skb,
				      const struct nf_hook_state *state,
				      struct pmtufix_net *pn,
				      unsigned int icmpoff, u32 mtu)
{
	struct pmtufix_decision d = { .relayed = true, .mtu = mtu };
	struct pmtufix_quote6 q;
	enum pmtufix_reason r;

	if (!pmtufix_quote6_read(skb, state->hook, icmpoff, &q, &d))
		r = PMTUFIX_REASON_MALFORMED;
	/* tcp_v6_err() ignores less than IPV6_MIN_MTU: not worth a socket. */
	else if (mtu < max_t(u32, IPV6_MIN_MTU, READ_ONCE(pn->mtu_floor)))
		r = PMTUFIX_REASON_BELOW_FLOOR;
	else
		r = pmtufix_flow6_judge(skb, state->in, &q, &d);
	pmtufix_relay_in_stats_inc(pn, r);
	return r == PMTUFIX_REASON_RESCUED ? NF_ACCEPT : NF_DROP;
}

/**
 * pmtufix_relay6_hook() - The relay's IPv6 PRE_ROUTING hook.
 * @skb: an IPv6 packet, not routed yet
 * @state: the hook's state; @state->in is the device ipv6_rcv() sees
 *
 * Context: Under rcu_read_lock(), right after NAT_DST.
 * Return: NF_DROP for a relayed error that fails the judging, else NF_ACCEPT.
 */
unsigned int pmtufix_relay6_hook(struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct pmtufix_net *pn = pmtufix_pernet(state->net);
	struct pmtufix_relay *relay = rcu_dereference(pn->relay);
	const struct icmp6hdr *ih;
	struct icmp6hdr _ih;
	__be16 frag_off;
	u8 nexthdr;
	int off;

	/*
	 * Routed already (looped back), or the second pass of a VRF
	 * (vrf_ip6_rcv()): the first pass judged it.
	 */
	if (!relay || skb_dst(skb) || netif_is_l3_master(state->in))
		return NF_ACCEPT;
	nexthdr = ipv6_hdr(skb)->nexthdr;
	off = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr, &frag_off);
	/* A fragment cannot be judged whole (conntrack reassembles before). */
	if (off < 0 || nexthdr != IPPROTO_ICMPV6 || frag_off)
		return NF_ACCEPT;
	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih || ih->icmp6_type != ICMPV6_PKT_TOOBIG || ih->icmp6_code)
		return NF_ACCEPT;
	if (relay->ifindex && state->in->ifindex == relay->ifindex)
		return pmtufix_relay6_in(skb, state, pn, off,
					 ntohl(ih->icmp6_mtu));
	/* Looped back: our own, or what was relayed already. */
	if (state->in->flags & IFF_LOOPBACK ||
	    ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr))
		return NF_ACCEPT;
	pmtufix_relay6_out(skb, state, pn, relay, off);
	return NF_ACCEPT;
}
