// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix's own state as doctor sees it: which backend, rescue on or off, the
 * counters by reason. The one place doctor touches a backend, so that it
 * follows the backend interface when that replaces the per-backend calls.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "connect.h"
#include "doctor.h"
#include "nftbe.h"
#include "stats.h"

/* pf_connect() tells the user why it failed; doctor keeps that as a finding. */
static int connect_quiet(struct pf_ctx *c, char *why, size_t len)
{
	FILE *saved = c->err, *m;
	char *msg = NULL;
	size_t n = 0;
	int rc;

	m = open_memstream(&msg, &n);
	if (m)
		c->err = m;
	rc = pf_connect(c);
	c->err = saved;
	if (m)
		fclose(m);
	if (rc && msg) {
		char *s = strncmp(msg, "pmtufix: ", 9) ? msg : msg + 9;

		s[strcspn(s, "\n")] = '\0';
		snprintf(why, len, "%s", s);
	}
	free(msg);
	return rc;
}

static int self_nft(struct pf_ctx *c, struct pf_doc_self *s)
{
	struct pfnft_state st;
	int err = pf_nft->get(c->nft, &st);

	s->backend = "nft";
	if (err) {
		snprintf(s->why, sizeof(s->why), "the module is not loaded and table inet "
			 PFNFT_TABLE " cannot be read: %s%s", strerror(-err),
			 err == -EPERM ? " (CAP_NET_ADMIN is needed)" : "");
		return err;
	}
	if (!st.installed) {
		snprintf(s->why, sizeof(s->why), "neither the module nor table inet "
			 PFNFT_TABLE " is there");
		return -ENOENT;
	}
	s->present = true;
	s->rescue = st.conf.rescue;
	for (int i = 0; i < PFNFT_C_MAX; i++) {
		uint32_t r = pfnft_counter_reason[i];

		if (r < PF_DOC_REASONS) {
			s->has_reason[r] = true;
			s->reason[r] = st.counters[i];
		}
	}
	return 0;
}

static int self_module(struct pf_ctx *c, struct pf_doc_self *s)
{
	struct pf_config cfg;
	struct pf_stats st;
	int err;

	s->backend = "module";
	err = pf_config_get(c, &cfg);
	if (!err)
		err = pf_stats_get(c, &st);
	if (err) {
		snprintf(s->why, sizeof(s->why), "the module is loaded but does not answer: %s",
			 strerror(-err));
		return err;
	}
	s->present = true;
	s->rescue = cfg.rescue;
	for (size_t i = 0; i < st.n; i++)
		if (st.v[i].reason < PF_DOC_REASONS) {
			s->has_reason[st.v[i].reason] = true;
			s->reason[st.v[i].reason] = st.v[i].value;
		}
	pf_stats_free(&st);
	return 0;
}

int pf_doctor_self(struct pf_ctx *c, struct pf_doc_self *s)
{
	memset(s, 0, sizeof(*s));
	if (connect_quiet(c, s->why, sizeof(s->why)))
		return -ENOENT;
	if (c->backend == PF_BACKEND_NFT)
		return self_nft(c, s);
	return self_module(c, s);
}
