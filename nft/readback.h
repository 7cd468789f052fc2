/* SPDX-License-Identifier: GPL-2.0 */
/* What the table holds, read back from the kernel. */
#ifndef PMTUFIX_NFT_READBACK_H
#define PMTUFIX_NFT_READBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct nftnl_set;
struct pf_prefix;

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

/*
 * Each interval of set name (keys of family) that is a prefix, with the
 * start element's 16-bit data, to fn; stops at fn's first error.
 */
int read_intervals(struct pfnft *h, const char *name, uint8_t family,
		   int (*fn)(void *arg, const struct pf_prefix *p, uint16_t data), void *arg);
/* Whether chain name exists; its comment into comment (256 bytes) if not NULL. */
int read_chain(struct pfnft *h, const char *name, bool *found, char *comment);
/* Counter name's packets; type NFT_MSG_GETOBJ, or NFT_MSG_GETOBJ_RESET. */
int read_counter(struct pfnft *h, const char *name, uint16_t type, uint64_t *pkts);

#endif /* PMTUFIX_NFT_READBACK_H */
