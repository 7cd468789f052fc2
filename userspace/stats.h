/* SPDX-License-Identifier: GPL-2.0 */
/* Counters of frag-needed errors by reason. */
#ifndef PMTUFIX_STATS_H
#define PMTUFIX_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

struct pf_stat {
	uint32_t reason;	/* enum pmtufix_reason, or newer */
	uint64_t value;
};

/* Every reason this build knows, plus any the kernel sent, by reason. */
struct pf_stats {
	struct pf_stat *v;
	size_t n;
};

int pf_stats_decode(const struct nlmsghdr *nlh, struct pf_stats *st);
void pf_stats_free(struct pf_stats *st);
/* Text: one "<indent>reason: N" line each. JSON: an object under key. */
void pf_stats_print(const struct pf_stats *st, const char *key, const char *indent);
int pf_stats_get(struct pf_ctx *c, struct pf_stats *st);

#endif /* PMTUFIX_STATS_H */
