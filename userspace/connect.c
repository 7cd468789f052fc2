// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel connection of a run: enter the namespace, then open the module's
 * genetlink family or, where it is absent or asked for, the nft backend.
 */

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "connect.h"

/* Like `ip -n`: a name under /run/netns, or a path such as /proc/PID/ns/net. */
int pf_enter_netns(struct pf_ctx *c)
{
	char path[4096];
	int fd;

	if (!c->netns)
		return PF_EXIT_OK;

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
	c->netns = NULL;	/* entered: the rest of the run stays here */
	return PF_EXIT_OK;
}

static int open_backend(struct pf_ctx *c, const struct pf_backend_ops *ops)
{
	int err = ops->open(&c->be);

	if (!err) {
		c->ops = ops;
		return 0;
	}
	if (ops == &pf_backend_nft)
		pf_error(c, "cannot open netlink sockets for nftables: %s%s", strerror(-err),
			 err == -EPERM || err == -EACCES ? " (CAP_NET_ADMIN is needed)" : "");
	else if (err == -ENOENT)
		pf_error(c, "the pmtufix kernel module is not loaded (try: modprobe pmtufix, "
			 "or --backend nft)");
	else
		pf_error(c, "cannot reach the pmtufix netlink family: %s", strerror(-err));
	return err;
}

const struct pf_backend_ops *pf_backend_override;

int pf_connect(struct pf_ctx *c)
{
	int err;

	if (c->ops)
		return PF_EXIT_OK;
	if (pf_enter_netns(c))
		return PF_EXIT_FAIL;
	if (pf_backend_override)
		return open_backend(c, pf_backend_override) ? PF_EXIT_FAIL : PF_EXIT_OK;
	if (c->choice == PF_BACKEND_NFT)
		return open_backend(c, &pf_backend_nft) ? PF_EXIT_FAIL : PF_EXIT_OK;
	if (c->choice == PF_BACKEND_MODULE)
		return open_backend(c, &pf_backend_module) ? PF_EXIT_FAIL : PF_EXIT_OK;
	/* Without the module, nft stands in: not an error, so not a message. */
	err = pf_backend_module.open(&c->be);
	if (!err) {
		c->ops = &pf_backend_module;
		return PF_EXIT_OK;
	}
	if (err != -ENOENT) {
		pf_error(c, "cannot reach the pmtufix netlink family: %s", strerror(-err));
		return PF_EXIT_FAIL;
	}
	c->fell_back = true;
	return open_backend(c, &pf_backend_nft) ? PF_EXIT_FAIL : PF_EXIT_OK;
}

void pf_disconnect(struct pf_ctx *c)
{
	if (c->ops)
		c->ops->close(c->be);
	c->ops = NULL;
	c->be = NULL;
}

uint32_t pf_device_alive(uint32_t ifindex)
{
	char name[IF_NAMESIZE];

	return ifindex && if_indextoname(ifindex, name) ? ifindex : 0;
}
