// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix's own state as doctor sees it: which backend, rescue on or off, the
 * counters by reason. The one place doctor touches a backend, and only
 * through its operations table.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connect.h"
#include "doctor.h"

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

static int unreadable(struct pf_ctx *c, struct pf_doc_self *s, int err)
{
	snprintf(s->why, sizeof(s->why), "%s%s backend cannot be read: %s%s",
		 c->fell_back ? "the module is not loaded and the " : "the ", c->ops->name,
		 strerror(-err), err == -EPERM ? " (CAP_NET_ADMIN is needed)" : "");
	return err;
}

int pf_doctor_self(struct pf_ctx *c, struct pf_doc_self *s)
{
	struct pf_state state = { .installed = true };
	struct pf_config cfg;
	struct pf_stats st;
	int err;

	memset(s, 0, sizeof(*s));
	if (connect_quiet(c, s->why, sizeof(s->why)))
		return -ENOENT;
	s->backend = c->ops->name;
	err = c->ops->state_get ? c->ops->state_get(c->be, &state) : 0;
	if (err)
		return unreadable(c, s, err);
	if (!state.installed) {
		snprintf(s->why, sizeof(s->why), "neither the module nor the nft table is there");
		return -ENOENT;
	}
	err = c->ops->config_get(c->be, &cfg);
	if (!err)
		err = c->ops->stats_get(c->be, &st);
	if (err)
		return unreadable(c, s, err);
	s->present = true;
	s->rescue = cfg.has_rescue && cfg.rescue;
	for (size_t i = 0; i < st.n; i++)
		if (st.v[i].reason < PF_DOC_REASONS) {
			s->has_reason[st.v[i].reason] = true;
			s->reason[st.v[i].reason] = st.v[i].value;
		}
	pf_stats_free(&st);
	return 0;
}
