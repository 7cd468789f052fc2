// SPDX-License-Identifier: GPL-2.0
/*
 * Is the flow an ICMP frag-needed error quotes one of this host's flows?
 * The proof the rescue and the relay both rely on: a socket the kernel will
 * hand the error to (TCP with the quoted sequence in its window, a connected
 * or encapsulation UDP socket), or a conntrack entry the error is RELATED to.
 * Everything read from the packet is attacker-controlled.
 */
#include <linux/icmp.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#if IS_ENABLED(CONFIG_IPV6)
#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv6.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#endif
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

#include "flow.h"
#include "netns.h"

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

/*
 * The verdict on the socket tcp_v4_err() or tcp_v6_err() would find (NULL:
 * none); @d->refused when it is one the kernel ignores the error for. The
 * reference the lookup took is dropped.
 */
static enum pmtufix_reason pmtufix_tcp_sock(struct sock *sk, u32 seq,
					    struct pmtufix_decision *d)
{
	enum pmtufix_reason r;

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
		d->refused = true;
		r = PMTUFIX_REASON_NO_FLOW;
	} else {
		r = pmtufix_tcp_window(sk, seq);
	}
	sock_gen_put(sk);
	return r;
}

static enum pmtufix_reason pmtufix_tcp_flow(struct net *net,
					    const struct pmtufix_ifindexes *ifx,
					    const struct pmtufix_quote *q,
					    struct pmtufix_decision *d)
{
	/* The lookup tcp_v4_err() will do, from our end of the segment. */
	return pmtufix_tcp_sock(pmtufix_tcp_lookup(net, q->daddr, q->l4.dport,
						   q->saddr, ntohs(q->l4.sport),
						   ifx->dif, ifx->sdif),
				ntohl(q->l4.seq), d);
}

/*
 * A local socket can hide behind NAT: for a connection to a DNATed service
 * address, the quoted destination is turned back into the service address
 * only in LOCAL_IN, after this hook. conntrack then vouches for the flow;
 * tcp_v4_err() still checks the sequence. Not when the socket found is one
 * the kernel will ignore the error for.
 */
static enum pmtufix_reason pmtufix_ct_vouches(const struct sk_buff *skb, u8 protocol,
					      enum pmtufix_reason r,
					      const struct pmtufix_decision *d)
{
	if (r == PMTUFIX_REASON_NO_FLOW && !d->refused &&
	    pmtufix_ct_related(skb, protocol))
		return PMTUFIX_REASON_RESCUED;
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

/**
 * pmtufix_quote_read() - Check the error's ICMP checksum and read its quote.
 * @skb: the ICMP error, IPv4 header at skb_network_header()
 * @hook: the netfilter hook it is in (for the checksum helper)
 * @q: filled with the quoted flow
 * @d: the decision; quoted flow, ports and @d->why are filled in
 *
 * icmp_rcv() would drop a corrupt error only after routing; it must not be
 * judged, relayed or counted as rescued before that. The checksum result is
 * kept in the skb, as conntrack does, so it is not computed twice.
 *
 * Context: Under rcu_read_lock(), from a netfilter hook.
 * Return: true if the quote can be judged; false: malformed, @d->why says why.
 */
bool pmtufix_quote_read(struct sk_buff *skb, unsigned int hook,
			struct pmtufix_quote *q, struct pmtufix_decision *d)
{
	if (nf_ip_checksum(skb, hook, ip_hdrlen(skb), IPPROTO_ICMP)) {
		d->why = "bad ICMP checksum";
		return false;
	}
	return pmtufix_parse_quote(skb, ip_hdr(skb)->daddr, q, d);
}

/**
 * pmtufix_flow_judge() - Is the quoted flow one of this host's?
 * @skb: the ICMP error, for its conntrack entry
 * @in: the device the flow's packets are looked up from (VRF, bound sockets)
 * @q: the quoted flow, from pmtufix_quote_read()
 * @d: the decision, for @d->why; @d->refused is set when a socket of the
 *	flow was found but the kernel will ignore the error for it: the flow
 *	is here all the same
 *
 * Context: Under rcu_read_lock(), from a netfilter hook after NAT_DST.
 * Return: PMTUFIX_REASON_RESCUED if it is (so far), else NOT_LOCAL, NO_FLOW
 * or SEQ_WINDOW.
 */
enum pmtufix_reason pmtufix_flow_judge(struct sk_buff *skb,
				       const struct net_device *in,
				       const struct pmtufix_quote *q,
				       struct pmtufix_decision *d)
{
	struct pmtufix_ifindexes ifx = pmtufix_l3_ifindexes(in);
	struct net *net = dev_net(in);
	enum pmtufix_reason r;

	d->refused = false;
	/* The device's table, so that a VRF's addresses count as local. */
	if (inet_addr_type_dev_table(net, in, q->saddr) != RTN_LOCAL) {
		/* Forwarded or NATed (pod) traffic; NAT_DST already ran. */
		if (pmtufix_ct_related(skb, q->protocol))
			return PMTUFIX_REASON_RESCUED;
		return PMTUFIX_REASON_NOT_LOCAL;
	}

	switch (q->protocol) {
	case IPPROTO_TCP:
		r = pmtufix_tcp_flow(net, &ifx, q, d);
		break;
	case IPPROTO_UDP:
		r = pmtufix_udp_flow(net, &ifx, q);
		break;
	default:
		r = PMTUFIX_REASON_NO_FLOW;
		break;
	}

	return pmtufix_ct_vouches(skb, q->protocol, r, d);
}

/**
 * pmtufix_judge() - Everything but the interface: is the error about a flow
 * of ours, with an MTU not below the floor?
 * @skb: the ICMP error
 * @hook: the netfilter hook it is in
 * @in: the device the flow's packets are looked up from
 * @pn: the namespace's state, for the MTU floor
 * @d: the decision (@d->mtu set); quoted flow and @d->why are filled in
 *
 * Context: Under rcu_read_lock(), from a netfilter hook after NAT_DST.
 * Return: PMTUFIX_REASON_RESCUED means yes, so far; else why not.
 */
enum pmtufix_reason pmtufix_judge(struct sk_buff *skb, unsigned int hook,
				  const struct net_device *in,
				  struct pmtufix_net *pn,
				  struct pmtufix_decision *d)
{
	struct pmtufix_quote q;

	if (!pmtufix_quote_read(skb, hook, &q, d))
		return PMTUFIX_REASON_MALFORMED;
	if (d->mtu < pmtufix_floor_effective(dev_net(in),
					     READ_ONCE(pn->mtu_floor)))
		return PMTUFIX_REASON_BELOW_FLOOR;
	return pmtufix_flow_judge(skb, in, &q, d);
}

#if IS_ENABLED(CONFIG_IPV6)
/* IPv6: Packet Too Big, for the relay (relay6.c). The same proof as above. */

/*
 * The quote starts after the ICMPv6 header. Its extension headers are
 * skipped as icmpv6_notify() skips them, to the protocol the kernel hands
 * the error to.
 */
static bool pmtufix_parse_quote6(const struct sk_buff *skb, unsigned int off,
				 struct pmtufix_quote6 *q,
				 struct pmtufix_decision *d)
{
	const struct ipv6hdr *qh;
	struct ipv6hdr _qh;
	const void *l4;
	__be16 frag_off;
	u8 nexthdr;
	int l4off;

	qh = skb_header_pointer(skb, off, sizeof(_qh), &_qh);
	if (!qh) {
		d->why = "quoted IPv6 header truncated";
		return false;
	}
	if (qh->version != 6) {
		d->why = "quoted header is not IPv6";
		return false;
	}
	q->saddr = qh->saddr;
	q->daddr = qh->daddr;
	nexthdr = qh->nexthdr;
	l4off = ipv6_skip_exthdr(skb, off + sizeof(_qh), &nexthdr, &frag_off);
	if (l4off < 0) {
		d->why = "quoted extension headers truncated";
		return false;
	}
	if (ntohs(frag_off) & ~0x7) {
		d->why = "quoted packet is a non-first fragment";
		return false;
	}
	q->protocol = nexthdr;
	d->proto = nexthdr;
	l4 = skb_header_pointer(skb, l4off, sizeof(q->l4), &q->l4);
	if (!l4) {
		d->why = "less than 8 bytes of the quoted L4 header";
		return false;
	}
	if (l4 != &q->l4)
		memcpy(&q->l4, l4, sizeof(q->l4));
	if (!ipv6_addr_equal(&q->saddr, &ipv6_hdr(skb)->daddr)) {
		d->why = "ICMPv6 not addressed to the quoted source";
		return false;
	}
	return true;
}

/**
 * pmtufix_quote6_read() - Check a Packet Too Big's checksum, read its quote.
 * @skb: the ICMPv6 error, IPv6 header at skb_network_header()
 * @hook: the netfilter hook it is in (for the checksum helper)
 * @icmpoff: offset of the ICMPv6 header, past any extension header
 * @q: filled with the quoted flow
 * @d: the decision, for @d->why and @d->proto only (its addresses are IPv4)
 *
 * Context: Under rcu_read_lock(), from a netfilter hook.
 * Return: true if the quote can be judged; false: malformed, @d->why says why.
 */
bool pmtufix_quote6_read(struct sk_buff *skb, unsigned int hook,
			 unsigned int icmpoff, struct pmtufix_quote6 *q,
			 struct pmtufix_decision *d)
{
	if (nf_ip6_checksum(skb, hook, icmpoff, IPPROTO_ICMPV6)) {
		d->why = "bad ICMPv6 checksum";
		return false;
	}
	return pmtufix_parse_quote6(skb, icmpoff + sizeof(struct icmp6hdr), q,
				    d);
}

static enum pmtufix_reason pmtufix_tcp6_flow(struct net *net,
					     const struct pmtufix_ifindexes *ifx,
					     const struct pmtufix_quote6 *q,
					     struct pmtufix_decision *d)
{
	/* The lookup tcp_v6_err() will do, from our end of the segment. */
	return pmtufix_tcp_sock(pmtufix_tcp6_lookup(net, &q->daddr, q->l4.dport,
						    &q->saddr, ntohs(q->l4.sport),
						    ifx->dif, ifx->sdif),
				ntohl(q->l4.seq), d);
}

/* As pmtufix_udp_flow(): a socket connected to the peer, or a tunnel's. */
static enum pmtufix_reason pmtufix_udp6_flow(struct net *net,
					     const struct pmtufix_ifindexes *ifx,
					     const struct pmtufix_quote6 *q)
{
	struct sock *sk;

	/* The lookup __udp6_lib_err() will do. */
	sk = pmtufix_udp6_lookup(net, &q->daddr, q->l4.dport, &q->saddr,
				 q->l4.sport, ifx->dif, ifx->sdif);
	if (sk) {
		if (READ_ONCE(udp_sk(sk)->encap_type) ||
		    (READ_ONCE(sk->sk_state) == TCP_ESTABLISHED &&
		     ipv6_addr_equal(&sk->sk_v6_daddr, &q->daddr) &&
		     READ_ONCE(sk->sk_dport) == q->l4.dport))
			return PMTUFIX_REASON_RESCUED;
		return PMTUFIX_REASON_NO_FLOW;
	}
	/* __udp6_lib_err_encap(): the tunnel's port, sdif 0. */
	sk = pmtufix_udp6_lookup(net, &q->daddr, q->l4.sport, &q->saddr,
				 q->l4.dport, ifx->dif, 0);
	if (sk && READ_ONCE(udp_sk(sk)->encap_err_lookup))
		return PMTUFIX_REASON_RESCUED;
	return PMTUFIX_REASON_NO_FLOW;
}

/**
 * pmtufix_flow6_judge() - Is the flow a Packet Too Big quotes one of ours?
 * @skb: the ICMPv6 error, for its conntrack entry
 * @in: the device the flow's packets are looked up from
 * @q: the quoted flow, from pmtufix_quote6_read()
 * @d: the decision, for @d->why and @d->refused (as for pmtufix_flow_judge())
 *
 * Context: Under rcu_read_lock(), from a netfilter hook after NAT_DST.
 * Return: as pmtufix_flow_judge().
 */
enum pmtufix_reason pmtufix_flow6_judge(struct sk_buff *skb,
					const struct net_device *in,
					const struct pmtufix_quote6 *q,
					struct pmtufix_decision *d)
{
	struct pmtufix_ifindexes ifx = pmtufix_l3_ifindexes(in);
	struct net *net = dev_net(in);
	enum pmtufix_reason r;

	d->refused = false;
	/* Our address in the device's L3 domain (VRF), as ip6_route_input. */
	if (!ipv6_chk_addr(net, &q->saddr, in, 0)) {
		if (pmtufix_ct_related(skb, q->protocol))
			return PMTUFIX_REASON_RESCUED;
		return PMTUFIX_REASON_NOT_LOCAL;
	}
	switch (q->protocol) {
	case IPPROTO_TCP:
		r = pmtufix_tcp6_flow(net, &ifx, q, d);
		break;
	case IPPROTO_UDP:
		r = pmtufix_udp6_flow(net, &ifx, q);
		break;
	default:
		r = PMTUFIX_REASON_NO_FLOW;
		break;
	}
	return pmtufix_ct_vouches(skb, q->protocol, r, d);
}
#endif /* CONFIG_IPV6 */
