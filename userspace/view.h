/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How counters and MSS rules look, in text and JSON, whichever backend read
 * them: the commands and the nft backend print through these.
 */
#ifndef PMTUFIX_VIEW_H
#define PMTUFIX_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "parse.h"

struct pf_stat {
	uint32_t reason;	/* enum pmtufix_reason, or newer */
	uint64_t value;
};

/* Every reason this build knows, plus any the kernel sent, by reason. */
struct pf_stats {
	struct pf_stat *v;
	size_t n;
};

/* Text: one "<indent>reason: N" line each. JSON: an object under key. */
void pf_stats_print(const struct pf_stats *st, const char *key, const char *indent);

/* Rules as an array, one "PREFIX mss N dir DIR" line each. */
void pf_mss_print(const struct pf_mss_rule *rules, size_t n);

#endif /* PMTUFIX_VIEW_H */
