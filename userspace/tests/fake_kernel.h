/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated pmtufix kernel side for host tests: it answers the requests
 * the CLI sends through the pf_nl_transport hook, with the behaviour that
 * pmtufix.h documents (policy ranges, EEXIST, ENOENT, EPERM, extended ACK
 * messages, dumps ending in NLMSG_DONE).
 */
#ifndef PMTUFIX_FAKE_KERNEL_H
#define PMTUFIX_FAKE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

#define FAKE_FAMILY_ID	0x1c
#define FAKE_GROUP_ID	7
#define FAKE_MAX_RULES	32
#define FAKE_MAX_MSGS	64

struct fake_msg {
	char *buf;
	size_t len;
};

struct fake_kernel {
	/* What kind of kernel this is. */
	bool loaded;		/* false: the family does not exist */
	bool has_mss;		/* the MSS commands exist */
	bool has_stats;		/* PMTUFIX_CMD_GET_STATS exists */
	bool list_ops;		/* CTRL_ATTR_OPS is sent */
	bool admin;		/* false: every change gets EPERM */
	bool uncapped;		/* error ACKs quote the request (no NETLINK_CAP_ACK) */
	int fail_add;		/* the Nth MSS add is refused (1-based); 0: none */
	size_t max_rules;	/* ENOSPC beyond this many rules; 0: FAKE_MAX_RULES */
	const char *set_error;	/* SET_CONFIG fails with EINVAL and this message */
	const char *set_warning;/* SET_CONFIG succeeds with this message */

	/* State. */
	bool rescue;
	uint8_t log;
	uint32_t floor, min_pmtu;
	uint64_t counters[12];
	unsigned int ncounters;	/* reasons sent: may exceed the ones we know */
	uint64_t mss_counters[8];
	unsigned int nmss_counters;	/* MSS counters sent; 0: no MSS nest at all */
	int dump_intr;		/* this many MSS dumps say NLM_F_DUMP_INTR */
	struct pf_mss_rule rules[FAKE_MAX_RULES];
	size_t nrules;
	int adds;

	/* What happened: one word per request, e.g. "getfamily get_config". */
	char trace[2048];

	/* Replies waiting to be received; events are queued on join. */
	struct fake_msg q[FAKE_MAX_MSGS];
	size_t qhead, qtail;
	struct fake_msg events[8];
	size_t nevents;
};

void fake_init(struct fake_kernel *k);
void fake_install(struct fake_kernel *k);
void fake_uninstall(void);
void fake_free(struct fake_kernel *k);

/* Queue an event for delivery once the CLI joins the group. */
void fake_event(struct fake_kernel *k, uint32_t reason, uint32_t ifindex,
		const char *icmp_saddr, uint32_t mtu, uint8_t proto,
		const char *saddr, const char *daddr, int sport, int dport);

/* Add a rule to the state directly. */
void fake_rule(struct fake_kernel *k, const char *prefix, uint16_t mss, uint8_t dir);

#endif /* PMTUFIX_FAKE_KERNEL_H */
