// SPDX-License-Identifier: GPL-2.0
/* The shared data model's pure functions: order, ranges, merging. */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model.h"

size_t pf_prefix_addrlen(const struct pf_prefix *p)
{
	return p->family == AF_INET ? 4 : 16;
}

int pf_prefix_cmp(const struct pf_prefix *a, const struct pf_prefix *b)
{
	int r;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	r = memcmp(a->addr, b->addr, pf_prefix_addrlen(a));
	if (r)
		return r;
	return (int)a->len - (int)b->len;
}

bool pf_prefix_range(const struct pf_prefix *p, uint8_t start[16], uint8_t end[16])
{
	size_t n = pf_prefix_addrlen(p), i;
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
		end[i] = start[i] | (uint8_t)~mask;	/* the last address */
	}
	/* end = last + 1 */
	for (i = n; i-- > 0 && carry;) {
		unsigned int v = end[i] + carry;

		end[i] = (uint8_t)v;
		carry = v >> 8;
	}
	return !carry;
}

int pf_range_prefix(uint8_t family, const uint8_t *start, const uint8_t *end,
		    struct pf_prefix *p)
{
	uint8_t s[16], e[16];
	unsigned int len;
	size_t n;

	memset(p, 0, sizeof(*p));
	p->family = family;
	n = pf_prefix_addrlen(p);
	memcpy(p->addr, start, n);
	for (len = 0; len <= n * 8; len++) {
		p->len = (uint8_t)len;
		if (!pf_prefix_range(p, s, e)) {
			if (!end && !memcmp(s, start, n))
				return 0;
			continue;
		}
		if (end && !memcmp(s, start, n) && !memcmp(e, end, n))
			return 0;
	}
	return -1;
}

int pf_mss_rule_cmp(const struct pf_mss_rule *a, const struct pf_mss_rule *b)
{
	int r = pf_prefix_cmp(&a->prefix, &b->prefix);

	if (r)
		return r;
	if (a->mss != b->mss)
		return a->mss < b->mss ? -1 : 1;
	return (int)a->dir - (int)b->dir;
}

static int prefix_qsort_cmp(const void *a, const void *b)
{
	return pf_prefix_cmp(a, b);
}

void pf_prefix_sort(struct pf_prefix *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), prefix_qsort_cmp);
}

static int rule_qsort_cmp(const void *a, const void *b)
{
	return pf_mss_rule_cmp(a, b);
}

void pf_mss_sort(struct pf_mss_rule *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), rule_qsort_cmp);
}

/* Sorted by address: a prefix overlaps a later one iff it reaches the next start. */
size_t pf_mss_overlap(const struct pf_mss_rule *v, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		uint8_t s1[16], e1[16], s2[16], e2[16];
		size_t l = pf_prefix_addrlen(&v[i].prefix);

		if (v[i].prefix.family != v[i + 1].prefix.family)
			continue;
		if (!pf_prefix_range(&v[i].prefix, s1, e1))
			return i;	/* reaches the end of the space */
		pf_prefix_range(&v[i + 1].prefix, s2, e2);
		if (memcmp(e1, s2, l) > 0)
			return i;
	}
	return n;
}

#define FIELD(flag, ...) { offsetof(struct pf_config, flag), __VA_ARGS__ }

/* Each setting: its has_ flag and the bytes it owns. */
static const struct {
	size_t flag;
	struct { size_t off, len; } part[2];
} config_fields[] = {
	FIELD(has_rescue, { { offsetof(struct pf_config, rescue), sizeof(bool) } }),
	FIELD(has_log, { { offsetof(struct pf_config, log), sizeof(uint8_t) } }),
	FIELD(has_floor, { { offsetof(struct pf_config, floor), sizeof(uint32_t) } }),
	FIELD(has_floor_eff, { { offsetof(struct pf_config, floor_eff), sizeof(uint32_t) } }),
	FIELD(has_version, { { offsetof(struct pf_config, version), sizeof(uint32_t) } }),
	FIELD(has_mark, { { offsetof(struct pf_config, mark), sizeof(uint32_t) },
			  { offsetof(struct pf_config, mask), sizeof(uint32_t) } }),
	FIELD(has_table, { { offsetof(struct pf_config, table), sizeof(uint32_t) } }),
	FIELD(has_pref, { { offsetof(struct pf_config, pref), sizeof(uint32_t) } }),
	FIELD(has_uplinks, { { offsetof(struct pf_config, n_uplinks), sizeof(unsigned int) },
			     { offsetof(struct pf_config, uplinks),
			       sizeof(((struct pf_config *)0)->uplinks) } }),
};

void pf_config_merge(struct pf_config *dst, const struct pf_config *src)
{
	for (size_t i = 0; i < sizeof(config_fields) / sizeof(config_fields[0]); i++) {
		size_t flag = config_fields[i].flag;

		if (!*((const bool *)((const char *)src + flag)))
			continue;
		*((bool *)((char *)dst + flag)) = true;
		for (int j = 0; j < 2 && config_fields[i].part[j].len; j++)
			memcpy((char *)dst + config_fields[i].part[j].off,
			       (const char *)src + config_fields[i].part[j].off,
			       config_fields[i].part[j].len);
	}
}

bool pf_config_has_nft(const struct pf_config *cfg)
{
	return cfg->has_mark || cfg->has_table || cfg->has_pref || cfg->has_uplinks;
}

int pf_stats_put(struct pf_stats *st, uint32_t reason, uint64_t value)
{
	struct pf_stat *v;
	size_t i;

	for (i = 0; i < st->n && st->v[i].reason < reason; i++)
		;
	if (i < st->n && st->v[i].reason == reason) {
		st->v[i].value = value;
		return 0;
	}
	v = realloc(st->v, (st->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memmove(&v[i + 1], &v[i], (st->n - i) * sizeof(*v));
	v[i].reason = reason;
	v[i].value = value;
	st->v = v;
	st->n++;
	return 0;
}

void pf_stats_free(struct pf_stats *st)
{
	free(st->v);
	st->v = NULL;
	st->n = 0;
}

void pf_relay_init(struct pf_relay *r)
{
	memset(r, 0, sizeof(*r));
	r->port = PF_RELAY_PORT;
	r->rate = PF_RELAY_RATE;
	r->burst = 2 * PF_RELAY_RATE;
}

bool pf_relay_module_equal(const struct pf_relay *a, const struct pf_relay *b)
{
	if (a->n_prefixes != b->n_prefixes)
		return false;
	for (unsigned int i = 0; i < a->n_prefixes; i++)
		if (pf_prefix_cmp(&a->prefixes[i], &b->prefixes[i]))
			return false;
	/* Rate and burst mean nothing while the relay is off. */
	return !a->n_prefixes || (a->rate == b->rate && a->burst == b->burst);
}
