/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `pmtufix doctor`: why path MTU discovery fails on this node. The checks
 * (static, probe, rules, pmtufix's own state) only add findings; doctor.c
 * orders and prints them. The verdict logic is pure (doctor_verdict.c) so
 * host tests can drive it with any evidence.
 */
#ifndef PMTUFIX_DOCTOR_H
#define PMTUFIX_DOCTOR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmtufix.h"

/* Worst first when printed; the exit code is 1 from PF_SEV_WARN up. */
enum pf_sev {
	PF_SEV_OK,		/* checked, fine (or worth knowing) */
	PF_SEV_SKIP,		/* could not be checked: says why */
	PF_SEV_WARN,		/* likely to break PMTU discovery */
	PF_SEV_ERROR,		/* breaks it now (seen) */
};

struct pf_finding {
	enum pf_sev sev;
	const char *check;	/* stable key, e.g. "probe.rpf_drop" */
	char msg[384];
	char fix[192];		/* a command, or "" */
	unsigned int seq;	/* order of discovery: ties keep it */
};

struct pf_findings {
	struct pf_finding *v;
	size_t n;
	bool nomem;
};

/* Add one; fix may be NULL. On allocation failure sets nomem, drops it. */
void pf_find_add(struct pf_findings *f, enum pf_sev sev, const char *check, const char *fix,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void pf_find_sort(struct pf_findings *f);
/* The worst severity there, PF_SEV_OK if none. */
enum pf_sev pf_find_worst(const struct pf_findings *f);
void pf_find_free(struct pf_findings *f);
extern const char *const pf_sev_names[];

/* Bytes a tunnel of this IFLA_INFO_KIND adds (IPv4 outer); -1: not a tunnel. */
int pf_tunnel_overhead(const char *kind);
/* veth and the tunnels above: interfaces whose MTU a pod's packets obey. */
bool pf_is_pod_kind(const char *kind);
/* The mode the kernel enforces: the larger of conf/all and conf/IFACE. */
int pf_rpf_effective(int all, int dev);

/* Counters by enum pmtufix_reason, from whichever backend is active. */
#define PF_DOC_REASONS	(PMTUFIX_REASON_MAX + 1)
struct pf_doc_self {
	bool present;		/* a backend is there and installed */
	const char *backend;	/* "module" or "nft" */
	bool rescue;
	bool has_reason[PF_DOC_REASONS];
	uint64_t reason[PF_DOC_REASONS];
	char why[256];		/* when !present: what was said */
};

/* What the probe saw; the verdict reads only this. */
struct pf_probe_ev {
	struct in_addr dest;
	bool tcp;
	unsigned int first_size;	/* the first probe's size (route MTU) */
	unsigned int largest_ok;	/* largest size known to arrive, 0: none */
	unsigned int largest_lost;	/* largest size neither answered nor refused */
	unsigned int probes;

	bool captured;			/* AF_PACKET could run */
	bool err_seen;			/* a frag-needed about DEST came in */
	struct in_addr err_src;
	struct in_addr err_dst;		/* its outer destination: us */
	unsigned int err_mtu;
	char err_ifname[16];
	int rpf_err;			/* lookup of err_src with iif: 0 or -errno */
	char err_src_oif[16];		/* where err_src routes ("" unknown) */
	bool dest_via_err_if;		/* DEST routes out where the error came in */
	bool delivered;			/* the socket got EMSGSIZE */
	unsigned int cached_mtu;	/* after the probe: route exception, 0 none */
	unsigned int route_mtu_before;	/* exception before the probe, 0 none */

	/* pmtufix around the probe */
	bool self_present, self_rescue;
	const char *self_backend;
	uint64_t rescued_delta;
	int rejected_reason;		/* the reason that rose most, -1 none */
	uint64_t rejected_delta;
	bool fw_rule_seen;		/* the static scan found a dropping rule */
	char fw_fix[192];
};

/* Turn the probe's evidence into findings. */
void pf_probe_verdict(const struct pf_probe_ev *ev, struct pf_findings *f);

/* doctor_route.c: rtnetlink questions, each on a socket of its own. */
struct pf_rt {
	int oif;
	unsigned int mtu;	/* RTAX_MTU of the answer, 0 none */
	bool cloned;		/* the answer is a cached exception */
	struct in_addr prefsrc;
};
/* `ip route get DST [from SRC iif IFINDEX]`; src.s_addr 0 / iif 0: not given. */
int pf_rt_get(struct in_addr dst, struct in_addr src, int iif, struct pf_rt *rt);

struct pf_link {
	int ifindex;
	int link;		/* IFLA_LINK, 0 none */
	unsigned int mtu;
	bool up;
	char name[16];
	char kind[16];		/* IFLA_INFO_KIND, "" none */
};
/* *v to be freed. */
int pf_rt_links(struct pf_link **v, size_t *n);

struct pf_gw {
	struct in_addr gw;
	int oif;
	bool is_default;
};
/* Gateways of the main table's IPv4 routes; *v to be freed. */
int pf_rt_gateways(struct pf_gw **v, size_t *n);

struct pf_pmtu {
	struct in_addr dst;
	unsigned int mtu;
	int oif;
};
/* Cached PMTU exceptions (ip route show cache); *v to be freed. */
int pf_rt_pmtu_cache(struct pf_pmtu **v, size_t *n);

/* Pod and tunnel interfaces whose MTU the uplink cannot carry (pure). */
void pf_check_mtus(const struct pf_link *l, size_t n, const struct pf_gw *g, size_t ng,
		   struct pf_findings *f);

/* doctor_static.c: sysctls, links, routes, cache; no traffic. */
void pf_doc_static(struct pf_findings *f);
/* A TcpExt counter of /proc/net/netstat (IPReversePathFilter lives there). */
int pf_netstat_read(const char *key, uint64_t *v);

/* doctor_rules.c: firewall rules on the input path that drop frag-needed. */
struct pf_fw_hit {
	bool found;
	char fix[192];
};
void pf_doc_rules(struct pf_findings *f, struct pf_fw_hit *hit);

/* doctor_probe.c: the active probe; fills ev (not the pmtufix part). */
int pf_doc_probe(struct in_addr dest, int port, struct pf_probe_ev *ev, struct pf_findings *f);

/* doctor_self.c: the one place that reads pmtufix's own state. 0 or -errno. */
struct pf_ctx;
int pf_doctor_self(struct pf_ctx *c, struct pf_doc_self *s);

#endif /* PMTUFIX_DOCTOR_H */
