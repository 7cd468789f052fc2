/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/pmtufix.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_PMTUFIX_H
#define _UAPI_LINUX_PMTUFIX_H

#define PMTUFIX_GENL_NAME	"pmtufix"
#define PMTUFIX_GENL_VERSION	1

#define PMTUFIX_MTU_FLOOR_MIN		68
#define PMTUFIX_MTU_FLOOR_MAX		65535
#define PMTUFIX_MSS_MIN			88
#define PMTUFIX_MSS_MAX			65495
#define PMTUFIX_MSS_RULES_MAX		1048576
#define PMTUFIX_RELAY_PREFIXES_MAX	64
#define PMTUFIX_RELAY_PACKET_MAX	1280
#define PMTUFIX_RELAY_RATE_MAX		10000

/**
 * enum pmtufix_reason - Why a frag-needed error was let through or left to the
 *   kernel. Also the index of the counters: attribute type reason + 1 in the
 *   stats nest.
 * @PMTUFIX_REASON_RESCUED: strict reverse-path filtering would drop it; the
 *   flow is proven
 * @PMTUFIX_REASON_NOT_NEEDED: the kernel accepts it without help
 * @PMTUFIX_REASON_MALFORMED: the quoted header is unusable
 * @PMTUFIX_REASON_NOT_LOCAL: the quoted source is not ours, nor a conntrack
 *   RELATED flow
 * @PMTUFIX_REASON_NO_FLOW: no socket and no conntrack entry for the quoted
 *   flow
 * @PMTUFIX_REASON_SEQ_WINDOW: the quoted TCP sequence number is outside
 *   snd_una..snd_nxt
 * @PMTUFIX_REASON_WRONG_IFACE: our peer is not routed out of the interface the
 *   error came in on
 * @PMTUFIX_REASON_BELOW_FLOOR: the advertised MTU is below the floor
 * @PMTUFIX_REASON_DISABLED: rescue is switched off in this namespace
 * @PMTUFIX_REASON_NO_SOURCE_ROUTE: loose reverse-path filtering would drop it
 *   too: its source has no unicast route (none, or blackhole, unreachable or
 *   prohibit)
 */
enum pmtufix_reason {
	PMTUFIX_REASON_RESCUED,
	PMTUFIX_REASON_NOT_NEEDED,
	PMTUFIX_REASON_MALFORMED,
	PMTUFIX_REASON_NOT_LOCAL,
	PMTUFIX_REASON_NO_FLOW,
	PMTUFIX_REASON_SEQ_WINDOW,
	PMTUFIX_REASON_WRONG_IFACE,
	PMTUFIX_REASON_BELOW_FLOOR,
	PMTUFIX_REASON_DISABLED,
	PMTUFIX_REASON_NO_SOURCE_ROUTE,

	/* private: */
	__PMTUFIX_REASON_MAX,
	PMTUFIX_REASON_MAX = (__PMTUFIX_REASON_MAX - 1)
};

/**
 * enum pmtufix_log_level - What the module writes to the kernel log
 *   (rate-limited). Only the initial network namespace logs unless the module
 *   parameter log_all_netns is set.
 * @PMTUFIX_LOG_NONE: never log
 * @PMTUFIX_LOG_RESCUE: log rescues only
 * @PMTUFIX_LOG_ALL: log rescues and rejections
 */
enum pmtufix_log_level {
	PMTUFIX_LOG_NONE,
	PMTUFIX_LOG_RESCUE,
	PMTUFIX_LOG_ALL,

	/* private: */
	__PMTUFIX_LOG_MAX,
	PMTUFIX_LOG_MAX = (__PMTUFIX_LOG_MAX - 1)
};

/**
 * enum pmtufix_mss_dir - Which SYN and SYN-ACK segments an MSS rule applies
 *   to.
 * @PMTUFIX_MSS_DIR_BOTH: segments to or from the prefix
 * @PMTUFIX_MSS_DIR_TO: segments whose destination is in the prefix
 * @PMTUFIX_MSS_DIR_FROM: segments whose source is in the prefix
 */
enum pmtufix_mss_dir {
	PMTUFIX_MSS_DIR_BOTH,
	PMTUFIX_MSS_DIR_TO,
	PMTUFIX_MSS_DIR_FROM,

	/* private: */
	__PMTUFIX_MSS_DIR_MAX,
	PMTUFIX_MSS_DIR_MAX = (__PMTUFIX_MSS_DIR_MAX - 1)
};

/**
 * enum pmtufix_mss_stat - What became of a SYN or SYN-ACK an MSS rule applies
 *   to. Also the index of the counters: attribute type counter + 1 in the
 *   mss-stats nest.
 * @PMTUFIX_MSS_STAT_CLAMPED: MSS option lowered
 * @PMTUFIX_MSS_STAT_INSERTED: MSS option added (there was none, and the target
 *   is below the default)
 * @PMTUFIX_MSS_STAT_KEPT: MSS already at or below the target
 * @PMTUFIX_MSS_STAT_MALFORMED: TCP header or options unusable; left as it was
 * @PMTUFIX_MSS_STAT_NO_ROUTE: auto, and no route MTU to go by; left as it was
 * @PMTUFIX_MSS_STAT_FAILED: no room for an option, or no memory; left as it
 *   was
 */
enum pmtufix_mss_stat {
	PMTUFIX_MSS_STAT_CLAMPED,
	PMTUFIX_MSS_STAT_INSERTED,
	PMTUFIX_MSS_STAT_KEPT,
	PMTUFIX_MSS_STAT_MALFORMED,
	PMTUFIX_MSS_STAT_NO_ROUTE,
	PMTUFIX_MSS_STAT_FAILED,

	/* private: */
	__PMTUFIX_MSS_STAT_MAX,
	PMTUFIX_MSS_STAT_MAX = (__PMTUFIX_MSS_STAT_MAX - 1)
};

/**
 * enum pmtufix_relay_out - What became of a frag-needed error (IPv6: Packet
 *   Too Big) addressed to a relay prefix for which this host has no flow. Also
 *   the index of the counters: attribute type counter + 1 in the
 *   relay-out-stats nest.
 * @PMTUFIX_RELAY_OUT_SENT: handed to the relay group (the agent sends it to
 *   the peers)
 * @PMTUFIX_RELAY_OUT_RATE_LIMITED: over the namespace's relay rate; not handed
 *   on
 * @PMTUFIX_RELAY_OUT_UNDELIVERED: no listener in the relay group, no memory,
 *   or longer than relay-packet-max
 */
enum pmtufix_relay_out {
	PMTUFIX_RELAY_OUT_SENT,
	PMTUFIX_RELAY_OUT_RATE_LIMITED,
	PMTUFIX_RELAY_OUT_UNDELIVERED,

	/* private: */
	__PMTUFIX_RELAY_OUT_MAX,
	PMTUFIX_RELAY_OUT_MAX = (__PMTUFIX_RELAY_OUT_MAX - 1)
};

enum pmtufix_attr {
	PMTUFIX_A_UNSPEC,
	PMTUFIX_A_VERSION,
	PMTUFIX_A_RESCUE_ENABLED,
	PMTUFIX_A_LOG_LEVEL,
	PMTUFIX_A_MTU_FLOOR,
	PMTUFIX_A_MTU_FLOOR_EFFECTIVE,
	PMTUFIX_A_STATS,
	PMTUFIX_A_MSS_RULE,
	PMTUFIX_A_EVENT,
	PMTUFIX_A_PAD,
	PMTUFIX_A_MSS_REPLACE,
	PMTUFIX_A_MSS_STATS,
	PMTUFIX_A_RELAY,
	PMTUFIX_A_RELAY_OUT_STATS,
	PMTUFIX_A_RELAY_IN_STATS,
	PMTUFIX_A_RELAY_PACKET,
	PMTUFIX_A_IFINDEX,

	__PMTUFIX_A_MAX
};
#define PMTUFIX_A_MAX (__PMTUFIX_A_MAX - 1)

enum {
	PMTUFIX_A_STATS_PAD,
	PMTUFIX_A_STATS_RESCUED,
	PMTUFIX_A_STATS_NOT_NEEDED,
	PMTUFIX_A_STATS_MALFORMED,
	PMTUFIX_A_STATS_NOT_LOCAL,
	PMTUFIX_A_STATS_NO_FLOW,
	PMTUFIX_A_STATS_SEQ_WINDOW,
	PMTUFIX_A_STATS_WRONG_IFACE,
	PMTUFIX_A_STATS_BELOW_FLOOR,
	PMTUFIX_A_STATS_DISABLED,
	PMTUFIX_A_STATS_NO_SOURCE_ROUTE,

	__PMTUFIX_A_STATS_MAX
};
#define PMTUFIX_A_STATS_MAX (__PMTUFIX_A_STATS_MAX - 1)

enum {
	PMTUFIX_A_MSS_STATS_PAD,
	PMTUFIX_A_MSS_STATS_CLAMPED,
	PMTUFIX_A_MSS_STATS_INSERTED,
	PMTUFIX_A_MSS_STATS_KEPT,
	PMTUFIX_A_MSS_STATS_MALFORMED,
	PMTUFIX_A_MSS_STATS_NO_ROUTE,
	PMTUFIX_A_MSS_STATS_FAILED,

	__PMTUFIX_A_MSS_STATS_MAX
};
#define PMTUFIX_A_MSS_STATS_MAX (__PMTUFIX_A_MSS_STATS_MAX - 1)

enum {
	PMTUFIX_A_RELAY_OUT_PAD,
	PMTUFIX_A_RELAY_OUT_SENT,
	PMTUFIX_A_RELAY_OUT_RATE_LIMITED,
	PMTUFIX_A_RELAY_OUT_UNDELIVERED,

	__PMTUFIX_A_RELAY_OUT_MAX
};
#define PMTUFIX_A_RELAY_OUT_MAX (__PMTUFIX_A_RELAY_OUT_MAX - 1)

enum pmtufix_relay_attr {
	PMTUFIX_A_RELAY_UNSPEC,
	PMTUFIX_A_RELAY_PREFIX,
	PMTUFIX_A_RELAY_RATE,
	PMTUFIX_A_RELAY_BURST,
	PMTUFIX_A_RELAY_IFINDEX,

	__PMTUFIX_A_RELAY_MAX
};
#define PMTUFIX_A_RELAY_MAX (__PMTUFIX_A_RELAY_MAX - 1)

enum pmtufix_relay_prefix_attr {
	PMTUFIX_A_RELAY_PREFIX_UNSPEC,
	PMTUFIX_A_RELAY_PREFIX_FAMILY,
	PMTUFIX_A_RELAY_PREFIX_ADDR,
	PMTUFIX_A_RELAY_PREFIX_LEN,

	__PMTUFIX_A_RELAY_PREFIX_MAX
};
#define PMTUFIX_A_RELAY_PREFIX_MAX (__PMTUFIX_A_RELAY_PREFIX_MAX - 1)

enum pmtufix_mss_attr {
	PMTUFIX_A_MSS_UNSPEC,
	PMTUFIX_A_MSS_FAMILY,
	PMTUFIX_A_MSS_PREFIX,
	PMTUFIX_A_MSS_PREFIX_LEN,
	PMTUFIX_A_MSS_VALUE,
	PMTUFIX_A_MSS_DIR,

	__PMTUFIX_A_MSS_MAX
};
#define PMTUFIX_A_MSS_MAX (__PMTUFIX_A_MSS_MAX - 1)

enum pmtufix_event_attr {
	PMTUFIX_A_EV_UNSPEC,
	PMTUFIX_A_EV_REASON,
	PMTUFIX_A_EV_IFINDEX,
	PMTUFIX_A_EV_ICMP_SADDR,
	PMTUFIX_A_EV_MTU,
	PMTUFIX_A_EV_PROTO,
	PMTUFIX_A_EV_SADDR,
	PMTUFIX_A_EV_DADDR,
	PMTUFIX_A_EV_SPORT,
	PMTUFIX_A_EV_DPORT,
	PMTUFIX_A_EV_RELAYED,

	__PMTUFIX_A_EV_MAX
};
#define PMTUFIX_A_EV_MAX (__PMTUFIX_A_EV_MAX - 1)

enum pmtufix_cmd {
	PMTUFIX_CMD_UNSPEC,
	PMTUFIX_CMD_GET_CONFIG,
	PMTUFIX_CMD_SET_CONFIG,
	PMTUFIX_CMD_GET_STATS,
	PMTUFIX_CMD_RESET_STATS,
	PMTUFIX_CMD_MSS_ADD,
	PMTUFIX_CMD_MSS_DEL,
	PMTUFIX_CMD_MSS_GET,
	PMTUFIX_CMD_MSS_FLUSH,
	PMTUFIX_CMD_EVENT,
	PMTUFIX_CMD_GET_RELAY,
	PMTUFIX_CMD_SET_RELAY,
	PMTUFIX_CMD_RELAY,

	__PMTUFIX_CMD_MAX
};
#define PMTUFIX_CMD_MAX (__PMTUFIX_CMD_MAX - 1)

#define PMTUFIX_MCGRP_EVENTS	"events"
#define PMTUFIX_MCGRP_RELAY	"relay"

#endif /* _UAPI_LINUX_PMTUFIX_H */
