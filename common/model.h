/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data model the CLI and both backends share: prefixes, MSS rules,
 * settings, counters and events. Data and pure functions only: nothing here
 * talks to the kernel or prints.
 */
#ifndef PMTUFIX_MODEL_H
#define PMTUFIX_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmtufix.h"

/* Uplinks the nft backend can name; an interface name is < 16 bytes. */
#define PF_MAX_UPLINKS	32
#define PF_IFNAMSIZ	16

struct pf_prefix {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t len;
	uint8_t addr[16];	/* network order; 4 bytes used for AF_INET */
};

struct pf_mss_rule {
	struct pf_prefix prefix;
	uint16_t mss;		/* 0 = auto */
	uint8_t dir;		/* enum pmtufix_mss_dir */
};

/*
 * Settings: what a backend reports, and what `set` or a file asks for. A
 * field counts only when its has_ flag is set. mark, table, pref and
 * uplinks belong to the nft backend; floor_eff and version are read only.
 */
struct pf_config {
	bool has_rescue, has_log, has_floor, has_floor_eff, has_version;
	bool has_mark, has_table, has_pref, has_uplinks;
	bool rescue;
	uint8_t log;		/* enum pmtufix_log_level */
	uint32_t floor;		/* 0 = auto (net.ipv4.route.min_pmtu) */
	uint32_t floor_eff;
	uint32_t version;	/* module: major << 16 | minor << 8 | patch */
	uint32_t mark, mask;
	uint32_t table, pref;
	unsigned int n_uplinks;	/* 0 = auto */
	char uplinks[PF_MAX_UPLINKS][PF_IFNAMSIZ];
};

/* What a backend has installed, beyond its settings. */
struct pf_state {
	bool installed;		/* nft: the table exists; module: always */
	bool routing_ok;	/* nft, rescue on: its ip rules and route are there */
};

struct pf_stat {
	uint32_t reason;	/* enum pmtufix_reason, or a newer one */
	uint64_t value;
};

/* Counters by reason, sorted by reason. */
struct pf_stats {
	struct pf_stat *v;
	size_t n;
};

struct pf_mss_stats {
	uint64_t v[__PMTUFIX_MSS_STAT_MAX];	/* by enum pmtufix_mss_stat */
};

struct pf_addr {
	uint8_t family;		/* 0 when the event did not carry it */
	uint8_t bytes[16];
};

struct pf_event {
	bool has_reason, has_ifindex, has_mtu, has_proto, has_sport, has_dport;
	bool relayed;		/* came in on the relay device */
	uint32_t reason;
	uint32_t ifindex;
	uint32_t mtu;
	uint8_t proto;
	uint16_t sport, dport;	/* host order */
	struct pf_addr icmp_saddr, saddr, daddr;
};

/*
 * The relay of frag-needed errors that land on the wrong host. The module
 * keeps prefixes, rate, burst and ifindex (get-relay/set-relay); peers,
 * port and listen are the agent's, which sends and receives the datagrams.
 */
#define PF_RELAY_PEERS_MAX	64
#define PF_RELAY_NAME_MAX	253	/* a DNS name, without the trailing dot */
#define PF_RELAY_PORT		9884	/* UDP */
#define PF_RELAY_RATE		20	/* errors per second; burst 2 * rate */

struct pf_relay_peer {
	bool dns;			/* name is to be resolved; else addr */
	struct pf_addr addr;
	char name[PF_RELAY_NAME_MAX + 1];
};

/* The agent's relay device, where errors from peers are written. */
#define PF_RELAY_IFNAME	"pmtufix0"

struct pf_relay {
	unsigned int n_prefixes;	/* 0: the relay is off */
	struct pf_prefix prefixes[PMTUFIX_RELAY_PREFIXES_MAX];
	uint32_t rate, burst;
	uint32_t ifindex;		/* the relay device; 0: none */
	/* The agent's part: not in the module. */
	unsigned int n_peers;
	struct pf_relay_peer peers[PF_RELAY_PEERS_MAX];
	uint16_t port;
	struct pf_addr listen;		/* family 0: any */
};

/* Counters of the relay, when the backend reports them. */
struct pf_relay_stats {
	uint64_t out[__PMTUFIX_RELAY_OUT_MAX];	/* by enum pmtufix_relay_out */
	struct pf_stats in;		/* relayed errors judged, by reason */
};

size_t pf_prefix_addrlen(const struct pf_prefix *p);
int pf_prefix_cmp(const struct pf_prefix *a, const struct pf_prefix *b);
/* [start, end) of a prefix; false when end is past the last address. */
bool pf_prefix_range(const struct pf_prefix *p, uint8_t start[16], uint8_t end[16]);
/* The prefix of [start, end) (end NULL = open), or -1 if it is none. */
int pf_range_prefix(uint8_t family, const uint8_t *start, const uint8_t *end,
		    struct pf_prefix *p);

int pf_mss_rule_cmp(const struct pf_mss_rule *a, const struct pf_mss_rule *b);
void pf_mss_sort(struct pf_mss_rule *v, size_t n);
/* In pf_prefix_cmp() order (the relay's prefixes). */
void pf_prefix_sort(struct pf_prefix *v, size_t n);
/* After sorting: the first rule that overlaps its successor, or n. */
size_t pf_mss_overlap(const struct pf_mss_rule *v, size_t n);

/* Copy into dst each field of src whose has_ flag is set. */
void pf_config_merge(struct pf_config *dst, const struct pf_config *src);
/* True when cfg names a field only the nft backend has. */
bool pf_config_has_nft(const struct pf_config *cfg);

/* The defaults: off, port PF_RELAY_PORT, rate PF_RELAY_RATE, burst 2 * rate. */
void pf_relay_init(struct pf_relay *r);
/* Same prefixes, rate and burst (what the module keeps), ifindex aside. */
bool pf_relay_module_equal(const struct pf_relay *a, const struct pf_relay *b);

/* Set reason to value, adding it in order if new. 0 or -ENOMEM. */
int pf_stats_put(struct pf_stats *st, uint32_t reason, uint64_t value);
void pf_stats_free(struct pf_stats *st);

#endif /* PMTUFIX_MODEL_H */
