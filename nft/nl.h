/* SPDX-License-Identifier: GPL-2.0 */
/* The nft backend's handle and its netlink plumbing; not part of its API. */
#ifndef PMTUFIX_NFT_NL_H
#define PMTUFIX_NFT_NL_H

#include <libmnl/libmnl.h>

#include "pfnft.h"

struct pfnft {
	struct mnl_socket *nf;		/* NETLINK_NETFILTER */
	struct mnl_socket *rt;		/* NETLINK_ROUTE */
	uint32_t seq;
	char *buf;			/* receive buffer, PFNFT_BUFSIZE */
	char err[256];
};

#define PFNFT_BUFSIZE	(1 << 20)

/* Record a message for pfnft_errmsg(); returns err (a -errno). */
int pfnft_fail(struct pfnft *h, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Send one request, feed every reply to cb until ACK or DONE; 0 or -errno. */
int pfnft_talk(struct pfnft *h, struct mnl_socket *s, struct nlmsghdr *nlh,
	       mnl_cb_t cb, void *data);

#endif /* PMTUFIX_NFT_NL_H */
