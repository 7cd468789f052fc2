/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels pmtufix builds against lives here.
 * Kbuild force-includes this file before each source file, so no other file
 * tests LINUX_VERSION_CODE.
 */
#ifndef _PMTUFIX_COMPAT_H
#define _PMTUFIX_COMPAT_H

/* Before any kernel header: every message of the module carries its name. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/version.h>
#include <linux/errno.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/inet_hashtables.h>
#include <net/route.h>
#include <net/tcp.h>
#include <net/udp.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "pmtufix needs Linux 6.1 or later"
#endif

/*
 * Mainline 6.1 let anyone in a namespace join any genetlink group; the
 * per-group capability check came with a stable backport. Without it the
 * events group would leak flow details to unprivileged listeners.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "this kernel lacks GENL_MCAST_CAP_NET_ADMIN: update to a current 6.1.y or later"
#endif

/*
 * Policies point to their ranges through a const pointer since 6.7. Before,
 * a range can at least be read-only once the module is initialised.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define pmtufix_range_const const
#else
#define pmtufix_range_const __ro_after_init
#endif

/*
 * Input route lookup as ip_rcv_finish_core() does it. Returns 0 with a dst
 * attached to @skb, or a negative errno with none: -EXDEV when the
 * reverse-path check failed, -ENOBUFS on allocation failure, -EINVAL (or
 * another errno) for everything else.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#include <net/dropreason.h>
#include <net/inet_dscp.h>

static inline int pmtufix_route_input(struct sk_buff *skb, __be32 daddr,
				      __be32 saddr, u8 tos,
				      struct net_device *dev)
{
	enum skb_drop_reason reason;

	reason = ip_route_input_noref(skb, daddr, saddr,
				      inet_dsfield_to_dscp(tos), dev);
	switch (reason) {
	case SKB_NOT_DROPPED_YET:
		return 0;
	case SKB_DROP_REASON_IP_RPFILTER:
		return -EXDEV;
	case SKB_DROP_REASON_NOMEM:
		return -ENOBUFS;
	default:
		return -EINVAL;
	}
}
#else
static inline int pmtufix_route_input(struct sk_buff *skb, __be32 daddr,
				      __be32 saddr, u8 tos,
				      struct net_device *dev)
{
	return ip_route_input_noref(skb, daddr, saddr, tos, dev);
}
#endif

/*
 * The TOS bits input routing and its source check look at, masked as
 * ip_route_input_noref() masks them (6.1: IPTOS_RT_MASK; 6.12: the DSCP).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <net/inet_dscp.h>

static inline u8 pmtufix_route_tos(u8 tos)
{
	return tos & INET_DSCP_MASK;
}
#else
static inline u8 pmtufix_route_tos(u8 tos)
{
	return tos & IPTOS_RT_MASK;
}
#endif

/*
 * The established-socket lookup tcp_v4_err() does. 6.1 and 6.12 share the
 * argument list (6.12 only made @net const); the hash table is per netns
 * on both.
 */
static inline struct sock *pmtufix_tcp_lookup(struct net *net, __be32 saddr,
					      __be16 sport, __be32 daddr,
					      u16 hnum, int dif, int sdif)
{
	return __inet_lookup_established(net,
					 net->ipv4.tcp_death_row.hashinfo,
					 saddr, sport, daddr, hnum, dif, sdif);
}

/*
 * The UDP socket lookup udp_err() does, without taking a reference: only
 * under RCU, as netfilter hooks run. __udp4_lib_lookup() rather than
 * udp4_lib_lookup(): it is exported whatever the configuration (the other
 * only with NF_TPROXY_IPV4 or NF_SOCKET_IPV4) and takes the sdif a VRF
 * needs. The table became per netns in 6.2.
 */
static inline struct sock *pmtufix_udp_lookup(struct net *net, __be32 saddr,
					      __be16 sport, __be32 daddr,
					      __be16 dport, int dif, int sdif)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	struct udp_table *table = net->ipv4.udp_table;
#else
	struct udp_table *table = &udp_table;
#endif

	return __udp4_lib_lookup(net, saddr, sport, daddr, dport, dif, sdif,
				 table, NULL);
}

#if IS_ENABLED(CONFIG_IPV6)
#include <net/inet6_hashtables.h>
#include <net/ipv6.h>

/*
 * The established-socket lookup tcp_v6_err() does: the same argument list
 * on 6.1 and 6.12 (6.12 only made @net const), the per-netns hash table.
 */
static inline struct sock *pmtufix_tcp6_lookup(struct net *net,
					       const struct in6_addr *saddr,
					       __be16 sport,
					       const struct in6_addr *daddr,
					       u16 hnum, int dif, int sdif)
{
	return __inet6_lookup_established(net,
					  net->ipv4.tcp_death_row.hashinfo,
					  saddr, sport, daddr, hnum, dif, sdif);
}

/*
 * The UDP socket lookup __udp6_lib_err() does, without a reference (RCU
 * only). __udp6_lib_lookup() rather than udp6_lib_lookup(): exported
 * whatever the configuration (the other only with NF_TPROXY_IPV6 or
 * NF_SOCKET_IPV6). The table is the IPv4 one, per netns since 6.2.
 */
static inline struct sock *pmtufix_udp6_lookup(struct net *net,
					       const struct in6_addr *saddr,
					       __be16 sport,
					       const struct in6_addr *daddr,
					       __be16 dport, int dif, int sdif)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	struct udp_table *table = net->ipv4.udp_table;
#else
	struct udp_table *table = &udp_table;
#endif

	return __udp6_lib_lookup(net, saddr, sport, daddr, dport, dif, sdif,
				 table, NULL);
}
#endif /* CONFIG_IPV6 */

#endif /* _PMTUFIX_COMPAT_H */
