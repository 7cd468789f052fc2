// SPDX-License-Identifier: GPL-2.0
/* Run the whole program on a command line, capturing what it prints. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_run.h"

void cli_result_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

void cli_run(struct cli_result *r, const char *cmdline)
{
	char line[1024], *argv[64], *p;
	size_t olen = 0, elen = 0;
	int argc = 0;
	FILE *out, *err;

	cli_result_free(r);
	snprintf(line, sizeof(line), "%s", cmdline);
	argv[argc++] = "pmtufix";
	for (p = strtok(line, " "); p && argc < 63; p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	out = open_memstream(&r->out, &olen);
	err = open_memstream(&r->err, &elen);
	r->rc = pf_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
}
