// SPDX-License-Identifier: GPL-2.0
/*
 * The commands over one fake backend operations table: they print what the
 * backend returns, call nothing it lacks, and explain what it refuses. The
 * two real backends are tested against a simulated kernel and library in
 * test_cli.c, and against real kernels by the selftests.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli_run.h"
#include "connect.h"
#include "tap.h"

#define FAKE_RULES	8

static struct {
	struct pf_config cfg;
	struct pf_mss_rule rules[FAKE_RULES];
	size_t n;
	int fail_set_at;	/* mss_set refuses rule i (1-based), 0 never */
	char msg[64];
	char trace[256];
} B;

struct pf_backend {
	int unused;
};

static struct pf_backend handle;

static void trace(const char *op)
{
	size_t len = strlen(B.trace);

	snprintf(B.trace + len, sizeof(B.trace) - len, "%s%s", len ? " " : "", op);
}

static int b_open(struct pf_backend **be)
{
	trace("open");
	*be = &handle;
	return 0;
}

static void b_close(struct pf_backend *be)
{
	(void)be;
}

static const char *b_errmsg(const struct pf_backend *be)
{
	(void)be;
	return B.msg;
}

static int b_config_get(struct pf_backend *be, struct pf_config *cfg)
{
	(void)be;
	trace("config_get");
	B.msg[0] = '\0';
	*cfg = B.cfg;
	return 0;
}

static int b_config_set(struct pf_backend *be, const struct pf_config *want)
{
	(void)be;
	trace("config_set");
	B.msg[0] = '\0';
	if (want->has_table) {
		snprintf(B.msg, sizeof(B.msg), "no route tables here");
		return -EOPNOTSUPP;
	}
	pf_config_merge(&B.cfg, want);
	return 0;
}

static int b_stats_get(struct pf_backend *be, struct pf_stats *st)
{
	(void)be;
	trace("stats_get");
	memset(st, 0, sizeof(*st));
	if (pf_stats_put(st, PMTUFIX_REASON_RESCUED, 42) ||
	    pf_stats_put(st, PMTUFIX_REASON_NO_FLOW, 7))
		return -ENOMEM;
	return 0;
}

static int b_mss_list(struct pf_backend *be, struct pf_mss_rule **v, size_t *n)
{
	(void)be;
	trace("mss_list");
	*v = malloc((B.n ? B.n : 1) * sizeof(**v));
	if (!*v)
		return -ENOMEM;
	memcpy(*v, B.rules, B.n * sizeof(**v));
	*n = B.n;
	return 0;
}

static int b_mss_set(struct pf_backend *be, const struct pf_mss_rule *v, size_t n, size_t *bad)
{
	(void)be;
	trace("mss_set");
	*bad = n;
	B.msg[0] = '\0';
	if (n > FAKE_RULES)
		return -ENOSPC;
	if (B.fail_set_at && (size_t)B.fail_set_at <= n) {
		*bad = (size_t)B.fail_set_at - 1;
		snprintf(B.msg, sizeof(B.msg), "rule refused");
		B.fail_set_at = 0;
		return -EINVAL;
	}
	memcpy(B.rules, v, n * sizeof(*v));
	B.n = n;
	return 0;
}

/* No state, counters reset, MSS counters, add/replace/del/flush, events or down. */
static const struct pf_backend_ops fake_ops = {
	.name		= "fake",
	.open		= b_open,
	.close		= b_close,
	.errmsg		= b_errmsg,
	.config_get	= b_config_get,
	.config_set	= b_config_set,
	.stats_get	= b_stats_get,
	.mss_list	= b_mss_list,
	.mss_set	= b_mss_set,
};

static struct cli_result R;

static void run(const char *cmdline)
{
	B.trace[0] = '\0';
	cli_run(&R, cmdline);
}

static void reset(void)
{
	memset(&B, 0, sizeof(B));
	B.cfg.has_rescue = B.cfg.has_log = B.cfg.has_floor = true;
	B.cfg.rescue = true;
	B.cfg.floor = 1280;
}

static const char *write_conf(const char *text)
{
	static char path[] = "/tmp/pmtufix-unit-backend.conf";
	FILE *f = fopen(path, "w");

	if (!f)
		return "/nonexistent";
	fputs(text, f);
	fclose(f);
	return path;
}

static void lacking(void)
{
	run("down");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: down: not available with the fake backend; "
				       "'pmtufix set rescue off' switches rescue off here, 'rmmod "
				       "pmtufix' removes it everywhere ('pmtufix --backend nft down' "
				       "removes an nft table)\n"), "down: one message when lacking");
	run("monitor");
	ok(R.rc == 1 && strstr(R.err, "monitor: not available with the fake backend"),
	   "monitor: one message when lacking");
	run("mss stats");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: mss stats: not available with the fake backend; "
				       "it keeps no MSS counters\n"), "mss stats: one message");
	is_str(B.trace, "open", "a lacking operation is never called");
}

static void printing(void)
{
	char cmd[128];

	run("show");
	is_str(R.out, "backend: fake\nrescue: on\nlog: none\nfloor: 1280\nstats:\n"
		      "  rescued: 42\n  no-flow: 7\n", "show: what the backend returned, as data");
	is_str(B.trace, "open config_get stats_get", "show: settings, then counters");
	run("-j stats");
	is_str(R.out, "{\"rescued\":42,\"no_flow\":7}\n", "stats -j: from the backend's data");
	run("set table 600");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: set: no route tables here (--backend nft)\n", 51),
	   "set: a field the backend lacks is a usage error");
	snprintf(cmd, sizeof(cmd), "apply %s",
		 write_conf("set rescue off\nmss add 10.1.0.0/16 1400\nmss add 10.2.0.0/16 1300\n"));
	run(cmd);
	ok(R.rc == 0 && !B.cfg.rescue && B.n == 2, "apply: settings, then the whole rule set");
	is_str(B.trace, "open config_get mss_list config_set mss_set", "apply: one mss_set");
	B.fail_set_at = 2;
	snprintf(cmd, sizeof(cmd), "apply %s",
		 write_conf("set rescue on\nmss add 10.3.0.0/16 1400\nmss add 10.4.0.0/16 1300\n"));
	run(cmd);
	ok(R.rc == 1 && strstr(R.err, ":3: mss add 10.4.0.0/16 1300 dir both: rejected\n") &&
	   strstr(R.err, "the previous configuration (2 MSS rules) was restored"),
	   "apply: the refused rule named by its line, the old set restored");
	ok(!B.cfg.rescue && B.n == 2 && B.rules[0].mss == 1400 &&
	   B.rules[0].prefix.addr[1] == 1, "apply: old rules and settings are back");
}

void test_backend(void)
{
	pf_backend_override = &fake_ops;
	reset();
	lacking();
	printing();
	pf_backend_override = NULL;
	cli_result_free(&R);
}
