// SPDX-License-Identifier: GPL-2.0
/* The module backend: the backend operations over the "pmtufix" genetlink family. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "pmtufix.h"
#include "backend.h"
#include "relay_capture.h"
#include "genl.h"
#include "modmsg.h"

/* Dumps interrupted by changes (-EINTR) are started over, this many times at most. */
#define PF_MSS_DUMP_TRIES	5

/* The controller's only group, "notify", has the controller's id. */
#define PF_GENL_CTRL_NOTIFY_GROUP GENL_ID_CTRL

struct pf_backend {
	struct pf_nl nl;
	char msg[sizeof(((struct pf_nl *)0)->ext_msg) + 32];
	/* Events received but not yet handed out. */
	size_t ev_len, ev_off;
};

static int mod_open(struct pf_backend **out)
{
	struct pf_backend *be = calloc(1, sizeof(*be));
	int err;

	if (!be)
		return -ENOMEM;
	err = pf_nl_open(&be->nl);
	if (!err)
		err = pf_nl_resolve(&be->nl);
	if (err) {
		pf_nl_close(&be->nl);
		free(be);
		return err;
	}
	*out = be;
	return 0;
}

static void mod_close(struct pf_backend *be)
{
	if (!be)
		return;
	pf_nl_close(&be->nl);
	free(be);
}

static const char *mod_errmsg(const struct pf_backend *be)
{
	struct pf_backend *w = (struct pf_backend *)be;

	if (be->nl.ext_msg[0])
		return be->nl.ext_msg;
	if (be->nl.ext_miss_type) {
		snprintf(w->msg, sizeof(w->msg), "attribute %u is missing", be->nl.ext_miss_type);
		return w->msg;
	}
	return "";
}

/* A command an older module does not list: the operation is not there. */
static int request(struct pf_backend *be, uint8_t cmd, uint16_t flags,
		   void (*put)(struct nlmsghdr *nlh, const void *arg), const void *arg,
		   pf_nl_cb cb, void *data)
{
	struct nlmsghdr *nlh;

	if (!pf_nl_has_cmd(&be->nl, cmd)) {
		be->nl.ext_msg[0] = '\0';
		be->nl.ext_miss_type = 0;
		return -EOPNOTSUPP;
	}
	nlh = pf_nl_msg(&be->nl, cmd, flags);
	if (put)
		put(nlh, arg);
	return pf_nl_talk(&be->nl, nlh, cb, data);
}

struct one_reply {
	void *out;
	int (*decode)(const struct nlmsghdr *nlh, void *out);
	int err;
};

static int one_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct one_reply *r = data;

	r->err = r->decode(nlh, r->out);
	return MNL_CB_OK;
}

static int get_one(struct pf_backend *be, uint8_t cmd,
		   int (*decode)(const struct nlmsghdr *nlh, void *out), void *out)
{
	struct one_reply r = { .out = out, .decode = decode, .err = -EPROTO };
	int err = request(be, cmd, 0, NULL, NULL, one_reply_cb, &r);

	return err ? err : r.err;
}

static int decode_config(const struct nlmsghdr *nlh, void *out)
{
	return pf_config_decode(nlh, out);
}

static int mod_config_get(struct pf_backend *be, struct pf_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	return get_one(be, PMTUFIX_CMD_GET_CONFIG, decode_config, cfg);
}

static void put_config(struct nlmsghdr *nlh, const void *arg)
{
	const struct pf_config *want = arg;

	if (want->has_rescue)
		mnl_attr_put_u8(nlh, PMTUFIX_A_RESCUE_ENABLED, want->rescue);
	if (want->has_log)
		mnl_attr_put_u8(nlh, PMTUFIX_A_LOG_LEVEL, want->log);
	if (want->has_floor)
		mnl_attr_put_u32(nlh, PMTUFIX_A_MTU_FLOOR, want->floor);
}

static int mod_config_set(struct pf_backend *be, const struct pf_config *want)
{
	if (pf_config_has_nft(want)) {
		snprintf(be->nl.ext_msg, sizeof(be->nl.ext_msg),
			 "mark, table, pref and uplinks are settings of the nft backend");
		be->nl.ext_miss_type = 0;
		return -EOPNOTSUPP;
	}
	return request(be, PMTUFIX_CMD_SET_CONFIG, 0, put_config, want, NULL, NULL);
}

static int decode_stats(const struct nlmsghdr *nlh, void *out)
{
	pf_stats_free(out);
	return pf_stats_decode(nlh, out);
}

static int mod_stats_get(struct pf_backend *be, struct pf_stats *st)
{
	int err;

	memset(st, 0, sizeof(*st));
	err = get_one(be, PMTUFIX_CMD_GET_STATS, decode_stats, st);
	if (err)
		pf_stats_free(st);
	return err;
}

static int mod_stats_reset(struct pf_backend *be)
{
	return request(be, PMTUFIX_CMD_RESET_STATS, 0, NULL, NULL, NULL, NULL);
}

static int decode_mss_stats(const struct nlmsghdr *nlh, void *out)
{
	return pf_mss_stats_decode(nlh, out);
}

/* -ENOENT: this module counts no MSS rewrites. */
static int mod_mss_stats_get(struct pf_backend *be, struct pf_mss_stats *st)
{
	memset(st, 0, sizeof(*st));
	return get_one(be, PMTUFIX_CMD_GET_STATS, decode_mss_stats, st);
}

static int decode_relay_stats(const struct nlmsghdr *nlh, void *out)
{
	pf_stats_free(&((struct pf_relay_stats *)out)->in);
	return pf_relay_stats_decode(nlh, out);
}

/* -ENOENT: this module has no relay counters. */
static int mod_relay_stats_get(struct pf_backend *be, struct pf_relay_stats *st)
{
	int err;

	memset(st, 0, sizeof(*st));
	err = get_one(be, PMTUFIX_CMD_GET_STATS, decode_relay_stats, st);
	if (err)
		pf_stats_free(&st->in);
	return err;
}

static int decode_relay(const struct nlmsghdr *nlh, void *out)
{
	return pf_relay_decode(nlh, out);
}

static int mod_relay_get(struct pf_backend *be, struct pf_relay *r)
{
	pf_relay_init(r);
	return get_one(be, PMTUFIX_CMD_GET_RELAY, decode_relay, r);
}

static void put_relay(struct nlmsghdr *nlh, const void *arg)
{
	pf_relay_put(nlh, arg);
}

static int mod_relay_set(struct pf_backend *be, const struct pf_relay *r)
{
	return request(be, PMTUFIX_CMD_SET_RELAY, 0, put_relay, r, NULL, NULL);
}

struct rule_list {
	struct pf_mss_rule *v;
	size_t n, cap;
	int err;
};

/* Tables of 100k rules and more: grow by half, not by one. */
static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1];
	struct rule_list *l = data;
	struct pf_mss_rule *v;

	if (pf_nl_parse(nlh, tb, PMTUFIX_A_MAX) || !tb[PMTUFIX_A_MSS_RULE]) {
		l->err = -EPROTO;
		return MNL_CB_OK;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap + l->cap / 2 : 64;

		v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		l->v = v;
		l->cap = cap;
	}
	if (pf_mss_rule_decode(tb[PMTUFIX_A_MSS_RULE], &l->v[l->n]))
		l->err = -EPROTO;
	else
		l->n++;
	return MNL_CB_OK;
}

static int mod_mss_list(struct pf_backend *be, struct pf_mss_rule **rules, size_t *n)
{
	struct rule_list l = { 0 };
	int err, tries = 0;

	*rules = NULL;
	*n = 0;
	do {
		l.n = 0;
		l.err = 0;
		err = request(be, PMTUFIX_CMD_MSS_GET, NLM_F_DUMP, NULL, NULL, list_cb, &l);
		if (!err)
			err = l.err;
	} while (err == -EINTR && ++tries < PF_MSS_DUMP_TRIES);
	if (err) {
		free(l.v);
		return err;
	}
	pf_mss_sort(l.v, l.n);
	*rules = l.v;
	*n = l.n;
	return 0;
}

static void put_rule(struct nlmsghdr *nlh, const void *arg)
{
	pf_mss_rule_put(nlh, arg, true);
}

static void put_replace(struct nlmsghdr *nlh, const void *arg)
{
	pf_mss_rule_put(nlh, arg, true);
	mnl_attr_put(nlh, PMTUFIX_A_MSS_REPLACE, 0, NULL);
}

static void put_key(struct nlmsghdr *nlh, const void *arg)
{
	pf_mss_rule_put(nlh, arg, false);
}

static int mod_mss_add(struct pf_backend *be, const struct pf_mss_rule *r)
{
	return request(be, PMTUFIX_CMD_MSS_ADD, 0, put_rule, r, NULL, NULL);
}

static int mod_mss_replace(struct pf_backend *be, const struct pf_mss_rule *r)
{
	return request(be, PMTUFIX_CMD_MSS_ADD, 0, put_replace, r, NULL, NULL);
}

static int mod_mss_del(struct pf_backend *be, const struct pf_prefix *p)
{
	struct pf_mss_rule r = { .prefix = *p };

	return request(be, PMTUFIX_CMD_MSS_DEL, 0, put_key, &r, NULL, NULL);
}

static int mod_mss_flush(struct pf_backend *be)
{
	return request(be, PMTUFIX_CMD_MSS_FLUSH, 0, NULL, NULL, NULL, NULL);
}

static int prefix_order(const void *a, const void *b)
{
	return pf_prefix_cmp(&((const struct pf_mss_rule *)a)->prefix,
			     &((const struct pf_mss_rule *)b)->prefix);
}

static int rule_order(const void *a, const void *b)
{
	return pf_mss_rule_cmp(a, b);
}

/* Every rule of v[*at..n) not already in old (both sorted), in place. */
static int put_rules(struct pf_backend *be, const struct pf_mss_rule *v, size_t n,
		     const struct pf_mss_rule *old, size_t n_old, size_t *at)
{
	for (size_t i = *at; i < n; i++) {
		int err;

		if (n_old && bsearch(&v[i], old, n_old, sizeof(*old), rule_order))
			continue;	/* already so: no request */
		err = mod_mss_replace(be, &v[i]);
		if (err) {
			*at = i;
			return err;
		}
	}
	*at = n;
	return 0;
}

/* The rules of old whose prefix has none in v (both sorted). */
static int drop_unwanted(struct pf_backend *be, const struct pf_mss_rule *v, size_t n,
			 const struct pf_mss_rule *old, size_t n_old)
{
	for (size_t i = 0; i < n_old; i++) {
		int err;

		if (n && bsearch(&old[i], v, n, sizeof(*v), prefix_order))
			continue;
		err = mod_mss_del(be, &old[i].prefix);
		if (err && err != -ENOENT)
			return err;
	}
	return 0;
}

/*
 * Each wanted rule replaces its prefix's rule in place, then the rules of
 * other prefixes go: a SYN to a prefix in both sets always meets a rule. A
 * namespace at its rule cap cannot hold both sets at once: then the old
 * prefixes go first, and only they see a gap.
 */
static int mod_mss_set(struct pf_backend *be, const struct pf_mss_rule *want, size_t n,
		       size_t *bad)
{
	struct pf_mss_rule *old = NULL, *v;
	size_t n_old, at = 0;
	int err;

	*bad = n;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (n) {
		memcpy(v, want, n * sizeof(*v));
		qsort(v, n, sizeof(*v), rule_order);
	}
	err = mod_mss_list(be, &old, &n_old);
	if (!err)
		err = put_rules(be, v, n, old, n_old, &at);
	if (err == -ENOSPC) {
		err = drop_unwanted(be, v, n, old, n_old);
		if (!err)
			err = put_rules(be, v, n, old, n_old, &at);
	} else if (!err) {
		err = drop_unwanted(be, v, n, old, n_old);
	}
	/* The caller knows its rules by its own index. */
	for (size_t i = 0; at < n && i < n; i++)
		if (!pf_mss_rule_cmp(&want[i], &v[at]))
			*bad = i;
	free(old);
	free(v);
	return err;
}

static int mod_events_open(struct pf_backend *be)
{
	int err;

	if (!be->nl.events_group)
		return -EOPNOTSUPP;
	err = pf_nl_join_events(&be->nl);
	if (err)
		return err;
	/* Best effort: without it an unload only goes unnoticed. */
	pf_nl_join_group(&be->nl, PF_GENL_CTRL_NOTIFY_GROUP);
	be->ev_len = be->ev_off = 0;
	return 0;
}

/* rmmod silently drops every listener from the family's groups. */
static bool is_our_family_deleted(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};

	if (nlh->nlmsg_type != GENL_ID_CTRL || g->cmd != CTRL_CMD_DELFAMILY)
		return false;
	if (pf_nl_parse(nlh, tb, CTRL_ATTR_MAX) || !tb[CTRL_ATTR_FAMILY_NAME] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_NAME], MNL_TYPE_NUL_STRING) < 0)
		return false;
	return !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), PMTUFIX_GENL_NAME);
}

/* The next message of the last batch: 1 an event, 0 none left, -ENODEV. */
static int next_buffered(struct pf_backend *be, struct pf_event *ev)
{
	while (be->ev_off < be->ev_len) {
		const struct nlmsghdr *nlh = (const void *)(be->nl.buf + be->ev_off);
		int left = (int)(be->ev_len - be->ev_off);

		if (!mnl_nlmsg_ok(nlh, left)) {
			be->ev_off = be->ev_len;
			break;
		}
		be->ev_off += NLMSG_ALIGN(nlh->nlmsg_len);
		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
			continue;
		if (is_our_family_deleted(nlh))
			return -ENODEV;
		/* Not ours, or not an event: skip it. */
		if (nlh->nlmsg_type == be->nl.family_id && !pf_event_decode(nlh, ev))
			return 1;
	}
	return 0;
}

static int mod_events_next(struct pf_backend *be, struct pf_event *ev, const sigset_t *sigmask)
{
	for (;;) {
		ssize_t n;
		int got = next_buffered(be, ev);

		if (got)
			return got < 0 ? got : 0;
		n = pf_nl_recv(&be->nl, sigmask);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ENODATA;	/* only a simulated kernel runs dry */
		be->ev_len = (size_t)n;
		be->ev_off = 0;
	}
}

const struct pf_backend_ops pf_backend_module = {
	.name		= "module",
	.msg_source	= "kernel",
	.open		= mod_open,
	.close		= mod_close,
	.errmsg		= mod_errmsg,
	.config_get	= mod_config_get,
	.config_set	= mod_config_set,
	.stats_get	= mod_stats_get,
	.stats_reset	= mod_stats_reset,
	.mss_stats_get	= mod_mss_stats_get,
	.mss_list	= mod_mss_list,
	.mss_add	= mod_mss_add,
	.mss_replace	= mod_mss_replace,
	.mss_del	= mod_mss_del,
	.mss_flush	= mod_mss_flush,
	.mss_set	= mod_mss_set,
	.events_open	= mod_events_open,
	.events_next	= mod_events_next,
	.relay_get	= mod_relay_get,
	.relay_set	= mod_relay_set,
	.relay_stats_get = mod_relay_stats_get,
	.relay_capture	= &pf_capture_genl,
};
