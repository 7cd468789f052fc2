// SPDX-License-Identifier: GPL-2.0
/*
 * The nft backend: the backend operations over the nft library (../nft).
 * The library is reached through pf_nft, which host tests replace with a
 * simulation.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "backend.h"
#include "relay_capture.h"
#include "nftbe.h"

static const struct pf_nft_ops real = {
	.open		= pfnft_open,
	.close		= pfnft_close,
	.errmsg		= pfnft_errmsg,
	.get		= pfnft_get,
	.set		= pfnft_set,
	.down		= pfnft_down,
	.reset		= pfnft_reset_counters,
	.mss_list	= pfnft_mss_list,
	.mss_add	= pfnft_mss_add,
	.mss_del	= pfnft_mss_del,
	.mss_replace	= pfnft_mss_replace,
	.mss_replace_one = pfnft_mss_replace_one,
	.relay_get	= pfnft_relay_get,
	.relay_set	= pfnft_relay_set,
	.relay_stats	= pfnft_relay_stats,
};

const struct pf_nft_ops *pf_nft = &real;

struct pf_backend {
	struct pfnft *h;
	bool failed;		/* the library's message is about the last call */
	char msg[128];		/* a message of ours instead */
};

/* Every call goes through here: the message then belongs to this call. */
static int done(struct pf_backend *be, int err)
{
	be->failed = err != 0;
	be->msg[0] = '\0';
	return err;
}

static int nft_open(struct pf_backend **out)
{
	struct pf_backend *be = calloc(1, sizeof(*be));
	int err;

	if (!be)
		return -ENOMEM;
	err = pf_nft->open(&be->h);
	if (err) {
		free(be);
		return err;
	}
	*out = be;
	return 0;
}

static void nft_close(struct pf_backend *be)
{
	if (!be)
		return;
	pf_nft->close(be->h);
	free(be);
}

static const char *nft_errmsg(const struct pf_backend *be)
{
	const char *msg;

	if (be->msg[0])
		return be->msg;
	msg = be->failed ? pf_nft->errmsg(be->h) : NULL;
	return msg ? msg : "";
}

static int nft_config_get(struct pf_backend *be, struct pf_config *cfg)
{
	struct pfnft_state st;
	int err = done(be, pf_nft->get(be->h, &st));

	if (err)
		return err;
	*cfg = st.conf;
	cfg->has_floor_eff = true;
	cfg->floor_eff = st.floor_eff;
	return 0;
}

static int nft_config_set(struct pf_backend *be, const struct pf_config *want)
{
	struct pfnft_state st;
	struct pf_config take = *want;
	int err = done(be, pf_nft->get(be->h, &st));

	if (err)
		return err;
	take.has_floor_eff = take.has_version = false;	/* read only */
	pf_config_merge(&st.conf, &take);
	return done(be, pf_nft->set(be->h, &st.conf));
}

static int nft_state_get(struct pf_backend *be, struct pf_state *state)
{
	struct pfnft_state st;
	int err = done(be, pf_nft->get(be->h, &st));

	if (err)
		return err;
	state->installed = st.installed;
	state->routing_ok = st.routing_ok;
	return 0;
}

/* -ENOENT when there is no table to count in. */
static int nft_stats_get(struct pf_backend *be, struct pf_stats *ps)
{
	struct pfnft_state st;
	int err = done(be, pf_nft->get(be->h, &st));

	memset(ps, 0, sizeof(*ps));
	if (err)
		return err;
	if (!st.installed) {
		be->failed = true;
		snprintf(be->msg, sizeof(be->msg),
			 "there is no table inet " PFNFT_TABLE " (nothing installed)");
		return -ENOENT;
	}
	for (int i = 0; i < PFNFT_C_MAX; i++)
		if (pf_stats_put(ps, pfnft_counter_reason[i], st.counters[i])) {
			pf_stats_free(ps);
			return -ENOMEM;
		}
	return 0;
}

static int nft_stats_reset(struct pf_backend *be)
{
	return done(be, pf_nft->reset(be->h));
}

static int nft_mss_list(struct pf_backend *be, struct pf_mss_rule **v, size_t *n)
{
	int err = done(be, pf_nft->mss_list(be->h, v, n));

	if (!err)
		pf_mss_sort(*v, *n);
	return err;
}

static int nft_mss_add(struct pf_backend *be, const struct pf_mss_rule *r)
{
	return done(be, pf_nft->mss_add(be->h, r));
}

static int nft_mss_del(struct pf_backend *be, const struct pf_prefix *p)
{
	return done(be, pf_nft->mss_del(be->h, p));
}

static int nft_mss_flush(struct pf_backend *be)
{
	return done(be, pf_nft->mss_replace(be->h, NULL, 0));
}

/* One nftables transaction: the rules before, or the rules after. */
static int nft_mss_set(struct pf_backend *be, const struct pf_mss_rule *v, size_t n,
		       size_t *bad)
{
	*bad = n;
	return done(be, pf_nft->mss_replace(be->h, v, n));
}

static int nft_mss_replace(struct pf_backend *be, const struct pf_mss_rule *r)
{
	return done(be, pf_nft->mss_replace_one(be->h, r));
}

/* A simulated library without the relay says so in its own words. */
static int no_relay(struct pf_backend *be)
{
	be->failed = true;
	snprintf(be->msg, sizeof(be->msg), "this nft library has no relay");
	return -EOPNOTSUPP;
}

static int nft_relay_get(struct pf_backend *be, struct pf_relay *r)
{
	pf_relay_init(r);
	if (!pf_nft->relay_get)
		return no_relay(be);
	return done(be, pf_nft->relay_get(be->h, r));
}

static int nft_relay_set(struct pf_backend *be, const struct pf_relay *r)
{
	if (!pf_nft->relay_set)
		return no_relay(be);
	return done(be, pf_nft->relay_set(be->h, r));
}

static int nft_relay_stats_get(struct pf_backend *be, struct pf_relay_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!pf_nft->relay_stats)
		return no_relay(be);
	return done(be, pf_nft->relay_stats(be->h, st));
}

static int nft_down(struct pf_backend *be, unsigned int *what)
{
	return done(be, pf_nft->down(be->h, what));
}

const struct pf_backend_ops pf_backend_nft = {
	.name		= "nft",
	.open		= nft_open,
	.close		= nft_close,
	.errmsg		= nft_errmsg,
	.config_get	= nft_config_get,
	.config_set	= nft_config_set,
	.state_get	= nft_state_get,
	.stats_get	= nft_stats_get,
	.stats_reset	= nft_stats_reset,
	.mss_list	= nft_mss_list,
	.mss_add	= nft_mss_add,
	.mss_replace	= nft_mss_replace,
	.mss_del	= nft_mss_del,
	.mss_flush	= nft_mss_flush,
	.mss_set	= nft_mss_set,
	.relay_get	= nft_relay_get,
	.relay_set	= nft_relay_set,
	.relay_stats_get = nft_relay_stats_get,
	.relay_capture	= &pf_capture_nflog,
	.down		= nft_down,
};
