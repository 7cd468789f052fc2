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

void pfnft_conf_default(struct pf_config *c)
{
	memset(c, 0, sizeof(*c));
	/* The nft backend has every setting but the module's version. */
	c->has_rescue = c->has_log = c->has_floor = true;
	c->has_mark = c->has_table = c->has_pref = c->has_uplinks = true;
	c->rescue = false;
	c->log = PMTUFIX_LOG_NONE;
	c->floor = 0;
	c->mark = PFNFT_MARK;
	c->mask = PFNFT_MARK;
	c->table = PFNFT_TABLE_ID;
	c->pref = PFNFT_PREF;
}

/* The comment of chain "config": the words of `pmtufix set`. */
int pfnft_conf_format(const struct pf_config *c, char *buf, size_t len)
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
int pfnft_conf_parse(const char *s, struct pf_config *c)
{
	char copy[256], *save = NULL, *key, *val;
	unsigned int uplinks = c->n_uplinks;
	char names[PF_MAX_UPLINKS][IF_NAMESIZE];

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
