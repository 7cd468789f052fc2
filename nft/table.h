/* SPDX-License-Identifier: GPL-2.0 */
/* The nft backend's table as a whole. */
#ifndef PMTUFIX_NFT_TABLE_H
#define PMTUFIX_NFT_TABLE_H

#include <stdbool.h>
#include <stdint.h>

struct pfnft;
struct pf_config;

/*
 * One transaction: create the table if it is not there (exists = false),
 * then make chain "config", set "uplinks" and the rescue chains those of
 * conf (rescue chains only if conf->rescue). svm_changed: per uplink.
 */
int pfnft_table_apply(struct pfnft *h, bool exists, const struct pf_config *conf,
		      const bool *svm_changed, uint32_t floor_eff);
int pfnft_table_delete(struct pfnft *h);

#endif /* PMTUFIX_NFT_TABLE_H */
