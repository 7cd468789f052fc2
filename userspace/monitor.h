/* SPDX-License-Identifier: GPL-2.0 */
/* Rescue and rejection events from the "events" multicast group. */
#ifndef PMTUFIX_MONITOR_H
#define PMTUFIX_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "genl.h"

struct pf_addr {
	uint8_t family;		/* 0 when the event did not carry it */
	uint8_t bytes[16];
};

struct pf_event {
	bool has_reason, has_ifindex, has_mtu, has_proto, has_sport, has_dport;
	uint32_t reason;
	uint32_t ifindex;
	uint32_t mtu;
	uint8_t proto;
	uint16_t sport, dport;	/* host order */
	struct pf_addr icmp_saddr, saddr, daddr;
};

/* 0, or -EPROTO if nlh is not an event. */
int pf_event_decode(const struct nlmsghdr *nlh, struct pf_event *ev);

/* One line of text, or one JSON document. ifname may be NULL. */
void pf_event_print(const struct pf_event *ev, const char *ifname);

/* "tcp", "udp", ... or the number. */
const char *pf_proto_name(uint8_t proto, char *buf, size_t len);

#endif /* PMTUFIX_MONITOR_H */
