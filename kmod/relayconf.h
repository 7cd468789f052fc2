/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_RELAYCONF_H
#define _PMTUFIX_RELAYCONF_H

#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/net_namespace.h>

#include "pmtufix.h"

/* Defaults of set-relay (see the spec): errors per second, and a burst of twice that. */
#define PMTUFIX_RELAY_RATE_DEFAULT	20

struct pmtufix_relay_prefix {
	u8 family;
	u8 plen;
	__be32 addr[4];		/* host bits zero */
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
