/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure parsing and naming: numbers, keywords, prefixes, and the arguments
 * of `set` and `mss add`, which are also the lines of a configuration file.
 * Nothing here talks to the kernel or prints, so host tests cover it all.
 */
#ifndef PMTUFIX_PARSE_H
#define PMTUFIX_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmtufix.h"
#include "model.h"

/* Ranges the kernel enforces; checked here first. */
/* A number macro's value as a string, for messages built at compile time. */
#define PF_STR_(x)	#x
#define PF_STR(x)	PF_STR_(x)

#define PF_FLOOR_MIN	PMTUFIX_MTU_FLOOR_MIN
#define PF_FLOOR_MAX	PMTUFIX_MTU_FLOOR_MAX
#define PF_MSS_MIN	PMTUFIX_MSS_MIN
#define PF_MSS_MAX	PMTUFIX_MSS_MAX

/* Room for one error message written by a parser. */
#define PF_ERRLEN	192

/* Longest text form of a prefix: an IPv6 address, '/', three digits. */
#define PF_PREFIX_STRLEN	(46 + 4)

/* NULL-terminated keyword tables, indexed by the UAPI enum value. */
extern const char *const pf_log_names[];
extern const char *const pf_dir_names[];
extern const char *const pf_reason_names[];
/* What MSS rules did to SYNs: `mss stats` keys and metric labels. */
extern const char *const pf_mss_stat_names[];
/* What became of errors handed to the relay: `stats` keys and metric labels. */
extern const char *const pf_relay_out_names[];

bool pf_matches(const char *arg, const char *keyword);
int pf_keyword(const char *arg, const char *const *table);

/*
 * Name of a reason for text and JSON values ("not-needed"), and as a JSON
 * key ("not_needed"). Reasons this build does not know are "reason-N".
 */
const char *pf_reason_name(uint32_t reason, char *buf, size_t len);
const char *pf_reason_key(uint32_t reason, char *buf, size_t len);

/* Decimal only, no sign, no spaces. 0, -EINVAL (not a number) or -ERANGE. */
int pf_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

int pf_parse_prefix(const char *s, struct pf_prefix *p, char *err, size_t errlen);
void pf_format_prefix(const struct pf_prefix *p, char *buf, size_t len);

int pf_parse_set(int argc, char *const *argv, struct pf_config *req,
		 char *err, size_t errlen);

int pf_parse_mss_add(int argc, char *const *argv, struct pf_mss_rule *r,
		     char *err, size_t errlen);
int pf_parse_mss_del(int argc, char *const *argv, struct pf_prefix *p,
		     char *err, size_t errlen);

/*
 * Split a line into words in place. '#' at the start of a word starts a
 * comment. Returns the number of words, or -1 if there are more than max.
 */
int pf_split(char *line, char **argv, int max);

#endif /* PMTUFIX_PARSE_H */
