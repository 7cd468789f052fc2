/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How settings, counters and MSS rules look, in text and JSON, whichever
 * backend read them.
 */
#ifndef PMTUFIX_VIEW_H
#define PMTUFIX_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "parse.h"

/* Text: one "<indent>reason: N" line each. JSON: an object under key. */
void pf_stats_print(const struct pf_stats *st, const char *key, const char *indent);

/* The same without an object of their own. */
void pf_stats_fields(const struct pf_stats *st, const char *indent);

/* Rules as an array, one "PREFIX mss N dir DIR" line each. */
void pf_mss_print(const struct pf_mss_rule *rules, size_t n);

/* Only the fields whose has_ flag is set. */
void pf_config_print(const struct pf_config *cfg);

/* The relay's module part: off, or prefixes, rate, burst, device. */
void pf_relay_print(const struct pf_relay *r);

/* Relay counters: out by what became of them, in by reason. */
void pf_relay_stats_print(const struct pf_relay_stats *st);

#endif /* PMTUFIX_VIEW_H */
