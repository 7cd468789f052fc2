// SPDX-License-Identifier: GPL-2.0
/*
 * What doctor concludes, apart from how it got the evidence: the findings
 * list and its order, the tunnel overhead table, the effective rp_filter, and
 * the probe's verdict. No system calls here: host tests drive all of it.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "parse.h"

const char *const pf_sev_names[] = {
	[PF_SEV_OK] = "ok",
	[PF_SEV_SKIP] = "skipped",
	[PF_SEV_WARN] = "warning",
	[PF_SEV_ERROR] = "error",
};

void pf_find_add(struct pf_findings *f, enum pf_sev sev, const char *check, const char *fix,
		 const char *fmt, ...)
{
	struct pf_finding *v = realloc(f->v, (f->n + 1) * sizeof(*v)), *x;
	va_list ap;

	if (!v) {
		f->nomem = true;
		return;
	}
	f->v = v;
	x = &v[f->n];
	memset(x, 0, sizeof(*x));
	x->sev = sev;
	x->check = check;
	x->seq = (unsigned int)f->n;
	snprintf(x->fix, sizeof(x->fix), "%s", fix ? fix : "");
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	va_end(ap);
	f->n++;
}

static int finding_cmp(const void *a, const void *b)
{
	const struct pf_finding *x = a, *y = b;

	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void pf_find_sort(struct pf_findings *f)
{
	if (f->n)
		qsort(f->v, f->n, sizeof(*f->v), finding_cmp);
}

enum pf_sev pf_find_worst(const struct pf_findings *f)
{
	enum pf_sev w = PF_SEV_OK;

	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].sev > w)
			w = f->v[i].sev;
	return w;
}

void pf_find_free(struct pf_findings *f)
{
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/*
 * Outer headers over IPv4: vxlan and geneve 20 + 8 UDP + 8 + 14 inner
 * Ethernet; wireguard 20 + 8 + 16 header + 16 tag; ipip/sit 20; gre 20 + 4,
 * gretap another 14.
 */
static const struct {
	const char *kind;
	int overhead;
} tunnels[] = {
	{ "vxlan", 50 }, { "geneve", 50 }, { "wireguard", 60 }, { "ipip", 20 },
	{ "sit", 20 }, { "gre", 24 }, { "gretap", 38 }, { "ip6tnl", 40 },
};

int pf_tunnel_overhead(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof(tunnels) / sizeof(tunnels[0]); i++)
		if (!strcmp(kind, tunnels[i].kind))
			return tunnels[i].overhead;
	return -1;
}

bool pf_is_pod_kind(const char *kind)
{
	return kind && (!strcmp(kind, "veth") || pf_tunnel_overhead(kind) >= 0);
}

int pf_rpf_effective(int all, int dev)
{
	return all > dev ? all : dev;
}

static const char *ip(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* Why pmtufix refused it, in the operator's terms, and what to do. */
static void refused(const struct pf_probe_ev *ev, struct pf_findings *f, const char *head)
{
	const char *why = "", *fix = NULL;
	char fixbuf[64];

	switch (ev->rejected_reason) {
	case PMTUFIX_REASON_WRONG_IFACE:
		why = ": the quoted peer does not route out the interface the error arrived on "
		      "(asymmetric routing: fix the route to the peer)";
		break;
	case PMTUFIX_REASON_NO_FLOW:
		why = ": no socket or conntrack entry has that flow";
		break;
	case PMTUFIX_REASON_BELOW_FLOOR:
		why = ": its MTU is below the floor";
		snprintf(fixbuf, sizeof(fixbuf), "pmtufix set floor %u", ev->err_mtu);
		fix = ev->err_mtu >= 552 ? fixbuf : NULL;
		break;
	case PMTUFIX_REASON_DISABLED:
		why = ": rescue is off";
		fix = "pmtufix set rescue on";
		break;
	}
	pf_find_add(f, PF_SEV_ERROR, "probe.refused", fix, "%s; pmtufix refused it (%s, %llu)%s",
		    head, ev->rejected_reason >= 0 &&
		    ev->rejected_reason <= PMTUFIX_REASON_MAX ?
		    pf_reason_names[ev->rejected_reason] : "?",
		    (unsigned long long)ev->rejected_delta, why);
}

/* An error came in and the kernel never applied it: say who dropped it. */
static void dropped(const struct pf_probe_ev *ev, struct pf_findings *f)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN], head[256];

	ip(ev->err_src, s);
	ip(ev->dest, d);
	if (ev->rpf_err == -EXDEV) {
		snprintf(head, sizeof(head), "frag-needed from %s (mtu %u) arrives on %s, but %s "
			 "routes out %s: strict rp_filter drops it, so the PMTU to %s stays %u",
			 s, ev->err_mtu, ev->err_ifname, s,
			 ev->err_src_oif[0] ? ev->err_src_oif : "another interface", d,
			 ev->first_size);
		if (!ev->self_present && !ev->dest_via_err_if)
			pf_find_add(f, PF_SEV_ERROR, "probe.rpf_drop", NULL, "%s; pmtufix would "
				    "not take it either: %s does not route out %s (asymmetric "
				    "routing)", head, d, ev->err_ifname);
		else if (!ev->self_present)
			pf_find_add(f, PF_SEV_ERROR, "probe.rpf_drop",
				    "modprobe pmtufix (or: pmtufix -b nft set rescue on); keeps "
				    "rp_filter=1", "%s; pmtufix would rescue it", head);
		else if (!ev->self_rescue)
			pf_find_add(f, PF_SEV_ERROR, "probe.rpf_drop", "pmtufix set rescue on",
				    "%s; pmtufix (%s) is there but rescue is off", head,
				    ev->self_backend);
		else if (ev->rejected_reason >= 0)
			refused(ev, f, head);
		else
			pf_find_add(f, PF_SEV_ERROR, "probe.rpf_drop", NULL,
				    "%s; pmtufix (%s) did not see it", head, ev->self_backend);
		return;
	}
	if (ev->rpf_err) {
		pf_find_add(f, PF_SEV_ERROR, "probe.no_route_back", NULL,
			    "frag-needed from %s (mtu %u) arrives on %s, but %s has no route "
			    "back (%s): even loose rp_filter drops it, so the PMTU to %s stays %u",
			    s, ev->err_mtu, ev->err_ifname, s, strerror(-ev->rpf_err), d,
			    ev->first_size);
		return;
	}
	pf_find_add(f, PF_SEV_ERROR, "probe.fw_drop", ev->fw_rule_seen ? ev->fw_fix : NULL,
		    "frag-needed from %s (mtu %u) arrives on %s and passes rp_filter, but the "
		    "kernel never applied it: %s, so the PMTU to %s stays %u",
		    s, ev->err_mtu, ev->err_ifname,
		    ev->fw_rule_seen ? "a firewall rule drops it" :
		    "something drops it (a firewall rule? see 'nft list ruleset', "
		    "'iptables -S')", d, ev->first_size);
}

/* No frag-needed at all: a black hole, or nothing to tell. */
static void silent(const struct pf_probe_ev *ev, struct pf_findings *f)
{
	char d[INET_ADDRSTRLEN], fix[96];

	ip(ev->dest, d);
	if (ev->largest_ok && ev->largest_ok >= ev->first_size) {
		pf_find_add(f, PF_SEV_OK, "probe.path", NULL, "%u-byte packets reach %s "
			    "(%u probes)", ev->largest_ok, d, ev->probes);
		return;
	}
	if (!ev->largest_ok) {
		pf_find_add(f, PF_SEV_SKIP, "probe.no_answer", NULL, "%s answered none of %u "
			    "probes (%s): cannot tell where packets are lost", d, ev->probes,
			    ev->tcp ? "TCP" : "UDP, expecting port unreachable");
		return;
	}
	snprintf(fix, sizeof(fix), "pmtufix mss add %s/32 %u", d, ev->largest_ok - 40);
	pf_find_add(f, ev->captured ? PF_SEV_ERROR : PF_SEV_WARN, "probe.black_hole", fix,
		    "no error ever came back for %u-byte packets to %s, %u-byte ones arrive: a "
		    "PMTU black hole (ICMP filtered on the path)%s; TCP needs an MSS of at most %u",
		    ev->largest_lost, d, ev->largest_ok,
		    ev->captured ? "" : " (without a capture a dropped error looks the same)",
		    ev->largest_ok - 40);
}

void pf_probe_verdict(const struct pf_probe_ev *ev, struct pf_findings *f)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	if (!ev->err_seen) {
		silent(ev, f);
		return;
	}
	ip(ev->err_src, s);
	ip(ev->dest, d);
	if (ev->delivered || ev->cached_mtu) {
		if (ev->rescued_delta)
			pf_find_add(f, PF_SEV_OK, "probe.rescued", NULL,
				    "frag-needed from %s (mtu %u) on %s: strict rp_filter would "
				    "drop it, pmtufix (%s) rescued it (%llu); PMTU to %s is %u",
				    s, ev->err_mtu, ev->err_ifname[0] ? ev->err_ifname : "?",
				    ev->self_backend, (unsigned long long)ev->rescued_delta, d,
				    ev->cached_mtu ? ev->cached_mtu : ev->err_mtu);
		else
			pf_find_add(f, PF_SEV_OK, "probe.pmtu", NULL,
				    "frag-needed from %s (mtu %u) on %s is accepted; PMTU to %s "
				    "is %u", s, ev->err_mtu,
				    ev->err_ifname[0] ? ev->err_ifname : "?", d,
				    ev->cached_mtu ? ev->cached_mtu : ev->err_mtu);
		return;
	}
	dropped(ev, f);
}

static const struct pf_link *by_index(const struct pf_link *l, size_t n, int ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (l[i].ifindex == ifindex)
			return &l[i];
	return NULL;
}

static bool is_uplink(const struct pf_gw *g, size_t ng, int ifindex)
{
	for (size_t i = 0; i < ng; i++)
		if (g[i].oif == ifindex)
			return true;
	return false;
}

/* The interface of the default route, else of the first route via a gateway. */
static const struct pf_link *ref_uplink(const struct pf_link *l, size_t n,
					const struct pf_gw *g, size_t ng)
{
	for (size_t i = 0; i < ng; i++)
		if (g[i].is_default && by_index(l, n, g[i].oif))
			return by_index(l, n, g[i].oif);
	for (size_t i = 0; i < ng; i++)
		if (by_index(l, n, g[i].oif))
			return by_index(l, n, g[i].oif);
	return NULL;
}

/* The smallest MTU of the node's tunnels that are up: what a pod's packets fit in. */
static unsigned int tunnel_min(const struct pf_link *l, size_t n)
{
	unsigned int m = 0;

	for (size_t i = 0; i < n; i++)
		if (l[i].up && pf_tunnel_overhead(l[i].kind) >= 0 && (!m || l[i].mtu < m))
			m = l[i].mtu;
	return m;
}

static bool mtu_too_big(const struct pf_link *x, const struct pf_link *l, size_t n,
			const struct pf_link *up, unsigned int tmin, struct pf_findings *f)
{
	const struct pf_link *under = up;
	int over = pf_tunnel_overhead(x->kind);
	unsigned int limit;
	char fix[96];

	if (over >= 0) {
		if (x->link)
			under = by_index(l, n, x->link);
		if (!under || under->mtu <= (unsigned int)over)
			return false;
		limit = under->mtu - (unsigned int)over;
	} else {
		over = 0;
		limit = tmin && tmin < up->mtu ? tmin : up->mtu;
	}
	if (x->mtu <= limit)
		return false;
	snprintf(fix, sizeof(fix), "ip link set dev %s mtu %u", x->name, limit);
	pf_find_add(f, PF_SEV_WARN, "overlay.mtu", fix, "%s (%s) has MTU %u, but %s carries "
		    "%u (MTU %u - %d overhead%s): its full-size packets never leave the node "
		    "whole", x->name, x->kind, x->mtu, under->name, limit, under->mtu, over,
		    over == 0 && tmin && tmin < up->mtu ? ", and the overlay is smaller" : "");
	return true;
}

void pf_check_mtus(const struct pf_link *l, size_t n, const struct pf_gw *g, size_t ng,
		   struct pf_findings *f)
{
	const struct pf_link *up = ref_uplink(l, n, g, ng);
	unsigned int tmin = tunnel_min(l, n), bad = 0;

	if (!up) {
		pf_find_add(f, PF_SEV_OK, "overlay.mtu", NULL, "no route via a gateway: "
			    "no uplink to hold interface MTUs against");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pf_link *x = &l[i];

		if (!x->up || !pf_is_pod_kind(x->kind) || x == up)
			continue;
		/* A veth that carries a route's gateway is an uplink, not a pod. */
		if (pf_tunnel_overhead(x->kind) < 0 && is_uplink(g, ng, x->ifindex))
			continue;
		bad += mtu_too_big(x, l, n, up, tmin, f);
	}
	if (!bad)
		pf_find_add(f, PF_SEV_OK, "overlay.mtu", NULL, "pod and tunnel interfaces fit "
			    "the uplink %s (MTU %u)", up->name, up->mtu);
}
