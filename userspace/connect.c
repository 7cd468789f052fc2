// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel connection of a run: enter the namespace, then open the module's
 * genetlink family or, where it is absent or asked for, the nft backend.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "connect.h"
#include "nftbe.h"

/* Like `ip -n`: a name under /run/netns, or a path such as /proc/PID/ns/net. */
static int enter_netns(struct pf_ctx *c)
{
	char path[4096];
	int fd;

	if (strchr(c->netns, '/'))
		snprintf(path, sizeof(path), "%s", c->netns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", c->netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pf_error(c, "cannot open network namespace '%s': %s", c->netns, strerror(errno));
		return PF_EXIT_FAIL;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		pf_error(c, "cannot enter network namespace '%s': %s%s", c->netns,
			 strerror(errno), errno == EPERM ? " (CAP_SYS_ADMIN is needed)" : "");
		close(fd);
		return PF_EXIT_FAIL;
	}
	close(fd);
	return PF_EXIT_OK;
}

int pf_connect(struct pf_ctx *c)
{
	int err;

	if (c->connected)
		return PF_EXIT_OK;
	if (c->netns && enter_netns(c))
		return PF_EXIT_FAIL;
	if (c->backend == PF_BACKEND_NFT)
		return pf_nft_open(c);
	err = pf_nl_open(&c->nl);
	if (err) {
		pf_error(c, "cannot open a generic netlink socket: %s", strerror(-err));
		return PF_EXIT_FAIL;
	}
	c->connected = true;
	err = pf_nl_resolve(&c->nl);
	if (err == -ENOENT && c->backend == PF_BACKEND_AUTO) {
		pf_nl_close(&c->nl);
		c->connected = false;
		c->backend = PF_BACKEND_NFT;
		return pf_nft_open(c);
	}
	if (err == -ENOENT) {
		pf_error(c, "the pmtufix kernel module is not loaded (try: modprobe pmtufix, "
			 "or --backend nft)");
		return PF_EXIT_FAIL;
	}
	if (err)
		return pf_fail(c, "cannot look up the pmtufix netlink family", err);
	c->backend = PF_BACKEND_MODULE;
	return PF_EXIT_OK;
}

void pf_disconnect(struct pf_ctx *c)
{
	if (c->connected && c->backend == PF_BACKEND_NFT)
		pf_nft_close(c);
	else if (c->connected)
		pf_nl_close(&c->nl);
	c->connected = false;
}
