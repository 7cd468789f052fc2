/* SPDX-License-Identifier: GPL-2.0 */
/* The rescue ruleset of the nft backend. */
#ifndef PMTUFIX_NFT_RESCUE_H
#define PMTUFIX_NFT_RESCUE_H

#include <stdint.h>

struct batch;
struct pf_config;

/* Chains "rescue" and "frag_needed" and their rules, for c and floor. */
void put_rescue(struct batch *bt, const struct pf_config *c, uint32_t floor);

#endif /* PMTUFIX_NFT_RESCUE_H */
