/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The end of a netlink request, read once for every client (the CLI's
 * genetlink, the nft backend's nfnetlink batches and rtnetlink): the error
 * of an NLMSG_ERROR or an NLMSG_DONE and what its extended ACK says.
 */
#ifndef PMTUFIX_NLACK_H
#define PMTUFIX_NLACK_H

#include <stdint.h>
#include <linux/netlink.h>

struct pf_nlack {
	int error;		/* 0, or -errno */
	char msg[256];		/* NLMSGERR_ATTR_MSG, or "" */
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE, or 0 */
};

/*
 * Read nlh, an NLMSG_ERROR or NLMSG_DONE. An error that is no errno
 * (outside 1..4095 either way) becomes -EPROTO; a NLMSG_DONE too short for
 * its error ends a dump without one. Returns 0, or -EBADMSG when an
 * NLMSG_ERROR is too short for struct nlmsgerr (ack->error says so too).
 */
int pf_nlack_read(const struct nlmsghdr *nlh, struct pf_nlack *ack);

#endif /* PMTUFIX_NLACK_H */
