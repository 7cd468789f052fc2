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
#include <net/dst_metadata.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/request_sock.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/udp.h>
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
#include <net/netfilter/nf_conntrack.h>
#endif

#include "netlink.h"
#include "netns.h"
#include "rescue.h"

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

static enum pmtufix_reason pmtufix_tcp_flow(struct net *net,
					    const struct sk_buff *skb,
					    const struct pmtufix_quote *q)
{
	u32 seq = ntohl(q->l4.seq);
	enum pmtufix_reason r;
	struct sock *sk;

	/* The lookup tcp_v4_err() will do, from our end of the segment. */
	sk = __inet_lookup_established(net, net->ipv4.tcp_death_row.hashinfo,
				       q->daddr, q->l4.dport, q->saddr,
				       ntohs(q->l4.sport), inet_iif(skb), 0);
	if (!sk)
		return PMTUFIX_REASON_NO_FLOW;

	if (sk->sk_state == TCP_TIME_WAIT)
		r = PMTUFIX_REASON_NO_FLOW;
	else if (sk->sk_state == TCP_NEW_SYN_RECV)
		r = seq == tcp_rsk(inet_reqsk(sk))->snt_isn ?
			PMTUFIX_REASON_RESCUED : PMTUFIX_REASON_SEQ_WINDOW;
	else
		r = pmtufix_tcp_window(sk, seq);

	sock_gen_put(sk);
	return r;
}

static enum pmtufix_reason pmtufix_udp_flow(struct net *net,
					    const struct net_device *dev,
					    const struct pmtufix_quote *q)
{
	bool tunnel;
	struct sock *sk;

	/* The lookup udp_err() will do. */
	sk = udp4_lib_lookup(net, q->daddr, q->l4.dport, q->saddr, q->l4.sport,
			     dev->ifindex);
	if (sk) {
		sock_put(sk);
		return PMTUFIX_REASON_RESCUED;
	}

	/*
	 * UDP tunnels (VXLAN, Geneve, FOU) send from varying source ports;
	 * udp_err() then looks for the socket bound to the tunnel's port and
	 * lets the tunnel judge the error. Only tunnel sockets count here.
	 */
	sk = udp4_lib_lookup(net, q->daddr, q->l4.sport, q->saddr, q->l4.dport,
			     dev->ifindex);
	if (!sk)
		return PMTUFIX_REASON_NO_FLOW;
	tunnel = !!READ_ONCE(udp_sk(sk)->encap_err_lookup);
	sock_put(sk);
	return tunnel ? PMTUFIX_REASON_RESCUED : PMTUFIX_REASON_NO_FLOW;
}

/* Is the ICMP error about a flow of ours? RESCUED means yes, so far. */
static enum pmtufix_reason pmtufix_judge(struct sk_buff *skb,
					 const struct nf_hook_state *state,
					 struct pmtufix_net *pn,
					 struct pmtufix_decision *d)
{
	struct net *net = state->net;
	struct pmtufix_quote q;
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
		r = pmtufix_tcp_flow(net, skb, &q);
		break;
	case IPPROTO_UDP:
		r = pmtufix_udp_flow(net, state->in, &q);
		break;
	default:
		r = PMTUFIX_REASON_NO_FLOW;
		break;
	}

	/*
	 * A local socket can hide behind NAT: for a connection to a DNATed
	 * service address, the quoted destination is turned back into the
	 * service address only in LOCAL_IN, after this hook. conntrack then
	 * vouches for the flow; tcp_v4_err() still checks the sequence.
	 */
	if (r == PMTUFIX_REASON_NO_FLOW && pmtufix_ct_related(skb, q.protocol))
		r = PMTUFIX_REASON_RESCUED;
	return r;
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
	 * The lookup ip_rcv_finish_core() would do. On success the dst stays
	 * attached and the kernel uses it as if it had found it itself.
	 */
	err = pmtufix_route_input(skb, daddr, d.icmp_saddr, tos, state->in);
	if (!err) {
		pmtufix_stats_inc(pn, PMTUFIX_REASON_NOT_NEEDED);
		return NF_ACCEPT;
	}
	/*
	 * Martian sources, allocation failures and the like: not a reverse-
	 * path drop, not ours to judge, and not counted. The kernel's lookup
	 * fails the same way and drops the packet.
	 */
	if (err != -EXDEV)
		return NF_ACCEPT;

	d.reason = pmtufix_judge(skb, state, pn, &d);
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
 * br_netfilter runs the IPv4 hooks for frames entering a bridge. Whatever dst
 * is set then is replaced by br_netfilter's own, and when the frame is for
 * this host, ip_sabotage_in() keeps the hooks from running again before the
 * routing that applies RPF: nothing done here could help, so do nothing.
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

static unsigned int pmtufix_rescue_hook(void *priv, struct sk_buff *skb,
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
	/* Routed already, e.g. looped back: RPF will not look at it. */
	if (skb_valid_dst(skb))
		return NF_ACCEPT;
	if (pmtufix_bridged(skb))
		return NF_ACCEPT;
	/* icmp_rcv() discards errors sent to broadcast or multicast. */
	if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr))
		return NF_ACCEPT;

	return pmtufix_rescue(skb, state, ntohs(icmph->un.frag.mtu));
}

/* Right after NAT has translated RELATED errors back to the inner flow. */
static const struct nf_hook_ops pmtufix_rescue_ops[] = {
	{
		.hook		= pmtufix_rescue_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_NAT_DST + 1,
	},
};

int pmtufix_rescue_register(struct net *net)
{
	return nf_register_net_hooks(net, pmtufix_rescue_ops,
				     ARRAY_SIZE(pmtufix_rescue_ops));
}

void pmtufix_rescue_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, pmtufix_rescue_ops,
				ARRAY_SIZE(pmtufix_rescue_ops));
}
