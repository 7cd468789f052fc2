/* SPDX-License-Identifier: GPL-2.0 */
/* Rescue and rejection events from the "events" multicast group. */
#ifndef PMTUFIX_MONITOR_H
#define PMTUFIX_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* One line of text, or one JSON document. ifname may be NULL. */
void pf_event_print(const struct pf_event *ev, const char *ifname);

/* "tcp", "udp", ... or the number. */
const char *pf_proto_name(uint8_t proto, char *buf, size_t len);

#endif /* PMTUFIX_MONITOR_H */
