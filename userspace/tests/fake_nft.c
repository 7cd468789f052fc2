// SPDX-License-Identifier: GPL-2.0
/* The nft backend simulated in memory (see fake_nft.h). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_nft.h"
#include "nftbe.h"

static struct fake_nft *F;
static char msg[256];

/* Every call is traced; like the library's requests, it clears the last message. */
static void trace(const char *word)
{
	size_t len = strlen(F->trace);

	msg[0] = '\0';
	snprintf(F->trace + len, sizeof(F->trace) - len, "%s%s", len ? " " : "", word);
}

static int fail(int err)
{
	snprintf(msg, sizeof(msg), "%s", F->msg ? F->msg : "");
	return err;
}

static int f_open(struct pfnft **h)
{
	trace("open");
	if (F->fail_open)
		return F->fail_open;
	*h = (struct pfnft *)F;
	return 0;
}

static void f_close(struct pfnft *h)
{
	(void)h;
}

static const char *f_errmsg(const struct pfnft *h)
{
	(void)h;
	return msg;
}

static int f_get(struct pfnft *h, struct pfnft_state *st)
{
	(void)h;
	trace("get");
	memset(st, 0, sizeof(*st));
	st->installed = F->installed;
	st->conf = F->conf;
	memcpy(st->svm_changed, F->svm_changed, sizeof(st->svm_changed));
	st->floor_eff = F->conf.floor ? F->conf.floor : 552;
	st->routing_ok = !F->conf.rescue || F->routing_ok;
	memcpy(st->counters, F->counters, sizeof(st->counters));
	return 0;
}

static int f_set(struct pfnft *h, const struct pf_config *want)
{
	(void)h;
	trace("set");
	if (F->fail_set)
		return fail(F->fail_set);
	F->conf = *want;
	if (want->rescue && !want->n_uplinks) {
		F->conf.n_uplinks = 1;
		snprintf(F->conf.uplinks[0], IF_NAMESIZE, "eth1");
	}
	for (unsigned int i = 0; i < F->conf.n_uplinks; i++)
		F->svm_changed[i] = F->conf.rescue;
	F->routing_ok = F->conf.rescue;
	F->installed = true;
	return 0;
}

static int f_down(struct pfnft *h, unsigned int *what)
{
	(void)h;
	trace("down");
	*what = 0;
	if (F->installed)
		*what |= PFNFT_DOWN_TABLE;
	if (F->conf.rescue)
		*what |= PFNFT_DOWN_ROUTING | PFNFT_DOWN_SYSCTL;
	F->installed = false;
	pfnft_conf_default(&F->conf);
	F->nrules = 0;
	memset(F->counters, 0, sizeof(F->counters));
	return 0;
}

static int f_reset(struct pfnft *h)
{
	(void)h;
	trace("reset");
	if (!F->installed) {
		snprintf(msg, sizeof(msg), "there is no table inet pmtufix");
		return -ENOENT;
	}
	memset(F->counters, 0, sizeof(F->counters));
	return 0;
}

static int f_list(struct pfnft *h, struct pf_mss_rule **v, size_t *n)
{
	(void)h;
	trace("mss_list");
	*v = malloc((F->nrules ? F->nrules : 1) * sizeof(**v));
	if (!*v)
		return -ENOMEM;
	memcpy(*v, F->rules, F->nrules * sizeof(**v));
	*n = F->nrules;
	return 0;
}

static int check(struct pf_mss_rule *v, size_t n)
{
	pf_mss_sort(v, n);
	if (pf_mss_overlap(v, n) != n) {
		snprintf(msg, sizeof(msg), "the nft backend needs disjoint prefixes");
		return -EEXIST;
	}
	return 0;
}

static int f_add(struct pfnft *h, const struct pf_mss_rule *r)
{
	struct pf_mss_rule v[FAKE_NFT_MAX_RULES + 1];
	int err;

	(void)h;
	trace("mss_add");
	if (F->nrules == FAKE_NFT_MAX_RULES)
		return -ENOSPC;
	memcpy(v, F->rules, F->nrules * sizeof(*v));
	v[F->nrules] = *r;
	err = check(v, F->nrules + 1);
	if (err)
		return err;
	memcpy(F->rules, v, (F->nrules + 1) * sizeof(*v));
	F->nrules++;
	F->installed = true;
	return 0;
}

static int f_del(struct pfnft *h, const struct pf_prefix *p)
{
	(void)h;
	trace("mss_del");
	for (size_t i = 0; i < F->nrules; i++) {
		if (memcmp(&F->rules[i].prefix, p, sizeof(*p)))
			continue;
		memmove(&F->rules[i], &F->rules[i + 1], (F->nrules - i - 1) * sizeof(F->rules[0]));
		F->nrules--;
		return 0;
	}
	return -ENOENT;
}

static int f_replace(struct pfnft *h, const struct pf_mss_rule *v, size_t n)
{
	struct pf_mss_rule w[FAKE_NFT_MAX_RULES];
	int err;

	(void)h;
	trace("mss_replace");
	if (F->fail_replace)
		return fail(F->fail_replace);
	if (n > FAKE_NFT_MAX_RULES)
		return -ENOSPC;
	memcpy(w, v, n * sizeof(*w));
	err = check(w, n);
	if (err)
		return err;
	memcpy(F->rules, w, n * sizeof(*w));
	F->nrules = n;
	if (n)
		F->installed = true;
	return 0;
}

/* The library's semantics: the rule of r's prefix, if any, becomes r. */
static int f_replace_one(struct pfnft *h, const struct pf_mss_rule *r)
{
	struct pf_mss_rule v[FAKE_NFT_MAX_RULES + 1];
	size_t n = F->nrules, i;
	int err;

	(void)h;
	trace("mss_replace_one");
	memcpy(v, F->rules, n * sizeof(*v));
	for (i = 0; i < n && memcmp(&v[i].prefix, &r->prefix, sizeof(r->prefix)); i++)
		;
	if (i == n && n == FAKE_NFT_MAX_RULES)
		return -ENOSPC;
	v[i] = *r;
	n += i == n;
	err = check(v, n);
	if (err)
		return err;
	memcpy(F->rules, v, n * sizeof(*v));
	F->nrules = n;
	F->installed = true;
	return 0;
}

static const struct pf_nft_ops fake_ops = {
	.open		= f_open,
	.close		= f_close,
	.errmsg		= f_errmsg,
	.get		= f_get,
	.set		= f_set,
	.down		= f_down,
	.reset		= f_reset,
	.mss_list	= f_list,
	.mss_add	= f_add,
	.mss_del	= f_del,
	.mss_replace	= f_replace,
	.mss_replace_one = f_replace_one,
};

static const struct pf_nft_ops *saved;

void fake_nft_init(struct fake_nft *f)
{
	memset(f, 0, sizeof(*f));
	pfnft_conf_default(&f->conf);
}

void fake_nft_install(struct fake_nft *f)
{
	F = f;
	if (pf_nft != &fake_ops)
		saved = pf_nft;
	pf_nft = &fake_ops;
}

void fake_nft_uninstall(void)
{
	if (saved)
		pf_nft = saved;
	F = NULL;
}
