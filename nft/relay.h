/* SPDX-License-Identifier: GPL-2.0 */
/* The relay's chains, sets and counters in the nft backend's table. */
#ifndef PMTUFIX_NFT_RELAY_H
#define PMTUFIX_NFT_RELAY_H

#include <stdbool.h>
#include <stdint.h>

struct batch;
struct pfnft;
struct pf_relay;

enum pfnft_relay_counter {
	PFNFT_RC_SENT,		/* logged to the agent's group */
	PFNFT_RC_RATE_LIMITED,	/* over the relay's rate */
	PFNFT_RC_IN_RESCUED,	/* relayed to us, RELATED: marked */
	PFNFT_RC_IN_NO_FLOW,	/* relayed to us, not RELATED: dropped */
	PFNFT_RC_IN_BELOW_FLOOR,	/* relayed to us, MTU below the floor: dropped */
	PFNFT_RC_MAX
};
extern const char *const pfnft_relay_counter_names[PFNFT_RC_MAX];

/*
 * Into a transaction: the relay's objects made those of r (none when
 * r->n_prefixes is 0); exists: the relay's chains are there now.
 */
void put_relay(struct batch *bt, bool exists, const struct pf_relay *r, uint32_t floor);
/* Prefixes, rate and burst; *exists false (and r off) when there is no relay. */
int pfnft_relay_read(struct pfnft *h, struct pf_relay *r, bool *exists);
/* The counters (0 for one that is missing); reset: read and zero them. */
int pfnft_relay_counters(struct pfnft *h, uint64_t v[PFNFT_RC_MAX], bool reset);

#endif /* PMTUFIX_NFT_RELAY_H */
