/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pmtufix generic netlink ABI.
 *
 * Family "pmtufix", version PMTUFIX_GENL_VERSION. Every command acts on the
 * network namespace of the requesting socket. Reading needs no privilege;
 * every command that changes state needs CAP_NET_ADMIN in the user namespace
 * that owns that network namespace (GENL_UNS_ADMIN_PERM).
 *
 * All attributes are validated by policy; errors carry an extended ACK
 * message that says which attribute is wrong and why. A request that fails
 * changes nothing.
 *
 * PMTUFIX_CMD_GET_CONFIG (doit)
 *   Request: no attributes.
 *   Reply:   PMTUFIX_A_RESCUE_ENABLED, PMTUFIX_A_LOG_LEVEL, PMTUFIX_A_MTU_FLOOR,
 *            PMTUFIX_A_MTU_FLOOR_EFFECTIVE, PMTUFIX_A_VERSION.
 *
 * PMTUFIX_CMD_SET_CONFIG (doit, admin)
 *   Request: any of PMTUFIX_A_RESCUE_ENABLED (u8 0|1), PMTUFIX_A_LOG_LEVEL
 *            (u8, enum pmtufix_log_level), PMTUFIX_A_MTU_FLOOR (u32; 0 means
 *            "follow net.ipv4.route.min_pmtu", else
 *            PMTUFIX_MTU_FLOOR_MIN..PMTUFIX_MTU_FLOOR_MAX). At least one.
 *            Only the initial network namespace writes to the kernel log,
 *            whatever its log level, unless the module parameter
 *            log_all_netns is set.
 *   Reply:   none (ACK).
 *
 * PMTUFIX_CMD_GET_STATS (doit)
 *   Reply:   PMTUFIX_A_STATS, a nest of u64 counters indexed by
 *            enum pmtufix_reason (attribute type = reason + 1), and
 *            PMTUFIX_A_MSS_STATS, a nest of u64 counters indexed by
 *            enum pmtufix_mss_stat (attribute type = counter + 1), all
 *            counted since the namespace was created or since the last
 *            PMTUFIX_CMD_RESET_STATS. Inside both nests, type
 *            PMTUFIX_A_STATS_PAD (0) is alignment padding, emitted only on
 *            architectures that need it: skip it. Newer modules may add
 *            counters at the end of either nest.
 *
 * PMTUFIX_CMD_RESET_STATS (doit, admin)
 *   Request: no attributes. Reply: none (ACK). Resets both nests.
 *
 * MSS rules
 *   A rule lowers the MSS option of TCP SYN and SYN-ACK segments to or from
 *   a prefix: to a fixed value, or "auto" (PMTUFIX_A_MSS_VALUE 0) = the
 *   route MTU minus 40 (IPv4) or 60 (IPv6), as iptables' TCPMSS
 *   --clamp-mss-to-pmtu computes it: the smaller of the MTU of the route the
 *   segment takes (sent and forwarded segments) and of the route back to its
 *   source (received and forwarded segments), never below PMTUFIX_MSS_MIN.
 *   The MSS is never raised. Segments are looked at when they arrive for
 *   this host (LOCAL_IN) and when they leave it, sent or forwarded
 *   (POST_ROUTING, before source NAT): addresses are those after
 *   destination NAT and before source NAT. Frames bridged by br_netfilter
 *   are left alone.
 *
 *   Which rule applies: a rule is identified by family, prefix and prefix
 *   length, and holds a value and a direction. For each SYN two lookups are
 *   made: its destination address among the rules whose direction is "to"
 *   or "both", and its source address among the rules whose direction is
 *   "from" or "both". In each lookup the longest matching prefix wins;
 *   rules of the other direction do not take part, so a "from" rule never
 *   hides a shorter "to" rule. If both lookups find a rule the smaller
 *   target is used. Example: 10.0.0.0/8 1400 dir to and 10.1.0.0/16 auto
 *   dir from; a SYN from 10.1.2.3 to 10.9.9.9 is held to
 *   min(1400, auto).
 *
 *   When a SYN has no MSS option the peer assumes 536 (IPv4) or 1220
 *   (IPv6): an option with the target is inserted only if the target is
 *   lower than that, the segment carries no data and the header has room.
 *   An MSS option of 0 counts as absent. A malformed option list is read
 *   up to the first malformed option (as the Linux receiver reads it), and
 *   nothing after it is changed.
 *
 *   The lookup costs one hash probe per distinct prefix length in use (at
 *   most 33 for IPv4, 129 for IPv6), whatever the number of rules.
 *
 * PMTUFIX_CMD_MSS_ADD (doit, admin)
 *   Request: PMTUFIX_A_MSS_RULE nest with PMTUFIX_A_MSS_FAMILY (u8 AF_INET or
 *            AF_INET6), PMTUFIX_A_MSS_PREFIX (binary, exactly 4 bytes for
 *            AF_INET and 16 for AF_INET6, network order, host bits zero),
 *            PMTUFIX_A_MSS_PREFIX_LEN (u8, 0..32 or 0..128),
 *            PMTUFIX_A_MSS_VALUE (u16; 0 = auto, else
 *            PMTUFIX_MSS_MIN..PMTUFIX_MSS_MAX) and optional PMTUFIX_A_MSS_DIR
 *            (u8, enum pmtufix_mss_dir; default both). Optional top-level
 *            PMTUFIX_A_MSS_REPLACE (flag).
 *            Fails with EEXIST if a rule for that prefix exists, unless
 *            PMTUFIX_A_MSS_REPLACE is given: then its value and direction
 *            are replaced at once (a SYN sees the old rule or the new one).
 *            NLM_F_REPLACE cannot be used: the family accepts no netlink
 *            flags beyond REQUEST, ACK, ECHO and DUMP. ENOSPC beyond
 *            PMTUFIX_MSS_RULES_MAX rules in the namespace, or beyond the
 *            module parameter userns_mss_rules (default 4096) in one owned
 *            by a user namespace other than the initial one.
 *
 * PMTUFIX_CMD_MSS_DEL (doit, admin)
 *   Request: PMTUFIX_A_MSS_RULE nest with family, prefix and prefix length
 *            only. ENOENT if there is no such rule.
 *
 * PMTUFIX_CMD_MSS_GET (dumpit)
 *   Request: no attributes.
 *   One message per rule, each a PMTUFIX_A_MSS_RULE nest with all five
 *   attributes, ordered by family, prefix address, then prefix length. The
 *   dump resumes after the last rule it sent, so a rule that exists for
 *   the whole dump is sent exactly once; if rules changed since the dump
 *   began, the messages after the change carry NLM_F_DUMP_INTR: start over
 *   for a consistent list.
 *
 * PMTUFIX_CMD_MSS_FLUSH (doit, admin)
 *   Request: no attributes. Removes every rule of the namespace.
 *
 * PMTUFIX_CMD_EVENT (multicast group PMTUFIX_MCGRP_EVENTS, rate-limited)
 *   Joining the group needs CAP_NET_ADMIN in the user namespace that owns the
 *   network namespace: events name local flows.
 *   One message per rescue or rejection of an ICMP frag-needed:
 *   PMTUFIX_A_EVENT nest with PMTUFIX_A_EV_REASON (u32), PMTUFIX_A_EV_IFINDEX
 *   (u32), PMTUFIX_A_EV_ICMP_SADDR (be32), PMTUFIX_A_EV_MTU (u32),
 *   PMTUFIX_A_EV_PROTO (u8, the quoted L4 protocol), PMTUFIX_A_EV_SADDR and
 *   PMTUFIX_A_EV_DADDR (be32, the quoted header's addresses),
 *   PMTUFIX_A_EV_SPORT and PMTUFIX_A_EV_DPORT (be16, when the quoted L4
 *   header carries ports).
 */
#ifndef _UAPI_LINUX_PMTUFIX_H
#define _UAPI_LINUX_PMTUFIX_H

#define PMTUFIX_GENL_NAME		"pmtufix"
#define PMTUFIX_GENL_VERSION		1
#define PMTUFIX_MCGRP_EVENTS		"events"

/* PMTUFIX_A_MTU_FLOOR: 0, or a value in this range. */
#define PMTUFIX_MTU_FLOOR_MIN		68
#define PMTUFIX_MTU_FLOOR_MAX		65535

/* PMTUFIX_A_MSS_VALUE: 0 (auto), or a value in this range (TCP_MIN_MSS .. 65535 - 40). */
#define PMTUFIX_MSS_MIN			88
#define PMTUFIX_MSS_MAX			65495

/* Rules per network namespace. */
#define PMTUFIX_MSS_RULES_MAX		1048576

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

	__PMTUFIX_CMD_MAX
};
#define PMTUFIX_CMD_MAX (__PMTUFIX_CMD_MAX - 1)

/* Why a frag-needed was let through or left alone; also the stats index. */
enum pmtufix_reason {
	PMTUFIX_REASON_RESCUED,		/* strict RPF would drop it; flow proven */
	PMTUFIX_REASON_NOT_NEEDED,	/* the kernel accepts it without help */
	PMTUFIX_REASON_MALFORMED,	/* quoted header unusable */
	PMTUFIX_REASON_NOT_LOCAL,	/* quoted source not ours, not conntrack RELATED */
	PMTUFIX_REASON_NO_FLOW,		/* no socket or conntrack entry for it */
	PMTUFIX_REASON_SEQ_WINDOW,	/* TCP sequence outside snd_una..snd_nxt */
	PMTUFIX_REASON_WRONG_IFACE,	/* our peer does not route out the ingress iface */
	PMTUFIX_REASON_BELOW_FLOOR,	/* advertised MTU below the floor */
	PMTUFIX_REASON_DISABLED,	/* rescue is switched off in this namespace */
	PMTUFIX_REASON_NO_SOURCE_ROUTE,	/* loose RPF drops it too: no unicast route to its source */

	__PMTUFIX_REASON_MAX
};
#define PMTUFIX_REASON_MAX (__PMTUFIX_REASON_MAX - 1)

enum pmtufix_log_level {
	PMTUFIX_LOG_NONE,		/* never log */
	PMTUFIX_LOG_RESCUE,		/* log rescues only */
	PMTUFIX_LOG_ALL,		/* log rescues and rejections */

	__PMTUFIX_LOG_MAX
};
#define PMTUFIX_LOG_MAX (__PMTUFIX_LOG_MAX - 1)

enum pmtufix_mss_dir {
	PMTUFIX_MSS_DIR_BOTH,		/* SYNs to or from the prefix */
	PMTUFIX_MSS_DIR_TO,		/* SYNs whose destination is in the prefix */
	PMTUFIX_MSS_DIR_FROM,		/* SYNs whose source is in the prefix */

	__PMTUFIX_MSS_DIR_MAX
};
#define PMTUFIX_MSS_DIR_MAX (__PMTUFIX_MSS_DIR_MAX - 1)

/* What became of a SYN or SYN-ACK that a rule applies to. */
enum pmtufix_mss_stat {
	PMTUFIX_MSS_STAT_CLAMPED,	/* MSS option lowered */
	PMTUFIX_MSS_STAT_INSERTED,	/* MSS option added (none, and target below the default) */
	PMTUFIX_MSS_STAT_KEPT,		/* MSS already at or below the target */
	PMTUFIX_MSS_STAT_MALFORMED,	/* TCP header or options unusable: left as it was */
	PMTUFIX_MSS_STAT_NO_ROUTE,	/* auto, and no route MTU to go by: left as it was */
	PMTUFIX_MSS_STAT_FAILED,	/* no room for an option, or no memory: left as it was */

	__PMTUFIX_MSS_STAT_MAX
};
#define PMTUFIX_MSS_STAT_MAX (__PMTUFIX_MSS_STAT_MAX - 1)

enum pmtufix_attr {
	PMTUFIX_A_UNSPEC,
	PMTUFIX_A_VERSION,		/* u32: module version, major << 16 | minor << 8 | patch */
	PMTUFIX_A_RESCUE_ENABLED,	/* u8 */
	PMTUFIX_A_LOG_LEVEL,		/* u8, enum pmtufix_log_level */
	PMTUFIX_A_MTU_FLOOR,		/* u32, 0 = net.ipv4.route.min_pmtu */
	PMTUFIX_A_MTU_FLOOR_EFFECTIVE,	/* u32, read only: the floor in force now */
	PMTUFIX_A_STATS,		/* nest: u64 per enum pmtufix_reason, type = reason + 1 */
	PMTUFIX_A_MSS_RULE,		/* nest: enum pmtufix_mss_attr */
	PMTUFIX_A_EVENT,		/* nest: enum pmtufix_event_attr */
	PMTUFIX_A_PAD,
	PMTUFIX_A_MSS_REPLACE,		/* flag: PMTUFIX_CMD_MSS_ADD may replace a rule */
	PMTUFIX_A_MSS_STATS,		/* nest: u64 per pmtufix_mss_stat, type = counter + 1 */

	__PMTUFIX_A_MAX
};
#define PMTUFIX_A_MAX (__PMTUFIX_A_MAX - 1)

/* Padding inside the PMTUFIX_A_STATS and PMTUFIX_A_MSS_STATS nests. */
#define PMTUFIX_A_STATS_PAD		0

enum pmtufix_mss_attr {
	PMTUFIX_A_MSS_UNSPEC,
	PMTUFIX_A_MSS_FAMILY,		/* u8: AF_INET or AF_INET6 */
	PMTUFIX_A_MSS_PREFIX,		/* binary: 4 or 16 bytes, network order */
	PMTUFIX_A_MSS_PREFIX_LEN,	/* u8 */
	PMTUFIX_A_MSS_VALUE,		/* u16: 0 = auto, else PMTUFIX_MSS_MIN..PMTUFIX_MSS_MAX */
	PMTUFIX_A_MSS_DIR,		/* u8, enum pmtufix_mss_dir */

	__PMTUFIX_A_MSS_MAX
};
#define PMTUFIX_A_MSS_MAX (__PMTUFIX_A_MSS_MAX - 1)

enum pmtufix_event_attr {
	PMTUFIX_A_EV_UNSPEC,
	PMTUFIX_A_EV_REASON,		/* u32, enum pmtufix_reason */
	PMTUFIX_A_EV_IFINDEX,		/* u32: interface the ICMP came in on */
	PMTUFIX_A_EV_ICMP_SADDR,	/* be32: source of the ICMP error */
	PMTUFIX_A_EV_MTU,		/* u32: MTU the ICMP advertises */
	PMTUFIX_A_EV_PROTO,		/* u8: quoted L4 protocol */
	PMTUFIX_A_EV_SADDR,		/* be32: quoted source (our side) */
	PMTUFIX_A_EV_DADDR,		/* be32: quoted destination (the peer) */
	PMTUFIX_A_EV_SPORT,		/* be16 */
	PMTUFIX_A_EV_DPORT,		/* be16 */

	__PMTUFIX_A_EV_MAX
};
#define PMTUFIX_A_EV_MAX (__PMTUFIX_A_EV_MAX - 1)

#endif /* _UAPI_LINUX_PMTUFIX_H */
