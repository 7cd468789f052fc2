/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every command and both backends share: the options of the run, its
 * connection to the kernel, and how a failure is told to the user.
 */
#ifndef PMTUFIX_CTX_H
#define PMTUFIX_CTX_H

#include <stdbool.h>
#include <stdio.h>

#include "backend.h"

/* Exit codes. */
#define PF_EXIT_OK	0
#define PF_EXIT_FAIL	1	/* the kernel or the system said no */
#define PF_EXIT_USAGE	2	/* the command line or a file is wrong */

/* What -b asks for. */
enum pf_backend_choice {
	PF_BACKEND_AUTO,	/* the module when its family exists, else nft */
	PF_BACKEND_MODULE,
	PF_BACKEND_NFT,
};

struct pf_ctx {
	bool json;
	bool pretty;
	const char *netns;
	enum pf_backend_choice choice;
	/* After pf_connect(): the backend, and whether AUTO found no module. */
	const struct pf_backend_ops *ops;
	struct pf_backend *be;
	bool fell_back;
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

/* Explain a failed operation (-errno) to the user; returns PF_EXIT_FAIL. */
int pf_fail(struct pf_ctx *c, const char *what, int err);

/* After a success: show what the kernel warned about, if anything. */
void pf_warnings(struct pf_ctx *c);

/* The backend has no such operation: one message; returns PF_EXIT_FAIL. */
int pf_lacks(struct pf_ctx *c, const char *what, const char *hint);

/*
 * @err says the kernel does not know the command: a module older than the
 * feature (EOPNOTSUPP without a message from the backend).
 */
bool pf_unknown_command(struct pf_ctx *c, int err);

#endif /* PMTUFIX_CTX_H */
