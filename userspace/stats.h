/* SPDX-License-Identifier: GPL-2.0 */
/* Counters of frag-needed errors by reason. */
#ifndef PMTUFIX_STATS_H
#define PMTUFIX_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "view.h"

int pf_stats_decode(const struct nlmsghdr *nlh, struct pf_stats *st);
void pf_stats_free(struct pf_stats *st);
int pf_stats_get(struct pf_ctx *c, struct pf_stats *st);

#endif /* PMTUFIX_STATS_H */
