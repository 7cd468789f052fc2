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

/* The backend's own words about the last operation, or "". */
static const char *backend_msg(struct pf_ctx *c)
{
	return c->ops && c->be ? c->ops->errmsg(c->be) : "";
}

int pf_fail(struct pf_ctx *c, const char *what, int err)
{
	const char *msg = backend_msg(c);
	const char *source = c->ops ? c->ops->msg_source : NULL;

	err = err < 0 ? -err : err;
	if (*msg && source)
		pf_error(c, "%s: %s (%s)", source, msg, strerror(err));
	else if (*msg)
		pf_error(c, "%s: %s (%s)%s", what, msg, strerror(err),
			 err == EPERM ? ", CAP_NET_ADMIN is needed" : "");
	else if (err == EPERM)
		pf_error(c, "%s: %s (CAP_NET_ADMIN is needed)", what, strerror(err));
	else
		pf_error(c, "%s: %s", what, strerror(err));
	return PF_EXIT_FAIL;
}

void pf_warnings(struct pf_ctx *c)
{
	const char *msg = backend_msg(c);

	if (*msg)
		pf_error(c, "%s warning: %s", c->ops->msg_source ? c->ops->msg_source : c->ops->name,
			 msg);
}

bool pf_unknown_command(struct pf_ctx *c, int err)
{
	return err == -EOPNOTSUPP && !*c->ops->errmsg(c->be);
}

int pf_lacks(struct pf_ctx *c, const char *what, const char *hint)
{
	pf_error(c, "%s: not available with the %s backend%s%s", what, c->ops->name,
		 hint ? "; " : "", hint ? hint : "");
	return PF_EXIT_FAIL;
}
