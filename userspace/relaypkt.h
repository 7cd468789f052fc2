/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay's datagram between agents: a header (magic, version) and one
 * error as it arrived, from its outer IP header on. Pure: everything in a
 * received datagram is attacker-controlled, and this is where it is judged
 * whole before it reaches the relay device.
 */
#ifndef PMTUFIX_RELAYPKT_H
#define PMTUFIX_RELAYPKT_H

#include <stddef.h>
#include <stdint.h>

#include "pmtufix.h"

#define PF_RELAY_MAGIC		"PMTR"
#define PF_RELAY_VERSION	1
#define PF_RELAY_HDRLEN		8	/* magic, version, three zero bytes */
#define PF_RELAY_DGRAM_MAX	(PF_RELAY_HDRLEN + PMTUFIX_RELAY_PACKET_MAX)

enum pf_relay_check {
	PF_RELAY_IPV4,		/* one whole IPv4 frag-needed */
	PF_RELAY_IPV6,		/* one whole IPv6 Packet Too Big */
	PF_RELAY_BAD,		/* anything else */
};

/* Header and pkt into out (PF_RELAY_DGRAM_MAX); the length, or 0 if too long. */
size_t pf_relay_dgram_build(uint8_t *out, const uint8_t *pkt, size_t len);

/*
 * Judge a received datagram; on PF_RELAY_IPV4/IPV6 *pkt and *len are the
 * error inside it, to be written to the relay device as it is.
 */
enum pf_relay_check pf_relay_dgram_check(const uint8_t *buf, size_t n,
					 const uint8_t **pkt, size_t *len);

/* An IPv4 header whose length fits in len (the error's parsers share it); its length, or 0. */
size_t pf_ip4_hdr(const uint8_t *p, size_t len);

#endif /* PMTUFIX_RELAYPKT_H */
