// SPDX-License-Identifier: GPL-2.0
/*
 * Per-prefix TCP MSS rewriting: the MSS option of SYN and SYN-ACK segments
 * to or from a configured prefix is lowered to a fixed value or to what the
 * route MTU allows, so that peers never send segments too big for a path
 * known to be small, even when ICMP is blocked on the way.
 *
 * Where: LOCAL_IN for segments arriving for this host, POST_ROUTING for
 * those leaving it, sent or forwarded. POST_ROUTING is the one place that
 * sees both after the final routing decision (rerouting by marks and by
 * destination NAT in OUTPUT, IPVS) and with the real destination address;
 * at NF_IP_PRI_NAT_SRC - 1 the source is still the flow's own (a pod's, not
 * the masquerade address), and the filter chains have already had their
 * say, so dropped SYNs are neither rewritten nor counted. LOCAL_IN at the
 * same priority is after filtering, before the socket sees the option.
 *
 * The hooks are registered per namespace and per family only while it has
 * rules of that family: the namespaces of most pods never pay even the
 * indirect call. With rules, a segment that is not TCP costs a compare, a
 * TCP segment without SYN a header read more.
 *
 * The option walk reads the header from a copy (skb_header_pointer), as the
 * Linux receiver parses it: EOL ends it, NOPs are single bytes, a "silly"
 * length (< 2) or an option running past the header ends it as malformed.
 * Nothing is written before the skb is made writable for the whole TCP
 * header, and nothing after the end of what was parsed is ever touched.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/lockdep.h>
#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "limits.h"
#include "mss.h"
#include "netns.h"

/* RFC 9293 (3.7.1) and RFC 8200 (8.3): what a peer assumes without an option. */
#define PMTUFIX_MSS_DEFAULT_V4	536
#define PMTUFIX_MSS_DEFAULT_V6	1220

/* Each MSS option takes 4 of the at most 40 bytes of options. */
#define PMTUFIX_MSS_MAX_OPTS	(MAX_TCP_OPTION_SPACE / TCPOLEN_MSS)

/* What the hooks know of one SYN; the addresses are copies. */
struct pmtufix_mss_syn {
	u8 family;
	unsigned int thoff;	/* TCP header, from skb->data */
	__be32 saddr[4];
	__be32 daddr[4];
};

static unsigned int pmtufix_mss_hdrlen(u8 family)
{
	return family == AF_INET ? sizeof(struct iphdr) + sizeof(struct tcphdr) :
				   sizeof(struct ipv6hdr) + sizeof(struct tcphdr);
}

/* The MTU of the route back to the segment's source, or U32_MAX. */
static u32 pmtufix_mss_reverse_mtu(struct net *net, const struct sk_buff *skb,
				   const struct pmtufix_mss_syn *syn)
{
	struct dst_entry *dst = NULL;
	struct flowi fl;
	u32 mtu = U32_MAX;

	memset(&fl, 0, sizeof(fl));
	if (syn->family == AF_INET) {
		fl.u.ip4.daddr = syn->saddr[0];
	} else {
		memcpy(&fl.u.ip6.daddr, syn->saddr, sizeof(fl.u.ip6.daddr));
		/* A link-local peer is only reachable where it came from. */
		if (ipv6_addr_type(&fl.u.ip6.daddr) & IPV6_ADDR_LINKLOCAL)
			fl.u.ip6.flowi6_oif = skb->skb_iif;
	}
	if (nf_route(net, &dst, &fl, false, syn->family) == 0 && dst) {
		mtu = dst_mtu(dst);
		dst_release(dst);
	}
	return mtu;
}

/*
 * As TCPMSS --clamp-mss-to-pmtu: the smaller MTU of the route the segment
 * takes and of the route back to its source. Our own segments have only
 * the first, segments for us only the second (the route they took to us
 * is a local one). U32_MAX when there is none.
 */
static u32 pmtufix_mss_path_mtu(const struct sk_buff *skb,
				const struct nf_hook_state *state,
				const struct pmtufix_mss_syn *syn)
{
	u32 mtu = U32_MAX;

	if (state->hook == NF_INET_POST_ROUTING) {
		const struct dst_entry *dst = skb_dst(skb);

		if (dst)
			mtu = dst_mtu(dst);
		/* Sent by this host: it has no other side. */
		if (!skb->skb_iif)
			return mtu;
	}
	return min(mtu, pmtufix_mss_reverse_mtu(state->net, skb, syn));
}

/*
 * The TCP checksum sums 16-bit words counted from the start of the header:
 * a 16-bit field at an odd offset straddles two words, with its bytes on
 * the other sides of them, so its old and new values count byte-swapped.
 */
static void pmtufix_mss_csum_replace2(struct tcphdr *th, struct sk_buff *skb,
				      unsigned int off, __be16 from, __be16 to)
{
	if (off & 1) {
		from = (__force __be16)swab16((__force u16)from);
		to = (__force __be16)swab16((__force u16)to);
	}
	inet_proto_csum_replace2(&th->check, skb, from, to, false);
}

/* Lower the MSS values at offsets @off[0..n) of the TCP header to @mss. */
static enum pmtufix_mss_stat pmtufix_mss_lower(struct sk_buff *skb,
					       const struct pmtufix_mss_syn *syn,
					       unsigned int hdrlen,
					       const unsigned int *off,
					       unsigned int n, u16 mss)
{
	__be16 to = htons(mss);
	struct tcphdr *th;
	unsigned int i;

	/* Also unshares the header of a clone, e.g. TCP's retransmit copy. */
	if (skb_ensure_writable(skb, syn->thoff + hdrlen))
		return PMTUFIX_MSS_STAT_FAILED;
	th = (struct tcphdr *)(skb->data + syn->thoff);

	for (i = 0; i < n; i++) {
		u8 *v = (u8 *)th + off[i];
		__be16 from;

		memcpy(&from, v, sizeof(from));
		memcpy(v, &to, sizeof(to));
		pmtufix_mss_csum_replace2(th, skb, off[i], from, to);
	}
	return PMTUFIX_MSS_STAT_CLAMPED;
}

/*
 * No MSS option: add one in front of the others, as TCPMSS does. Only for a
 * segment without data (which would have to move, and could then no longer
 * fit the path) whose header has room for 4 more bytes.
 */
static enum pmtufix_mss_stat pmtufix_mss_add_option(struct sk_buff *skb,
						    const struct pmtufix_mss_syn *syn,
						    unsigned int hdrlen, u16 mss)
{
	unsigned int len = skb->len - syn->thoff;
	__be16 oldw, neww;
	struct tcphdr *th;
	__be32 optw;
	u8 *opt;

	if (len != hdrlen || hdrlen + TCPOLEN_MSS > 15 * 4)
		return PMTUFIX_MSS_STAT_FAILED;
	/* A jumbogram's length is elsewhere; not worth the trouble. */
	if (syn->family == AF_INET6 && !ipv6_hdr(skb)->payload_len)
		return PMTUFIX_MSS_STAT_FAILED;
	if (skb_ensure_writable(skb, skb->len))
		return PMTUFIX_MSS_STAT_FAILED;
	if (skb_tailroom(skb) < TCPOLEN_MSS &&
	    pskb_expand_head(skb, 0, TCPOLEN_MSS - skb_tailroom(skb), GFP_ATOMIC))
		return PMTUFIX_MSS_STAT_FAILED;

	th = (struct tcphdr *)(skb->data + syn->thoff);
	opt = (u8 *)(th + 1);
	skb_put(skb, TCPOLEN_MSS);
	memmove(opt + TCPOLEN_MSS, opt, hdrlen - sizeof(*th));
	/* The pseudo-header's length, then the new option (at an even offset). */
	inet_proto_csum_replace2(&th->check, skb, htons(len),
				 htons(len + TCPOLEN_MSS), true);
	opt[0] = TCPOPT_MSS;
	opt[1] = TCPOLEN_MSS;
	opt[2] = mss >> 8;
	opt[3] = mss & 0xff;
	memcpy(&optw, opt, sizeof(optw));
	inet_proto_csum_replace4(&th->check, skb, 0, optw, false);
	/* Data offset, in the word at offset 12. */
	memcpy(&oldw, (u8 *)th + 12, sizeof(oldw));
	th->doff += TCPOLEN_MSS / 4;
	memcpy(&neww, (u8 *)th + 12, sizeof(neww));
	inet_proto_csum_replace2(&th->check, skb, oldw, neww, false);

	if (syn->family == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);
		__be16 tot_len = htons(ntohs(iph->tot_len) + TCPOLEN_MSS);

		csum_replace2(&iph->check, iph->tot_len, tot_len);
		iph->tot_len = tot_len;
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		__be16 plen = htons(ntohs(ip6h->payload_len) + TCPOLEN_MSS);

		/* IPv6 has no header checksum to keep skb->csum balanced. */
		if (skb->ip_summed == CHECKSUM_COMPLETE)
			skb->csum = csum_add(csum_sub(skb->csum,
						      (__force __wsum)ip6h->payload_len),
					     (__force __wsum)plen);
		ip6h->payload_len = plen;
	}
	return PMTUFIX_MSS_STAT_INSERTED;
}

/* Hold the SYN's MSS to at most @target. */
static enum pmtufix_mss_stat pmtufix_mss_clamp(struct sk_buff *skb,
					       const struct pmtufix_mss_syn *syn,
					       u16 target)
{
	u16 dflt = syn->family == AF_INET ? PMTUFIX_MSS_DEFAULT_V4 :
					    PMTUFIX_MSS_DEFAULT_V6;
	u8 buf[sizeof(struct tcphdr) + MAX_TCP_OPTION_SPACE];
	unsigned int off[PMTUFIX_MSS_MAX_OPTS];
	unsigned int hdrlen, i, n = 0;
	bool seen = false, odd = false;
	const struct tcphdr *th;
	const u8 *opt;

	th = skb_header_pointer(skb, syn->thoff, sizeof(*th), buf);
	if (!th)
		return PMTUFIX_MSS_STAT_MALFORMED;
	hdrlen = __tcp_hdrlen(th);
	if (hdrlen < sizeof(*th) || hdrlen > skb->len - syn->thoff)
		return PMTUFIX_MSS_STAT_MALFORMED;
	th = skb_header_pointer(skb, syn->thoff, hdrlen, buf);
	if (!th)
		return PMTUFIX_MSS_STAT_MALFORMED;
	opt = (const u8 *)th;

	for (i = sizeof(*th); i < hdrlen;) {
		u8 kind = opt[i], size;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		/* Silly or partial: where the receiver stops reading, so do we. */
		if (hdrlen - i < 2 || opt[i + 1] < 2 || opt[i + 1] > hdrlen - i) {
			odd = true;
			break;
		}
		size = opt[i + 1];
		if (kind == TCPOPT_MSS && size == TCPOLEN_MSS) {
			u16 mss = opt[i + 2] << 8 | opt[i + 3];

			seen = true;
			/* 0 is ignored by receivers: the default applies. */
			if ((mss ?: dflt) > target && n < ARRAY_SIZE(off))
				off[n++] = i + 2;
		} else if (kind == TCPOPT_MSS) {
			odd = true;	/* ignored by the receiver, like a gap */
		}
		i += size;
	}

	if (n)
		return pmtufix_mss_lower(skb, syn, hdrlen, off, n, target);
	if (seen || dflt <= target)
		return PMTUFIX_MSS_STAT_KEPT;
	if (odd)
		return PMTUFIX_MSS_STAT_MALFORMED;
	return pmtufix_mss_add_option(skb, syn, hdrlen, target);
}

static void pmtufix_mss_fold(u32 action, u32 *fixed, bool *autos)
{
	u16 value = pmtufix_mss_action_value(action);

	if (value)
		*fixed = min(*fixed, (u32)value);
	else
		*autos = true;
}

static void pmtufix_mss_syn(struct sk_buff *skb,
			    const struct nf_hook_state *state,
			    const struct pmtufix_mss_syn *syn)
{
	struct pmtufix_net *pn = pmtufix_pernet(state->net);
	struct pmtufix_mss_table *t = rcu_dereference(pn->mss);
	bool found = false, autos = false;
	u32 target = U32_MAX, action;

	if (unlikely(!t))
		return;
	if (pmtufix_mss_longest(t, syn->family, PMTUFIX_MSS_MATCH_DST,
				syn->daddr, &action)) {
		pmtufix_mss_fold(action, &target, &autos);
		found = true;
	}
	if (pmtufix_mss_longest(t, syn->family, PMTUFIX_MSS_MATCH_SRC,
				syn->saddr, &action)) {
		pmtufix_mss_fold(action, &target, &autos);
		found = true;
	}
	if (!found)
		return;

	if (autos) {
		u32 mtu = pmtufix_mss_path_mtu(skb, state, syn);
		u32 hdr = pmtufix_mss_hdrlen(syn->family);

		if (mtu != U32_MAX && mtu > hdr) {
			target = min(target, max(mtu - hdr, (u32)PMTUFIX_MSS_MIN));
		} else if (target == U32_MAX) {
			pmtufix_mss_stats_inc(pn, PMTUFIX_MSS_STAT_NO_ROUTE);
			return;
		}
	}
	/* Route MTUs go up to 2^31 on some devices; an MSS has 16 bits. */
	target = min(target, (u32)PMTUFIX_MSS_MAX);
	pmtufix_mss_stats_inc(pn, pmtufix_mss_clamp(skb, syn, target));
}

static bool pmtufix_mss_is_syn(const struct sk_buff *skb, unsigned int thoff)
{
	const struct tcphdr *th;
	struct tcphdr _th;

	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	return th && th->syn && !th->rst;
}

/*
 * br_netfilter runs these hooks for frames bridged between two ports of a
 * bridge: they stay on one link, and their "route" is the bridge's fake
 * one. Frames the bridge hands up to this host, or that it routes, are ours.
 */
static bool pmtufix_mss_bridged(const struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_BRIDGE_NETFILTER)
	const struct nf_bridge_info *nf_bridge = nf_bridge_info_get(skb);

	return nf_bridge && nf_bridge->physoutdev;
#else
	return false;
#endif
}

static unsigned int pmtufix_mss_hook4(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct pmtufix_mss_syn syn;

	if (iph->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	/* Later fragments have no TCP header; a SYN is hardly ever a first one. */
	if (ip_is_fragment(iph))
		return NF_ACCEPT;
	syn.thoff = skb_network_offset(skb) + ip_hdrlen(skb);
	if (!pmtufix_mss_is_syn(skb, syn.thoff))
		return NF_ACCEPT;
	if (pmtufix_mss_bridged(skb))
		return NF_ACCEPT;

	syn.family = AF_INET;
	syn.saddr[0] = iph->saddr;
	syn.daddr[0] = iph->daddr;
	pmtufix_mss_syn(skb, state, &syn);
	return NF_ACCEPT;
}

static unsigned int pmtufix_mss_hook6(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct pmtufix_mss_syn syn;
	u8 nexthdr = ip6h->nexthdr;

	syn.thoff = skb_network_offset(skb) + sizeof(*ip6h);
	if (unlikely(nexthdr != IPPROTO_TCP)) {
		__be16 frag_off;
		int thoff;

		/* UDP, ICMPv6 and the like; ESP hides what it carries. */
		if (likely(nexthdr != NEXTHDR_HOP && nexthdr != NEXTHDR_ROUTING &&
			   nexthdr != NEXTHDR_FRAGMENT && nexthdr != NEXTHDR_AUTH &&
			   nexthdr != NEXTHDR_DEST))
			return NF_ACCEPT;
		thoff = ipv6_skip_exthdr(skb, syn.thoff, &nexthdr, &frag_off);
		if (thoff < 0 || nexthdr != IPPROTO_TCP ||
		    (frag_off & htons(IP6_OFFSET | IP6_MF)))
			return NF_ACCEPT;
		syn.thoff = thoff;
	}
	if (!pmtufix_mss_is_syn(skb, syn.thoff))
		return NF_ACCEPT;
	if (pmtufix_mss_bridged(skb))
		return NF_ACCEPT;

	syn.family = AF_INET6;
	memcpy(syn.saddr, &ip6h->saddr, sizeof(syn.saddr));
	memcpy(syn.daddr, &ip6h->daddr, sizeof(syn.daddr));
	pmtufix_mss_syn(skb, state, &syn);
	return NF_ACCEPT;
}

static const struct nf_hook_ops pmtufix_mss_ops4[] = {
	{
		.hook		= pmtufix_mss_hook4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	},
	{
		.hook		= pmtufix_mss_hook4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	},
};

static const struct nf_hook_ops pmtufix_mss_ops6[] = {
	{
		.hook		= pmtufix_mss_hook6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_NAT_SRC - 1,
	},
	{
		.hook		= pmtufix_mss_hook6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP6_PRI_NAT_SRC - 1,
	},
};

static const struct nf_hook_ops *pmtufix_mss_ops(unsigned int fi,
						 unsigned int *n)
{
	if (fi) {
		*n = ARRAY_SIZE(pmtufix_mss_ops6);
		return pmtufix_mss_ops6;
	}
	*n = ARRAY_SIZE(pmtufix_mss_ops4);
	return pmtufix_mss_ops4;
}

/* @fi: index of the family in pmtufix_mss_table.fam (0 IPv4, 1 IPv6). */
static int pmtufix_mss_hook(struct net *net, unsigned int fi)
{
	const struct nf_hook_ops *ops;
	unsigned int n;

	ops = pmtufix_mss_ops(fi, &n);
	return nf_register_net_hooks(net, ops, n);
}

static void pmtufix_mss_unhook(struct net *net, unsigned int fi)
{
	const struct nf_hook_ops *ops;
	unsigned int n;

	ops = pmtufix_mss_ops(fi, &n);
	nf_unregister_net_hooks(net, ops, n);
}

static struct pmtufix_mss_table *pmtufix_mss_table(struct pmtufix_net *pn)
{
	return rcu_dereference_protected(pn->mss, lockdep_is_held(&pn->lock));
}

/* A family's hooks follow its rules: registered with the first, gone with the last. */
static void pmtufix_mss_unhook_idle(struct net *net, struct pmtufix_mss_table *t)
{
	unsigned int fi;

	for (fi = 0; fi < ARRAY_SIZE(t->fam); fi++) {
		if (t->fam[fi].hooked && !t->fam[fi].count) {
			pmtufix_mss_unhook(net, fi);
			t->fam[fi].hooked = false;
		}
	}
}

/**
 * pmtufix_mss_add() - Add an MSS rule to a namespace, or replace one.
 * @net: the namespace
 * @key: the rule's prefix
 * @action: its value and direction (pmtufix_mss_action())
 * @replace: change the action of an existing rule for @key instead of
 *	failing with -EEXIST
 * @extack: for the reason of a failure
 *
 * The first rule of a family registers that family's hooks. A replaced rule
 * is changed in place, so a SYN sees the old action or the new one, never
 * no rule at all.
 *
 * Context: Process context. Takes and releases the namespace's lock; may
 * sleep.
 * Return: 0; -EEXIST if a rule for @key exists and @replace is false;
 * -ENOSPC at the namespace's limit (pmtufix_mss_rules_max()); -ENOMEM; or
 * the error of registering the hooks or of the hash table insert. On error
 * nothing a SYN or a dump could see has changed.
 */
int pmtufix_mss_add(struct net *net, const struct pmtufix_mss_key *key,
		    u32 action, bool replace, struct netlink_ext_ack *extack)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);
	struct pmtufix_mss_family *f;
	struct pmtufix_mss_table *t;
	struct pmtufix_mss_rule *r;
	u32 max;
	int err;

	mutex_lock(&pn->lock);
	t = pmtufix_mss_table(pn);
	if (!t) {
		t = pmtufix_mss_table_alloc();
		if (!t) {
			err = -ENOMEM;
			goto out;
		}
		/* Empty: nothing observable changes if the rest fails. */
		rcu_assign_pointer(pn->mss, t);
	}

	r = pmtufix_mss_find(t, key);
	if (r) {
		if (!replace) {
			NL_SET_ERR_MSG_MOD(extack,
					   "a rule for this prefix exists (delete it or ask to replace it)");
			err = -EEXIST;
			goto out;
		}
		pmtufix_mss_update(t, r, action);
		err = 0;
		goto out;
	}

	max = pmtufix_mss_rules_max(net);
	if (t->count >= max) {
		if (max < PMTUFIX_MSS_RULES_MAX)
			NL_SET_ERR_MSG_MOD(extack,
					   "too many MSS rules for a namespace of an unprivileged user namespace (module parameter userns_mss_rules)");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "too many MSS rules in this namespace");
		err = -ENOSPC;
		goto out;
	}
	r = pmtufix_mss_rule_alloc(key, action);
	if (!r) {
		err = -ENOMEM;
		goto out;
	}
	f = &t->fam[pmtufix_mss_fam_index(key->family)];
	if (!f->hooked) {
		err = pmtufix_mss_hook(net, pmtufix_mss_fam_index(key->family));
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "cannot register the netfilter hooks");
			pmtufix_mss_rule_destroy(r);
			goto out;
		}
		f->hooked = true;
	}
	err = pmtufix_mss_insert(t, r);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot insert the rule into the hash table");
		pmtufix_mss_rule_destroy(r);
		pmtufix_mss_unhook_idle(net, t);
	}
out:
	mutex_unlock(&pn->lock);
	return err;
}

/**
 * pmtufix_mss_del() - Delete the MSS rule of one prefix.
 * @net: the namespace
 * @key: the rule's prefix
 * @extack: for the reason of a failure
 *
 * The last rule of a family takes that family's hooks with it. The rule is
 * freed after an RCU grace period: a hook may still be reading it.
 *
 * Context: Process context. Takes and releases the namespace's lock; may
 * sleep.
 * Return: 0, or -ENOENT if there is no rule for @key.
 */
int pmtufix_mss_del(struct net *net, const struct pmtufix_mss_key *key,
		    struct netlink_ext_ack *extack)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);
	struct pmtufix_mss_rule *r = NULL;
	struct pmtufix_mss_table *t;

	mutex_lock(&pn->lock);
	t = pmtufix_mss_table(pn);
	if (t)
		r = pmtufix_mss_find(t, key);
	if (r) {
		pmtufix_mss_remove(t, r);
		pmtufix_mss_unhook_idle(net, t);
	}
	mutex_unlock(&pn->lock);

	if (!r) {
		NL_SET_ERR_MSG_MOD(extack, "no rule for this prefix");
		return -ENOENT;
	}
	return 0;
}

/**
 * pmtufix_mss_flush() - Delete every MSS rule of a namespace.
 * @net: the namespace
 *
 * The hooks go too; the table stays, empty, until the namespace goes.
 *
 * Context: Process context. Takes and releases the namespace's lock; may
 * sleep for long (a million rules).
 */
void pmtufix_mss_flush(struct net *net)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);
	struct pmtufix_mss_table *t;

	mutex_lock(&pn->lock);
	t = pmtufix_mss_table(pn);
	if (t) {
		pmtufix_mss_remove_all(t);
		pmtufix_mss_unhook_idle(net, t);
	}
	mutex_unlock(&pn->lock);
}

/**
 * pmtufix_mss_net_pre_exit() - Unregister a dying namespace's MSS hooks.
 * @net: the namespace
 *
 * The rules stay for pmtufix_mss_net_exit(): the pernet core waits for an
 * RCU grace period between the two, after which no hook still reads them.
 *
 * Context: Process context, from the pernet pre_exit. Takes and releases
 * the namespace's lock.
 */
void pmtufix_mss_net_pre_exit(struct net *net)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);
	struct pmtufix_mss_table *t;
	unsigned int fi;

	mutex_lock(&pn->lock);
	t = pmtufix_mss_table(pn);
	for (fi = 0; t && fi < ARRAY_SIZE(t->fam); fi++) {
		if (t->fam[fi].hooked) {
			pmtufix_mss_unhook(net, fi);
			t->fam[fi].hooked = false;
		}
	}
	mutex_unlock(&pn->lock);
}

/**
 * pmtufix_mss_net_exit() - Free a dying namespace's MSS rules.
 * @net: the namespace
 *
 * No lock: the hooks are gone (pmtufix_mss_net_pre_exit()), and no request
 * can reach the namespace any more, since every netlink socket in it holds
 * a reference to it.
 *
 * Context: Process context, from the pernet exit. May sleep.
 */
void pmtufix_mss_net_exit(struct net *net)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);

	pmtufix_mss_table_free(rcu_dereference_protected(pn->mss, true));
	RCU_INIT_POINTER(pn->mss, NULL);
}
