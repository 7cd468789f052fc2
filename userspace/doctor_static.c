// SPDX-License-Identifier: GPL-2.0
/*
 * doctor's checks that send nothing: sysctls, reverse-path filtering per
 * interface and the gateways it would cut off, interface MTUs, cached PMTU
 * exceptions. Everything read here is readable without privileges.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"

static int read_int(const char *fmt, const char *arg, int *v)
{
	char path[128];
	FILE *fp;
	int ok;

	*v = 0;
	snprintf(path, sizeof(path), fmt, arg);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	ok = fscanf(fp, "%d", v) == 1;
	fclose(fp);
	return ok ? 0 : -EINVAL;
}

int pf_netstat_read(const char *key, uint64_t *v)
{
	char names[4096], vals[4096];
	FILE *fp = fopen("/proc/net/netstat", "re");
	int err = -ENOENT;

	if (!fp)
		return -errno;
	/* Pairs of lines: "TcpExt: Name ..." then "TcpExt: 1 2 ...". */
	while (fgets(names, sizeof(names), fp) && fgets(vals, sizeof(vals), fp)) {
		char *sn, *sv, *n = strtok_r(names, " \n", &sn), *x = strtok_r(vals, " \n", &sv);

		if (!n || !x || strcmp(n, "TcpExt:"))
			continue;
		while ((n = strtok_r(NULL, " \n", &sn)) && (x = strtok_r(NULL, " \n", &sv)))
			if (!strcmp(n, key)) {
				*v = strtoull(x, NULL, 10);
				err = 0;
			}
	}
	fclose(fp);
	return err;
}

static void sysctls(struct pf_findings *f)
{
	int v;

	if (read_int("/proc/sys/net/ipv4/%s", "ip_no_pmtu_disc", &v))
		pf_find_add(f, PF_SEV_SKIP, "sysctl.ip_no_pmtu_disc", NULL,
			    "cannot read net.ipv4.ip_no_pmtu_disc");
	else if (v)
		pf_find_add(f, PF_SEV_WARN, "sysctl.ip_no_pmtu_disc",
			    "sysctl -w net.ipv4.ip_no_pmtu_disc=0",
			    "net.ipv4.ip_no_pmtu_disc=%d: this host does no path MTU discovery of "
			    "its own (no DF, frag-needed ignored or clamped)", v);
	if (!read_int("/proc/sys/net/ipv4/%s", "tcp_mtu_probing", &v))
		pf_find_add(f, PF_SEV_OK, "sysctl.tcp_mtu_probing", NULL,
			    "net.ipv4.tcp_mtu_probing=%d%s", v, v ? ": TCP recovers from a "
			    "black hole after timeouts (seconds)" :
			    ": TCP relies on frag-needed alone");
}

/* Gateways out ifindex whose errors strict RPF would drop on arrival there. */
static unsigned int cut_off_gateways(const struct pf_link *x, const struct pf_gw *g, size_t ng,
				     const struct pf_link *l, size_t nl, struct pf_findings *f)
{
	unsigned int bad = 0;

	for (size_t i = 0; i < ng; i++) {
		struct in_addr none = { 0 };
		struct pf_rt to, back;
		char gw[INET_ADDRSTRLEN];
		const char *oif = "another interface";
		int err;

		if (g[i].oif != x->ifindex || pf_rt_get(g[i].gw, none, 0, &to) ||
		    !to.prefsrc.s_addr)
			continue;
		err = pf_rt_get(to.prefsrc, g[i].gw, x->ifindex, &back);
		if (err != -EXDEV)
			continue;
		for (size_t j = 0; j < nl; j++)
			if (l[j].ifindex == to.oif)
				oif = l[j].name;
		inet_ntop(AF_INET, &g[i].gw, gw, sizeof(gw));
		pf_find_add(f, PF_SEV_WARN, "rp_filter.gateway", "modprobe pmtufix (keeps "
			    "rp_filter=1)", "strict rp_filter on %s drops what gateway %s sends "
			    "from its own address: it routes out %s", x->name, gw, oif);
		bad++;
	}
	return bad;
}

static void rpf(struct pf_findings *f, const struct pf_link *l, size_t nl,
		const struct pf_gw *g, size_t ng)
{
	char strict[256] = "";
	size_t len = 0;
	int all, dev;

	if (read_int("/proc/sys/net/ipv4/conf/%s/rp_filter", "all", &all)) {
		pf_find_add(f, PF_SEV_SKIP, "rp_filter", NULL, "cannot read rp_filter");
		return;
	}
	for (size_t i = 0; i < nl; i++) {
		if (!l[i].up || !strcmp(l[i].name, "lo") ||
		    read_int("/proc/sys/net/ipv4/conf/%s/rp_filter", l[i].name, &dev) ||
		    pf_rpf_effective(all, dev) != 1)
			continue;
		if (len < sizeof(strict))
			len += (size_t)snprintf(strict + len, sizeof(strict) - len, "%s%s",
						len ? ", " : "", l[i].name);
		cut_off_gateways(&l[i], g, ng, l, nl, f);
	}
	pf_find_add(f, PF_SEV_OK, "rp_filter", NULL, "strict rp_filter (1) on: %s",
		    len ? strict : "no interface");
}

static void cache(struct pf_findings *f, const struct pf_link *l, size_t nl)
{
	struct pf_pmtu *v;
	char line[256] = "";
	size_t n, len = 0;
	int err = pf_rt_pmtu_cache(&v, &n);

	if (err) {
		pf_find_add(f, PF_SEV_SKIP, "pmtu.cache", NULL, "cannot list cached PMTUs: %s",
			    strerror(-err));
		return;
	}
	for (size_t i = 0; i < n && i < 4; i++) {
		char d[INET_ADDRSTRLEN];
		const char *dev = "?";

		for (size_t j = 0; j < nl; j++)
			if (l[j].ifindex == v[i].oif)
				dev = l[j].name;
		inet_ntop(AF_INET, &v[i].dst, d, sizeof(d));
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s mtu %u (%s)",
					i ? ", " : ": ", d, v[i].mtu, dev);
	}
	pf_find_add(f, PF_SEV_OK, "pmtu.cache", NULL, "%zu cached PMTU exception%s%s%s", n,
		    n == 1 ? "" : "s", line, n > 4 ? ", ..." : "");
	free(v);
}

void pf_doc_static(struct pf_findings *f)
{
	struct pf_link *l = NULL;
	struct pf_gw *g = NULL;
	size_t nl = 0, ng = 0;
	int err;

	sysctls(f);
	err = pf_rt_links(&l, &nl);
	if (!err)
		err = pf_rt_gateways(&g, &ng);
	if (err) {
		pf_find_add(f, PF_SEV_SKIP, "links", NULL, "cannot list interfaces or routes: %s",
			    strerror(-err));
	} else {
		rpf(f, l, nl, g, ng);
		pf_check_mtus(l, nl, g, ng, f);
	}
	cache(f, l, nl);
	free(l);
	free(g);
}
