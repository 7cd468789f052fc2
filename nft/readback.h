/* SPDX-License-Identifier: GPL-2.0 */
/* What the table holds, read back from the kernel. */
#ifndef PMTUFIX_NFT_READBACK_H
#define PMTUFIX_NFT_READBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct nftnl_set;

struct pfnft_table_state {
	bool exists;
	bool has_config;
	bool has_rescue;
	char comment[256];
	unsigned int n_uplinks;
	char uplinks[PF_MAX_UPLINKS][IF_NAMESIZE];
	bool svm_changed[PF_MAX_UPLINKS];
	uint64_t counters[PFNFT_C_MAX];
};

int pfnft_table_read(struct pfnft *h, struct pfnft_table_state *ts);
int pfnft_table_reset(struct pfnft *h);
/* Every element of set name, into a libnftnl set (caller frees). */
int read_elems(struct pfnft *h, const char *name, struct nftnl_set **out);

#endif /* PMTUFIX_NFT_READBACK_H */
