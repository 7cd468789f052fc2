/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration file that `save` writes and `apply` reads: lines of
 * `set ...`, `mss add ...` and `relay { set ... | off }` in the command-line
 * grammar, '#' comments and
 * blank lines. Pure: no kernel, so host tests cover the whole grammar.
 */
#ifndef PMTUFIX_CONFFILE_H
#define PMTUFIX_CONFFILE_H

#include <stdio.h>

#include "parse.h"
#include "relayparse.h"

/* What a file asks for. */
struct pf_desired {
	struct pf_config cfg;
	unsigned int rescue_line, log_line, floor_line;
	unsigned int mark_line, table_line, pref_line, uplinks_line;
	/* A `relay set` or `relay off` line (n_prefixes 0); none: left alone. */
	bool has_relay;
	unsigned int relay_line;
	struct pf_relay relay;
	struct pf_mss_rule *rules;
	unsigned int *lines;	/* line of each rule */
	size_t n, cap;
};

/*
 * Parse and check all of in. Each problem goes to errf as
 * "pmtufix: NAME:LINE: problem". Returns the number of problems, or -errno
 * if the file cannot be read. On return d holds what was valid.
 */
int pf_conf_parse(FILE *in, const char *name, struct pf_desired *d, FILE *errf);
void pf_desired_free(struct pf_desired *d);

/* One rule in the grammar of `mss add`, without the words "mss add". */
void pf_mss_rule_format(const struct pf_mss_rule *r, char *buf, size_t len);

/* Write cfg and rules so that pf_conf_parse() reads them back. */
void pf_conf_write(FILE *out, const struct pf_config *cfg,
		   const struct pf_mss_rule *rules, size_t n);

/* "relay set ..." or "relay off", a line. */
void pf_conf_write_relay(FILE *out, const struct pf_relay *r);

#endif /* PMTUFIX_CONFFILE_H */
