/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every command and both backends share: the options of the run, its
 * connection to the kernel, and how a failure is told to the user.
 */
#ifndef PMTUFIX_CTX_H
#define PMTUFIX_CTX_H

#include <stdbool.h>
#include <stdio.h>

#include "genl.h"

/* Exit codes. */
#define PF_EXIT_OK	0
#define PF_EXIT_FAIL	1	/* the kernel or the system said no */
#define PF_EXIT_USAGE	2	/* the command line or a file is wrong */

enum pf_backend {
	PF_BACKEND_AUTO,	/* the module when its family exists, else nft */
	PF_BACKEND_MODULE,
	PF_BACKEND_NFT,
};

struct pfnft;

struct pf_ctx {
	bool json;
	bool pretty;
	const char *netns;
	bool connected;
	enum pf_backend backend;	/* after pf_connect(): MODULE or NFT */
	struct pf_nl nl;
	struct pfnft *nft;
	FILE *err;
};

/* "pmtufix: <message>" on the error stream. */
void pf_error(struct pf_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Report a usage error, then print usage; returns PF_EXIT_USAGE. */
int pf_usage_error(struct pf_ctx *c, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print a command's usage on the output stream; returns PF_EXIT_OK. */
int pf_help(const char *usage);

bool pf_is_help(int argc, char **argv);

/* pf_nl_talk() that also shows a kernel warning sent with a success. */
int pf_request(struct pf_ctx *c, struct nlmsghdr *nlh, pf_nl_cb cb, void *data);

/* Explain a failed request (-errno) to the user; returns PF_EXIT_FAIL. */
int pf_fail(struct pf_ctx *c, const char *what, int err);

#endif /* PMTUFIX_CTX_H */
