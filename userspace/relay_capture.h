/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the errors this node relays come from, as its backend hands them
 * over: the module's relay group (relay_capture_genl.c), or the nft table's
 * NFLOG group with a socket check (relay_capture_nflog.c). The backend's
 * operations table names its capture; the agent never asks which it is.
 */
#ifndef PMTUFIX_RELAY_CAPTURE_H
#define PMTUFIX_RELAY_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct pf_capture;

/* What a capture left out, beyond what it handed on: kept by its owner, across captures. */
struct pf_capture_counters {
	uint64_t local_flow;	/* this node has a socket for the quoted flow */
	uint64_t lost;		/* the kernel dropped some before they were read */
};

typedef void pf_capture_fn(void *arg, const uint8_t *pkt, size_t len);

struct pf_capture_ops {
	/*
	 * 0 or -errno (-ENOENT: the backend has no relay to listen to); the
	 * capture adds what it leaves out to *n until it is closed.
	 */
	int (*open)(struct pf_capture **c, struct pf_capture_counters *n);
	void (*close)(struct pf_capture *c);
	/* The descriptor to wait on for reading. */
	int (*fd)(const struct pf_capture *c);
	/* Without blocking: each error to send on (outer header on) to fn. */
	void (*read)(struct pf_capture *c, pf_capture_fn *fn, void *arg);
};

extern const struct pf_capture_ops pf_capture_genl;
extern const struct pf_capture_ops pf_capture_nflog;

#endif /* PMTUFIX_RELAY_CAPTURE_H */
