/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's (and `stats -o prometheus`') only door to a backend: is the
 * desired state in place, apply it, read what the metrics show, take it
 * down. Each acts on the backend pf_connect() opened.
 */
#ifndef PMTUFIX_RECONCILE_H
#define PMTUFIX_RECONCILE_H

#include <stddef.h>

#include "conffile.h"
#include "ctx.h"
#include "metrics.h"

/*
 * 0: the backend has what d asks for; 1: it does not, why says what
 * differs; -errno: it could not be read, why says so.
 */
int pf_rc_check(struct pf_ctx *c, const struct pf_desired *d, char *why, size_t len);

/*
 * As `apply` does, its messages on c->err; the first of them also in why.
 * PF_EXIT_OK or another exit code.
 */
int pf_rc_apply(struct pf_ctx *c, const struct pf_desired *d, const char *name,
		char *why, size_t len);

/* Fill m and st from the backend and /proc; pf_rc_metrics_free() them. 0 or -errno. */
int pf_rc_collect(struct pf_ctx *c, struct pf_metrics *m, struct pf_stats *st);
void pf_rc_metrics_free(struct pf_metrics *m, struct pf_stats *st);

/* What --down-on-exit removes: nft, all of it; module, rescue, MSS rules, relay. */
int pf_rc_down(struct pf_ctx *c);

/* After moving to the module: remove the nft backend's table, if any. */
int pf_rc_nft_remove(void);

const char *pf_rc_backend_name(const struct pf_ctx *c);

/* `pmtufix stats -o prometheus`: the exposition once. */
int pf_rc_print_metrics(struct pf_ctx *c);

#endif /* PMTUFIX_RECONCILE_H */
