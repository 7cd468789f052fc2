// SPDX-License-Identifier: GPL-2.0
/*
 * `pmtufix doctor [DEST [PORT]]`: run the checks, sample the counters over
 * the run (at least a second), probe DEST if given, then print the findings
 * worst first, one line each. Exit 1 when one is a warning or an error.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "connect.h"
#include "doctor.h"
#include "parse.h"
#include "print.h"

const char pf_usage_doctor[] =
	"Usage: pmtufix doctor [ DEST [ PORT ] ]\n"
	"where  DEST := an IPv4 address to probe the path MTU toward (UDP, DF set)\n"
	"       PORT := a TCP port that accepts connections on DEST: 64 KiB are sent\n"
	"               over one connection, as an application would\n"
	"Checks rp_filter, interface MTUs, cached PMTUs, firewall rules, counters and\n"
	"pmtufix itself; with DEST, finds the path MTU and where frag-needed errors go.\n"
	"Exit status: 0 nothing wrong, 1 something is, 2 usage.\n";

#define SAMPLE_MS	1000

struct run {
	struct pf_findings f;
	struct pf_doc_self self0, self1;
	uint64_t rpf0, rpf1, to0, to1;
	bool have_rpf, have_to;
	struct timespec t0;
};

static long since_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}


static void self_findings(struct run *r)
{
	const struct pf_doc_self *s = &r->self1;
	uint64_t worst = 0;
	int reason = -1;

	if (!s->present) {
		pf_find_add(&r->f, strstr(s->why, "CAP_NET_ADMIN") ? PF_SEV_SKIP : PF_SEV_OK,
			    "pmtufix", NULL, "pmtufix is not active: %s", s->why);
		return;
	}
	if (!s->rescue)
		pf_find_add(&r->f, PF_SEV_WARN, "pmtufix", "pmtufix set rescue on",
			    "pmtufix (%s) is there but rescue is off", s->backend);
	else
		pf_find_add(&r->f, PF_SEV_OK, "pmtufix", NULL, "pmtufix (%s): rescue on, "
			    "%llu rescued so far", s->backend,
			    (unsigned long long)s->reason[PMTUFIX_REASON_RESCUED]);
	for (int i = 0; i < PF_DOC_REASONS; i++) {
		uint64_t d = s->reason[i] - r->self0.reason[i];

		if (i == PMTUFIX_REASON_RESCUED || i == PMTUFIX_REASON_NOT_NEEDED ||
		    !r->self0.present || d <= worst)
			continue;
		worst = d;
		reason = i;
	}
	if (reason >= 0)
		pf_find_add(&r->f, PF_SEV_WARN, "pmtufix.rejected", NULL, "pmtufix refused %llu "
			    "frag-needed during the run, most for %s%s", (unsigned long long)worst,
			    pf_reason_names[reason], reason == PMTUFIX_REASON_WRONG_IFACE ?
			    ": errors arrive where the quoted peer does not route" : "");
}

static void counters(struct run *r, bool tcp_probe)
{
	double s = (double)since_ms(&r->t0) / 1000;

	if (!r->have_rpf)
		pf_find_add(&r->f, PF_SEV_SKIP, "netstat", NULL, "cannot read /proc/net/netstat");
	if (r->have_rpf && r->rpf1 > r->rpf0)
		pf_find_add(&r->f, PF_SEV_WARN, "netstat.rp_filter", NULL, "IPReversePathFilter "
			    "rose by %llu in %.1f s: strict rp_filter is dropping packets",
			    (unsigned long long)(r->rpf1 - r->rpf0), s);
	if (r->have_to && r->to1 > r->to0)
		pf_find_add(&r->f, PF_SEV_WARN, "netstat.tcp_timeouts", NULL, "TCPTimeouts rose "
			    "by %llu in %.1f s: connections wait for retransmission timeouts (as "
			    "behind a PMTU black hole)%s", (unsigned long long)(r->to1 - r->to0), s,
			    tcp_probe ? ", the probe's own connection included" : "");
}

/* The probe's evidence, completed with what pmtufix did meanwhile. */
static void probe_verdict(struct run *r, struct pf_probe_ev *ev, const struct pf_fw_hit *hit)
{
	uint64_t worst = 0;

	ev->self_present = r->self1.present;
	ev->self_rescue = r->self1.rescue;
	ev->self_backend = r->self1.backend;
	if (r->self0.present && r->self1.present) {
		ev->rescued_delta = r->self1.reason[PMTUFIX_REASON_RESCUED] -
				    r->self0.reason[PMTUFIX_REASON_RESCUED];
		for (int i = 0; i < PF_DOC_REASONS; i++) {
			uint64_t d = r->self1.reason[i] - r->self0.reason[i];

			if (i == PMTUFIX_REASON_RESCUED || i == PMTUFIX_REASON_NOT_NEEDED ||
			    d <= worst)
				continue;
			worst = d;
			ev->rejected_reason = i;
			ev->rejected_delta = d;
		}
	}
	ev->fw_rule_seen = hit->found;
	snprintf(ev->fw_fix, sizeof(ev->fw_fix), "%s", hit->fix);
	pf_probe_verdict(ev, &r->f);
}

/* JSON only: the probe's evidence under stable keys. */
static void print_probe(const struct pf_probe_ev *ev)
{
	char a[INET_ADDRSTRLEN];

	pf_open_object("probe");
	pf_print_string(PF_JSON, "dest", NULL, inet_ntop(AF_INET, &ev->dest, a, sizeof(a)));
	pf_print_bool(PF_JSON, "tcp", NULL, ev->tcp);
	pf_print_uint(PF_JSON, "probes", NULL, ev->probes);
	pf_print_uint(PF_JSON, "first_size", NULL, ev->first_size);
	pf_print_uint(PF_JSON, "largest_ok", NULL, ev->largest_ok);
	pf_print_uint(PF_JSON, "largest_lost", NULL, ev->largest_lost);
	pf_print_bool(PF_JSON, "captured", NULL, ev->captured);
	pf_print_bool(PF_JSON, "error_seen", NULL, ev->err_seen);
	if (ev->err_seen) {
		pf_print_string(PF_JSON, "error_source", NULL,
				inet_ntop(AF_INET, &ev->err_src, a, sizeof(a)));
		pf_print_string(PF_JSON, "error_iface", NULL, ev->err_ifname);
		pf_print_uint(PF_JSON, "error_mtu", NULL, ev->err_mtu);
		pf_print_string(PF_JSON, "error_source_oif", NULL, ev->err_src_oif);
		pf_print_string(PF_JSON, "strict_rpf", NULL, !ev->err_ifname[0] ? "unknown" :
				!ev->rpf_err ? "pass" : ev->rpf_err == -EXDEV ? "drop" :
				"no_route");
		pf_print_bool(PF_JSON, "delivered", NULL, ev->delivered);
	}
	pf_print_uint(PF_JSON, "cached_mtu", NULL, ev->cached_mtu);
	pf_print_uint(PF_JSON, "rescued", NULL, ev->rescued_delta);
	pf_close_object();
}

static void print(const struct pf_findings *f, const struct pf_probe_ev *ev)
{
	pf_open_object(NULL);
	pf_open_array("findings");
	for (size_t i = 0; i < f->n; i++) {
		const struct pf_finding *x = &f->v[i];

		pf_open_object(NULL);
		pf_print_string(PF_ANY, "severity", "%s: ", pf_sev_names[x->sev]);
		pf_print_string(PF_JSON, "check", NULL, x->check);
		pf_print_string(PF_ANY, "message", "%s", x->msg);
		if (x->fix[0])
			pf_print_string(PF_ANY, "fix", ". Fix: %s", x->fix);
		pf_print_text("\n");
		pf_close_object();
	}
	pf_close_array();
	if (ev)
		print_probe(ev);
	pf_close_object();
	pf_print_end();
}

static int parse(struct pf_ctx *c, int argc, char **argv, struct in_addr *dest, int *port)
{
	uint32_t p;

	if (argc > 2)
		return pf_usage_error(c, pf_usage_doctor, "unexpected '%s'", argv[2]);
	if (argc > 0 && inet_pton(AF_INET, argv[0], dest) != 1)
		return pf_usage_error(c, pf_usage_doctor, "DEST must be an IPv4 address, not "
				      "'%s'", argv[0]);
	if (argc > 1 && pf_parse_u32(argv[1], 1, 65535, &p))
		return pf_usage_error(c, pf_usage_doctor, "PORT must be 1..65535, not '%s'",
				      argv[1]);
	*port = argc > 1 ? (int)p : 0;
	return PF_EXIT_OK;
}

static void sample(struct run *r, uint64_t *rpf, uint64_t *to)
{
	r->have_rpf = !pf_netstat_read("IPReversePathFilter", rpf);
	r->have_to = !pf_netstat_read("TCPTimeouts", to);
}

int pf_cmd_doctor(struct pf_ctx *c, int argc, char **argv)
{
	struct pf_probe_ev ev = { .rejected_reason = -1 };
	struct in_addr dest = { 0 };
	struct pf_fw_hit hit = { 0 };
	struct run r = { 0 };
	int port = 0, rc, err = 0;
	long left;

	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_doctor);
	rc = parse(c, argc, argv, &dest, &port);
	if (rc)
		return rc;
	/* Before any check: every check runs in there. */
	if (pf_enter_netns(c))
		return PF_EXIT_FAIL;
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	sample(&r, &r.rpf0, &r.to0);
	pf_doctor_self(c, &r.self0);
	pf_doc_static(&r.f);
	pf_doc_rules(&r.f, &hit);
	if (argc > 0)
		err = pf_doc_probe(dest, port, &ev, &r.f);
	left = SAMPLE_MS - since_ms(&r.t0);
	if (left > 0)
		usleep((useconds_t)left * 1000);
	sample(&r, &r.rpf1, &r.to1);
	pf_doctor_self(c, &r.self1);
	self_findings(&r);
	counters(&r, argc > 1);
	if (argc > 0 && err)
		pf_find_add(&r.f, PF_SEV_SKIP, "probe", NULL, "cannot probe %s: %s", argv[0],
			    strerror(-err));
	else if (argc > 0)
		probe_verdict(&r, &ev, &hit);
	pf_find_sort(&r.f);
	print(&r.f, argc > 0 && !err ? &ev : NULL);
	rc = r.f.nomem ? PF_EXIT_FAIL : pf_find_worst(&r.f) >= PF_SEV_WARN;
	pf_find_free(&r.f);
	return rc;
}
