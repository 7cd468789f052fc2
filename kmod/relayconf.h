/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_RELAYCONF_H
#define _PMTUFIX_RELAYCONF_H

#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/in6.h>
#include <linux/types.h>
#include <net/net_namespace.h>

#include "pmtufix.h"

/* Defaults of set-relay (see the spec): errors per second, and a burst of twice that. */
#define PMTUFIX_RELAY_RATE_DEFAULT	20

struct pmtufix_relay_prefix {
	u8 family;
	u8 plen;
	union {			/* host bits zero */
		__be32 addr[4];
		struct {
			__be32 addr4;
			__be32 mask4;	/* AF_INET: @plen as a mask */
		};
		struct in6_addr addr6;
	};
};

/*
 * A namespace's relay configuration, immutable once published but for the
 * token bucket; a change publishes a new one (with a full bucket).
 */
struct pmtufix_relay {
	struct rcu_head rcu;
	spinlock_t lock;	/* the bucket */
	u64 credit_ns;		/* time worth of errors that may be handed on */
	u64 last_ns;
	u32 rate;
	u32 burst;
	int ifindex;		/* the relay device; 0: none */
	unsigned int n;
	struct pmtufix_relay_prefix prefix[] __counted_by(n);
};

struct pmtufix_relay *pmtufix_relay_alloc(unsigned int n, u32 rate, u32 burst,
					  int ifindex);
void pmtufix_relay_replace(struct net *net, struct pmtufix_relay *relay);
void pmtufix_relay_net_exit(struct net *net);

#endif /* _PMTUFIX_RELAYCONF_H */
