/* SPDX-License-Identifier: GPL-2.0 */
/* Settings: reading, printing and changing them. */
#ifndef PMTUFIX_CONFIG_H
#define PMTUFIX_CONFIG_H

#include "cli.h"
#include "conffile.h"

int pf_config_decode(const struct nlmsghdr *nlh, struct pf_config *cfg);
void pf_config_print(const struct pf_config *cfg);

int pf_config_get(struct pf_ctx *c, struct pf_config *cfg);
int pf_config_set(struct pf_ctx *c, const struct pf_config_req *req);
/* What `apply` does once the file is read. An exit code. */
int pf_apply(struct pf_ctx *c, const struct pf_desired *d, const char *name);

#endif /* PMTUFIX_CONFIG_H */
