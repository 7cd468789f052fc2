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
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/l3mdev.h>
#include <net/request_sock.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/udp.h>
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
#include <net/netfilter/nf_conntrack.h>
#endif

#include "decision.h"
#include "limits.h"
#include "netlink.h"
#include "netns.h"
#include "rescue.h"
#include "rpf.h"

/* The quoted packet, copied out of the skb: all of it is attacker-controlled. */
struct pmtufix_quote {
	__be32 saddr;
	__be32 daddr;
	u8 protocol;
	union {
		u8 raw[8];	/* RFC 792: 64 bits of the datagram at least */
		struct {
			__be16 sport;
			__be16 dport;
			__be32 seq;	/* TCP only */
		};
	} l4;
};

static const char *const pmtufix_reason_text[__PMTUFIX_REASON_MAX] = {
	[PMTUFIX_REASON_RESCUED]	= "rescued",
	[PMTUFIX_REASON_NOT_NEEDED]	= "not needed",
	[PMTUFIX_REASON_MALFORMED]	= "quoted header unusable",
	[PMTUFIX_REASON_NOT_LOCAL]	= "quoted source neither local nor a tracked flow",
	[PMTUFIX_REASON_NO_FLOW]	= "no such flow",
	[PMTUFIX_REASON_SEQ_WINDOW]	= "sequence outside window",
	[PMTUFIX_REASON_WRONG_IFACE]	= "peer not routed via this interface",
	[PMTUFIX_REASON_BELOW_FLOOR]	= "mtu below floor",
	[PMTUFIX_REASON_DISABLED]	= "rescue disabled",
	[PMTUFIX_REASON_NO_SOURCE_ROUTE] = "source has no unicast route",
};

static const char *pmtufix_proto_name(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_DCCP:
		return "dccp";
	default:
		return NULL;
	}
}

/* Protocols whose first four bytes are source and destination port. */
static bool pmtufix_proto_has_ports(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		return true;
	default:
		return false;
	}
}

static void pmtufix_log(const struct net_device *dev,
			const struct pmtufix_decision *d)
{
	const char *name;
	char flow[80] = "";
	int n;

	if (d->quoted) {
		name = pmtufix_proto_name(d->proto);
		if (name)
			n = scnprintf(flow, sizeof(flow), " for %s", name);
		else
			n = scnprintf(flow, sizeof(flow), " for proto %u",
				      d->proto);
		if (d->ports)
			scnprintf(flow + n, sizeof(flow) - n,
				  " %pI4:%u > %pI4:%u",
				  &d->saddr, ntohs(d->sport),
				  &d->daddr, ntohs(d->dport));
		else
			scnprintf(flow + n, sizeof(flow) - n, " %pI4 > %pI4",
				  &d->saddr, &d->daddr);
	}

	if (d->reason == PMTUFIX_REASON_RESCUED)
		pr_info("rescued frag-needed from %pI4 dev %s mtu %u%s\n",
			&d->icmp_saddr, dev->name, d->mtu, flow);
	else
		pr_info("rejected frag-needed from %pI4 dev %s mtu %u%s: %s\n",
			&d->icmp_saddr, dev->name, d->mtu, flow,
			d->why ?: pmtufix_reason_text[d->reason]);
}

static void pmtufix_report(struct net *net, struct pmtufix_net *pn,
			   const struct net_device *dev,
			   const struct pmtufix_decision *d)
{
	u8 level = d->reason == PMTUFIX_REASON_RESCUED ? PMTUFIX_LOG_RESCUE :
							 PMTUFIX_LOG_ALL;

	pmtufix_stats_inc(pn, d->reason);
	if (pmtufix_log_allowed(net, pn, level))
		pmtufix_log(dev, d);
	pmtufix_genl_event(net, pn, d);
}

static bool pmtufix_parse_quote(const struct sk_buff *skb, __be32 outer_daddr,
				struct pmtufix_quote *q,
				struct pmtufix_decision *d)
{
	unsigned int off = ip_hdrlen(skb) + sizeof(struct icmphdr);
	const struct iphdr *qh;
	struct iphdr _qh;
	const void *l4;

	qh = skb_header_pointer(skb, off, sizeof(_qh), &_qh);
	if (!qh) {
		d->why = "quoted IP header truncated";
		return false;
	}
	if (qh->version != 4 || qh->ihl < 5) {
		d->why = "quoted header is not IPv4";
		return false;
	}
	q->saddr = qh->saddr;
	q->daddr = qh->daddr;
	q->protocol = qh->protocol;
	d->quoted = true;
	d->proto = q->protocol;
	d->saddr = q->saddr;
	d->daddr = q->daddr;

	if (qh->frag_off & htons(IP_OFFSET)) {
		d->why = "quoted packet is a non-first fragment";
		return false;
	}

	/* Also proves the quoted header's options are all there. */
	l4 = skb_header_pointer(skb, off + qh->ihl * 4, sizeof(q->l4), &q->l4);
	if (!l4) {
		d->why = "less than 8 bytes of the quoted L4 header";
		return false;
	}
	if (l4 != &q->l4)
		memcpy(&q->l4, l4, sizeof(q->l4));

	if (pmtufix_proto_has_ports(q->protocol)) {
		d->ports = true;
		d->sport = q->l4.sport;
		d->dport = q->l4.dport;
	}

	/*
	 * Routers send errors to the source of the offending packet, and
	 * conntrack (and NAT with it) keeps the two in step; anything else
	 * is not a genuine error about this flow.
	 */
	if (q->saddr != outer_daddr) {
		d->why = "ICMP not addressed to the quoted source";
		return false;
	}
	return true;
}

/*
 * The ICMP error was matched by conntrack to an existing connection
 * (nf_conntrack_inet_error() also checked that it is addressed to that
 * connection's endpoint). Reads skb->_nfct only: no dependency on
 * nf_conntrack.ko, and nothing when conntrack is not active in the netns.
 */
static bool pmtufix_ct_related(const struct sk_buff *skb, u8 protocol)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (!ct || (ctinfo != IP_CT_RELATED && ctinfo != IP_CT_RELATED_REPLY))
		return false;
	/* RELATED via a conntrack expectation would be an ICMP conntrack. */
	return nf_ct_protonum(ct) == protocol;
#else
	return false;
#endif
}

/*
 * The interfaces the flow's own packets are looked up with once
 * vrf_ip_rcv() has run: the VRF device as dif (inet_iif()), the slave as
 * sdif (inet_sdif()). A socket bound to the VRF or the slave matches, an
 * unbound one only with tcp_l3mdev_accept or udp_l3mdev_accept: a flow of
 * another VRF or of the default one is not this VRF's flow.
 */
struct pmtufix_ifindexes {
	int dif;
	int sdif;
};

static struct pmtufix_ifindexes pmtufix_l3_ifindexes(const struct net_device *in)
{
	int master = l3mdev_master_ifindex_rcu(in);

	if (master)
		return (struct pmtufix_ifindexes){ master, in->ifindex };
	return (struct pmtufix_ifindexes){ in->ifindex, 0 };
}

static enum pmtufix_reason pmtufix_tcp_window(const struct sock *sk, u32 seq)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct request_sock *fastopen;
	int state = inet_sk_state_load(sk);
	u32 snd_una;

	if (state == TCP_LISTEN || state == TCP_CLOSE)
		return PMTUFIX_REASON_NO_FLOW;

	/* As tcp_v4_err(): a Fast Open child's SYN-ACK may not be acked yet. */
	fastopen = rcu_dereference(tp->fastopen_rsk);
	snd_una = fastopen ? tcp_rsk(fastopen)->snt_isn : READ_ONCE(tp->snd_una);
	if (!between(seq, snd_una, READ_ONCE(tp->snd_nxt)))
		return PMTUFIX_REASON_SEQ_WINDOW;
	return PMTUFIX_REASON_RESCUED;
}

/* @refused: a socket was found, and the kernel will ignore the error for it. */
static enum pmtufix_reason pmtufix_tcp_flow(struct net *net,
					    const struct pmtufix_ifindexes *ifx,
					    const struct pmtufix_quote *q,
					    struct pmtufix_decision *d,
					    bool *refused)
{
	u32 seq = ntohl(q->l4.seq);
	enum pmtufix_reason r;
	struct sock *sk;

	/* The lookup tcp_v4_err() will do, from our end of the segment. */
	sk = pmtufix_tcp_lookup(net, q->daddr, q->l4.dport, q->saddr,
				ntohs(q->l4.sport), ifx->dif, ifx->sdif);
	if (!sk)
		return PMTUFIX_REASON_NO_FLOW;

	if (sk->sk_state == TCP_TIME_WAIT) {
		r = PMTUFIX_REASON_NO_FLOW;
	} else if (sk->sk_state == TCP_NEW_SYN_RECV) {
		/*
		 * tcp_req_err() acts on frag-needed not at all: no PMTU is
		 * learnt for a connection still in its handshake.
		 */
		d->why = "connection not established: the kernel ignores the error";
		*refused = true;
		r = PMTUFIX_REASON_NO_FLOW;
	} else {
		r = pmtufix_tcp_window(sk, seq);
	}

	sock_gen_put(sk);
	return r;
}

/*
 * A wildcard socket receives from anyone, so its existence says nothing
 * about a flow to the quoted peer: only a socket connected to exactly that
 * peer, or an encapsulation socket (its tunnel judges errors itself), does.
 */
static bool pmtufix_udp_peer(const struct sock *sk,
			     const struct pmtufix_quote *q)
{
	if (READ_ONCE(udp_sk(sk)->encap_type))
		return true;
	return READ_ONCE(sk->sk_state) == TCP_ESTABLISHED &&
	       READ_ONCE(sk->sk_daddr) == q->daddr &&
	       READ_ONCE(sk->sk_dport) == q->l4.dport;
}

/* Sockets from the lookups are RCU-protected only: netfilter holds it. */
static enum pmtufix_reason pmtufix_udp_flow(struct net *net,
					    const struct pmtufix_ifindexes *ifx,
					    const struct pmtufix_quote *q)
{
	struct sock *sk;

	/* The lookup udp_err() will do. */
	sk = pmtufix_udp_lookup(net, q->daddr, q->l4.dport, q->saddr,
				q->l4.sport, ifx->dif, ifx->sdif);
	if (sk)
		return pmtufix_udp_peer(sk, q) ? PMTUFIX_REASON_RESCUED :
						 PMTUFIX_REASON_NO_FLOW;

	/*
	 * UDP tunnels (VXLAN, Geneve, FOU) send from varying source ports;
	 * udp_err() then looks for the socket bound to the tunnel's port
	 * (sdif 0, as __udp4_lib_err_encap() does) and lets the tunnel judge
	 * the error. Only tunnel sockets count here.
	 */
	sk = pmtufix_udp_lookup(net, q->daddr, q->l4.sport, q->saddr,
				q->l4.dport, ifx->dif, 0);
	if (sk && READ_ONCE(udp_sk(sk)->encap_err_lookup))
		return PMTUFIX_REASON_RESCUED;
	return PMTUFIX_REASON_NO_FLOW;
}

/* Is the ICMP error about a flow of ours? RESCUED means yes, so far. */
static enum pmtufix_reason pmtufix_judge(struct sk_buff *skb,
					 const struct nf_hook_state *state,
					 struct pmtufix_net *pn,
					 struct pmtufix_decision *d)
{
	struct pmtufix_ifindexes ifx = pmtufix_l3_ifindexes(state->in);
	struct net *net = state->net;
	struct pmtufix_quote q;
	bool refused = false;
	enum pmtufix_reason r;

	/*
	 * icmp_rcv() would drop a corrupt error only after routing; it must
	 * not be counted or logged as rescued before that. The result is kept
	 * in the skb, as conntrack does, so it is not computed twice.
	 */
	if (nf_ip_checksum(skb, state->hook, ip_hdrlen(skb), IPPROTO_ICMP)) {
		d->why = "bad ICMP checksum";
		return PMTUFIX_REASON_MALFORMED;
	}
	if (!pmtufix_parse_quote(skb, ip_hdr(skb)->daddr, &q, d))
		return PMTUFIX_REASON_MALFORMED;

	if (d->mtu < pmtufix_floor_effective(net, READ_ONCE(pn->mtu_floor)))
		return PMTUFIX_REASON_BELOW_FLOOR;

	/* The device's table, so that a VRF's addresses count as local. */
	if (inet_addr_type_dev_table(net, state->in, q.saddr) != RTN_LOCAL) {
		/* Forwarded or NATed (pod) traffic; NAT_DST already ran. */
		if (pmtufix_ct_related(skb, q.protocol))
			return PMTUFIX_REASON_RESCUED;
		return PMTUFIX_REASON_NOT_LOCAL;
	}

	switch (q.protocol) {
	case IPPROTO_TCP:
		r = pmtufix_tcp_flow(net, &ifx, &q, d, &refused);
		break;
	case IPPROTO_UDP:
		r = pmtufix_udp_flow(net, &ifx, &q);
		break;
	default:
		r = PMTUFIX_REASON_NO_FLOW;
		break;
	}

	/*
	 * A local socket can hide behind NAT: for a connection to a DNATed
	 * service address, the quoted destination is turned back into the
	 * service address only in LOCAL_IN, after this hook. conntrack then
	 * vouches for the flow; tcp_v4_err() still checks the sequence. Not
	 * when the socket found is one the kernel will ignore the error for.
	 */
	if (r == PMTUFIX_REASON_NO_FLOW && !refused &&
	    pmtufix_ct_related(skb, q.protocol))
		r = PMTUFIX_REASON_RESCUED;
	return r;
}

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

static unsigned int pmtufix_rescue(struct sk_buff *skb,
				   const struct nf_hook_state *state, u32 mtu)
{
	struct pmtufix_net *pn = pmtufix_pernet(state->net);
	const struct iphdr *iph = ip_hdr(skb);
	struct pmtufix_decision d = {
		.ifindex = state->in->ifindex,
		.icmp_saddr = iph->saddr,
		.mtu = mtu,
	};
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
	err = pmtufix_route_input(skb, daddr, d.icmp_saddr, tos, state->in);
	if (!err)
		return pmtufix_not_needed(skb, pn);
	/*
	 * Martian sources, allocation failures and the like: not a reverse-
	 * path drop, not ours to judge, and not counted. The kernel's lookup
	 * fails the same way and drops the packet.
	 */
	if (err != -EXDEV)
		return NF_ACCEPT;

	d.reason = pmtufix_judge(skb, state, pn, &d);
	/*
	 * Only which interface the source routes out of may be overlooked.
	 * Asked after the flow checks: a forged error, the common case of a
	 * flood, is refused by them without another FIB lookup.
	 */
	if (d.reason == PMTUFIX_REASON_RESCUED &&
	    !pmtufix_loose_rpf(skb, state->in, d.icmp_saddr, daddr, tos))
		d.reason = PMTUFIX_REASON_NO_SOURCE_ROUTE;
	if (d.reason == PMTUFIX_REASON_RESCUED) {
		/*
		 * Route as if our peer had sent it: strict RPF then checks our
		 * own flow, which passes only if the peer is routed out of the
		 * interface the error came in on.
		 */
		err = pmtufix_route_input(skb, daddr, d.daddr, tos, state->in);
		if (err) {
			d.reason = PMTUFIX_REASON_WRONG_IFACE;
			if (err != -EXDEV)
				d.why = "peer is not a valid source on this interface";
		}
	}
	pmtufix_report(state->net, pn, state->in, &d);
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

	return pmtufix_rescue(skb, state, ntohs(icmph->un.frag.mtu));
}

static unsigned int pmtufix_rescue_hook(void *priv, struct sk_buff *skb,
					const struct nf_hook_state *state)
{
	if (pmtufix_bridged(skb))
		return NF_ACCEPT;
	return pmtufix_rescue_ipv4(skb, state);
}

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
