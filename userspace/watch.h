/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the agent listens to, never polls: nftables ruleset changes, link,
 * address, route and rule changes (rtnetlink), and the generic netlink
 * controller announcing the pmtufix family or its removal.
 */
#ifndef PMTUFIX_WATCH_H
#define PMTUFIX_WATCH_H

#include <stdint.h>

struct mnl_socket;

/* What changed: a set of these bits. */
#define PF_CHG_NFT		0x1	/* a ruleset change by someone else */
#define PF_CHG_NET		0x2	/* link, address, route or ip rule */
#define PF_CHG_FAMILY		0x4	/* the pmtufix family came or went */

enum pf_watch_sock { PF_WATCH_NFT, PF_WATCH_RT, PF_WATCH_GENL, PF_WATCH_MAX };

struct pf_watch {
	struct mnl_socket *s[PF_WATCH_MAX];
	char buf[65536];
};

/* Open and subscribe the sockets in the caller's network namespace. 0 or -errno. */
int pf_watch_open(struct pf_watch *w);
void pf_watch_close(struct pf_watch *w);
int pf_watch_fd(const struct pf_watch *w, enum pf_watch_sock which);

/*
 * Read everything queued on one socket (non-blocking): PF_CHG_* of what it
 * said. A lost notification (the receive buffer overflowed) counts as a change.
 */
unsigned int pf_watch_read(struct pf_watch *w, enum pf_watch_sock which);

#endif /* PMTUFIX_WATCH_H */
