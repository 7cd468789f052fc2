/* SPDX-License-Identifier: GPL-2.0 */
/* The program: its commands and their usage texts. */
#ifndef PMTUFIX_CLI_H
#define PMTUFIX_CLI_H

#include <stdio.h>

#include "ctx.h"

/* The whole program; main() only passes stdout and stderr. */
int pf_main(int argc, char **argv, FILE *out, FILE *err);


extern const char pf_usage_main[];
extern const char pf_usage_show[];
extern const char pf_usage_set[];
extern const char pf_usage_save[];
extern const char pf_usage_apply[];
extern const char pf_usage_stats[];
extern const char pf_usage_mss[];
extern const char pf_usage_monitor[];
extern const char pf_usage_down[];
extern const char pf_usage_doctor[];
extern const char pf_usage_agent[];
extern const char pf_usage_relay[];

int pf_cmd_show(struct pf_ctx *c, int argc, char **argv);
int pf_cmd_set(struct pf_ctx *c, int argc, char **argv);
int pf_cmd_save(struct pf_ctx *c, int argc, char **argv);
int pf_cmd_apply(struct pf_ctx *c, int argc, char **argv);
int pf_cmd_stats(struct pf_ctx *c, int argc, char **argv);
int pf_cmd_mss(struct pf_ctx *c, int argc, char **argv);
int pf_cmd_monitor(struct pf_ctx *c, int argc, char **argv);
int pf_cmd_down(struct pf_ctx *c, int argc, char **argv);
int pf_cmd_doctor(struct pf_ctx *c, int argc, char **argv);
int pf_cmd_agent(struct pf_ctx *c, int argc, char **argv);
int pf_cmd_relay(struct pf_ctx *c, int argc, char **argv);

#endif /* PMTUFIX_CLI_H */
