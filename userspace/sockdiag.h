/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Does this host have the flow an ICMP error quotes? The nft backend's
 * relay asks before it passes an error on to its peers: the question the
 * module answers in kmod/flow.c, asked here of the kernel's socket tables
 * through sock_diag, one exact lookup per protocol (no dump).
 *
 * Counts, as the module does (kmod/relay.c relays the rest):
 *   TCP  a socket with exactly the quoted 4-tuple in any state but LISTEN
 *        and TIME_WAIT (the kernel ignores errors for both: tcp_v4_err());
 *        a half-open connection (SYN_RECV) counts
 *   UDP  a socket connected to exactly the quoted peer; a socket that is
 *        only bound to the port receives from anyone and proves nothing
 * An IPv6 socket with IPv4-mapped addresses (dual stack) counts for an IPv4
 * flow: the kernel's IPv4 lookups find it, and so does this one.
 *
 * Not seen: sockets bound to a device (SO_BINDTODEVICE, a VRF), since the
 * lookup runs with no interface; UDP tunnel sockets (VXLAN, Geneve), which
 * sock_diag does not tell apart. Their errors are relayed; the peers judge
 * them as strictly as their own.
 */
#ifndef PMTUFIX_SOCKDIAG_H
#define PMTUFIX_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

/* The flow an error quotes, from the side of the host it was sent to. */
struct pf_quoted_flow {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t proto;		/* the quoted packet's protocol (after extension headers) */
	uint8_t local[16];	/* the quoted source: this host; IPv4 in the first 4 bytes */
	uint8_t remote[16];	/* the quoted destination */
	uint16_t lport, rport;	/* network byte order; 0 unless TCP or UDP */
};

/*
 * pkt: an ICMPv4 frag-needed (outer IPv4 header, ICMP, quoted IPv4 header
 * and at least 8 bytes after it) or an ICMPv6 Packet Too Big (outer IPv6
 * header without extension headers, ICMPv6, quoted IPv6 header, its
 * extension headers, 8 bytes), exactly as long as its outer header says,
 * with good checksums, addressed to the quoted source, not quoting a
 * non-first fragment (nor IPv4-mapped IPv6 addresses). Pure.
 * 0, or -EINVAL for anything else.
 */
int pf_quoted_flow_parse(const uint8_t *pkt, size_t len, struct pf_quoted_flow *f);

/*
 * Is there a local socket for f (rules above)? 1 yes, 0 no (also for a
 * protocol other than TCP and UDP), -errno when the kernel cannot be asked.
 * Looks in the calling thread's network namespace.
 */
int pf_flow_has_socket(const struct pf_quoted_flow *f);

/* Both: 1, 0, -EINVAL not such a packet, -errno cannot ask. */
int pf_quoted_flow_has_socket(const uint8_t *pkt, size_t len);

#endif /* PMTUFIX_SOCKDIAG_H */
