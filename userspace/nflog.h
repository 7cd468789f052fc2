/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packets an nft rule logs to an NFLOG group ("log group G"), read from
 * nfnetlink_log in this network namespace: the nft backend's relay captures
 * the errors it may pass on this way.
 *
 * A group has one reader per namespace. If another socket (ulogd, a second
 * agent) holds it, binding fails with -EPERM: nfulnl_recv_config() refuses
 * a command for a group bound by another port id before it reaches BIND
 * (-EBUSY is only for the same socket binding twice), on 6.1 as on 6.12.
 * -EPERM also means no CAP_NET_ADMIN in the namespace's user namespace;
 * -EINVAL a kernel without nfnetlink_log (nfnetlink loads the module).
 *
 * No PF_BIND: an nft log rule names its logger (NF_LOG_TYPE_ULOG) and
 * reaches nfnetlink_log without it, while PF_BIND would make NFLOG the
 * namespace's default logger for every log that names none.
 */
#ifndef PMTUFIX_NFLOG_H
#define PMTUFIX_NFLOG_H

#include <stddef.h>
#include <stdint.h>

struct pf_nflog;

/* A logged packet: family AF_INET or AF_INET6, pkt from its network header. */
typedef void pf_nflog_fn(void *arg, int family, const uint8_t *pkt, size_t len);

/*
 * Bind group in the calling thread's namespace: whole packets (copy range
 * 0xffff, as much as one attribute holds), queue threshold 1 so each comes
 * at once, nonblocking. 0 or -errno (-EPERM above).
 */
int pf_nflog_open(struct pf_nflog **h, uint16_t group);
int pf_nflog_fd(const struct pf_nflog *h);

/*
 * Read what is queued now, at most PF_NFLOG_BATCH datagrams (a flood must
 * not hold the caller's loop), without blocking; fn for each packet. The
 * number of packets delivered, or -errno. Packets the kernel could not
 * queue (ENOBUFS) or too long for the buffer are counted in
 * pf_nflog_lost(), not returned as an error.
 */
#define PF_NFLOG_BATCH	64
int pf_nflog_read(struct pf_nflog *h, pf_nflog_fn *fn, void *arg);

/* How often packets were lost (each ENOBUFS may stand for many), and skipped malformed messages. */
unsigned long pf_nflog_lost(const struct pf_nflog *h);
unsigned long pf_nflog_malformed(const struct pf_nflog *h);

/* Unbind and close; NULL is fine. */
void pf_nflog_close(struct pf_nflog *h);

/*
 * One datagram from nfnetlink_log: fn for each whole NFULNL_MSG_PACKET
 * (every attribute length checked, payload's IP version matching its
 * family); anything else is skipped. Packets delivered; *malformed counts
 * the packet messages skipped. Pure: the host tests and fuzzers call it.
 */
int pf_nflog_parse(const uint8_t *buf, size_t len, pf_nflog_fn *fn, void *arg,
		   unsigned long *malformed);

#endif /* PMTUFIX_NFLOG_H */
