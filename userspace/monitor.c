// SPDX-License-Identifier: GPL-2.0
/* `pmtufix monitor`: one line (or JSON document) per event until a signal. */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "cli.h"
#include "connect.h"
#include "monitor.h"
#include "parse.h"
#include "print.h"

const char pf_usage_monitor[] =
	"Usage: pmtufix monitor\n"
	"Prints one line per rescued or rejected frag-needed error (with -j, one\n"
	"JSON object per line) until interrupted.\n";

const char *pf_proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_ICMP:	return "icmp";
	case IPPROTO_TCP:	return "tcp";
	case IPPROTO_UDP:	return "udp";
	case IPPROTO_DCCP:	return "dccp";
	case IPPROTO_GRE:	return "gre";
	case IPPROTO_ESP:	return "esp";
	case IPPROTO_ICMPV6:	return "icmpv6";
	case IPPROTO_SCTP:	return "sctp";
	case IPPROTO_UDPLITE:	return "udplite";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

/* Text: " addr" or " addr:port" ("[v6]:port"); JSON: the address, and port. */
static void print_endpoint(const char *text_sep, const char *key, const char *port_key,
			   const struct pf_addr *a, bool has_port, uint16_t port)
{
	char addr[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 16], fmt[16];

	if (!a->family)
		return;
	inet_ntop(a->family, a->bytes, addr, sizeof(addr));
	if (!has_port)
		snprintf(text, sizeof(text), "%s", addr);
	else if (a->family == AF_INET6)
		snprintf(text, sizeof(text), "[%s]:%u", addr, port);
	else
		snprintf(text, sizeof(text), "%s:%u", addr, port);
	snprintf(fmt, sizeof(fmt), "%s%%s", text_sep);
	pf_print_string(PF_TEXT, NULL, fmt, text);
	pf_print_string(PF_JSON, key, NULL, addr);
	if (has_port)
		pf_print_uint(PF_JSON, port_key, NULL, port);
}

void pf_event_print(const struct pf_event *ev, const char *ifname)
{
	char buf[32];

	pf_open_object(NULL);
	/* JSON names a reason by its stats key, so the two can be joined. */
	if (ev->has_reason) {
		pf_print_string(PF_TEXT, "reason", "%s",
				pf_reason_name(ev->reason, buf, sizeof(buf)));
		pf_print_string(PF_JSON, "reason", "%s",
				pf_reason_key(ev->reason, buf, sizeof(buf)));
	}
	else
		pf_print_string(PF_ANY, "reason", "%s", "unknown");
	if (ev->has_ifindex) {
		pf_print_uint(PF_JSON, "ifindex", NULL, ev->ifindex);
		if (ifname)
			pf_print_string(PF_ANY, "ifname", " dev %s", ifname);
		else
			pf_print_uint(PF_TEXT, NULL, " dev if%s", ev->ifindex);
	}
	if (ev->icmp_saddr.family) {
		char addr[INET6_ADDRSTRLEN];

		inet_ntop(ev->icmp_saddr.family, ev->icmp_saddr.bytes, addr, sizeof(addr));
		pf_print_string(PF_ANY, "icmp_saddr", " from %s", addr);
	}
	if (ev->has_mtu)
		pf_print_uint(PF_ANY, "mtu", " mtu %s", ev->mtu);
	if (ev->has_proto)
		pf_print_string(PF_ANY, "proto", " %s", pf_proto_name(ev->proto, buf, sizeof(buf)));
	print_endpoint(" ", "saddr", "sport", &ev->saddr, ev->has_sport, ev->sport);
	print_endpoint(" -> ", "daddr", "dport", &ev->daddr, ev->has_dport, ev->dport);
	/* Only when set: events of a module without the relay stay as they were. */
	if (ev->relayed) {
		pf_print_bool(PF_JSON, "relayed", NULL, true);
		pf_print_text(" relayed");
	}
	pf_print_text("\n");
	pf_close_object();
	pf_print_end();
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int pf_cmd_monitor(struct pf_ctx *c, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigset_t block, old_mask, wait_mask;
	int ret = PF_EXIT_OK, err;

	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_monitor);
	if (argc > 0)
		return pf_usage_error(c, pf_usage_monitor, "unexpected '%s'", argv[0]);
	if (pf_connect(c))
		return PF_EXIT_FAIL;
	if (!c->ops->events_open)
		return pf_lacks(c, "monitor", "'set log rescue' logs each rescue and 'pmtufix stats' "
				"counts them");

	/* Signals stay blocked except while waiting: none is lost, none is late. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	wait_mask = old_mask;
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	stop = 0;

	err = c->ops->events_open(c->be);
	if (err == -EOPNOTSUPP) {
		pf_error(c, "this pmtufix module has no '%s' multicast group", PMTUFIX_MCGRP_EVENTS);
		ret = PF_EXIT_FAIL;
		goto out;
	}
	if (err) {
		ret = pf_fail(c, "cannot join the events group", err);
		goto out;
	}
	while (!stop) {
		struct pf_event ev;
		char name[IF_NAMESIZE];

		err = c->ops->events_next(c->be, &ev, &wait_mask);
		if (err == -EINTR)
			continue;
		if (err == -ENOBUFS) {
			pf_error(c, "events were lost: the receive buffer overflowed");
			continue;
		}
		if (err == -ENODATA)
			break;
		if (err == -ENODEV) {
			pf_error(c, "the pmtufix module was unloaded: no more events");
			ret = PF_EXIT_FAIL;
			break;
		}
		if (err) {
			ret = pf_fail(c, "cannot receive events", err);
			break;
		}
		pf_event_print(&ev, ev.has_ifindex && if_indextoname(ev.ifindex, name) ?
			       name : NULL);
	}
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return ret;
}
