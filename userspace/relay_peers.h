/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay's peers as addresses: `dns:NAME` peers resolved by a thread of
 * their own, every PF_RESOLVE_EVERY_S seconds and when kicked (SIGHUP), so
 * a slow DNS server never stalls the agent's loop. Each round also reads
 * this node's own addresses, so one file serves every node: a node sends to
 * every peer but itself.
 */
#ifndef PMTUFIX_RELAY_PEERS_H
#define PMTUFIX_RELAY_PEERS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

#define PF_RESOLVE_EVERY_S	30
#define PF_PEER_ADDRS_MAX	512	/* all peers' addresses together */

struct pf_peer_set {
	size_t n;
	struct pf_addr v[PF_PEER_ADDRS_MAX];
};

struct pf_resolver;

/*
 * Start resolving the peers of cfg (copied). *all gets the static peers at
 * once (without waiting for DNS), *targets the same without our own
 * addresses. *fd becomes readable when a round has new sets. 0 or -errno.
 */
int pf_resolver_start(struct pf_resolver **r, const struct pf_relay *cfg,
		      struct pf_peer_set *all, struct pf_peer_set *targets, int *fd);
/* Resolve again now. */
void pf_resolver_kick(struct pf_resolver *r);
/* After *fd was readable: the newest sets; false if there was none. */
bool pf_resolver_take(struct pf_resolver *r, struct pf_peer_set *all,
		      struct pf_peer_set *targets);
/* Waits for a round under way to end (at most the resolver's timeout). */
void pf_resolver_stop(struct pf_resolver *r);

bool pf_peer_set_has(const struct pf_peer_set *s, const struct pf_addr *a);

#endif /* PMTUFIX_RELAY_PEERS_H */
