/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus text exposition format (version 0.0.4) of what pmtufix
 * counts, for `stats -o prometheus` and the agent's /metrics. Pure: the
 * caller reads the backend; only pf_rpf_read() looks at /proc.
 */
#ifndef PMTUFIX_METRICS_H
#define PMTUFIX_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

#define PF_METRICS_CTYPE "text/plain; version=0.0.4; charset=utf-8"

/* Why the agent looked at the state: the values of label "cause". */
enum pf_cause {
	PF_CAUSE_START,		/* the agent started */
	PF_CAUSE_RELOAD,	/* SIGHUP with a valid file */
	PF_CAUSE_NFTABLES,	/* an nftables ruleset change */
	PF_CAUSE_NETWORK,	/* a link, address, route or rule change */
	PF_CAUSE_MODULE,	/* the module's family appeared or went */
	PF_CAUSE_MAX
};

extern const char *const pf_cause_names[PF_CAUSE_MAX];

/* The agent's own counters; absent from `stats -o prometheus`. */
struct pf_agent_metrics {
	uint64_t reconciles[PF_CAUSE_MAX];
	uint64_t applies;		/* the state was not as the file says: applied */
	uint64_t failures;		/* applying failed */
	uint64_t reloads_failed;	/* SIGHUP with an invalid file */
	double last_reconcile;		/* unix time of the last check that ended in place */
	bool healthy;			/* the desired state is in place */
};

/* The relay agent's own counters. */
struct pf_relay_counters {
	uint64_t send_error;		/* a datagram to a peer could not be sent */
	uint64_t from_peer;		/* an error whose ICMP source is a peer: not sent on */
	uint64_t unknown_peer;		/* a datagram from an address that is no peer */
	uint64_t malformed;		/* a datagram that is not one whole error */
	uint64_t rate_limited;		/* over the receiving rate */
	uint64_t inject_error;		/* the relay device refused it */
	uint64_t local_flow;		/* nft: a socket here has the quoted flow: not sent */
	uint64_t lost;			/* errors to relay the kernel dropped before we read them */
};

struct pf_metrics {
	const char *backend;		/* "module" or "nft" */
	const struct pf_stats *stats;	/* NULL: not read */
	bool has_rescue;
	bool rescue;
	bool has_mss_stats;
	struct pf_mss_stats mss;
	bool has_mss_rules;
	uint64_t mss_rules;
	bool has_rpf;
	uint64_t rpf;			/* TcpExt IPReversePathFilter */
	const struct pf_agent_metrics *agent;	/* NULL outside the agent */
	const struct pf_relay_stats *relay;	/* the backend's; NULL: not counted */
	struct pf_relay_stats relay_stats;	/* where pf_rc_collect() reads them */
	const struct pf_relay_counters *relay_agent;	/* NULL: no relay in the agent */
};

/* Write the exposition of m to out. */
void pf_metrics_write(FILE *out, const struct pf_metrics *m);

/*
 * IPReversePathFilter from a /proc/net/netstat text: "TcpExt:" name line,
 * then value line. 0, or -ENOENT when absent.
 */
int pf_rpf_parse(FILE *in, uint64_t *value);
/* The same from this namespace's /proc/net/netstat. */
int pf_rpf_read(uint64_t *value);

#endif /* PMTUFIX_METRICS_H */
