// SPDX-License-Identifier: GPL-2.0
/* Numbers, keywords, prefixes and the grammar of `set` and `mss add`. */

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "parse.h"

const char *const pf_log_names[] = {
	[PMTUFIX_LOG_NONE]	= "none",
	[PMTUFIX_LOG_RESCUE]	= "rescue",
	[PMTUFIX_LOG_ALL]	= "all",
	[__PMTUFIX_LOG_MAX]	= NULL,
};

const char *const pf_dir_names[] = {
	[PMTUFIX_MSS_DIR_BOTH]	= "both",
	[PMTUFIX_MSS_DIR_TO]	= "to",
	[PMTUFIX_MSS_DIR_FROM]	= "from",
	[__PMTUFIX_MSS_DIR_MAX]	= NULL,
};

const char *const pf_reason_names[] = {
	[PMTUFIX_REASON_RESCUED]	= "rescued",
	[PMTUFIX_REASON_NOT_NEEDED]	= "not-needed",
	[PMTUFIX_REASON_MALFORMED]	= "malformed",
	[PMTUFIX_REASON_NOT_LOCAL]	= "not-local",
	[PMTUFIX_REASON_NO_FLOW]	= "no-flow",
	[PMTUFIX_REASON_SEQ_WINDOW]	= "seq-window",
	[PMTUFIX_REASON_WRONG_IFACE]	= "wrong-iface",
	[PMTUFIX_REASON_BELOW_FLOOR]	= "below-floor",
	[PMTUFIX_REASON_DISABLED]	= "disabled",
	[PMTUFIX_REASON_NO_SOURCE_ROUTE] = "no-source-route",
	[__PMTUFIX_REASON_MAX]		= NULL,
};

const char *const pf_mss_stat_names[] = {
	[PMTUFIX_MSS_STAT_CLAMPED]	= "clamped",
	[PMTUFIX_MSS_STAT_INSERTED]	= "inserted",
	[PMTUFIX_MSS_STAT_KEPT]		= "kept",
	[PMTUFIX_MSS_STAT_MALFORMED]	= "malformed",
	[PMTUFIX_MSS_STAT_NO_ROUTE]	= "no_route",
	[PMTUFIX_MSS_STAT_FAILED]	= "failed",
	[__PMTUFIX_MSS_STAT_MAX]	= NULL,
};

const char *const pf_relay_out_names[] = {
	[PMTUFIX_RELAY_OUT_SENT]		= "sent",
	[PMTUFIX_RELAY_OUT_RATE_LIMITED]	= "rate_limited",
	[PMTUFIX_RELAY_OUT_UNDELIVERED]		= "undelivered",
	[__PMTUFIX_RELAY_OUT_MAX]		= NULL,
};

/* Keywords match exactly: no abbreviations, no case folding. */
bool pf_matches(const char *arg, const char *keyword)
{
	return arg && strcmp(arg, keyword) == 0;
}

int pf_keyword(const char *arg, const char *const *table)
{
	for (int i = 0; table[i]; i++)
		if (pf_matches(arg, table[i]))
			return i;
	return -1;
}

const char *pf_reason_name(uint32_t reason, char *buf, size_t len)
{
	if (reason <= PMTUFIX_REASON_MAX)
		return pf_reason_names[reason];
	snprintf(buf, len, "reason-%u", reason);
	return buf;
}

const char *pf_reason_key(uint32_t reason, char *buf, size_t len)
{
	const char *name = pf_reason_name(reason, buf, len);
	size_t i;

	if (name != buf)
		snprintf(buf, len, "%s", name);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '-')
			buf[i] = '_';
	return buf;
}

int pf_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

void pf_format_prefix(const struct pf_prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	snprintf(buf, len, "%s/%u", addr, p->len);
}

int pf_parse_prefix(const char *s, struct pf_prefix *p, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	struct pf_prefix net;
	uint8_t end[16];
	uint32_t len, max;
	size_t bytes;

	memset(p, 0, sizeof(*p));
	if (alen == 0 || alen >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, p->addr) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, p->addr) == 1)
		p->family = AF_INET6;
	else
		goto bad_addr;

	max = p->family == AF_INET ? 32 : 128;
	if (!slash) {
		len = max;
	} else if (pf_parse_u32(slash + 1, 0, max, &len)) {
		snprintf(err, errlen, "'%s': the prefix length must be 0..%u for %s",
			 s, max, p->family == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	p->len = (uint8_t)len;

	/* Host bits must be zero: say which network was probably meant. */
	net = *p;
	bytes = pf_prefix_addrlen(p);
	pf_prefix_range(p, net.addr, end);
	if (memcmp(net.addr, p->addr, bytes)) {
		char want[PF_PREFIX_STRLEN];

		pf_format_prefix(&net, want, sizeof(want));
		snprintf(err, errlen, "'%s' has host bits set (did you mean %s?)", s, want);
		return -1;
	}
	return 0;

bad_addr:
	snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 prefix", s);
	return -1;
}

static int parse_word32(const char *p, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!*p || *p == '-' || *p == '+' || *p == ' ')
		return -1;
	errno = 0;
	x = strtoull(p, &end, 0);
	if (errno || *end || x == 0 || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* 0x2000 or 0x2000/0xf000 (hexadecimal with 0x, else decimal); mask = mark if absent. */
static int parse_mark(const char *s, uint32_t *mark, uint32_t *mask)
{
	char buf[32], *slash;

	if (!s || strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (parse_word32(buf, mark))
		return -1;
	*mask = *mark;
	if (slash && parse_word32(slash, mask))
		return -1;
	return (*mark & ~*mask) ? -1 : 0;
}

/* auto, or IFACE[,IFACE...] */
static int parse_uplinks(const char *s, struct pf_config *req, char *err, size_t errlen)
{
	const char *p = s;

	req->n_uplinks = 0;
	if (pf_matches(s, "auto"))
		return 0;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == 0 || len >= PF_IFNAMSIZ || memchr(p, '/', len) ||
		    (len <= 2 && !strncmp(p, "..", len))) {
			snprintf(err, errlen, "uplinks: '%.*s' is not an interface name",
				 (int)(len > 40 ? 40 : len), p);
			return -1;
		}
		if (req->n_uplinks == PF_MAX_UPLINKS) {
			snprintf(err, errlen, "uplinks: at most %d", PF_MAX_UPLINKS);
			return -1;
		}
		for (unsigned int i = 0; i < req->n_uplinks; i++) {
			if (strlen(req->uplinks[i]) == len && !strncmp(req->uplinks[i], p, len)) {
				snprintf(err, errlen, "uplinks: %s given twice", req->uplinks[i]);
				return -1;
			}
		}
		memcpy(req->uplinks[req->n_uplinks], p, len);
		req->uplinks[req->n_uplinks][len] = '\0';
		req->n_uplinks++;
		p = comma ? comma + 1 : NULL;
		if (comma && !*p) {
			snprintf(err, errlen, "uplinks: a name is missing after ','");
			return -1;
		}
	}
	if (!req->n_uplinks) {
		snprintf(err, errlen, "uplinks must be auto or IFACE[,IFACE...]");
		return -1;
	}
	return 0;
}


/* Value parsers of `set`: 0, -1 for a bad value, -2 when err says why. */
static int set_rescue(const char *val, struct pf_config *req, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	if (pf_matches(val, "on"))
		req->rescue = true;
	else if (pf_matches(val, "off"))
		req->rescue = false;
	else
		return -1;
	return 0;
}

static int set_log(const char *val, struct pf_config *req, char *err, size_t errlen)
{
	int lvl = pf_keyword(val, pf_log_names);

	(void)err, (void)errlen;
	if (lvl < 0)
		return -1;
	req->log = (uint8_t)lvl;
	return 0;
}

static int set_floor(const char *val, struct pf_config *req, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	if (pf_matches(val, "auto")) {
		req->floor = 0;
		return 0;
	}
	return pf_parse_u32(val, PF_FLOOR_MIN, PF_FLOOR_MAX, &req->floor) ? -1 : 0;
}

static int set_mark(const char *val, struct pf_config *req, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return parse_mark(val, &req->mark, &req->mask) ? -1 : 0;
}

static int set_table(const char *val, struct pf_config *req, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	if (pf_parse_u32(val, 1, UINT32_MAX, &req->table) ||
	    (req->table >= 253 && req->table <= 255))
		return -1;
	return 0;
}

static int set_pref(const char *val, struct pf_config *req, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return pf_parse_u32(val, 1, 32763, &req->pref) ? -1 : 0;
}

static int set_uplinks(const char *val, struct pf_config *req, char *err, size_t errlen)
{
	if (!val)
		return -1;
	return parse_uplinks(val, req, err, errlen) ? -2 : 0;
}

#define SET_FIELD(name) #name, offsetof(struct pf_config, has_##name), set_##name

static const struct {
	const char *name;
	size_t has;
	int (*parse)(const char *val, struct pf_config *req, char *err, size_t errlen);
	const char *bad;	/* what a value must be */
} set_settings[] = {
	{ SET_FIELD(rescue), "rescue must be on or off" },
	{ SET_FIELD(log), "log must be none, rescue or all" },
	{ SET_FIELD(floor), "floor must be auto or an MTU " PF_STR(PF_FLOOR_MIN) ".."
			    PF_STR(PF_FLOOR_MAX) },
	{ SET_FIELD(mark), "mark must be MARK[/MASK], non-zero, the mark inside the mask "
			   "(e.g. 0x2000/0x2000)" },
	{ SET_FIELD(table), "table must be a route table 1..4294967295 other than 253, 254 "
			    "and 255" },
	{ SET_FIELD(pref), "pref must be 1..32763 (before 'lookup main')" },
	{ SET_FIELD(uplinks), "uplinks must be auto or IFACE[,IFACE...]" },
};

/* One KEY VALUE pair of `set`; i indexes set_settings. */
static int parse_setting(size_t i, const char *key, const char *val, struct pf_config *req,
			 char *err, size_t errlen)
{
	bool *seen = (bool *)((char *)req + set_settings[i].has);
	int r;

	if (*seen) {
		snprintf(err, errlen, "'%s' given twice", key);
		return -1;
	}
	*seen = true;
	r = set_settings[i].parse(val, req, err, errlen);
	if (r == -1) {
		if (val)
			snprintf(err, errlen, "%s, not '%s'", set_settings[i].bad, val);
		else
			snprintf(err, errlen, "%s", set_settings[i].bad);
	}
	return r ? -1 : 0;
}

int pf_parse_set(int argc, char *const *argv, struct pf_config *req,
		 char *err, size_t errlen)
{
	memset(req, 0, sizeof(*req));
	if (argc == 0) {
		snprintf(err, errlen, "nothing to set (expected rescue, log or floor)");
		return -1;
	}
	for (int i = 0; i < argc; i += 2) {
		const char *key = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		size_t k;

		for (k = 0; k < sizeof(set_settings) / sizeof(set_settings[0]); k++)
			if (pf_matches(key, set_settings[k].name))
				break;
		if (k == sizeof(set_settings) / sizeof(set_settings[0])) {
			snprintf(err, errlen, "unknown setting '%s' (expected rescue, log or floor)", key);
			return -1;
		}
		if (parse_setting(k, key, val, req, err, errlen))
			return -1;
	}
	return 0;
}

int pf_parse_mss_add(int argc, char *const *argv, struct pf_mss_rule *r,
		     char *err, size_t errlen)
{
	uint32_t mss;
	bool has_dir = false;

	memset(r, 0, sizeof(*r));
	r->dir = PMTUFIX_MSS_DIR_BOTH;
	if (argc < 2) {
		snprintf(err, errlen, "expected PREFIX and MSS");
		return -1;
	}
	if (pf_parse_prefix(argv[0], &r->prefix, err, errlen))
		return -1;
	if (pf_matches(argv[1], "auto")) {
		mss = 0;
	} else if (pf_parse_u32(argv[1], PF_MSS_MIN, PF_MSS_MAX, &mss)) {
		snprintf(err, errlen, "MSS must be auto or %u..%u, not '%s'",
			 PF_MSS_MIN, PF_MSS_MAX, argv[1]);
		return -1;
	}
	r->mss = (uint16_t)mss;

	for (int i = 2; i < argc; i += 2) {
		int dir;

		if (!pf_matches(argv[i], "dir")) {
			snprintf(err, errlen, "unexpected '%s' (expected dir)", argv[i]);
			return -1;
		}
		if (has_dir) {
			snprintf(err, errlen, "'dir' given twice");
			return -1;
		}
		has_dir = true;
		if (i + 1 >= argc) {
			snprintf(err, errlen, "dir must be to, from or both");
			return -1;
		}
		dir = pf_keyword(argv[i + 1], pf_dir_names);
		if (dir < 0) {
			snprintf(err, errlen, "dir must be to, from or both, not '%s'", argv[i + 1]);
			return -1;
		}
		r->dir = (uint8_t)dir;
	}
	return 0;
}

int pf_parse_mss_del(int argc, char *const *argv, struct pf_prefix *p,
		     char *err, size_t errlen)
{
	if (argc == 0) {
		snprintf(err, errlen, "expected PREFIX");
		return -1;
	}
	if (argc > 1) {
		snprintf(err, errlen, "unexpected '%s' after the prefix", argv[1]);
		return -1;
	}
	return pf_parse_prefix(argv[0], p, err, errlen);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int pf_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (argc == max)
			return -1;
		argv[argc++] = p;
		while (*p && !is_space(*p))
			p++;
		if (!*p)
			break;
		*p++ = '\0';
	}
	return argc;
}
