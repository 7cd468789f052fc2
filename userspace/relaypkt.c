// SPDX-License-Identifier: GPL-2.0
/* The relay's datagrams: built, and judged whole before anything else. */

#include <string.h>

#include "relaypkt.h"

#define IP4_HDRLEN	20
#define IP6_HDRLEN	40
#define ICMP_HDRLEN	8
#define QUOTE_L4	8	/* the ports, or the first 8 bytes of what follows */

size_t pf_relay_dgram_build(uint8_t *out, const uint8_t *pkt, size_t len)
{
	if (len > PMTUFIX_RELAY_PACKET_MAX)
		return 0;
	memcpy(out, PF_RELAY_MAGIC, 4);
	out[4] = PF_RELAY_VERSION;
	out[5] = out[6] = out[7] = 0;
	memcpy(out + PF_RELAY_HDRLEN, pkt, len);
	return PF_RELAY_HDRLEN + len;
}

static unsigned int be16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

/* The IPv4 header checksum sums to 0xffff when it is right. */
static int ip4_csum_ok(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i += 2)
		sum += be16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

size_t pf_ip4_hdr(const uint8_t *p, size_t len)
{
	size_t ihl;

	if (len < IP4_HDRLEN || p[0] >> 4 != 4)
		return 0;
	ihl = (size_t)(p[0] & 0xf) * 4;
	return ihl >= IP4_HDRLEN && ihl <= len ? ihl : 0;
}

/*
 * One whole frag-needed: the outer header exactly as long as the datagram,
 * not a fragment, ICMP type 3 code 4, and a quote of an IPv4 header and
 * at least 8 bytes after it.
 */
static int ipv4_frag_needed(const uint8_t *p, size_t len)
{
	size_t ihl = pf_ip4_hdr(p, len), qihl;
	const uint8_t *icmp, *quote;

	if (!ihl || be16(p + 2) != len || (be16(p + 6) & 0x3fff) || p[9] != 1 ||
	    !ip4_csum_ok(p, ihl))
		return 0;
	if (len - ihl < ICMP_HDRLEN + IP4_HDRLEN + QUOTE_L4)
		return 0;
	icmp = p + ihl;
	if (icmp[0] != 3 || icmp[1] != 4)
		return 0;
	quote = icmp + ICMP_HDRLEN;
	qihl = pf_ip4_hdr(quote, len - ihl - ICMP_HDRLEN);
	return qihl && len - ihl - ICMP_HDRLEN >= qihl + QUOTE_L4;
}

/*
 * One whole Packet Too Big: no extension headers (a router's error has
 * none), the payload length exactly what follows, ICMPv6 type 2 code 0,
 * and a quote of an IPv6 header and at least 8 bytes after it.
 */
static int ipv6_too_big(const uint8_t *p, size_t len)
{
	const uint8_t *icmp;

	if (len < IP6_HDRLEN + ICMP_HDRLEN + IP6_HDRLEN + QUOTE_L4 || p[0] >> 4 != 6 ||
	    be16(p + 4) != len - IP6_HDRLEN || p[6] != 58)
		return 0;
	icmp = p + IP6_HDRLEN;
	return icmp[0] == 2 && icmp[1] == 0 && icmp[ICMP_HDRLEN] >> 4 == 6;
}

enum pf_relay_check pf_relay_dgram_check(const uint8_t *buf, size_t n,
					 const uint8_t **pkt, size_t *len)
{
	const uint8_t *p = buf + PF_RELAY_HDRLEN;
	size_t l;

	if (n < PF_RELAY_HDRLEN || n > PF_RELAY_DGRAM_MAX ||
	    memcmp(buf, PF_RELAY_MAGIC, 4) || buf[4] != PF_RELAY_VERSION ||
	    buf[5] || buf[6] || buf[7])
		return PF_RELAY_BAD;
	l = n - PF_RELAY_HDRLEN;
	*pkt = p;
	*len = l;
	if (ipv4_frag_needed(p, l))
		return PF_RELAY_IPV4;
	if (ipv6_too_big(p, l))
		return PF_RELAY_IPV6;
	return PF_RELAY_BAD;
}
