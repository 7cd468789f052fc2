/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmtufix without the module: one nftables table ("inet pmtufix"), built and
 * changed in atomic batches through libnftnl, plus the policy routing that
 * lets a marked frag-needed pass strict reverse-path filtering. Every
 * function acts on the network namespace of the calling thread.
 *
 * Rescue. A frag-needed (ICMP type 3 code 4) that arrives on an uplink, is
 * conntrack RELATED to a flow of this host, advertises at least the floor
 * and whose source strict RPF would reject ("fib saddr . iif oif missing")
 * gets the mark bits. With src_valid_mark=1 on the uplink the kernel's
 * source check (__fib_validate_source) then looks the ICMP's source up with
 * that mark, and three ip rules send that lookup to a table whose only route
 * leaves by the uplinks:
 *
 *   pref P    fwmark M/MASK iif UPLINK goto P+2   (one per uplink: the
 *                                                 ICMP's own route, local
 *                                                 or forwarded, is untouched)
 *   pref P+1  fwmark M/MASK lookup T              (the source check: iif is
 *                                                 lo or the egress device)
 *   pref P+2  nop
 *   table T:  default dev UPLINK (several uplinks: one multipath route)
 *
 * MSS. Interval maps of prefixes to an MSS value (or sets, for "auto" =
 * rt mtu) in an input and a postrouting chain at mangle priority; the
 * kernel's TCP option writer never raises an MSS. Prefixes must be
 * disjoint (an interval map holds no nested intervals).
 *
 * State lives in the kernel: settings in the comment of chain "config",
 * uplinks in set "uplinks" (with "src_valid_mark was N" on those whose
 * sysctl we changed), rules in the maps. Nothing is written to files.
 */
#ifndef PMTUFIX_NFT_H
#define PMTUFIX_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "model.h"

#define PFNFT_TABLE		"pmtufix"
#define PFNFT_MARK		0x2000u	/* clear of kube-proxy, Calico, Cilium, Istio */
#define PFNFT_TABLE_ID		500u
#define PFNFT_PREF		500u
#define PFNFT_RTPROT		157	/* rtm_protocol of our routes and rules */
#define PF_MAX_UPLINKS	32
/*
 * The relay: a relayed error that conntrack calls RELATED gets this mark on
 * the relay device; ip rules at PFNFT_RELAY_PREF..+2 (rtnl.c) send its
 * source check to table PFNFT_RELAY_TABLE, whose only route leaves by that
 * device. Errors to relay go to NFLOG group PFNFT_RELAY_GROUP.
 */
#define PFNFT_RELAY_MARK	0x1000u	/* clear of PFNFT_MARK and the same neighbours */
#define PFNFT_RELAY_TABLE	501u
#define PFNFT_RELAY_PREF	497u
#define PFNFT_RTPROT_RELAY	158
#define PFNFT_RELAY_GROUP	9884

/* Named counters of the table, in enum pmtufix_reason terms. */
enum pfnft_counter {
	PFNFT_C_RESCUED,	/* marked */
	PFNFT_C_NOT_NEEDED,	/* strict RPF passes it anyway */
	PFNFT_C_NO_FLOW,	/* not conntrack RELATED */
	PFNFT_C_BELOW_FLOOR,	/* RELATED, MTU below the floor */
	PFNFT_C_NO_SOURCE_ROUTE,	/* RELATED, but loose RPF would drop it too */
	PFNFT_C_MAX
};
extern const char *const pfnft_counter_names[PFNFT_C_MAX];
extern const uint32_t pfnft_counter_reason[PFNFT_C_MAX];

struct pfnft_state {
	bool installed;		/* table inet pmtufix exists */
	struct pf_config conf;
	uint32_t floor_eff;	/* the floor in the rules (or that would be) */
	bool svm_changed[PF_MAX_UPLINKS];	/* we set src_valid_mark to 1 */
	bool routing_ok;	/* rescue on: the ip rules and route are there */
	uint64_t counters[PFNFT_C_MAX];
};

struct pfnft;

/* 0 or -errno. */
int pfnft_open(struct pfnft **h);
void pfnft_close(struct pfnft *h);
/* What the last failing call found, for the user ("" if nothing more). */
const char *pfnft_errmsg(const struct pfnft *h);

void pfnft_conf_default(struct pf_config *c);

/* Everything: state->installed is false when there is no table. */
int pfnft_get(struct pfnft *h, struct pfnft_state *st);

/*
 * Make the settings want: creates the table when needed; rescue on installs
 * the rules, routes and sysctls, rescue off removes them. n_uplinks = 0
 * means: find them (interfaces of the IPv4 routes with a gateway).
 */
int pfnft_set(struct pfnft *h, const struct pf_config *want);

/* Remove all of it. *what says what was there (0: nothing). */
int pfnft_down(struct pfnft *h, unsigned int *what);
#define PFNFT_DOWN_TABLE	0x1
#define PFNFT_DOWN_ROUTING	0x2
#define PFNFT_DOWN_SYSCTL	0x4

int pfnft_reset_counters(struct pfnft *h);

/* Rules sorted as pf_mss_rule_cmp() orders them; *v to be freed. */
int pfnft_mss_list(struct pfnft *h, struct pf_mss_rule **v, size_t *n);
int pfnft_mss_add(struct pfnft *h, const struct pf_mss_rule *r);
int pfnft_mss_del(struct pfnft *h, const struct pf_prefix *p);
/* Add r, or swap the rule of its prefix for r, in one transaction. */
int pfnft_mss_replace_one(struct pfnft *h, const struct pf_mss_rule *r);
/* All rules become v, in one transaction (flush = n 0). */
int pfnft_mss_replace(struct pfnft *h, const struct pf_mss_rule *v, size_t n);

/*
 * The relay: prefixes, rate, burst and the relay device's ifindex of r
 * (peers, port and listen are the agent's). n_prefixes 0 turns it off.
 * Without a device errors are still handed on, but relayed ones cannot
 * pass strict RPF.
 */
int pfnft_relay_get(struct pfnft *h, struct pf_relay *r);
int pfnft_relay_set(struct pfnft *h, const struct pf_relay *r);
/* in.v to be freed (pf_stats_free). */
int pfnft_relay_stats(struct pfnft *h, struct pf_relay_stats *st);

/* Interfaces of the main table's IPv4 routes that have a gateway. */
int pfnft_find_uplinks(struct pfnft *h, struct pf_config *c);

/* Pure parts (host-tested). */
int pfnft_conf_format(const struct pf_config *c, char *buf, size_t len);
int pfnft_conf_parse(const char *s, struct pf_config *c);

#endif /* PMTUFIX_NFT_H */
