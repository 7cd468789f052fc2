// SPDX-License-Identifier: GPL-2.0
/*
 * The module backend's capture: the module judged the flow already and
 * hands each error it has none for to the relay group of its family.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include <libmnl/libmnl.h>

#include "genl.h"
#include "modmsg.h"
#include "relay_capture.h"

struct pf_capture {
	struct pf_nl nl;
	struct pf_capture_counters *n;
};

static void genl_close(struct pf_capture *c)
{
	if (!c)
		return;
	pf_nl_close(&c->nl);
	free(c);
}

static int genl_open(struct pf_capture **out, struct pf_capture_counters *n)
{
	struct pf_capture *c = calloc(1, sizeof(*c));
	int err, fd;

	if (!c)
		return -ENOMEM;
	c->n = n;
	err = pf_nl_open(&c->nl);
	if (err) {
		free(c);
		return err;
	}
	if (!c->nl.sock)
		err = -EOPNOTSUPP;	/* a simulated kernel has no descriptor to wait on */
	if (!err)
		err = pf_nl_resolve(&c->nl);
	if (!err)
		err = pf_nl_join_relay(&c->nl);
	if (!err) {
		fd = mnl_socket_get_fd(c->nl.sock);
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
			err = -errno;
	}
	if (err) {
		genl_close(c);
		return err;
	}
	*out = c;
	return 0;
}

static int genl_fd(const struct pf_capture *c)
{
	return mnl_socket_get_fd(c->nl.sock);
}

static void genl_read(struct pf_capture *c, pf_capture_fn *fn, void *arg)
{
	ssize_t n = pf_nl_recv(&c->nl, NULL);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)c->nl.buf;
	int left = (int)n;

	if (n == -ENOBUFS)
		c->n->lost++;
	for (; n > 0 && mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		const uint8_t *pkt;
		size_t len;

		if (pf_relay_packet_decode(nlh, &pkt, &len) == 0)
			fn(arg, pkt, len);
	}
}

const struct pf_capture_ops pf_capture_genl = {
	.open		= genl_open,
	.close		= genl_close,
	.fd		= genl_fd,
	.read		= genl_read,
};
