/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arguments of `relay set`, which are also the `relay set` line of a
 * configuration file, and that line written back. Pure: no kernel.
 */
#ifndef PMTUFIX_RELAYPARSE_H
#define PMTUFIX_RELAYPARSE_H

#include <stddef.h>
#include <stdio.h>

#include "model.h"

/*
 * prefixes P[,P...] [peers PEER[,PEER...]] [port N] [rate N] [burst N]
 * [listen ADDR]; prefixes sorted. The module keeps prefixes, rate and
 * burst; peers, port and listen are the agent's, so `save`, which reads
 * the module, cannot print them. 0, or -1 with err saying why.
 */
int pf_parse_relay_set(int argc, char *const *argv, struct pf_relay *r,
		       char *err, size_t errlen);

/* "ADDR" or "dns:NAME" */
void pf_relay_peer_format(const struct pf_relay_peer *p, char *buf, size_t len);

/* The words after "relay set" that pf_parse_relay_set() reads back. */
void pf_relay_write(FILE *out, const struct pf_relay *r);

#endif /* PMTUFIX_RELAYPARSE_H */
