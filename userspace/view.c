// SPDX-License-Identifier: GPL-2.0
/* How counters and MSS rules look, whichever backend read them. */

#include <stdio.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "print.h"
#include "view.h"

void pf_stats_print(const struct pf_stats *st, const char *key, const char *indent)
{
	char name[32], jkey[32], fmt[64];

	pf_open_object(key);
	for (size_t i = 0; i < st->n; i++) {
		const char *n = pf_reason_name(st->v[i].reason, name, sizeof(name));

		snprintf(fmt, sizeof(fmt), "%s%s: %%s\n", indent, n);
		pf_print_uint(PF_ANY, pf_reason_key(st->v[i].reason, jkey, sizeof(jkey)),
			      fmt, st->v[i].value);
	}
	pf_close_object();
}

void pf_mss_print(const struct pf_mss_rule *rules, size_t n)
{
	char pfx[PF_PREFIX_STRLEN];

	pf_open_array(NULL);
	for (size_t i = 0; i < n; i++) {
		const struct pf_mss_rule *r = &rules[i];

		pf_format_prefix(&r->prefix, pfx, sizeof(pfx));
		pf_open_object(NULL);
		pf_print_string(PF_ANY, "prefix", "%s", pfx);
		pf_print_string(PF_JSON, "family", NULL,
				r->prefix.family == AF_INET ? "inet" : "inet6");
		pf_print_uint(PF_JSON, "mss", NULL, r->mss);
		if (r->mss)
			pf_print_uint(PF_TEXT, NULL, " mss %s", r->mss);
		else
			pf_print_string(PF_TEXT, NULL, " mss %s", "auto");
		pf_print_string(PF_ANY, "dir", " dir %s\n",
				r->dir <= PMTUFIX_MSS_DIR_MAX ? pf_dir_names[r->dir] : "unknown");
		pf_close_object();
	}
	pf_close_array();
	pf_print_end();
}
