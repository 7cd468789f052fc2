/* SPDX-License-Identifier: GPL-2.0 */
/* Settings and the configuration file: show, set, save, apply, down. */
#ifndef PMTUFIX_CONFIG_H
#define PMTUFIX_CONFIG_H

#include "ctx.h"
#include "conffile.h"

/*
 * Make the backend's settings and MSS rules those of d (read from name):
 * all of it, or what was there before. A PF_EXIT_ code; tells the user.
 */
int pf_apply(struct pf_ctx *c, const struct pf_desired *d, const char *name);

/* pf_fail(), but says so plainly when the backend has no MSS rules. */
int pf_mss_fail(struct pf_ctx *c, const char *what, int err);

#endif /* PMTUFIX_CONFIG_H */
