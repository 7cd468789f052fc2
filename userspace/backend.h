/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one interface under every command: a table of operations per backend
 * (the module over generic netlink, or the nft table), as wireguard-tools'
 * ipc.c sits over ipc-linux.h and ipc-uapi.h. Commands parse, call these and
 * print; no command asks which backend is active. Backends return data and
 * never print. An operation a backend lacks is NULL in its table, and
 * pf_backend_lacks() says so in one message.
 *
 * Every operation acts in the network namespace of the calling thread and
 * returns 0 or -errno; after a failure errmsg() holds what the kernel or the
 * library said, if anything ("" if not).
 */
#ifndef PMTUFIX_BACKEND_H
#define PMTUFIX_BACKEND_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct pf_backend;	/* a backend's open handle */
struct pf_capture_ops;

struct pf_backend_ops {
	const char *name;	/* "module" or "nft" */
	/* Who speaks in errmsg(): "kernel", or NULL when it is the library's word. */
	const char *msg_source;

	/* -ENOENT: this backend is not there (the module is not loaded). */
	int (*open)(struct pf_backend **be);
	void (*close)(struct pf_backend *be);
	const char *(*errmsg)(const struct pf_backend *be);

	/*
	 * Settings: get fills what the backend has and sets its has_ flags;
	 * set changes exactly the fields whose has_ flag is set, all or
	 * nothing. A field the backend does not have: -EOPNOTSUPP.
	 */
	int (*config_get)(struct pf_backend *be, struct pf_config *cfg);
	int (*config_set)(struct pf_backend *be, const struct pf_config *want);
	/* What is installed beyond the settings. */
	int (*state_get)(struct pf_backend *be, struct pf_state *state);

	/* Frag-needed counters by reason; pf_stats_free() the result. */
	int (*stats_get)(struct pf_backend *be, struct pf_stats *st);
	int (*stats_reset)(struct pf_backend *be);
	/* What MSS rules did to SYNs; -ENOENT: they are not counted. */
	int (*mss_stats_get)(struct pf_backend *be, struct pf_mss_stats *st);

	/* MSS rules, sorted by pf_mss_rule_cmp(); *v to be freed. */
	int (*mss_list)(struct pf_backend *be, struct pf_mss_rule **v, size_t *n);
	int (*mss_add)(struct pf_backend *be, const struct pf_mss_rule *r);
	/* Add, or change the rule for r->prefix in place (no gap). */
	int (*mss_replace)(struct pf_backend *be, const struct pf_mss_rule *r);
	int (*mss_del)(struct pf_backend *be, const struct pf_prefix *p);
	int (*mss_flush)(struct pf_backend *be);
	/*
	 * All rules become v[0..n): a SYN sees the old set or the new one for
	 * each prefix in both, never none of them. On failure *bad is the
	 * index of the rule refused, or n when no one rule was.
	 */
	int (*mss_set)(struct pf_backend *be, const struct pf_mss_rule *v, size_t n,
		       size_t *bad);

	/*
	 * Rescue and rejection events. events_next() waits with sigmask in
	 * force (a signal ends the wait: -EINTR); -ENOBUFS: some were lost;
	 * -ENODEV: the source went away (module unloaded); -ENODATA: no more
	 * will come.
	 */
	int (*events_open)(struct pf_backend *be);
	int (*events_next)(struct pf_backend *be, struct pf_event *ev, const sigset_t *sigmask);

	/*
	 * The relay's module part: prefixes, rate, burst, ifindex (the
	 * agent's fields are left at their defaults by get, ignored by set).
	 * set replaces it all; no prefixes turns the relay off. stats:
	 * -ENOENT when they are not counted; pf_stats_free(&st->in).
	 */
	int (*relay_get)(struct pf_backend *be, struct pf_relay *r);
	int (*relay_set)(struct pf_backend *be, const struct pf_relay *r);
	int (*relay_stats_get)(struct pf_backend *be, struct pf_relay_stats *st);
	/* Where the agent reads the errors to relay (relay_capture.h). */
	const struct pf_capture_ops *relay_capture;

	/* Remove everything this backend installed; *what: 0 if nothing was. */
	int (*down)(struct pf_backend *be, unsigned int *what);
};

extern const struct pf_backend_ops pf_backend_module;
extern const struct pf_backend_ops pf_backend_nft;

#endif /* PMTUFIX_BACKEND_H */
