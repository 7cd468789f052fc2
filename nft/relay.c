// SPDX-License-Identifier: GPL-2.0
/*
 * The relay's ruleset on the nft backend, and reading it back. Base chain
 * "relay" at prerouting, mangle priority (conntrack has looked first):
 *
 *  - an error that comes in on the relay device was written there by the
 *    agent for a peer: chain "relay_in" judges it by conntrack, as the rest
 *    of this backend does. Not RELATED, or an MTU below the floor: dropped.
 *    Else the relay mark, so that strict RPF's source check finds the
 *    relay device's route (pfnft.h), and accepted by this chain, so that it
 *    is never relayed again.
 *  - a frag-needed or Packet Too Big to a relay prefix that conntrack does
 *    not call RELATED goes to "relay_out": within the rate (one bucket for
 *    both families) to NFLOG group PFNFT_RELAY_GROUP, where the agent asks
 *    sock_diag for a socket before it sends it on; over the rate, counted.
 *
 * Rate and burst live in the comment of chain "relay_out", the prefixes in
 * sets "relay4" and "relay6".
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <libnftnl/rule.h>
#include <libnftnl/set.h>

#include "pmtufix.h"
#include "batch.h"
#include "expr.h"
#include "readback.h"
#include "relay.h"

#define IPV6_MIN_MTU	1280

const char *const pfnft_relay_counter_names[PFNFT_RC_MAX] = {
	[PFNFT_RC_SENT]		= "relay_sent",
	[PFNFT_RC_RATE_LIMITED]	= "relay_rate_limited",
	[PFNFT_RC_IN_RESCUED]	= "relay_in_rescued",
	[PFNFT_RC_IN_NO_FLOW]	= "relay_in_no_flow",
	[PFNFT_RC_IN_BELOW_FLOOR] = "relay_in_below_floor",
};

static const char *const chains[] = { "relay", "relay_in", "relay_out" };

static const char *set_of(uint8_t family)
{
	return family == AF_INET ? "relay4" : "relay6";
}

static void put_prefixes(struct batch *bt, const struct pf_relay *r, uint8_t family)
{
	struct nftnl_set *s = set_named(set_of(family));
	unsigned int n = 0;
	struct nlmsghdr *nlh;

	for (unsigned int i = 0; i < r->n_prefixes; i++)
		if (r->prefixes[i].family == family)
			n += elems_of_prefix(s, &r->prefixes[i], NULL, true);
	if (n) {
		nlh = batch_msg(bt, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		batch_next(bt);
	}
	nftnl_set_free(s);
}

static void x_counted(struct nftnl_rule *r, enum pfnft_relay_counter c)
{
	x_objref(r, pfnft_relay_counter_names[c]);
}

/* frag-needed (family AF_INET) or Packet Too Big */
static void x_error(struct nftnl_rule *r, uint8_t family)
{
	if (family == AF_INET)
		x_frag_needed(r);
	else
		x_packet_too_big(r);
}

static void put_relay_in(struct batch *bt, uint8_t family, uint32_t floor)
{
	uint32_t keep = ~PFNFT_RELAY_MARK, mark = PFNFT_RELAY_MARK;
	struct nftnl_rule *r;

	r = rule_new("relay_in");
	x_error(r, family);
	x_related(r, false);
	x_counted(r, PFNFT_RC_IN_NO_FLOW);
	x_verdict(r, NF_DROP);
	put_rule(bt, r);

	r = rule_new("relay_in");
	x_error(r, family);
	x_icmp_mtu(r, family, NFT_CMP_LT, family == AF_INET ? floor : IPV6_MIN_MTU);
	x_counted(r, PFNFT_RC_IN_BELOW_FLOOR);
	x_verdict(r, NF_DROP);
	put_rule(bt, r);

	r = rule_new("relay_in");
	x_error(r, family);
	if (family == AF_INET) {
		/* IPv6 has no source check to pass. */
		x_meta(r, NFT_META_MARK);
		x_bitwise(r, 4, &keep, &mark);
		x_meta_set(r, NFT_META_MARK);
	}
	x_counted(r, PFNFT_RC_IN_RESCUED);
	x_verdict(r, NF_ACCEPT);
	put_rule(bt, r);
}

static void put_to_relay_out(struct batch *bt, uint8_t family)
{
	struct nftnl_rule *r = rule_new("relay");
	bool v4 = family == AF_INET;

	x_error(r, family);
	x_payload(r, NFT_PAYLOAD_NETWORK_HEADER, v4 ? 16 : 24, v4 ? 4 : 16);
	x_lookup(r, set_of(family), false);
	x_related(r, false);
	x_jump(r, "relay_out");
	put_rule(bt, r);
}

static void put_chains(struct batch *bt, const struct pf_relay *rl, uint32_t floor)
{
	char comment[64], dev[IF_NAMESIZE] = PF_RELAY_IFNAME;
	struct nftnl_rule *r;

	snprintf(comment, sizeof(comment), "rate %u burst %u", rl->rate, rl->burst);
	put_chain(bt, "relay_out", -1, comment);
	r = rule_new("relay_out");
	x_limit(r, rl->rate, rl->burst);
	x_counted(r, PFNFT_RC_SENT);
	x_log_group(r, PFNFT_RELAY_GROUP);
	x_verdict(r, NFT_RETURN);
	put_rule(bt, r);
	r = rule_new("relay_out");
	x_counted(r, PFNFT_RC_RATE_LIMITED);
	put_rule(bt, r);

	put_chain(bt, "relay_in", -1, NULL);
	put_relay_in(bt, AF_INET, floor);
	put_relay_in(bt, AF_INET6, floor);

	put_chain(bt, "relay", NF_INET_PRE_ROUTING, NULL);
	r = rule_new("relay");
	x_meta(r, NFT_META_IIFNAME);
	x_cmp(r, NFT_CMP_EQ, dev, sizeof(dev));
	x_jump(r, "relay_in");
	put_rule(bt, r);
	put_to_relay_out(bt, AF_INET);
	put_to_relay_out(bt, AF_INET6);
}

void put_relay(struct batch *bt, bool exists, const struct pf_relay *r, uint32_t floor)
{
	/* The base chain first: it jumps to the others. */
	for (size_t i = 0; exists && i < sizeof(chains) / sizeof(chains[0]); i++)
		del_chain(bt, chains[i]);
	if (!r->n_prefixes) {
		if (exists) {
			del_set(bt, "relay4");
			del_set(bt, "relay6");
		}
		return;
	}
	for (int i = 0; i < PFNFT_RC_MAX; i++)
		put_counter(bt, pfnft_relay_counter_names[i]);
	put_set(bt, "relay4", NFT_SET_INTERVAL, TYPE_IPADDR, 4, 0);
	put_set(bt, "relay6", NFT_SET_INTERVAL, TYPE_IP6ADDR, 16, 0);
	flush_set(bt, "relay4");
	flush_set(bt, "relay6");
	put_prefixes(bt, r, AF_INET);
	put_prefixes(bt, r, AF_INET6);
	put_chains(bt, r, floor);
}

/* ------------------------------------------------------------------ */
/* Read back */

static int add_prefix(void *arg, const struct pf_prefix *p, uint16_t data)
{
	struct pf_relay *r = arg;

	(void)data;
	if (r->n_prefixes >= PMTUFIX_RELAY_PREFIXES_MAX)
		return -E2BIG;
	r->prefixes[r->n_prefixes++] = *p;
	return 0;
}

static int read_prefixes(struct pfnft *h, uint8_t family, struct pf_relay *r)
{
	int err = read_intervals(h, set_of(family), family, add_prefix, r);

	return err == -ENOENT ? 0 : err;
}

int pfnft_relay_read(struct pfnft *h, struct pf_relay *r, bool *exists)
{
	char comment[256];
	int err;

	pf_relay_init(r);
	err = read_chain(h, "relay_out", exists, comment);
	if (err || !*exists)
		return err;
	if (sscanf(comment, "rate %u burst %u", &r->rate, &r->burst) != 2)
		return pfnft_fail(h, -EPROTO, "chain relay_out of table inet %s: cannot read '%s'",
				  PFNFT_TABLE, comment);
	err = read_prefixes(h, AF_INET, r);
	if (!err)
		err = read_prefixes(h, AF_INET6, r);
	if (err)
		return pfnft_fail(h, err, "cannot read the relay's prefixes");
	pf_prefix_sort(r->prefixes, r->n_prefixes);
	return 0;
}

int pfnft_relay_counters(struct pfnft *h, uint64_t v[PFNFT_RC_MAX], bool reset)
{
	for (int i = 0; i < PFNFT_RC_MAX; i++) {
		int err = read_counter(h, pfnft_relay_counter_names[i],
				       reset ? NFT_MSG_GETOBJ_RESET : NFT_MSG_GETOBJ, &v[i]);

		if (err && err != -ENOENT)
			return pfnft_fail(h, err, "cannot read counter %s",
					  pfnft_relay_counter_names[i]);
	}
	return 0;
}
