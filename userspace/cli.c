// SPDX-License-Identifier: GPL-2.0
/* Options, the command table, and the messages every command shares. */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pmtufix.h"
#include "cli.h"
#include "connect.h"
#include "parse.h"
#include "print.h"
#include "version.h"

const char pf_usage_main[] =
	"Usage: pmtufix [ OPTIONS ] [ COMMAND [ ARGUMENTS ] ]\n"
	"where  COMMAND := { show | set | stats | mss | monitor | save | apply | down | doctor | agent |\n"
	"                   relay | help }\n"
	"       OPTIONS := { -j | -p | -n NETNS | -b BACKEND | -V | -h }\n"
	"\n"
	"  show               settings and counters (the default command)\n"
	"  set SETTING ...    change rescue, log or floor\n"
	"  stats [ reset ]    counters of frag-needed errors by reason\n"
	"  mss ...            TCP MSS rules per prefix\n"
	"  monitor            print rescue and rejection events as they happen\n"
	"  save               print settings and MSS rules as 'apply' reads them\n"
	"  apply { FILE | - } make settings and MSS rules those of FILE\n"
	"  down               remove what the nft backend installed\n"
	"  doctor [ DEST [ PORT ] ]\n"
	"                     why path MTU discovery fails here, and what fixes it\n"
	"  agent              apply a file and keep it applied; /metrics, /healthz\n"
	"  relay ...          hand frag-needed errors for flows this node lacks to peers\n"
	"  COMMAND help       arguments of COMMAND\n"
	"\n"
	"  -j, --json         JSON output\n"
	"  -p, --pretty       indented JSON output (implies -j)\n"
	"  -n, --netns NETNS  act in network namespace NETNS (/run/netns/NETNS)\n"
	"  -b, --backend { module | nft }\n"
	"                     use the kernel module, or the nftables table that stands\n"
	"                     in for it; default: the module when it is loaded, else nft\n"
	"  -V, --version      print the version\n"
	"  -h, --help         print this help\n";

/* After a usage error: the grammar, without the explanations. */
static const char usage_short[] =
	"Usage: pmtufix [ OPTIONS ] [ COMMAND [ ARGUMENTS ] ]\n"
	"where  COMMAND := { show | set | stats | mss | monitor | save | apply | down | doctor | agent |\n"
	"                   relay | help }\n"
	"       OPTIONS := { -j | -p | -n NETNS | -b BACKEND | -V | -h }\n"
	"Run 'pmtufix help' for more.\n";

static int cmd_help(struct pf_ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	return pf_help(pf_usage_main);
}

static const struct {
	const char *name;
	int (*fn)(struct pf_ctx *c, int argc, char **argv);
} commands[] = {
	{ "show",	pf_cmd_show },
	{ "set",	pf_cmd_set },
	{ "stats",	pf_cmd_stats },
	{ "mss",	pf_cmd_mss },
	{ "monitor",	pf_cmd_monitor },
	{ "save",	pf_cmd_save },
	{ "apply",	pf_cmd_apply },
	{ "down",	pf_cmd_down },
	{ "doctor",	pf_cmd_doctor },
	{ "agent",	pf_cmd_agent },
	{ "relay",	pf_cmd_relay },
	{ "help",	cmd_help },
};

static int dispatch(struct pf_ctx *c, int argc, char **argv)
{
	size_t i;

	if (argc == 0)
		return pf_cmd_show(c, 0, argv);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (pf_matches(argv[0], commands[i].name))
			return commands[i].fn(c, argc - 1, argv + 1);
	return pf_usage_error(c, usage_short, "unknown command '%s'", argv[0]);
}

static const struct option options[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "pretty",	no_argument,		NULL, 'p' },
	{ "netns",	required_argument,	NULL, 'n' },
	{ "backend",	required_argument,	NULL, 'b' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int pf_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct pf_ctx c = { .err = err };
	int opt, ret;

	pf_print_init(out, false, false);
	optind = 0;	/* glibc: start afresh, so host tests can call us again */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:jpn:b:Vh", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c.json = true;
			break;
		case 'p':
			c.json = c.pretty = true;
			break;
		case 'n':
			if (!*optarg)
				return pf_usage_error(&c, usage_short, "empty network namespace name");
			c.netns = optarg;
			break;
		case 'b':
			if (pf_matches(optarg, "module"))
				c.choice = PF_BACKEND_MODULE;
			else if (pf_matches(optarg, "nft"))
				c.choice = PF_BACKEND_NFT;
			else
				return pf_usage_error(&c, usage_short,
						      "backend must be module or nft, not '%s'", optarg);
			break;
		case 'V':
			fprintf(out, "pmtufix %s\n", PMTUFIX_VERSION);
			return PF_EXIT_OK;
		case 'h':
			return pf_help(pf_usage_main);
		case ':':
			return pf_usage_error(&c, usage_short, "option '%s' needs an argument",
					      argv[optind - 1]);
		default:
			if (optopt)
				return pf_usage_error(&c, usage_short, "unknown option '-%c'",
						      optopt);
			return pf_usage_error(&c, usage_short, "unknown option '%s'",
					      argv[optind - 1]);
		}
	}
	pf_print_init(out, c.json, c.pretty);
	ret = dispatch(&c, argc - optind, argv + optind);
	pf_disconnect(&c);
	if ((fflush(out) || ferror(out)) && ret == PF_EXIT_OK) {
		pf_error(&c, "write error: %s", strerror(errno));
		ret = PF_EXIT_FAIL;
	}
	return ret;
}
