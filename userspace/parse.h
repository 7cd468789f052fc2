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

/* Ranges the kernel enforces; checked here first. */
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

struct pf_prefix {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t len;
	uint8_t addr[16];	/* network order; 4 bytes used for AF_INET */
};

int pf_parse_prefix(const char *s, struct pf_prefix *p, char *err, size_t errlen);
void pf_format_prefix(const struct pf_prefix *p, char *buf, size_t len);
int pf_prefix_cmp(const struct pf_prefix *a, const struct pf_prefix *b);
size_t pf_prefix_addrlen(const struct pf_prefix *p);

/* Uplinks the nft backend can name; an interface name is < 16 bytes. */
#define PF_MAX_UPLINKS	32
#define PF_IFNAMSIZ	16

/* What `set` asks for. mark, table, pref and uplinks: nft backend only. */
struct pf_config_req {
	bool has_rescue, has_log, has_floor;
	bool has_mark, has_table, has_pref, has_uplinks;
	bool rescue;
	uint8_t log;
	uint32_t floor;		/* 0 = auto */
	uint32_t mark, mask;
	uint32_t table, pref;
	unsigned int n_uplinks;	/* 0 = auto */
	char uplinks[PF_MAX_UPLINKS][PF_IFNAMSIZ];
};

/* True when req names a setting only the nft backend has. */
bool pf_req_has_nft(const struct pf_config_req *req);

int pf_parse_set(int argc, char *const *argv, struct pf_config_req *req,
		 char *err, size_t errlen);

struct pf_mss_rule {
	struct pf_prefix prefix;
	uint16_t mss;		/* 0 = auto */
	uint8_t dir;		/* enum pmtufix_mss_dir */
};

int pf_parse_mss_add(int argc, char *const *argv, struct pf_mss_rule *r,
		     char *err, size_t errlen);
int pf_parse_mss_del(int argc, char *const *argv, struct pf_prefix *p,
		     char *err, size_t errlen);
int pf_mss_rule_cmp(const struct pf_mss_rule *a, const struct pf_mss_rule *b);
void pf_mss_sort(struct pf_mss_rule *rules, size_t n);

/*
 * Split a line into words in place. '#' at the start of a word starts a
 * comment. Returns the number of words, or -1 if there are more than max.
 */
int pf_split(char *line, char **argv, int max);

#endif /* PMTUFIX_PARSE_H */
