// SPDX-License-Identifier: GPL-2.0
/*
 * Change notifications for the agent. Each socket only says "look again":
 * the agent compares the state with the file, so a notification that is
 * lost (ENOBUFS) or misread costs one extra look, never a wrong decision.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>

#include "pmtufix.h"
#include "watch.h"

static int join(struct mnl_socket *s, unsigned int group)
{
	int g = (int)group;

	return mnl_socket_setsockopt(s, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) ? -errno : 0;
}

static const struct {
	int bus;
	unsigned int groups[7];
} subs[PF_WATCH_MAX] = {
	[PF_WATCH_NFT]	= { NETLINK_NETFILTER, { NFNLGRP_NFTABLES } },
	[PF_WATCH_RT]	= { NETLINK_ROUTE, { RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE,
					     RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_IFADDR,
					     RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_RULE } },
	/* The controller's one group, "notify", has the controller's id. */
	[PF_WATCH_GENL]	= { NETLINK_GENERIC, { GENL_ID_CTRL } },
};

int pf_watch_open(struct pf_watch *w)
{
	int err;

	memset(w->s, 0, sizeof(w->s));
	for (int i = 0; i < PF_WATCH_MAX; i++) {
		w->s[i] = mnl_socket_open2(subs[i].bus, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (!w->s[i] || mnl_socket_bind(w->s[i], 0, MNL_SOCKET_AUTOPID))
			goto fail;
		for (int g = 0; g < 7 && subs[i].groups[g]; g++)
			if (join(w->s[i], subs[i].groups[g]))
				goto fail;
	}
	return 0;
fail:
	err = -errno;
	pf_watch_close(w);
	return err ? err : -EIO;
}

void pf_watch_close(struct pf_watch *w)
{
	for (int i = 0; i < PF_WATCH_MAX; i++) {
		if (w->s[i])
			mnl_socket_close(w->s[i]);
		w->s[i] = NULL;
	}
}

int pf_watch_fd(const struct pf_watch *w, enum pf_watch_sock which)
{
	return mnl_socket_get_fd(w->s[which]);
}

/* A generation ends every committed batch; it names the committing process. */
static unsigned int nft_msg(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	uint32_t pid = 0;

	if (nlh->nlmsg_type != (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWGEN))
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == NFTA_GEN_PROC_PID &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			pid = ntohl(mnl_attr_get_u32(a));
	/* Our own batches: the agent already knows what it did. */
	return pid == (uint32_t)getpid() ? 0 : PF_CHG_NFT;
}

static unsigned int genl_msg(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN ||
	    (g->cmd != CTRL_CMD_NEWFAMILY && g->cmd != CTRL_CMD_DELFAMILY))
		return 0;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0 &&
		    !strcmp(mnl_attr_get_str(a), PMTUFIX_GENL_NAME))
			return PF_CHG_FAMILY;
	return 0;
}

static unsigned int classify(enum pf_watch_sock which, const struct nlmsghdr *nlh)
{
	switch (which) {
	case PF_WATCH_NFT:
		return nft_msg(nlh);
	case PF_WATCH_GENL:
		return genl_msg(nlh);
	default:
		return nlh->nlmsg_type >= RTM_BASE ? PF_CHG_NET : 0;
	}
}

static const unsigned int lost[PF_WATCH_MAX] = {
	[PF_WATCH_NFT] = PF_CHG_NFT, [PF_WATCH_RT] = PF_CHG_NET, [PF_WATCH_GENL] = PF_CHG_FAMILY,
};

unsigned int pf_watch_read(struct pf_watch *w, enum pf_watch_sock which)
{
	unsigned int chg = 0;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(w->s[which], w->buf, sizeof(w->buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)w->buf;
		int len = (int)n;

		if (n < 0 && errno == ENOBUFS) {
			chg |= lost[which];
			continue;
		}
		if (n <= 0)
			return chg;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			chg |= classify(which, nlh);
	}
}
