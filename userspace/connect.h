/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel connection of a run: the namespace, then the backend. */
#ifndef PMTUFIX_CONNECT_H
#define PMTUFIX_CONNECT_H

#include <stdint.h>
#include "ctx.h"

/* Enter the namespace -n named, once; PF_EXIT_OK or PF_EXIT_FAIL. */
int pf_enter_netns(struct pf_ctx *c);

/*
 * Enter the namespace, pick the backend: open the socket and find the family,
 * or open the nft backend. 0 or PF_EXIT_FAIL.
 */
int pf_connect(struct pf_ctx *c);

/* Host tests: when set, pf_connect() opens this backend whatever -b says. */
extern const struct pf_backend_ops *pf_backend_override;

/* Close whichever backend pf_connect() opened. */
void pf_disconnect(struct pf_ctx *c);

/*
 * @ifindex if a device with that index exists in the namespace the command
 * runs in (after pf_connect()), else 0: the agent's relay device goes with
 * the agent, and the module refuses a device that is gone.
 */
uint32_t pf_device_alive(uint32_t ifindex);

#endif /* PMTUFIX_CONNECT_H */
