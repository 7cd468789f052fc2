// SPDX-License-Identifier: GPL-2.0
/*
 * doctor's pure parts: the order of findings, the overhead table, the
 * effective rp_filter, the MTU check and the probe's verdict for each kind of
 * evidence; and its usage errors (exit 2, before anything is run).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "cli.h"
#include "doctor.h"
#include "tap.h"

static void order(void)
{
	struct pf_findings f = { 0 };

	pf_find_add(&f, PF_SEV_OK, "a", NULL, "first ok");
	pf_find_add(&f, PF_SEV_WARN, "b", "fix b", "a warning");
	pf_find_add(&f, PF_SEV_SKIP, "c", NULL, "skipped");
	pf_find_add(&f, PF_SEV_ERROR, "d", NULL, "an error");
	pf_find_add(&f, PF_SEV_OK, "e", NULL, "second ok");
	pf_find_add(&f, PF_SEV_WARN, "f", NULL, "another warning");
	is_int(pf_find_worst(&f), PF_SEV_ERROR, "worst of all is the error");
	pf_find_sort(&f);
	is_str(f.v[0].check, "d", "error first");
	is_str(f.v[1].check, "b", "then warnings, in the order found");
	is_str(f.v[2].check, "f", "  the second warning");
	is_str(f.v[3].check, "c", "then skipped checks");
	is_str(f.v[4].check, "a", "then ok, in the order found");
	is_str(f.v[5].check, "e", "  the second ok");
	is_str(f.v[1].fix, "fix b", "the fix travels with its finding");
	pf_find_free(&f);
	is_int(pf_find_worst(&f), PF_SEV_OK, "no findings: ok");
}

static void tables(void)
{
	is_int(pf_tunnel_overhead("vxlan"), 50, "vxlan: 50 (the lesson's 9000 - 50 = 8950)");
	is_int(pf_tunnel_overhead("geneve"), 50, "geneve: 50");
	is_int(pf_tunnel_overhead("wireguard"), 60, "wireguard: 60 over IPv4");
	is_int(pf_tunnel_overhead("ipip"), 20, "ipip: 20");
	is_int(pf_tunnel_overhead("veth"), -1, "veth is no tunnel");
	is_int(pf_tunnel_overhead(NULL), -1, "no kind: no tunnel");
	ok(pf_is_pod_kind("veth") && pf_is_pod_kind("vxlan") && !pf_is_pod_kind("bridge") &&
	   !pf_is_pod_kind(""), "pod kinds: veth and tunnels only");
	is_int(pf_rpf_effective(0, 1), 1, "rp_filter: all 0, dev 1 -> strict");
	is_int(pf_rpf_effective(2, 1), 2, "rp_filter: all 2, dev 1 -> loose");
	is_int(pf_rpf_effective(1, 0), 1, "rp_filter: all 1, dev 0 -> strict");
}

static struct pf_link lk(int idx, const char *name, const char *kind, unsigned int mtu, int link)
{
	struct pf_link l = { .ifindex = idx, .link = link, .mtu = mtu, .up = true };

	snprintf(l.name, sizeof(l.name), "%s", name);
	snprintf(l.kind, sizeof(l.kind), "%s", kind);
	return l;
}

static const struct pf_finding *find(const struct pf_findings *f, const char *check)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].check, check))
			return &f->v[i];
	return NULL;
}

static void mtus(void)
{
	struct pf_gw gw = { .oif = 2, .is_default = true };
	struct pf_link l[4];
	struct pf_findings f = { 0 };
	const struct pf_finding *x;

	l[0] = lk(2, "eth1", "veth", 9000, 0);
	l[1] = lk(3, "vxlan.calico", "vxlan", 9000, 0);
	l[2] = lk(4, "cali1", "veth", 8950, 0);
	pf_check_mtus(l, 3, &gw, 1, &f);
	x = find(&f, "overlay.mtu");
	ok(x && x->sev == PF_SEV_WARN, "vxlan 9000 over a 9000 uplink: warning");
	is_str(x ? x->fix : "", "ip link set dev vxlan.calico mtu 8950", "  fix: 9000 - 50");
	is_int(f.n, 1, "  the veth uplink and the 8950 pod are fine");
	pf_find_free(&f);

	l[1].mtu = 8950;
	l[2].mtu = 9000;
	pf_check_mtus(l, 3, &gw, 1, &f);
	x = find(&f, "overlay.mtu");
	is_str(x ? x->fix : "", "ip link set dev cali1 mtu 8950",
	       "pod veth 9000 behind a vxlan of 8950: down to the overlay's MTU");
	pf_find_free(&f);

	l[2].mtu = 8950;
	l[3] = lk(5, "tun0", "ipip", 9000, 6);
	pf_check_mtus(l, 4, &gw, 1, &f);
	ok(f.n == 1 && f.v[0].sev == PF_SEV_OK, "a tunnel whose link is unknown is not judged");
	pf_find_free(&f);

	l[3] = lk(5, "tun0", "ipip", 1500, 2);
	l[0].mtu = 1500;
	l[1].mtu = 1450;
	l[2].mtu = 1450;
	pf_check_mtus(l, 4, &gw, 1, &f);
	x = find(&f, "overlay.mtu");
	is_str(x ? x->fix : "", "ip link set dev tun0 mtu 1480", "ipip over its link: 1500 - 20");
	pf_find_free(&f);

	pf_check_mtus(l, 4, NULL, 0, &f);
	ok(f.n == 1 && f.v[0].sev == PF_SEV_OK, "no gateway route: nothing to compare against");
	pf_find_free(&f);
}

/* The seed: errors from 172.20.20.2 on eth1, which routes out eth0. */
static struct pf_probe_ev seed(void)
{
	struct pf_probe_ev ev = { .first_size = 9000, .largest_ok = 1500, .probes = 2,
				  .captured = true, .err_seen = true, .err_mtu = 1500,
				  .rpf_err = -EXDEV, .dest_via_err_if = true,
				  .rejected_reason = -1 };

	inet_pton(AF_INET, "10.10.20.20", &ev.dest);
	inet_pton(AF_INET, "172.20.20.2", &ev.err_src);
	inet_pton(AF_INET, "10.10.10.10", &ev.err_dst);
	strcpy(ev.err_ifname, "eth1");
	strcpy(ev.err_src_oif, "eth0");
	return ev;
}

/* The verdict's single finding must be check, with sev; its fix in *fix. */
static bool verdict(const struct pf_probe_ev *ev, enum pf_sev sev, const char *check,
		    char *fix, char *msg)
{
	struct pf_findings f = { 0 };
	bool good;

	pf_probe_verdict(ev, &f);
	good = f.n == 1 && f.v[0].sev == sev && !strcmp(f.v[0].check, check);
	if (!good)
		tap_diag("got %zu findings, first %s %s", f.n, f.n ? pf_sev_names[f.v[0].sev] : "",
			 f.n ? f.v[0].check : "");
	strcpy(fix, f.n ? f.v[0].fix : "");
	strcpy(msg, f.n ? f.v[0].msg : "");
	pf_find_free(&f);
	return good;
}

static void probe_verdicts(void)
{
	struct pf_probe_ev ev = seed();
	char fix[192], msg[384];

	ok(verdict(&ev, PF_SEV_ERROR, "probe.rpf_drop", fix, msg), "seed: rpf_drop");
	is_str(msg, "frag-needed from 172.20.20.2 (mtu 1500) arrives on eth1, but 172.20.20.2 "
	       "routes out eth0: strict rp_filter drops it, so the PMTU to 10.10.20.20 stays "
	       "9000; pmtufix would rescue it", "  the issue's sentence");
	ok(strstr(fix, "modprobe pmtufix") && strstr(fix, "keeps rp_filter=1") &&
	   !strstr(fix, "rp_filter=2"), "  fix: load pmtufix, never rp_filter=2 (%s)", fix);

	ev.dest_via_err_if = false;
	ok(verdict(&ev, PF_SEV_ERROR, "probe.rpf_drop", fix, msg) && !fix[0] &&
	   strstr(msg, "would not take it"), "asymmetric: pmtufix would not help, no fix");

	ev = seed();
	ev.self_present = true;
	ev.self_backend = "module";
	ok(verdict(&ev, PF_SEV_ERROR, "probe.rpf_drop", fix, msg), "pmtufix, rescue off");
	is_str(fix, "pmtufix set rescue on", "  fix: rescue on");

	ev.self_rescue = true;
	ev.rejected_reason = PMTUFIX_REASON_WRONG_IFACE;
	ev.rejected_delta = 2;
	ok(verdict(&ev, PF_SEV_ERROR, "probe.refused", fix, msg) &&
	   strstr(msg, "wrong-iface") && strstr(msg, "does not route out"),
	   "pmtufix refused it: the reason named and explained (%s)", msg);

	ev = seed();
	ev.delivered = true;
	ev.cached_mtu = 1500;
	ev.self_present = ev.self_rescue = true;
	ev.self_backend = "module";
	ev.rescued_delta = 1;
	ok(verdict(&ev, PF_SEV_OK, "probe.rescued", fix, msg), "delivered after a rescue: ok");

	ev.rescued_delta = 0;
	ok(verdict(&ev, PF_SEV_OK, "probe.pmtu", fix, msg), "delivered on its own: ok");

	ev = seed();
	ev.rpf_err = 0;
	ok(verdict(&ev, PF_SEV_ERROR, "probe.fw_drop", fix, msg) && !fix[0],
	   "passes RPF, never applied: a firewall, no rule known, no fix");
	ev.fw_rule_seen = true;
	strcpy(ev.fw_fix, "nft delete rule ip filter input handle 2");
	ok(verdict(&ev, PF_SEV_ERROR, "probe.fw_drop", fix, msg) &&
	   !strcmp(fix, ev.fw_fix), "  the rule found gives the fix");

	ev = seed();
	ev.rpf_err = -ENETUNREACH;
	ok(verdict(&ev, PF_SEV_ERROR, "probe.no_route_back", fix, msg), "no route back");

	ev = seed();
	ev.err_seen = false;
	ev.largest_lost = 9000;
	ok(verdict(&ev, PF_SEV_ERROR, "probe.black_hole", fix, msg), "silence: black hole");
	is_str(fix, "pmtufix mss add 10.10.20.20/32 1460", "  fix: MSS of what arrives - 40");
	ev.captured = false;
	ok(verdict(&ev, PF_SEV_WARN, "probe.black_hole", fix, msg),
	   "  without a capture only a warning: a dropped error looks the same");

	ev.largest_ok = 0;
	ok(verdict(&ev, PF_SEV_SKIP, "probe.no_answer", fix, msg), "no answer at all: skipped");

	ev.largest_ok = 9000;
	ev.largest_lost = 0;
	ok(verdict(&ev, PF_SEV_OK, "probe.path", fix, msg), "full size arrives: ok");
}

static int run(const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { "pmtufix", "doctor", (char *)a1, (char *)a2, (char *)a3, NULL };
	int argc = 2 + !!a1 + !!a2 + !!a3, rc;
	char *o = NULL, *e = NULL;
	size_t ol, el;
	FILE *out = open_memstream(&o, &ol), *err = open_memstream(&e, &el);

	rc = pf_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	free(o);
	free(e);
	return rc;
}

static void usage(void)
{
	is_int(run("help", NULL, NULL), 0, "doctor help: exit 0");
	is_int(run("10.10.20", NULL, NULL), 2, "DEST not an address: exit 2");
	is_int(run("::1", NULL, NULL), 2, "DEST IPv6: exit 2 (IPv4 only)");
	is_int(run("10.10.20.20", "0", NULL), 2, "PORT 0: exit 2");
	is_int(run("10.10.20.20", "65536", NULL), 2, "PORT 65536: exit 2");
	is_int(run("10.10.20.20", "80", "x"), 2, "a third argument: exit 2");
}

void test_doctor(void)
{
	order();
	tables();
	mtus();
	probe_verdicts();
	usage();
}
