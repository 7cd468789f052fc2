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
 *            "follow net.ipv4.route.min_pmtu", else 68..65535). At least one.
 *   Reply:   none (ACK).
 *
 * PMTUFIX_CMD_GET_STATS (doit)
 *   Reply:   PMTUFIX_A_STATS, a nest of u64 counters indexed by
 *            enum pmtufix_reason (attribute type = reason + 1), counted since
 *            the namespace was created or since the last PMTUFIX_CMD_RESET_STATS.
 *            Inside the nest, type PMTUFIX_A_STATS_PAD (0) is alignment
 *            padding, emitted only on architectures that need it: skip it.
 *
 * PMTUFIX_CMD_RESET_STATS (doit, admin)
 *   Request: no attributes. Reply: none (ACK).
 *
 * PMTUFIX_CMD_MSS_ADD (doit, admin)
 *   Request: PMTUFIX_A_MSS_RULE nest with PMTUFIX_A_MSS_FAMILY (u8 AF_INET or
 *            AF_INET6), PMTUFIX_A_MSS_PREFIX (binary 4 or 16 bytes, host bits
 *            zero), PMTUFIX_A_MSS_PREFIX_LEN (u8), PMTUFIX_A_MSS_VALUE (u16;
 *            0 = auto, route MTU - 40/60, else 536..65495) and optional
 *            PMTUFIX_A_MSS_DIR (u8, enum pmtufix_mss_dir; default both).
 *            Fails with EEXIST if the prefix exists, unless NLM_F_REPLACE.
 *
 * PMTUFIX_CMD_MSS_DEL (doit, admin)
 *   Request: PMTUFIX_A_MSS_RULE nest with family, prefix and prefix length.
 *            ENOENT if there is no such rule.
 *
 * PMTUFIX_CMD_MSS_GET (dumpit)
 *   One message per rule, each a PMTUFIX_A_MSS_RULE nest.
 *
 * PMTUFIX_CMD_MSS_FLUSH (doit, admin)
 *   Removes every rule of the namespace.
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

	__PMTUFIX_A_MAX
};
#define PMTUFIX_A_MAX (__PMTUFIX_A_MAX - 1)

/* Padding inside the PMTUFIX_A_STATS nest, where type = reason + 1. */
#define PMTUFIX_A_STATS_PAD		0

enum pmtufix_mss_attr {
	PMTUFIX_A_MSS_UNSPEC,
	PMTUFIX_A_MSS_FAMILY,		/* u8: AF_INET or AF_INET6 */
	PMTUFIX_A_MSS_PREFIX,		/* binary: 4 or 16 bytes, network order */
	PMTUFIX_A_MSS_PREFIX_LEN,	/* u8 */
	PMTUFIX_A_MSS_VALUE,		/* u16: 0 = auto */
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
