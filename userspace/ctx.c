// SPDX-License-Identifier: GPL-2.0
/* The messages every command shares, and the kernel's answers told to the user. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "parse.h"
#include "print.h"

void pf_error(struct pf_ctx *c, const char *fmt, ...)
{
	va_list ap;

	fflush(pf_print_file());
	fputs("pmtufix: ", c->err);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
}

int pf_usage_error(struct pf_ctx *c, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("pmtufix: ", c->err);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	fputs(usage, c->err);
	return PF_EXIT_USAGE;
}

int pf_help(const char *usage)
{
	fputs(usage, pf_print_file());
	return PF_EXIT_OK;
}

bool pf_is_help(int argc, char **argv)
{
	return argc > 0 && pf_matches(argv[0], "help");
}

int pf_request(struct pf_ctx *c, struct nlmsghdr *nlh, pf_nl_cb cb, void *data)
{
	int err = pf_nl_talk(&c->nl, nlh, cb, data);

	if (!err && c->nl.ext_msg[0])
		pf_error(c, "kernel warning: %s", c->nl.ext_msg);
	return err;
}

int pf_fail(struct pf_ctx *c, const char *what, int err)
{
	err = err < 0 ? -err : err;
	if (c->nl.ext_msg[0])
		pf_error(c, "kernel: %s (%s)", c->nl.ext_msg, strerror(err));
	else if (err == EPERM)
		pf_error(c, "%s: %s (CAP_NET_ADMIN is needed)", what, strerror(err));
	else if (c->nl.ext_miss_type)
		pf_error(c, "kernel: attribute %u is missing (%s)", c->nl.ext_miss_type,
			 strerror(err));
	else
		pf_error(c, "%s: %s", what, strerror(err));
	return PF_EXIT_FAIL;
}
