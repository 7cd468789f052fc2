/* SPDX-License-Identifier: GPL-2.0 */
/* TCP MSS rules per prefix. */
#ifndef PMTUFIX_MSS_H
#define PMTUFIX_MSS_H

#include <stddef.h>

#include "ctx.h"
#include "parse.h"

int pf_mss_rule_decode(const struct nlattr *nest, struct pf_mss_rule *r);
void pf_mss_rule_put(struct nlmsghdr *nlh, const struct pf_mss_rule *r, bool value);

/* False when the module lists its commands and cmd is not among them. */
bool pf_mss_supported(struct pf_ctx *c, uint8_t cmd);
/* pf_fail(), but says so plainly when the module has no MSS rules. */
int pf_mss_fail(struct pf_ctx *c, const char *what, int err);

/* These return 0 or -errno, and print nothing. Rules come sorted. */
int pf_mss_list(struct pf_ctx *c, struct pf_mss_rule **rules, size_t *n);
int pf_mss_add(struct pf_ctx *c, const struct pf_mss_rule *r);
int pf_mss_flush(struct pf_ctx *c);
/* Add r, or change the rule of its prefix in place (PMTUFIX_A_MSS_REPLACE). */
int pf_mss_replace(struct pf_ctx *c, const struct pf_mss_rule *r);
int pf_mss_del(struct pf_ctx *c, const struct pf_prefix *p);


#endif /* PMTUFIX_MSS_H */
