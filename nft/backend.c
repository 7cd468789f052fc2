// SPDX-License-Identifier: GPL-2.0
/*
 * The nft backend's operations: what to change, in which order, and how to
 * put things back when a step fails half way.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "pmtufix.h"
#include "nl.h"
#include "batch.h"
#include "mssmap.h"
#include "readback.h"
#include "relay.h"
#include "rtnl.h"
#include "sysctl.h"
#include "table.h"

#define SVM "src_valid_mark"

int pfnft_get(struct pfnft *h, struct pfnft_state *st)
{
	struct pfnft_table_state ts;
	int err;

	memset(st, 0, sizeof(*st));
	pfnft_conf_default(&st->conf);
	err = pfnft_table_read(h, &ts);
	if (err)
		return err;
	st->installed = ts.exists;
	if (ts.has_config && pfnft_conf_parse(ts.comment, &st->conf))
		return pfnft_fail(h, -EPROTO, "chain config of table inet %s: cannot read "
				  "'%s'", PFNFT_TABLE, ts.comment);
	st->conf.n_uplinks = ts.n_uplinks;
	memcpy(st->conf.uplinks, ts.uplinks, sizeof(ts.uplinks));
	memcpy(st->svm_changed, ts.svm_changed, sizeof(ts.svm_changed));
	memcpy(st->counters, ts.counters, sizeof(ts.counters));
	st->floor_eff = st->conf.floor ? st->conf.floor : pfnft_min_pmtu();
	st->routing_ok = !st->conf.rescue || pfnft_routing_present(h, &st->conf);
	return 0;
}

static int uplink_index(const struct pf_config *c, const char *name)
{
	for (unsigned int i = 0; i < c->n_uplinks; i++)
		if (!strcmp(c->uplinks[i], name))
			return (int)i;
	return -1;
}

static int check_conf(struct pfnft *h, const struct pf_config *c)
{
	if (!c->mask || !c->mark || (c->mark & ~c->mask))
		return pfnft_fail(h, -EINVAL, "mark 0x%x/0x%x: the mark must be non-zero and "
				  "inside the mask", c->mark, c->mask);
	if (c->table == 0 || (c->table >= RT_TABLE_DEFAULT && c->table <= RT_TABLE_LOCAL))
		return pfnft_fail(h, -EINVAL, "table %u is reserved", c->table);
	if (c->pref == 0 || c->pref + 2 >= 32766)
		return pfnft_fail(h, -EINVAL, "pref %u: the rules must come before 'lookup main' "
				  "(32766): 1..32763", c->pref);
	for (unsigned int i = 0; i < c->n_uplinks; i++)
		if (!if_nametoindex(c->uplinks[i]))
			return pfnft_fail(h, -ENODEV, "uplink %s does not exist", c->uplinks[i]);
	return 0;
}

/* Put back src_valid_mark of the uplinks of old that we changed and want drops. */
static void restore_svm(struct pfnft *h, const struct pf_config *old, const bool *changed,
			const struct pf_config *want, const bool *keep)
{
	for (unsigned int i = 0; i < old->n_uplinks; i++) {
		int j = want ? uplink_index(want, old->uplinks[i]) : -1;

		if (!changed[i] || (j >= 0 && keep[j]))
			continue;
		pfnft_sysctl_set(h, old->uplinks[i], SVM, 0);
	}
}

/*
 * Source checks of the uplinks of w honour the mark: src_valid_mark=1.
 * svm[i]: we changed it (now or before, as cur says); fresh[i]: now.
 */
static int enable_svm(struct pfnft *h, const struct pfnft_state *cur, const struct pf_config *w,
		      bool *svm, bool *fresh)
{
	for (unsigned int i = 0; i < w->n_uplinks; i++) {
		int j = uplink_index(&cur->conf, w->uplinks[i]), v = 0, err;

		if (j >= 0 && cur->svm_changed[j]) {
			svm[i] = true;
			continue;
		}
		err = pfnft_sysctl_get(w->uplinks[i], SVM, &v);
		if (err)
			return pfnft_fail(h, err, "cannot read net.ipv4.conf.%s." SVM, w->uplinks[i]);
		if (v)
			continue;
		err = pfnft_sysctl_set(h, w->uplinks[i], SVM, 1);
		if (err)
			return pfnft_fail(h, err, "cannot set net.ipv4.conf.%s." SVM "=1", w->uplinks[i]);
		svm[i] = fresh[i] = true;
	}
	return 0;
}

/* The relay's chains judge with the floor: they follow a new one. */
static int relay_refloor(struct pfnft *h, uint32_t floor)
{
	struct pf_relay r;
	struct batch bt;
	bool exists;
	int err;

	err = pfnft_relay_read(h, &r, &exists);
	if (err || !exists)
		return err;
	err = batch_start(h, &bt);
	if (err)
		return err;
	put_relay(&bt, true, &r, floor);
	err = batch_commit(&bt);
	return err ? pfnft_fail(h, err, "cannot give the relay the new floor") : 0;
}

int pfnft_set(struct pfnft *h, const struct pf_config *want)
{
	struct pfnft_state cur;
	struct pf_config w = *want;
	bool svm[PF_MAX_UPLINKS] = { false }, fresh[PF_MAX_UPLINKS] = { false };
	uint32_t floor;
	int err;

	err = pfnft_get(h, &cur);
	if (err)
		return err;
	if (w.rescue && !w.n_uplinks) {
		err = pfnft_find_uplinks(h, &w);
		if (err)
			return err;
	}
	err = check_conf(h, &w);
	if (err)
		return err;
	floor = w.floor ? w.floor : pfnft_min_pmtu();

	if (w.rescue) {
		err = enable_svm(h, &cur, &w, svm, fresh);
		if (err)
			goto undo_svm;
		err = pfnft_routing_install(h, &w);
		if (err)
			goto undo_routing;
	}

	err = pfnft_table_apply(h, cur.installed, &w, svm, floor);
	if (err)
		goto undo_routing;

	if (!w.rescue) {
		bool found;

		err = pfnft_routing_remove(h, 0, &found);
		restore_svm(h, &cur.conf, cur.svm_changed, NULL, NULL);
		return err ? err : relay_refloor(h, floor);
	}
	restore_svm(h, &cur.conf, cur.svm_changed, &w, svm);
	return relay_refloor(h, floor);

undo_routing:
	{
		bool found;
		char msg[sizeof(h->err)];

		memcpy(msg, h->err, sizeof(msg));
		if (cur.conf.rescue && cur.installed)
			pfnft_routing_install(h, &cur.conf);
		else
			pfnft_routing_remove(h, 0, &found);
		memcpy(h->err, msg, sizeof(msg));
	}
undo_svm:
	for (unsigned int i = 0; i < w.n_uplinks; i++)
		if (fresh[i])
			pfnft_sysctl_set(h, w.uplinks[i], SVM, 0);
	return err;
}

int pfnft_down(struct pfnft *h, unsigned int *what)
{
	struct pfnft_state cur;
	bool found = false;
	int err;

	*what = 0;
	err = pfnft_get(h, &cur);
	if (err)
		return err;
	/* The marking goes first, the routes for marked packets after. */
	if (cur.installed) {
		err = pfnft_table_delete(h);
		if (err)
			return pfnft_fail(h, err, "cannot delete table inet %s", PFNFT_TABLE);
		*what |= PFNFT_DOWN_TABLE;
	}
	err = pfnft_routing_remove(h, 0, &found);
	if (found)
		*what |= PFNFT_DOWN_ROUTING;
	if (!pfnft_relay_routing_remove(h, &found) && found)
		*what |= PFNFT_DOWN_ROUTING;
	for (unsigned int i = 0; i < cur.conf.n_uplinks; i++) {
		if (!cur.svm_changed[i])
			continue;
		pfnft_sysctl_set(h, cur.conf.uplinks[i], SVM, 0);
		*what |= PFNFT_DOWN_SYSCTL;
	}
	return err;
}

int pfnft_reset_counters(struct pfnft *h)
{
	struct pfnft_table_state ts;
	int err = pfnft_table_read(h, &ts);

	if (err)
		return err;
	if (!ts.exists)
		return pfnft_fail(h, -ENOENT, "there is no table inet %s", PFNFT_TABLE);
	err = pfnft_table_reset(h);
	if (!err) {
		uint64_t v[PFNFT_RC_MAX];

		err = pfnft_relay_counters(h, v, true);
	}
	return err;
}

int pfnft_mss_list(struct pfnft *h, struct pf_mss_rule **v, size_t *n)
{
	struct pfnft_table_state ts;
	int err = pfnft_table_read(h, &ts);

	*v = NULL;
	*n = 0;
	if (err)
		return err;
	if (!ts.exists)
		return 0;
	return pfnft_table_mss_list(h, v, n);
}

/* The table with rescue off, for MSS rules alone. */
static int ensure_table(struct pfnft *h)
{
	struct pfnft_state cur;
	int err = pfnft_get(h, &cur);

	if (err || cur.installed)
		return err;
	return pfnft_table_apply(h, false, &cur.conf, NULL, cur.floor_eff);
}

static const char *fmt_prefix(const struct pf_prefix *p, char *buf, size_t len)
{
	char addr[64];

	inet_ntop(p->family, p->addr, addr, sizeof(addr));
	snprintf(buf, len, "%.46s/%u", addr, p->len);
	return buf;
}

/* Sorted v: every prefix disjoint from the others, or say which are not. */
static int check_disjoint(struct pfnft *h, const struct pf_mss_rule *v, size_t n)
{
	size_t i = pf_mss_overlap(v, n);
	char a[64], b[64];

	if (i == n)
		return 0;
	fmt_prefix(&v[i].prefix, a, sizeof(a));
	fmt_prefix(&v[i + 1].prefix, b, sizeof(b));
	if (!memcmp(&v[i].prefix, &v[i + 1].prefix, sizeof(v[i].prefix)))
		return pfnft_fail(h, -EEXIST, "there is already a rule for %s", a);
	return pfnft_fail(h, -EEXIST, "%s and %s overlap: the nft backend needs disjoint "
			  "prefixes", a, b);
}

/*
 * r into the maps in one transaction. An add appends it, so a rule its
 * prefix already has is refused as a duplicate; a replace takes that
 * rule's place and swaps its elements for r's.
 */
static int put_mss_rule(struct pfnft *h, const struct pf_mss_rule *r, bool replace)
{
	struct pf_mss_rule *v, *nv, old = { 0 };
	bool swap;
	size_t n, i;
	int err;

	err = ensure_table(h);
	if (!err)
		err = pfnft_table_mss_list(h, &v, &n);
	if (err)
		return err;
	for (i = 0; i < n && pf_prefix_cmp(&v[i].prefix, &r->prefix); i++)
		;
	swap = replace && i < n;
	if (swap) {
		old = v[i];
	} else {
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		v = nv;
		i = n++;
	}
	v[i] = *r;
	pf_mss_sort(v, n);
	err = check_disjoint(h, v, n);
	free(v);
	if (err)
		return err;
	err = pfnft_table_mss_change(h, &old, swap, r, 1);
	if (err)
		return pfnft_fail(h, err, swap ? "cannot replace the MSS rule" :
				  "cannot add the MSS rule");
	return 0;
}

int pfnft_mss_add(struct pfnft *h, const struct pf_mss_rule *r)
{
	return put_mss_rule(h, r, false);
}

int pfnft_mss_del(struct pfnft *h, const struct pf_prefix *p)
{
	struct pf_mss_rule *v;
	size_t n;
	int err = pfnft_mss_list(h, &v, &n);

	if (err)
		return err;
	err = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		if (memcmp(&v[i].prefix, p, sizeof(*p)))
			continue;
		err = pfnft_table_mss_change(h, &v[i], 1, NULL, 0);
		if (err)
			pfnft_fail(h, err, "cannot delete the MSS rule");
		break;
	}
	free(v);
	return err;
}

int pfnft_mss_replace_one(struct pfnft *h, const struct pf_mss_rule *r)
{
	return put_mss_rule(h, r, true);
}

int pfnft_mss_replace(struct pfnft *h, const struct pf_mss_rule *want, size_t nw)
{
	struct pf_mss_rule *v = NULL, *cur;
	size_t n;
	int err;

	if (nw) {
		v = malloc(nw * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memcpy(v, want, nw * sizeof(*v));
		pf_mss_sort(v, nw);
		err = check_disjoint(h, v, nw);
		if (!err)
			err = ensure_table(h);
		if (err) {
			free(v);
			return err;
		}
	}
	err = pfnft_mss_list(h, &cur, &n);
	if (!err && (n || nw)) {
		err = pfnft_table_mss_change(h, cur, n, v, nw);
		if (err)
			pfnft_fail(h, err, "cannot replace the MSS rules");
	}
	free(cur);
	free(v);
	return err;
}

/* ------------------------------------------------------------------ */
/* The relay */

int pfnft_relay_get(struct pfnft *h, struct pf_relay *r)
{
	bool exists;
	int err = pfnft_relay_read(h, r, &exists);

	if (!err && exists)
		r->ifindex = pfnft_relay_routing_ifindex(h);
	return err;
}

/* The relay device: its source checks honour the relay mark. */
static int relay_device(struct pfnft *h, uint32_t ifindex)
{
	char name[IF_NAMESIZE];
	int err;

	if (!if_indextoname(ifindex, name))
		return pfnft_fail(h, -ENODEV, "the relay device (ifindex %u) does not exist", ifindex);
	err = pfnft_sysctl_set(h, name, SVM, 1);
	if (err)
		return pfnft_fail(h, err, "cannot set net.ipv4.conf.%s." SVM "=1", name);
	return pfnft_relay_routing_install(h, ifindex);
}

int pfnft_relay_set(struct pfnft *h, const struct pf_relay *r)
{
	struct pf_relay old;
	struct pfnft_state cur;
	struct batch bt;
	bool exists, found;
	int err;

	err = pfnft_get(h, &cur);
	if (!err && cur.conf.mask & PFNFT_RELAY_MARK && r->n_prefixes)
		err = pfnft_fail(h, -EBUSY, "the rescue's mark mask 0x%x holds the relay's mark "
				 "0x%x: choose another with 'set mark'", cur.conf.mask, PFNFT_RELAY_MARK);
	if (err)
		return err;
	if (!cur.installed && !r->n_prefixes)
		return pfnft_relay_routing_remove(h, &found);
	if (!cur.installed && (err = ensure_table(h)))
		return err;
	err = pfnft_relay_read(h, &old, &exists);
	if (err)
		return err;
	/* Routing first: a relayed error is marked only once it can pass. */
	if (r->n_prefixes && r->ifindex)
		err = relay_device(h, r->ifindex);
	else
		err = pfnft_relay_routing_remove(h, &found);
	if (err || (!exists && !r->n_prefixes))
		return err;
	err = batch_start(h, &bt);
	if (err)
		return err;
	put_relay(&bt, exists, r, cur.floor_eff);
	err = batch_commit(&bt);
	return err ? pfnft_fail(h, err, "cannot update the relay in table inet %s", PFNFT_TABLE) : 0;
}

int pfnft_relay_stats(struct pfnft *h, struct pf_relay_stats *st)
{
	static const uint32_t reason[PFNFT_RC_MAX] = {
		[PFNFT_RC_IN_RESCUED]	= PMTUFIX_REASON_RESCUED,
		[PFNFT_RC_IN_NO_FLOW]	= PMTUFIX_REASON_NO_FLOW,
		[PFNFT_RC_IN_BELOW_FLOOR] = PMTUFIX_REASON_BELOW_FLOOR,
	};
	uint64_t v[PFNFT_RC_MAX] = { 0 };
	int err;

	memset(st, 0, sizeof(*st));
	err = pfnft_relay_counters(h, v, false);
	if (err)
		return err;
	st->out[PMTUFIX_RELAY_OUT_SENT] = v[PFNFT_RC_SENT];
	st->out[PMTUFIX_RELAY_OUT_RATE_LIMITED] = v[PFNFT_RC_RATE_LIMITED];
	st->in.v = calloc(3, sizeof(*st->in.v));
	if (!st->in.v)
		return -ENOMEM;
	/* In reason order, as pf_stats are kept. */
	for (int i = PFNFT_RC_IN_RESCUED; i <= PFNFT_RC_IN_BELOW_FLOOR; i++)
		st->in.v[st->in.n++] = (struct pf_stat){ .reason = reason[i], .value = v[i] };
	return 0;
}
