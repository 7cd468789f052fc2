// SPDX-License-Identifier: GPL-2.0
/*
 * The handle: a NETLINK_NETFILTER and a NETLINK_ROUTE socket, one receive
 * buffer, one request and its replies at a time, and the error text the
 * caller shows.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nlack.h"
#include "nl.h"

int pfnft_fail(struct pfnft *h, int err, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (h->err[0]) {
		char kernel[96];

		snprintf(kernel, sizeof(kernel), "%.95s", h->err);
		snprintf(h->err, sizeof(h->err), "%.150s: %s", what, kernel);
	} else {
		snprintf(h->err, sizeof(h->err), "%s", what);
	}
	return err;
}

const char *pfnft_errmsg(const struct pfnft *h)
{
	return h->err;
}

static struct mnl_socket *open_nl(int bus)
{
	struct mnl_socket *s = mnl_socket_open(bus);
	int one = 1, size = 4 << 20;
	int fd;

	if (!s)
		return NULL;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(s);
		return NULL;
	}
	mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	fd = mnl_socket_get_fd(s);
	/* Room for the answers to a large transaction. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return s;
}

int pfnft_open(struct pfnft **hp)
{
	struct pfnft *h = calloc(1, sizeof(*h));
	int err;

	if (!h)
		return -ENOMEM;
	h->buf = malloc(PFNFT_BUFSIZE);
	h->seq = (uint32_t)time(NULL);
	h->nf = open_nl(NETLINK_NETFILTER);
	err = h->nf ? 0 : -errno;
	if (!err) {
		h->rt = open_nl(NETLINK_ROUTE);
		err = h->rt ? 0 : -errno;
	}
	if (!err && !h->buf)
		err = -ENOMEM;
	if (err) {
		pfnft_close(h);
		return err;
	}
	*hp = h;
	return 0;
}

void pfnft_close(struct pfnft *h)
{
	if (!h)
		return;
	if (h->nf)
		mnl_socket_close(h->nf);
	if (h->rt)
		mnl_socket_close(h->rt);
	free(h->buf);
	free(h);
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pfnft *h = data;
	struct pf_nlack ack;

	if (pf_nlack_read(nlh, &ack)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (ack.error == 0)
		return MNL_CB_STOP;
	if (ack.msg[0])
		snprintf(h->err, sizeof(h->err), "%s", ack.msg);
	errno = -ack.error;
	return MNL_CB_ERROR;
}

int pfnft_talk(struct pfnft *h, struct mnl_socket *s, struct nlmsghdr *nlh,
	       mnl_cb_t cb, void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = error_cb };
	uint32_t seq = nlh->nlmsg_seq, portid = mnl_socket_get_portid(s);
	ssize_t n;
	int ret;

	h->err[0] = '\0';
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(s, h->buf, PFNFT_BUFSIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* error_cb gets h, the others data. */
		{
			char *p = h->buf;
			size_t left = (size_t)n;
			const struct nlmsghdr *m;

			ret = MNL_CB_OK;
			for (m = (const struct nlmsghdr *)p; mnl_nlmsg_ok(m, (int)left);
			     m = mnl_nlmsg_next(m, (int *)&left)) {
				if (m->nlmsg_seq != seq || m->nlmsg_pid != portid)
					continue;
				if (m->nlmsg_type == NLMSG_ERROR)
					ret = ctl[NLMSG_ERROR](m, h);
				else if (m->nlmsg_type == NLMSG_DONE)
					ret = MNL_CB_STOP;
				else if (m->nlmsg_type >= NLMSG_MIN_TYPE && cb)
					ret = cb(m, data);
				if (ret <= MNL_CB_STOP)
					break;
			}
		}
		if (ret == MNL_CB_ERROR)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}
