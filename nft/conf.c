// SPDX-License-Identifier: GPL-2.0
/* The pure parts of the nft backend: settings as text, prefixes as ranges. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "pfnft.h"

const char *const pfnft_counter_names[PFNFT_C_MAX] = {
	[PFNFT_C_RESCUED]	= "rescued",
	[PFNFT_C_NOT_NEEDED]	= "not_needed",
	[PFNFT_C_NO_FLOW]	= "no_flow",
	[PFNFT_C_BELOW_FLOOR]	= "below_floor",
	[PFNFT_C_NO_SOURCE_ROUTE] = "no_source_route",
};

const uint32_t pfnft_counter_reason[PFNFT_C_MAX] = {
	[PFNFT_C_RESCUED]	= PMTUFIX_REASON_RESCUED,
	[PFNFT_C_NOT_NEEDED]	= PMTUFIX_REASON_NOT_NEEDED,
	[PFNFT_C_NO_FLOW]	= PMTUFIX_REASON_NO_FLOW,
	[PFNFT_C_BELOW_FLOOR]	= PMTUFIX_REASON_BELOW_FLOOR,
	[PFNFT_C_NO_SOURCE_ROUTE] = PMTUFIX_REASON_NO_SOURCE_ROUTE,
};

static const char *const log_names[] = { "none", "rescue", "all" };

void pfnft_conf_default(struct pfnft_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->rescue = false;
	c->log = PMTUFIX_LOG_NONE;
	c->floor = 0;
	c->mark = PFNFT_MARK;
	c->mask = PFNFT_MARK;
	c->table = PFNFT_TABLE_ID;
	c->pref = PFNFT_PREF;
}

/* The comment of chain "config": the words of `pmtufix set`. */
int pfnft_conf_format(const struct pfnft_conf *c, char *buf, size_t len)
{
	char floor[16];
	int n;

	if (c->floor)
		snprintf(floor, sizeof(floor), "%u", c->floor);
	else
		snprintf(floor, sizeof(floor), "auto");
	n = snprintf(buf, len, "rescue %s log %s floor %s mark 0x%x/0x%x table %u pref %u",
		     c->rescue ? "on" : "off", c->log <= PMTUFIX_LOG_MAX ? log_names[c->log] : "none",
		     floor, c->mark, c->mask, c->table, c->pref);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

static int parse_num(const char *s, uint32_t *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 0);
	if (errno || end == s || *end || x > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

/* Reads what pfnft_conf_format() wrote; unknown words are skipped in pairs. */
int pfnft_conf_parse(const char *s, struct pfnft_conf *c)
{
	char copy[256], *save = NULL, *key, *val;
	unsigned int uplinks = c->n_uplinks;
	char names[PFNFT_MAX_UPLINKS][IF_NAMESIZE];

	memcpy(names, c->uplinks, sizeof(names));
	pfnft_conf_default(c);
	c->n_uplinks = uplinks;
	memcpy(c->uplinks, names, sizeof(names));
	if (strlen(s) >= sizeof(copy))
		return -EINVAL;
	strcpy(copy, s);
	for (key = strtok_r(copy, " ", &save); key; key = strtok_r(NULL, " ", &save)) {
		val = strtok_r(NULL, " ", &save);
		if (!val)
			return -EINVAL;
		if (!strcmp(key, "rescue")) {
			c->rescue = !strcmp(val, "on");
		} else if (!strcmp(key, "log")) {
			for (unsigned int i = 0; i < 3; i++)
				if (!strcmp(val, log_names[i]))
					c->log = (uint8_t)i;
		} else if (!strcmp(key, "floor")) {
			if (strcmp(val, "auto") && parse_num(val, &c->floor))
				return -EINVAL;
		} else if (!strcmp(key, "mark")) {
			char *slash = strchr(val, '/');

			if (!slash)
				return -EINVAL;
			*slash = '\0';
			if (parse_num(val, &c->mark) || parse_num(slash + 1, &c->mask))
				return -EINVAL;
		} else if (!strcmp(key, "table")) {
			if (parse_num(val, &c->table))
				return -EINVAL;
		} else if (!strcmp(key, "pref")) {
			if (parse_num(val, &c->pref))
				return -EINVAL;
		}
	}
	return 0;
}

static size_t alen(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

int pfnft_mss_cmp(const struct pfnft_mss *a, const struct pfnft_mss *b)
{
	int r;

	if (a->prefix.family != b->prefix.family)
		return a->prefix.family == AF_INET ? -1 : 1;
	r = memcmp(a->prefix.addr, b->prefix.addr, alen(a->prefix.family));
	if (r)
		return r;
	if (a->prefix.len != b->prefix.len)
		return (int)a->prefix.len - (int)b->prefix.len;
	if (a->mss != b->mss)
		return a->mss < b->mss ? -1 : 1;
	return (int)a->dir - (int)b->dir;
}

static int mss_qsort_cmp(const void *a, const void *b)
{
	return pfnft_mss_cmp(a, b);
}

void pfnft_mss_sort(struct pfnft_mss *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), mss_qsort_cmp);
}

bool pfnft_prefix_range(const struct pfnft_prefix *p, uint8_t start[16], uint8_t end[16])
{
	size_t n = alen(p->family), i;
	unsigned int carry = 1;

	memset(start, 0, 16);
	memset(end, 0, 16);
	for (i = 0; i < n; i++) {
		unsigned int bit = (unsigned int)i * 8;
		uint8_t mask;

		if (bit >= p->len)
			mask = 0;
		else if (bit + 8 <= p->len)
			mask = 0xff;
		else
			mask = (uint8_t)(0xff << (8 - (p->len - bit)));
		start[i] = p->addr[i] & mask;
		end[i] = start[i] | (uint8_t)~mask;	/* last address */
	}
	/* end = last + 1 */
	for (i = n; i-- > 0 && carry;) {
		unsigned int v = end[i] + carry;

		end[i] = (uint8_t)v;
		carry = v >> 8;
	}
	return !carry;
}

int pfnft_range_prefix(uint8_t family, const uint8_t *start, const uint8_t *end,
		       struct pfnft_prefix *p)
{
	uint8_t s[16], e[16];
	size_t n = alen(family);
	unsigned int len;

	memset(p, 0, sizeof(*p));
	p->family = family;
	memcpy(p->addr, start, n);
	for (len = 0; len <= n * 8; len++) {
		p->len = (uint8_t)len;
		if (!pfnft_prefix_range(p, s, e)) {
			if (!end && !memcmp(s, start, n))
				return 0;
			continue;
		}
		if (end && !memcmp(s, start, n) && !memcmp(e, end, n))
			return 0;
	}
	return -1;
}

/* Sorted by address: a prefix overlaps a later one iff it reaches the next start. */
size_t pfnft_mss_overlap(const struct pfnft_mss *v, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		uint8_t s1[16], e1[16], s2[16], e2[16];
		size_t l = alen(v[i].prefix.family);

		if (v[i].prefix.family != v[i + 1].prefix.family)
			continue;
		if (!pfnft_prefix_range(&v[i].prefix, s1, e1))
			return i;	/* reaches the end of the space */
		pfnft_prefix_range(&v[i + 1].prefix, s2, e2);
		if (memcmp(e1, s2, l) > 0)
			return i;
	}
	return n;
}
