/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's part of the relay: the relay device (TUN) where errors
 * relayed to this node are written for the backend to judge, the backend's
 * capture (relay_capture.h) where errors this node has no flow for arrive,
 * and the UDP socket between peers. Everything runs in the agent's
 * epoll loop and never blocks it; DNS runs in relay_peers.c's thread.
 */
#ifndef PMTUFIX_RELAY_AGENT_H
#define PMTUFIX_RELAY_AGENT_H

#include <stdint.h>
#include <stdio.h>

#include "metrics.h"
#include "model.h"

/* Its descriptors are added to epfd with tags tag .. tag + PF_RA_TAGS - 1. */
#define PF_RA_TAGS	3

struct pf_relay_agent;

struct pf_capture_ops;

/*
 * Create the device, bind the UDP socket, start resolving peers, open the
 * backend's capture. 0 or -errno, with why filled.
 */
int pf_ra_open(struct pf_relay_agent **ra, const struct pf_relay *cfg,
	       const struct pf_capture_ops *capture, int epfd, uint64_t tag, char *why,
	       size_t len);
void pf_ra_close(struct pf_relay_agent *ra);

uint32_t pf_ra_ifindex(const struct pf_relay_agent *ra);
const struct pf_capture_ops *pf_ra_capture_ops(const struct pf_relay_agent *ra);
/* A tag of ours was ready. */
void pf_ra_event(struct pf_relay_agent *ra, uint64_t tag);
/* The backend came back (a module's family id and groups change): open its capture again. */
int pf_ra_rejoin(struct pf_relay_agent *ra);
/* SIGHUP: resolve the peers again now. */
void pf_ra_resolve(struct pf_relay_agent *ra);

const struct pf_relay_counters *pf_ra_counters(struct pf_relay_agent *ra);

/*
 * Token bucket of the receiving side: rate per second, burst at once.
 * true when one more may pass at now_ns (CLOCK_MONOTONIC). Pure.
 */
struct pf_bucket {
	uint32_t rate, burst;
	uint64_t tokens_milli;		/* thousandths of a token */
	uint64_t last_ns;
};
void pf_bucket_init(struct pf_bucket *b, uint32_t rate, uint32_t burst, uint64_t now_ns);
bool pf_bucket_take(struct pf_bucket *b, uint64_t now_ns);

#endif /* PMTUFIX_RELAY_AGENT_H */
