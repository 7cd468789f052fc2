/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module family's messages in the shared data model: decoding replies
 * and events, encoding rules. Pure: host tests and the reply fuzzer feed it.
 */
#ifndef PMTUFIX_MODMSG_H
#define PMTUFIX_MODMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "model.h"

/* Each returns 0, -EPROTO when the message is not what it should be, or -ENOMEM. */
int pf_config_decode(const struct nlmsghdr *nlh, struct pf_config *cfg);
int pf_stats_decode(const struct nlmsghdr *nlh, struct pf_stats *st);
/* -ENOENT: the reply carries no MSS counters (an older module). */
int pf_mss_stats_decode(const struct nlmsghdr *nlh, struct pf_mss_stats *st);
int pf_mss_rule_decode(const struct nlattr *nest, struct pf_mss_rule *r);
int pf_event_decode(const struct nlmsghdr *nlh, struct pf_event *ev);

/* -ENOENT: the reply carries no relay counters (an older module). */
int pf_relay_stats_decode(const struct nlmsghdr *nlh, struct pf_relay_stats *st);
/* get-relay's reply; prefixes sorted. */
int pf_relay_decode(const struct nlmsghdr *nlh, struct pf_relay *r);
/* A relay event: *pkt points into nlh. */
int pf_relay_packet_decode(const struct nlmsghdr *nlh, const uint8_t **pkt, size_t *len);
/* The nest PMTUFIX_A_RELAY of set-relay: no prefixes turns the relay off. */
void pf_relay_put(struct nlmsghdr *nlh, const struct pf_relay *r);

/* A rule as the nest PMTUFIX_A_MSS_RULE; value: with its MSS and direction. */
void pf_mss_rule_put(struct nlmsghdr *nlh, const struct pf_mss_rule *r, bool value);

#endif /* PMTUFIX_MODMSG_H */
