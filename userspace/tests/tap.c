// SPDX-License-Identifier: GPL-2.0
/* TAP output for the host unit tests. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static int count, failed, skipped;

static void report(bool pass, const char *file, int line, const char *fmt, va_list ap)
{
	count++;
	if (!pass)
		failed++;
	printf("%sok %d - ", pass ? "" : "not ", count);
	vprintf(fmt, ap);
	putchar('\n');
	if (!pass)
		printf("#   at %s:%d\n", file, line);
}

bool tap_ok(bool pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

/* Multi-line values: every line of the diagnostic keeps its '#'. */
static void diag_value(const char *label, const char *s)
{
	printf("#   %s", label);
	if (!s) {
		printf("(null)\n");
		return;
	}
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\n')
			printf("\\n'\n#   %*s'", (int)strlen(label), "");
		else
			putchar(*s);
	}
	printf("'\n");
}

bool tap_is_str(const char *got, const char *want, const char *file, int line,
		const char *fmt, ...)
{
	bool pass = got && want ? strcmp(got, want) == 0 : got == want;
	va_list ap;

	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		diag_value("got:  ", got);
		diag_value("want: ", want);
	}
	return pass;
}

bool tap_is_int(long long got, long long want, const char *file, int line,
		const char *fmt, ...)
{
	bool pass = got == want;
	va_list ap;

	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	return pass;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void tap_skip(const char *name, const char *why)
{
	count++;
	skipped++;
	printf("ok %d - %s # SKIP %s\n", count, name, why);
}

int tap_done(void)
{
	if (skipped)
		printf("# %d skipped\n", skipped);
	printf("1..%d\n", count);
	printf("%d passed, %d failed\n", count - failed, failed);
	return failed ? 1 : 0;
}
