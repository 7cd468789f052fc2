// SPDX-License-Identifier: GPL-2.0
/*
 * The whole CLI, from argv to output and exit code, against the simulated
 * kernel in fake_kernel.c: golden text and JSON, errors, apply and restore.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "pmtufix.h"
#include "cli.h"
#include "cli_run.h"
#include "fake_kernel.h"
#include "fake_nft.h"
#include "tap.h"
#include "version.h"

static struct fake_kernel K;
static struct fake_nft N;
static char tmpdir[] = "/tmp/pmtufix-unit.XXXXXX";

static struct cli_result R;

static void run(const char *cmdline)
{
	K.trace[0] = '\0';
	N.trace[0] = '\0';
	cli_run(&R, cmdline);
}

static void reset(void)
{
	fake_free(&K);
	fake_init(&K);
	fake_install(&K);
	fake_nft_init(&N);
	fake_nft_install(&N);
}

/* Files live in tmpdir, the working directory while the suite runs. */
static const char *write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");

	fputs(text, f);
	fclose(f);
	return name;
}

static void help_and_usage(void)
{
	run("-V");
	ok(R.rc == 0 && !strcmp(R.out, "pmtufix " PMTUFIX_VERSION "\n"), "-V prints the version");
	is_str(K.trace, "", "-V does not talk to the kernel");

	run("help");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix [ OPTIONS ]", 26) && !*R.err,
	   "help: usage on stdout, exit 0");
	run("-h");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix [ OPTIONS ]", 26), "-h: usage");
	run("mss help");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix mss add", 22), "mss help");
	run("mss add help");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix mss add", 22), "mss add help");
	run("set help");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix set", 18), "set help");
	run("stats help");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix stats", 20), "stats help");
	run("show help");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix show", 19), "show help");
	run("monitor help");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix monitor", 22), "monitor help");
	run("apply help");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix apply", 20), "apply help");
	run("save help");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix save", 19), "save help");
	is_str(K.trace, "", "help does not talk to the kernel");

	run("sho");
	ok(R.rc == 2 && !*R.out && !strncmp(R.err, "pmtufix: unknown command 'sho'\nUsage:", 37),
	   "abbreviations are unknown commands: exit 2, usage on stderr");
	run("-x show");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: unknown option '-x'\n", 29), "unknown option");
	run("-n");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: option '-n' needs an argument\n", 39),
	   "-n without a name");
	run("set");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: set: nothing to set", 28), "set without settings");
	run("set floor 20");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: set: floor must be auto or an MTU 68..65535, not '20'\n"
					"Usage: pmtufix set", 81), "set floor out of range");
	run("mss add 10.10.20.1/24 1460");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: mss add: '10.10.20.1/24' has host bits set "
					"(did you mean 10.10.20.0/24?)\n", 81), "mss add with host bits");
	run("mss del");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: mss del: expected PREFIX\n", 34), "mss del alone");
	run("mss del 10.0.0.0/8 1460");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: mss del: unexpected '1460' after the prefix\n", 53),
	   "mss del with a value");
	run("mss shw");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: unknown mss command 'shw'\n", 35), "unknown mss command");
	run("stats clear");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: unknown stats command 'clear'\n", 39),
	   "unknown stats command");
	run("show more");
	is_int(R.rc, 2, "show takes no arguments");
	run("monitor now");
	is_int(R.rc, 2, "monitor takes no arguments");
	run("apply");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: apply: expected FILE or -\n", 35), "apply without file");
	run("relay set prefixes 198.51.100.1/24");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: relay set: prefixes: '198.51.100.1/24' has host "
					"bits set (did you mean 198.51.100.0/24?)\n", 97),
	   "relay set with host bits");
	run("relay set peers 10.0.0.1");
	ok(R.rc == 2 && strstr(R.err, "prefixes are needed") != NULL, "relay set without prefixes");
	run("relay set prefixes 10.0.0.0/8 rate 0");
	ok(R.rc == 2 && strstr(R.err, "rate must be 1..10000, not '0'") != NULL, "relay rate 0");
	run("relay off now");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: unexpected 'now'\n", 26), "relay off with more");
	run("relay of");
	ok(R.rc == 2 && !strncmp(R.err, "pmtufix: unknown relay command 'of'\n", 36),
	   "unknown relay command");
	is_str(K.trace, "", "usage errors do not talk to the kernel");
}

static void not_loaded(void)
{
	reset();
	K.loaded = false;
	run("--backend module");
	is_int(R.rc, 1, "module not loaded, --backend module: exit 1");
	is_str(R.err, "pmtufix: the pmtufix kernel module is not loaded (try: modprobe pmtufix, "
		      "or --backend nft)\n", "module not loaded: message");
	run("-b module mss show");
	is_int(R.rc, 1, "module not loaded: mss show exit 1");
	is_str(N.trace, "", "--backend module never opens the nft backend");
	run("");
	ok(R.rc == 0 && !strncmp(R.out, "backend: nft (the pmtufix module is not loaded)\n", 48),
	   "module not loaded: nft backend, and why");
	is_str(K.trace, "getfamily", "auto: the family was looked up first");
	run("-n pmtufix-unit-no-such-netns show");
	is_int(R.rc, 1, "missing netns: exit 1");
	is_str(R.err, "pmtufix: cannot open network namespace 'pmtufix-unit-no-such-netns': "
		      "No such file or directory\n", "missing netns: message");
}

static const char show_text[] =
	"backend: module\n"
	"rescue: on\n"
	"log: rescue\n"
	"floor: auto (552)\n"
	"module: 0.1.0\n"
	"stats:\n"
	"  rescued: 3\n"
	"  not-needed: 0\n"
	"  malformed: 0\n"
	"  not-local: 0\n"
	"  no-flow: 12\n"
	"  seq-window: 0\n"
	"  wrong-iface: 0\n"
	"  below-floor: 0\n"
	"  disabled: 0\n"
	"  no-source-route: 0\n"
	"  reason-10: 4\n";

static void show(void)
{
	reset();
	K.counters[0] = 3;
	K.counters[4] = 12;
	K.counters[10] = 4;	/* a reason from a newer module */
	K.ncounters = 11;

	run("");
	is_int(R.rc, 0, "pmtufix alone: exit 0");
	is_str(R.out, show_text, "pmtufix alone = show");
	is_str(R.err, "", "show: nothing on stderr");
	is_str(K.trace, "getfamily get_config get_stats", "show: requests");
	run("show");
	is_str(R.out, show_text, "show: text");

	run("-j show");
	is_str(R.out, "{\"backend\":\"module\",\"rescue\":true,\"log\":\"rescue\",\"floor\":0,\"floor_effective\":552,"
		      "\"module_version\":\"0.1.0\",\"stats\":{\"rescued\":3,\"not_needed\":0,"
		      "\"malformed\":0,\"not_local\":0,\"no_flow\":12,\"seq_window\":0,"
		      "\"wrong_iface\":0,\"below_floor\":0,\"disabled\":0,\"no_source_route\":0,\"reason_10\":4}}\n",
	       "show -j");
	run("-p show");
	is_str(R.out, "{\n"
		      "  \"backend\": \"module\",\n"
		      "  \"rescue\": true,\n"
		      "  \"log\": \"rescue\",\n"
		      "  \"floor\": 0,\n"
		      "  \"floor_effective\": 552,\n"
		      "  \"module_version\": \"0.1.0\",\n"
		      "  \"stats\": {\n"
		      "    \"rescued\": 3,\n"
		      "    \"not_needed\": 0,\n"
		      "    \"malformed\": 0,\n"
		      "    \"not_local\": 0,\n"
		      "    \"no_flow\": 12,\n"
		      "    \"seq_window\": 0,\n"
		      "    \"wrong_iface\": 0,\n"
		      "    \"below_floor\": 0,\n"
		      "    \"disabled\": 0,\n"
		      "    \"no_source_route\": 0,\n"
		      "    \"reason_10\": 4\n"
		      "  }\n"
		      "}\n", "show -p: pretty JSON");

	K.floor = 1280;
	K.rescue = false;
	K.log = PMTUFIX_LOG_NONE;
	K.has_stats = false;
	run("show");
	is_str(R.out, "backend: module\nrescue: off\nlog: none\nfloor: 1280\nmodule: 0.1.0\n",
	       "show: explicit floor, no stats when the module has none");
	is_str(K.trace, "getfamily get_config", "show: stats not asked when not listed");
	run("-j show");
	is_str(R.out, "{\"backend\":\"module\",\"rescue\":false,\"log\":\"none\",\"floor\":1280,\"floor_effective\":1280,"
		      "\"module_version\":\"0.1.0\"}\n", "show -j: without stats");

	K.list_ops = false;
	run("show");
	ok(R.rc == 0 && !strcmp(R.out, "backend: module\nrescue: off\nlog: none\nfloor: 1280\n"
				       "module: 0.1.0\n"),
	   "show: ops not listed, GET_STATS refused: no stats, no error");
	is_str(K.trace, "getfamily get_config unsupported", "show: tried stats once");
}

static void set(void)
{
	reset();
	run("set rescue off log all floor 1400");
	ok(R.rc == 0 && !*R.out && !*R.err, "set: silent success");
	ok(!K.rescue && K.log == PMTUFIX_LOG_ALL && K.floor == 1400, "set: the kernel got all three");
	run("set floor auto");
	ok(R.rc == 0 && K.floor == 0 && K.log == PMTUFIX_LOG_ALL, "set: floor auto only");

	K.set_error = "floor is above the MTU of every interface";
	run("set floor 9000");
	is_int(R.rc, 1, "set: kernel error: exit 1");
	is_str(R.err, "pmtufix: kernel: floor is above the MTU of every interface (Invalid argument)\n",
	       "set: the kernel's extended ACK message is shown");
	K.uncapped = true;
	run("set floor 9000");
	is_str(R.err, "pmtufix: kernel: floor is above the MTU of every interface (Invalid argument)\n",
	       "set: extended ACK found after a quoted request too");
	K.set_error = NULL;
	K.uncapped = false;

	K.set_warning = "log level all is noisy";
	run("set log all");
	ok(R.rc == 0 && !strcmp(R.err, "pmtufix: kernel warning: log level all is noisy\n"),
	   "set: a warning with success is shown, exit 0");
	K.set_warning = NULL;

	K.admin = false;
	run("set rescue on");
	is_int(R.rc, 1, "set without CAP_NET_ADMIN: exit 1");
	is_str(R.err, "pmtufix: set: Operation not permitted (CAP_NET_ADMIN is needed)\n",
	       "set without CAP_NET_ADMIN: message");
	run("stats reset");
	is_str(R.err, "pmtufix: cannot reset the counters: Operation not permitted "
		      "(CAP_NET_ADMIN is needed)\n", "stats reset without CAP_NET_ADMIN");
	run("show");
	is_int(R.rc, 0, "show needs no privilege");
}

static void stats(void)
{
	reset();
	K.counters[1] = 5;
	K.counters[7] = 2;
	run("stats");
	is_str(R.out, "rescued: 0\nnot-needed: 5\nmalformed: 0\nnot-local: 0\nno-flow: 0\n"
		      "seq-window: 0\nwrong-iface: 0\nbelow-floor: 2\ndisabled: 0\n"
		      "no-source-route: 0\n", "stats: text");
	run("-j stats show");
	is_str(R.out, "{\"rescued\":0,\"not_needed\":5,\"malformed\":0,\"not_local\":0,\"no_flow\":0,"
		      "\"seq_window\":0,\"wrong_iface\":0,\"below_floor\":2,\"disabled\":0,"
		      "\"no_source_route\":0}\n",
	       "stats -j");
	run("stats reset");
	ok(R.rc == 0 && K.counters[1] == 0 && K.counters[7] == 0, "stats reset");
	K.has_stats = false;
	run("stats");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: cannot read the counters: Operation not supported\n"),
	   "stats: module without counters");
}

static void mss(void)
{
	reset();
	run("mss");
	ok(R.rc == 0 && !*R.out, "mss: empty list prints nothing");
	run("-j mss show");
	is_str(R.out, "[]\n", "mss -j: empty array");

	run("mss add 2001:db8::/32 auto");
	is_int(R.rc, 0, "mss add IPv6 auto");
	run("mss add 10.10.20.0/24 1460 dir to");
	is_int(R.rc, 0, "mss add IPv4");
	run("mss add 10.10.0.0/16 1400 dir from");
	is_int(R.rc, 0, "mss add a wider IPv4 prefix");
	is_str(K.trace, "getfamily mss_add", "mss add: one request");

	run("mss show");
	is_str(R.out, "10.10.0.0/16 mss 1400 dir from\n"
		      "10.10.20.0/24 mss 1460 dir to\n"
		      "2001:db8::/32 mss auto dir both\n", "mss show: sorted, text");
	run("-j mss");
	is_str(R.out, "[{\"prefix\":\"10.10.0.0/16\",\"family\":\"inet\",\"mss\":1400,\"dir\":\"from\"},"
		      "{\"prefix\":\"10.10.20.0/24\",\"family\":\"inet\",\"mss\":1460,\"dir\":\"to\"},"
		      "{\"prefix\":\"2001:db8::/32\",\"family\":\"inet6\",\"mss\":0,\"dir\":\"both\"}]\n",
	       "mss -j: sorted array");

	run("mss add 10.10.20.0/24 1300");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: kernel: a rule for this prefix exists (File exists)\n"),
	   "mss add: existing prefix, kernel message");
	run("mss del 10.10.20.0/24");
	ok(R.rc == 0 && K.nrules == 2, "mss del");
	run("mss del 10.10.20.0/24");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: mss del: there is no rule for 10.10.20.0/24\n"),
	   "mss del: no such rule");
	run("mss flush");
	ok(R.rc == 0 && K.nrules == 0, "mss flush");

	/* Rules changed during the dump: it is started over. */
	fake_rule(&K, "10.1.0.0/16", 1400, PMTUFIX_MSS_DIR_BOTH);
	fake_rule(&K, "10.2.0.0/16", 1400, PMTUFIX_MSS_DIR_BOTH);
	K.dump_intr = 2;
	run("mss show");
	ok(R.rc == 0 && !strcmp(R.out, "10.1.0.0/16 mss 1400 dir both\n10.2.0.0/16 mss 1400 dir both\n"),
	   "mss show: interrupted dumps are started over");
	is_str(K.trace, "getfamily mss_get mss_get mss_get", "mss show: three dumps");
	K.dump_intr = 5;
	run("mss show");
	ok(R.rc == 1 && !*R.out &&
	   !strcmp(R.err, "pmtufix: cannot list the MSS rules: the rules kept changing while "
			  "being listed; try again\n"),
	   "mss show: gives up when rules keep changing");
	K.dump_intr = 0;
	run("mss flush");

	K.mss_counters[PMTUFIX_MSS_STAT_CLAMPED] = 12;
	K.mss_counters[PMTUFIX_MSS_STAT_NO_ROUTE] = 1;
	run("mss stats");
	is_str(R.out, "clamped: 12\ninserted: 0\nkept: 0\nmalformed: 0\nno_route: 1\nfailed: 0\n",
	       "mss stats: text");
	is_str(K.trace, "getfamily get_stats", "mss stats: one request");
	K.nmss_counters = PMTUFIX_MSS_STAT_MAX + 3;	/* a newer module */
	run("-j mss stats");
	is_str(R.out, "{\"clamped\":12,\"inserted\":0,\"kept\":0,\"malformed\":0,"
		      "\"no_route\":1,\"failed\":0}\n", "mss stats: JSON, newer counters skipped");
	K.nmss_counters = 0;
	run("mss stats");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: this pmtufix module does not count MSS rewrites\n"),
	   "mss stats: module without MSS counters");
	run("mss stats now");
	is_int(R.rc, 2, "mss stats: no arguments");

	K.has_mss = false;
	run("mss show");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: this pmtufix module does not support MSS rules\n"),
	   "mss show: module without MSS");
	is_str(K.trace, "getfamily", "mss show: not sent when the module does not list it");
	K.list_ops = false;
	run("mss add 10.0.0.0/8 1460");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: this pmtufix module does not support MSS rules\n"),
	   "mss add: EOPNOTSUPP from the kernel");
	is_str(K.trace, "getfamily unsupported", "mss add: sent when ops are not listed");
	run("mss flush");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: this pmtufix module does not support MSS rules\n"),
	   "mss flush: module without MSS");
}

static void save_apply(void)
{
	const char *path;
	char *saved;

	reset();
	K.floor = 1280;
	fake_rule(&K, "10.10.20.0/24", 1460, PMTUFIX_MSS_DIR_TO);
	fake_rule(&K, "2001:db8::/32", 0, PMTUFIX_MSS_DIR_BOTH);
	fake_rule(&K, "10.10.10.0/24", 1400, PMTUFIX_MSS_DIR_FROM);
	run("save");
	is_str(R.out, "set rescue on log rescue floor 1280\n"
		      "mss add 10.10.10.0/24 1400 dir from\n"
		      "mss add 10.10.20.0/24 1460 dir to\n"
		      "mss add 2001:db8::/32 auto dir both\n", "save: sorted, in the apply grammar");
	saved = strdup(R.out);

	/* Change everything, then apply what was saved: back where we were. */
	run("set rescue off log none floor auto");
	run("mss flush");
	run("mss add 192.168.0.0/16 1200");
	path = write_file("saved.conf", saved);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "apply %s", path);
		run(cmd);
		is_int(R.rc, 0, "apply saved file: exit 0");
		is_str(K.trace, "getfamily get_config mss_get set_config mss_get mss_add mss_add "
				"mss_add mss_del", "apply: read, set, replace each rule, drop the rest");
		run("save");
		is_str(R.out, saved, "save | apply round-trips");

		snprintf(cmd, sizeof(cmd), "apply %s", path);
		run(cmd);
		is_str(K.trace, "getfamily get_config mss_get set_config",
		       "apply again: rules already right, not flushed");
	}
	free(saved);

	/* A module without the relay: a relay line changes nothing at all. */
	path = write_file("relay.conf", "set rescue off\nrelay set prefixes 198.51.100.0/24\n");
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "apply %s", path);
		run(cmd);
		ok(R.rc == 1 && strstr(R.err, "relay.conf:2: this pmtufix module does not relay "
				       "errors; nothing was changed"), "apply relay: refused whole");
		is_str(K.trace, "getfamily get_config mss_get", "apply relay: nothing was set");
	}
	run("relay show");
	ok(R.rc == 1 && strstr(R.err, "this pmtufix module does not relay errors"),
	   "relay show: a module without the relay");
	run("-b nft relay off");
	ok(R.rc == 1 && strstr(R.err, "this nft library has no relay"),
	   "relay on a simulated nft library without it: one message");
}

static void apply_errors(void)
{
	const char *path;
	char cmd[300];

	reset();
	fake_rule(&K, "10.1.0.0/16", 1400, PMTUFIX_MSS_DIR_BOTH);
	path = write_file("bad.conf", "set rescue off\nmss add 10.0.0.1/8 1460\nset log everything\n");
	snprintf(cmd, sizeof(cmd), "apply %s", path);
	run(cmd);
	is_int(R.rc, 2, "apply bad file: exit 2");
	ok(strstr(R.err, "bad.conf:2: mss add: '10.0.0.1/8' has host bits set") &&
	   strstr(R.err, "bad.conf:3: set: log must be none, rescue or all, not 'everything'") &&
	   strstr(R.err, "bad.conf: 2 errors, nothing was applied\n"), "apply bad file: every line reported");
	is_str(K.trace, "", "apply bad file: nothing sent");
	ok(K.rescue && K.nrules == 1, "apply bad file: state unchanged");

	run("apply missing.conf");
	ok(R.rc == 1 && strstr(R.err, "missing.conf: No such file or directory"), "apply: missing file");

	/* The kernel refuses the second rule: everything is put back. */
	path = write_file("big.conf", "set rescue off floor 1400\n"
				      "mss add 10.2.0.0/16 1460\n"
				      "mss add 10.3.0.0/16 1460\n"
				      "mss add 10.4.0.0/16 1460\n");
	K.fail_add = 2;
	snprintf(cmd, sizeof(cmd), "apply %s", path);
	run(cmd);
	is_int(R.rc, 1, "apply refused half way: exit 1");
	is_str(R.err, "pmtufix: big.conf:3: mss add 10.3.0.0/16 1460 dir both: rejected\n"
		      "pmtufix: kernel: this rule is refused (Invalid argument)\n"
		      "pmtufix: the previous configuration (1 MSS rule) was restored\n",
	       "apply refused half way: says where, why, and that it restored");
	is_str(K.trace, "getfamily get_config mss_get set_config mss_get mss_add mss_add "
			"mss_get mss_del set_config", "apply refused half way: the requests");
	ok(K.nrules == 1 && K.rules[0].mss == 1400 && K.rescue && K.floor == 0,
	   "apply refused half way: old rules and settings are back");

	/* A namespace at its rule cap cannot hold both sets: the old prefixes go first. */
	K.fail_add = 0;
	K.max_rules = 3;
	run(cmd);
	ok(R.rc == 0 && K.nrules == 3 && !K.rescue && K.floor == 1400,
	   "apply at the rule cap: old prefixes make room, the new set is in");
	is_str(K.trace, "getfamily get_config mss_get set_config mss_get mss_add mss_add mss_add "
			"mss_del mss_add", "apply at the rule cap: replace until full, drop, go on");
	path = write_file("bigger.conf", "mss add 10.5.0.0/16 1460\nmss add 10.6.0.0/16 1460\n"
					 "mss add 10.7.0.0/16 1460\nmss add 10.8.0.0/16 1460\n");
	snprintf(cmd, sizeof(cmd), "apply %s", path);
	run(cmd);
	ok(R.rc == 1 && strstr(R.err, "bigger.conf:4: mss add 10.8.0.0/16 1460 dir both: ") &&
	   strstr(R.err, "the previous configuration (3 MSS rules) was restored") &&
	   K.nrules == 3 && K.rules[0].prefix.addr[1] == 2,
	   "apply beyond the rule cap: refused, the old set restored");
	K.max_rules = 0;
	snprintf(cmd, sizeof(cmd), "apply %s", "big.conf");
	run("mss flush");
	run("mss add 10.1.0.0/16 1400");
	run("set rescue on floor auto");

	/* MSS lines for a module without MSS: nothing changes. */
	K.fail_add = 0;
	K.has_mss = false;
	run(cmd);
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: big.conf:2: this pmtufix module does not support "
				       "MSS rules; nothing was changed\n"),
	   "apply MSS rules without MSS support: refused");
	ok(K.rescue && K.floor == 0, "apply MSS rules without MSS support: settings untouched");
	path = write_file("set.conf", "# only settings\nset log all\n");
	snprintf(cmd, sizeof(cmd), "apply %s", path);
	run(cmd);
	ok(R.rc == 0 && K.log == PMTUFIX_LOG_ALL, "apply settings only without MSS support");
	run("save");
	is_str(R.out, "set rescue on log all floor auto\n", "save without MSS support");

	/* A settings error from the kernel: MSS rules are not touched. */
	K.has_mss = true;
	K.set_error = "no";
	path = write_file("set2.conf", "set floor 1500\nmss add 10.9.0.0/16 1460\n");
	snprintf(cmd, sizeof(cmd), "apply %s", path);
	run(cmd);
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: kernel: no (Invalid argument)\n"
				       "pmtufix: set2.conf: nothing was changed\n"),
	   "apply: settings refused, nothing changed");
	ok(K.nrules == 1 && K.rules[0].mss == 1400, "apply: settings refused, rules kept");
	K.set_error = NULL;

	K.admin = false;
	run(cmd);
	ok(R.rc == 1 && strstr(R.err, "CAP_NET_ADMIN is needed"), "apply without CAP_NET_ADMIN");
}

static void monitor(void)
{
	reset();
	fake_event(&K, PMTUFIX_REASON_RESCUED, 1, "172.20.20.2", 1500, 6, "10.10.10.10",
		   "10.10.20.20", 6443, 43512);
	fake_event(&K, PMTUFIX_REASON_SEQ_WINDOW, 999999, "172.20.20.2", 1400, 17,
		   "10.10.10.10", "10.10.20.20", -1, -1);
	fake_event(&K, 42, 1, "2001:db8::1", 1280, 6, "2001:db8:1::1", "2001:db8:2::2", 443, 50000);
	run("monitor");
	is_int(R.rc, 0, "monitor: exit 0 at the end of events");
	is_str(R.out, "rescued dev lo from 172.20.20.2 mtu 1500 tcp 10.10.10.10:6443 -> 10.10.20.20:43512\n"
		      "seq-window dev if999999 from 172.20.20.2 mtu 1400 udp 10.10.10.10 -> 10.10.20.20\n"
		      "reason-42 dev lo from 2001:db8::1 mtu 1280 tcp [2001:db8:1::1]:443 -> "
		      "[2001:db8:2::2]:50000\n", "monitor: one line per event");
	is_str(K.trace, "getfamily join", "monitor: joined the events group");

	fake_event(&K, PMTUFIX_REASON_RESCUED, 1, "172.20.20.2", 1500, 6, "10.10.10.10",
		   "10.10.20.20", 6443, 43512);
	fake_event(&K, PMTUFIX_REASON_NO_FLOW, 999999, "172.20.20.2", 1400, 17,
		   "10.10.10.10", "10.10.20.20", -1, -1);
	K.admin = false;
	run("monitor");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: cannot join the events group: Operation not "
				       "permitted (CAP_NET_ADMIN is needed)\n"),
	   "monitor without CAP_NET_ADMIN");
	K.admin = true;
	run("-j monitor");
	is_str(R.out, "{\"reason\":\"rescued\",\"ifindex\":1,\"ifname\":\"lo\",\"icmp_saddr\":\"172.20.20.2\","
		      "\"mtu\":1500,\"proto\":\"tcp\",\"saddr\":\"10.10.10.10\",\"sport\":6443,"
		      "\"daddr\":\"10.10.20.20\",\"dport\":43512}\n"
		      "{\"reason\":\"no_flow\",\"ifindex\":999999,\"icmp_saddr\":\"172.20.20.2\",\"mtu\":1400,"
		      "\"proto\":\"udp\",\"saddr\":\"10.10.10.10\",\"daddr\":\"10.10.20.20\"}\n",
	       "monitor -j: one JSON object per line");
}

/* The controller's DELFAMILY for a family name of len bytes, as the next event. */
static void delfamily_event(const char *name, size_t len)
{
	char *buf = calloc(1, 256);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = GENL_ID_CTRL;
	g->cmd = CTRL_CMD_DELFAMILY;
	mnl_attr_put(nlh, CTRL_ATTR_FAMILY_NAME, len, name);
	K.events[K.nevents].buf = buf;
	K.events[K.nevents++].len = nlh->nlmsg_len;
}

static void monitor_unload(void)
{
	reset();
	delfamily_event("pmtufix", sizeof("pmtufix"));
	run("monitor");
	ok(R.rc == 1 && strstr(R.err, "module was unloaded"), "monitor: ends when the family goes");
	/* The padding after the name is a NUL, but not the name's own. */
	delfamily_event("pmtufix", strlen("pmtufix"));
	run("monitor");
	ok(R.rc == 0 && !R.err[0], "monitor: a family name without its NUL is not ours");
}

static const char nft_show_text[] =
	"backend: nft\n"
	"rescue: on\n"
	"log: none\n"
	"floor: auto (552)\n"
	"mark: 0x2000/0x2000\n"
	"route table: 500\n"
	"pref: 500\n"
	"uplinks: eth1\n"
	"stats:\n"
	"  rescued: 7\n"
	"  not-needed: 1\n"
	"  no-flow: 2\n"
	"  below-floor: 3\n"
	"  no-source-route: 4\n";

/* The same commands on the nft backend (simulated: fake_nft.c). */
static void nft_backend(void)
{
	const char *path;

	reset();
	run("--backend nft");
	is_str(R.out, "backend: nft\ninstalled: no (nothing installed)\nrescue: off\nlog: none\n"
		      "floor: auto (552)\nmark: 0x2000/0x2000\nroute table: 500\npref: 500\n"
		      "uplinks: auto\n",
	       "nft show, nothing installed: the defaults, no stats");
	is_str(K.trace, "", "--backend nft does not look for the module");
	run("-b nft -j show");
	is_str(R.out, "{\"backend\":\"nft\",\"installed\":false,\"rescue\":false,\"log\":\"none\","
		      "\"floor\":0,\"floor_effective\":552,\"mark\":\"0x2000/0x2000\",\"table\":500,"
		      "\"pref\":500,\"uplinks\":[]}\n", "nft show -j, nothing installed");
	run("--backend bpf show");
	ok(R.rc == 2 && strstr(R.err, "pmtufix: backend must be module or nft, not 'bpf'\n"),
	   "--backend: only module or nft");

	run("-b nft set rescue on");
	ok(R.rc == 0 && !*R.err && N.conf.rescue && N.installed, "nft set rescue on");
	is_str(N.trace, "open get set", "nft set: read, then one set");
	is_str(N.conf.uplinks[0], "eth1", "nft set: uplinks found by the backend");
	N.counters[PFNFT_C_RESCUED] = 7;
	N.counters[PFNFT_C_NOT_NEEDED] = 1;
	N.counters[PFNFT_C_NO_FLOW] = 2;
	N.counters[PFNFT_C_BELOW_FLOOR] = 3;
	N.counters[PFNFT_C_NO_SOURCE_ROUTE] = 4;
	run("-b nft show");
	is_str(R.out, nft_show_text, "nft show: backend, settings, the table's counters");
	run("-b nft -j show");
	is_str(R.out, "{\"backend\":\"nft\",\"installed\":true,\"rescue\":true,\"log\":\"none\","
		      "\"floor\":0,\"floor_effective\":552,\"mark\":\"0x2000/0x2000\",\"table\":500,"
		      "\"pref\":500,\"uplinks\":[\"eth1\"],\"stats\":{\"rescued\":7,\"not_needed\":1,"
		      "\"no_flow\":2,\"below_floor\":3,\"no_source_route\":4}}\n",
	       "nft show -j: field backend");
	run("-b nft stats");
	is_str(R.out, "rescued: 7\nnot-needed: 1\nno-flow: 2\nbelow-floor: 3\nno-source-route: 4\n",
	       "nft stats: the reasons nft can tell apart");
	run("-b nft stats reset");
	ok(R.rc == 0 && !N.counters[PFNFT_C_RESCUED], "nft stats reset");
	N.routing_ok = false;
	run("-b nft show");
	ok(R.rc == 0 && strstr(R.err, "warning: the ip rules or the route of table 500 are missing"),
	   "nft show: says when the route went away");
	N.routing_ok = true;

	run("-b nft set mark 0x1000/0xf000 table 600 pref 700 uplinks eth2,eth1 floor 1280 log all");
	ok(R.rc == 0 && N.conf.mark == 0x1000 && N.conf.mask == 0xf000 && N.conf.table == 600 &&
	   N.conf.pref == 700 && N.conf.n_uplinks == 2 && !strcmp(N.conf.uplinks[0], "eth2") &&
	   N.conf.floor == 1280 && N.conf.log == PMTUFIX_LOG_ALL && N.conf.rescue,
	   "nft set: every setting, rescue left on");
	run("-b nft set mark 0x10/0x1");
	ok(R.rc == 2 && strstr(R.err, "mark must be MARK[/MASK]") && N.conf.mark == 0x1000,
	   "nft set: a mark outside its mask is refused");
	run("-b nft set uplinks eth1,");
	ok(R.rc == 2 && strstr(R.err, "a name is missing"), "nft set: empty uplink name");
	run("-b nft set table 254");
	ok(R.rc == 2 && strstr(R.err, "table must be"), "nft set: table main is refused");
	run("-b nft set pref 32766");
	ok(R.rc == 2 && strstr(R.err, "pref must be 1..32763"), "nft set: pref after main");
	run("-b nft set uplinks auto");
	ok(R.rc == 0 && N.conf.n_uplinks == 1, "nft set uplinks auto: found again");
	N.fail_set = -EBUSY;
	N.msg = "route table 600 has 1 route that pmtufix did not add";
	run("-b nft set rescue on");
	is_str(R.err, "pmtufix: set: route table 600 has 1 route that pmtufix did not add "
		      "(Device or resource busy)\n", "nft set: the backend's reason is shown");
	N.fail_set = 0;
	N.msg = NULL;

	/* Settings of one backend asked of the other. */
	run("set mark 0x2000");
	ok(R.rc == 2 && strstr(R.err, "are settings of the nft backend (--backend nft)"),
	   "module: nft settings are refused");
	run("monitor");
	is_int(R.rc, 0, "monitor on the module still works");
	run("-b nft monitor");
	ok(R.rc == 1 && strstr(R.err, "monitor: not available with the nft backend"), "nft: no monitor");

	/* MSS rules. */
	run("-b nft mss add 10.10.20.0/24 1460");
	is_int(R.rc, 0, "nft mss add");
	run("-b nft mss add 10.10.0.0/16 1400 dir from");
	ok(R.rc == 1 && strstr(R.err, "pmtufix: mss add 10.10.0.0/16 1400 dir from: the nft backend "
				      "needs disjoint prefixes (File exists)"),
	   "nft mss add: nested prefixes are refused");
	run("-b nft mss add 2001:db8::/32 auto dir to");
	run("-b nft mss");
	is_str(R.out, "10.10.20.0/24 mss 1460 dir both\n2001:db8::/32 mss auto dir to\n",
	       "nft mss show");
	run("-b nft mss del 10.10.20.0/24");
	ok(R.rc == 0 && N.nrules == 1, "nft mss del");
	run("-b nft mss del 10.10.20.0/24");
	ok(R.rc == 1 && !strcmp(R.err, "pmtufix: mss del: there is no rule for 10.10.20.0/24\n"),
	   "nft mss del: no such rule");

	run("-b nft save");
	is_str(R.out, "set rescue on log all floor 1280 mark 0x1000/0xf000 table 600 pref 700 "
		      "uplinks eth1\n"
		      "mss add 2001:db8::/32 auto dir to\n", "nft save: every setting, in the grammar");
	path = write_file("nft.conf", "set rescue off log none mark 0x2000 uplinks eth3\n"
				      "mss add 10.1.0.0/16 1400\nmss add 10.2.0.0/16 auto dir to\n");
	run("-b nft apply nft.conf");
	ok(R.rc == 0 && !N.conf.rescue && N.conf.mark == 0x2000 && N.conf.mask == 0x2000 &&
	   N.nrules == 2 && !strcmp(N.conf.uplinks[0], "eth3"), "nft apply");
	is_str(N.trace, "open get mss_list get set mss_replace",
	       "nft apply: read, settings, then all rules at once");
	path = write_file("nft2.conf", "set rescue on\nmss add 10.0.0.0/8 1400\nmss add 10.1.0.0/16 1300\n");
	run("-b nft apply nft2.conf");
	ok(R.rc == 1 && strstr(R.err, "the previous configuration (2 MSS rules) was restored") && !N.conf.rescue &&
	   N.nrules == 2, "nft apply: rules refused, settings put back");
	(void)path;
	run("apply nft.conf");
	ok(R.rc == 2 && strstr(R.err, "settings of the nft backend; nothing was changed"),
	   "module apply: nft settings refused");
	run("-b nft mss flush");
	ok(R.rc == 0 && N.nrules == 0, "nft mss flush");

	/* down */
	run("down");
	ok(R.rc == 1 && strstr(R.err, "'rmmod pmtufix' removes it"), "down with the module: explained");
	run("-b nft down");
	ok(R.rc == 0 && !*R.err && !N.installed, "nft down");
	run("-b nft down");
	ok(R.rc == 0 && strstr(R.err, "nothing to remove"), "nft down again: nothing to remove");
	run("down help");
	ok(R.rc == 0 && !strncmp(R.out, "Usage: pmtufix down", 19), "down help");
	run("-b nft down now");
	is_int(R.rc, 2, "down takes no arguments");

	N.fail_open = -EPERM;
	run("-b nft show");
	ok(R.rc == 1 && strstr(R.err, "(CAP_NET_ADMIN is needed)"), "nft: no permission");
}

void test_cli(void)
{
	char cwd[4096];

	if (!getcwd(cwd, sizeof(cwd)) || !mkdtemp(tmpdir) || chdir(tmpdir)) {
		ok(false, "a temporary directory to work in");
		return;
	}
	fake_init(&K);
	fake_install(&K);
	fake_nft_init(&N);
	fake_nft_install(&N);
	help_and_usage();
	not_loaded();
	show();
	set();
	stats();
	mss();
	save_apply();
	apply_errors();
	monitor();
	monitor_unload();
	nft_backend();
	fake_nft_uninstall();
	fake_uninstall();
	fake_free(&K);
	cli_result_free(&R);
	if (chdir(cwd))
		tap_diag("could not go back to %s", cwd);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd))
			tap_diag("could not remove %s", tmpdir);
	}
}
