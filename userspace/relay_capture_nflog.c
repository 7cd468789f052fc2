// SPDX-License-Identifier: GPL-2.0
/*
 * The nft backend's capture. The table logs to NFLOG each error for a relay
 * prefix that conntrack does not call RELATED; what conntrack does not
 * track (notrack, a full table) may still be a flow of ours, so an error
 * whose quoted flow has a socket here is not sent on. Unlike the module,
 * this cannot check the quoted TCP sequence number: a forged error for a
 * live socket is only not relayed, which is the safe side.
 */

#include <errno.h>
#include <stdlib.h>

#include "pfnft.h"
#include "nflog.h"
#include "sockdiag.h"
#include "relay_capture.h"

struct pf_capture {
	struct pf_nflog *log;
	struct pf_capture_counters *n;
	unsigned long lost;		/* of log's, already added to n */
	pf_capture_fn *fn;
	void *arg;
};

static void nflog_close(struct pf_capture *c)
{
	if (!c)
		return;
	if (c->log)
		pf_nflog_close(c->log);
	free(c);
}

static int nflog_open(struct pf_capture **out, struct pf_capture_counters *n)
{
	struct pf_capture *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->n = n;
	err = pf_nflog_open(&c->log, PFNFT_RELAY_GROUP);
	if (err) {
		nflog_close(c);
		return err;
	}
	*out = c;
	return 0;
}

static int nflog_fd(const struct pf_capture *c)
{
	return pf_nflog_fd(c->log);
}

static void on_packet(void *arg, int family, const uint8_t *pkt, size_t len)
{
	struct pf_capture *c = arg;
	int has = pf_quoted_flow_has_socket(pkt, len);

	(void)family;	/* the packet's own header says it */
	if (has > 0)
		c->n->local_flow++;
	else if (has != -EINVAL)	/* not one whole error: nothing to send */
		c->fn(c->arg, pkt, len);	/* no socket, or sock_diag cannot say */
}

static void nflog_read(struct pf_capture *c, pf_capture_fn *fn, void *arg)
{
	c->fn = fn;
	c->arg = arg;
	pf_nflog_read(c->log, on_packet, c);
	c->n->lost += pf_nflog_lost(c->log) - c->lost;
	c->lost = pf_nflog_lost(c->log);
}

const struct pf_capture_ops pf_capture_nflog = {
	.open		= nflog_open,
	.close		= nflog_close,
	.fd		= nflog_fd,
	.read		= nflog_read,
};
