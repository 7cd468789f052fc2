// SPDX-License-Identifier: GPL-2.0
/* `pmtufix relay`: the relay's module part set, shown and turned off. */

#include <errno.h>
#include <string.h>

#include "pmtufix.h"
#include "cli.h"
#include "connect.h"
#include "print.h"
#include "relayparse.h"
#include "view.h"

const char pf_usage_relay[] =
	"Usage: pmtufix relay set prefixes PREFIX[,PREFIX...] [ peers PEER[,PEER...] ]\n"
	"                         [ port PORT ] [ rate N ] [ burst N ] [ listen ADDR ]\n"
	"       pmtufix relay { show | off }\n"
	"where  PREFIX := IPv4 or IPv6 prefix (the VIPs), at most 64\n"
	"       PEER := { ADDR | dns:NAME }, at most 64\n"
	"       PORT := UDP port of the relay (default 9884)\n"
	"       N := errors handed on per second, 1..10000 (rate default 20,\n"
	"            burst default 2 * rate)\n"
	"       ADDR := address the agent receives on (default: any)\n"
	"The backend keeps prefixes, rate and burst. Peers, port and listen are the\n"
	"agent's: they take effect through the 'relay set' line of the file\n"
	"'pmtufix agent --config' reads.\n";

static int relay_lacks(struct pf_ctx *c)
{
	return pf_lacks(c, "relay", NULL);
}

/* pf_fail(), but says so plainly when the module predates the relay. */
static int relay_fail(struct pf_ctx *c, const char *what, int err)
{
	if (pf_unknown_command(c, err)) {
		pf_error(c, "this pmtufix module does not relay errors");
		return PF_EXIT_FAIL;
	}
	return pf_fail(c, what, err);
}

static int relay_show(struct pf_ctx *c)
{
	struct pf_relay r;
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (!c->ops->relay_get)
		return relay_lacks(c);
	err = c->ops->relay_get(c->be, &r);
	if (err)
		return relay_fail(c, "cannot read the relay", err);
	pf_relay_print(&r);
	pf_print_end();
	return PF_EXIT_OK;
}

/* The relay device is the agent's: a command line leaves it in place while it exists. */
static int relay_change(struct pf_ctx *c, struct pf_relay *want)
{
	struct pf_relay have;
	int err;

	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (!c->ops->relay_set)
		return relay_lacks(c);
	err = c->ops->relay_get(c->be, &have);
	if (!err) {
		want->ifindex = pf_device_alive(have.ifindex);
		err = c->ops->relay_set(c->be, want);
	}
	if (err)
		return relay_fail(c, "relay", err);
	pf_warnings(c);
	return PF_EXIT_OK;
}

static int relay_set(struct pf_ctx *c, int argc, char **argv)
{
	char msg[PF_ERRLEN];
	struct pf_relay want;
	int ret;

	if (pf_parse_relay_set(argc, argv, &want, msg, sizeof(msg)))
		return pf_usage_error(c, pf_usage_relay, "relay set: %s", msg);
	ret = relay_change(c, &want);
	if (ret == PF_EXIT_OK && (want.n_peers || want.port != PF_RELAY_PORT ||
				  want.listen.family))
		pf_error(c, "relay set: the module took prefixes, rate and burst; peers, port "
			 "and listen take effect only through the 'relay set' line of the "
			 "agent's configuration file");
	return ret;
}

int pf_cmd_relay(struct pf_ctx *c, int argc, char **argv)
{
	struct pf_relay off;

	if (pf_is_help(argc, argv) || (argc > 0 && pf_is_help(argc - 1, argv + 1)))
		return pf_help(pf_usage_relay);
	if (argc == 0 || pf_matches(argv[0], "show")) {
		if (argc > 1)
			return pf_usage_error(c, pf_usage_relay, "unexpected '%s'", argv[1]);
		return relay_show(c);
	}
	if (pf_matches(argv[0], "set"))
		return relay_set(c, argc - 1, argv + 1);
	if (pf_matches(argv[0], "off")) {
		if (argc > 1)
			return pf_usage_error(c, pf_usage_relay, "unexpected '%s'", argv[1]);
		pf_relay_init(&off);
		return relay_change(c, &off);
	}
	return pf_usage_error(c, pf_usage_relay, "unknown relay command '%s'", argv[0]);
}
