/* SPDX-License-Identifier: GPL-2.0 */
/* The nft backend's ip rules and route, over rtnetlink. */
#ifndef PMTUFIX_NFT_RTNL_H
#define PMTUFIX_NFT_RTNL_H

#include <stdbool.h>
#include <stdint.h>

struct pfnft;
struct pf_config;

/* Rules, routes and sysctls for conf; replaces ours that differ. */
int pfnft_routing_install(struct pfnft *h, const struct pf_config *conf);
/* Remove our rules (any pref) and our routes in table (0: every table). */
int pfnft_routing_remove(struct pfnft *h, uint32_t table, bool *found);
bool pfnft_routing_present(struct pfnft *h, const struct pf_config *conf);
/* Routes in table that are not ours: > 0 is a count. */
int pfnft_routing_foreign(struct pfnft *h, uint32_t table);

/*
 * The relay: table PFNFT_RELAY_TABLE's route out the relay device and the
 * ip rule for the relay mark (protocol PFNFT_RTPROT_RELAY). The ifindex of
 * that route when both are there, else 0.
 */
int pfnft_relay_routing_install(struct pfnft *h, uint32_t ifindex);
int pfnft_relay_routing_remove(struct pfnft *h, bool *found);
uint32_t pfnft_relay_routing_ifindex(struct pfnft *h);

#endif /* PMTUFIX_NFT_RTNL_H */
