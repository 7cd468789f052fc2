/* SPDX-License-Identifier: GPL-2.0 */
/* Run the whole program on a command line, capturing what it prints. */
#ifndef PMTUFIX_CLI_RUN_H
#define PMTUFIX_CLI_RUN_H

struct cli_result {
	int rc;
	char *out, *err;	/* freed by the next cli_run() or cli_result_free() */
};

/* "pmtufix <words>"; words are split on single spaces. */
void cli_run(struct cli_result *r, const char *cmdline);
void cli_result_free(struct cli_result *r);

#endif /* PMTUFIX_CLI_RUN_H */
