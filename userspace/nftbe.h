/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nft library as the nft backend reaches it: through pf_nft, which host
 * tests replace with a simulation of the library.
 */
#ifndef PMTUFIX_NFTBE_H
#define PMTUFIX_NFTBE_H

#include "pfnft.h"

struct pf_nft_ops {
	int (*open)(struct pfnft **h);
	void (*close)(struct pfnft *h);
	const char *(*errmsg)(const struct pfnft *h);
	int (*get)(struct pfnft *h, struct pfnft_state *st);
	int (*set)(struct pfnft *h, const struct pf_config *want);
	int (*down)(struct pfnft *h, unsigned int *what);
	int (*reset)(struct pfnft *h);
	int (*mss_list)(struct pfnft *h, struct pf_mss_rule **v, size_t *n);
	int (*mss_add)(struct pfnft *h, const struct pf_mss_rule *r);
	int (*mss_del)(struct pfnft *h, const struct pf_prefix *p);
	int (*mss_replace)(struct pfnft *h, const struct pf_mss_rule *v, size_t n);
	int (*mss_replace_one)(struct pfnft *h, const struct pf_mss_rule *r);
	/* NULL in a simulation without the relay. */
	int (*relay_get)(struct pfnft *h, struct pf_relay *r);
	int (*relay_set)(struct pfnft *h, const struct pf_relay *r);
	int (*relay_stats)(struct pfnft *h, struct pf_relay_stats *st);
};

extern const struct pf_nft_ops *pf_nft;

#endif /* PMTUFIX_NFTBE_H */
