/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands on the nft backend (../nft): the same grammar and output as
 * with the module, where the table can do it. The library is reached through
 * pf_nft, which host tests replace with a simulation.
 */
#ifndef PMTUFIX_NFTBE_H
#define PMTUFIX_NFTBE_H

#include "ctx.h"
#include "conffile.h"
#include "pfnft.h"

struct pf_nft_ops {
	int (*open)(struct pfnft **h);
	void (*close)(struct pfnft *h);
	const char *(*errmsg)(const struct pfnft *h);
	int (*get)(struct pfnft *h, struct pfnft_state *st);
	int (*set)(struct pfnft *h, const struct pfnft_conf *want);
	int (*down)(struct pfnft *h, unsigned int *what);
	int (*reset)(struct pfnft *h);
	int (*mss_list)(struct pfnft *h, struct pfnft_mss **v, size_t *n);
	int (*mss_add)(struct pfnft *h, const struct pfnft_mss *r);
	int (*mss_del)(struct pfnft *h, const struct pfnft_prefix *p);
	int (*mss_replace)(struct pfnft *h, const struct pfnft_mss *v, size_t n);
	int (*mss_replace_one)(struct pfnft *h, const struct pfnft_mss *r);
};

extern const struct pf_nft_ops *pf_nft;

int pf_nft_open(struct pf_ctx *c);
void pf_nft_close(struct pf_ctx *c);

int pf_nft_show(struct pf_ctx *c);
int pf_nft_set(struct pf_ctx *c, const struct pf_config_req *req);
int pf_nft_stats(struct pf_ctx *c, bool reset);
int pf_nft_mss(struct pf_ctx *c, const char *verb, const struct pf_mss_rule *r,
	       const struct pf_prefix *p);
int pf_nft_mss_replace(struct pf_ctx *c, const struct pf_mss_rule *r);
int pf_nft_save(struct pf_ctx *c);
int pf_nft_apply(struct pf_ctx *c, const struct pf_desired *d, const char *name);
int pf_nft_down(struct pf_ctx *c);

#endif /* PMTUFIX_NFTBE_H */
