/* SPDX-License-Identifier: GPL-2.0 */
/* MSS rules in the nft backend's interval maps and sets. */
#ifndef PMTUFIX_NFT_MSSMAP_H
#define PMTUFIX_NFT_MSSMAP_H

#include <stddef.h>

struct batch;
struct pfnft;
struct pf_mss_rule;

/* The maps and sets, then the chains and rules that use them (a new table). */
void put_mss(struct batch *bt);
/* Rules sorted as pf_mss_rule_cmp() orders them; *v to be freed. */
int pfnft_table_mss_list(struct pfnft *h, struct pf_mss_rule **v, size_t *n);
/* Remove del (nd rules), then add add (na rules), in one transaction. */
int pfnft_table_mss_change(struct pfnft *h, const struct pf_mss_rule *del, size_t nd,
			   const struct pf_mss_rule *add, size_t na);

#endif /* PMTUFIX_NFT_MSSMAP_H */
