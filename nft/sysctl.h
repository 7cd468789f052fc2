/* SPDX-License-Identifier: GPL-2.0 */
/* The per-interface IPv4 sysctls the nft backend reads and sets. */
#ifndef PMTUFIX_NFT_SYSCTL_H
#define PMTUFIX_NFT_SYSCTL_H

#include <stdint.h>

int pfnft_sysctl_get(const char *ifname, const char *key, int *v);
struct pfnft;

/* Only the settings rtnetlink can set (src_valid_mark); 0 or -errno. */
int pfnft_sysctl_set(struct pfnft *h, const char *ifname, const char *key, int v);
/* net.ipv4.route.min_pmtu (552 if it cannot be read). */
uint32_t pfnft_min_pmtu(void);

#endif /* PMTUFIX_NFT_SYSCTL_H */
