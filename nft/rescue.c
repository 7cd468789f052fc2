// SPDX-License-Identifier: GPL-2.0
/*
 * The rescue ruleset: chain "rescue" at prerouting sends each frag-needed
 * that arrives on an uplink to chain "frag_needed", whose rules count it by
 * the reason it is or is not rescued and mark the one strict RPF alone would
 * drop (pfnft.h: how the mark then gets it past the source check).
 */

#include <stdio.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "pmtufix.h"
#include "batch.h"
#include "expr.h"
#include "rescue.h"

/* fib saddr . iif oif: present = strict RPF accepts the source. */
static void x_rpf(struct nftnl_rule *r, bool present)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");
	uint32_t zero = 0;

	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_OIF);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS,
			   NFTA_FIB_F_SADDR | NFTA_FIB_F_IIF | NFTA_FIB_F_PRESENT);
	nftnl_rule_add_expr(r, e);
	x_cmp(r, present ? NFT_CMP_NEQ : NFT_CMP_EQ, &zero, 4);
}

/*
 * fib saddr . mark oif: present = loose RPF accepts the source. The kernel's
 * source check looks it up from lo (local delivery), in the ingress
 * device's VRF, with skb->mark (src_valid_mark is on for the uplinks); a
 * lookup that fails (no route, blackhole, unreachable, prohibit) or finds a
 * local address leaves 0. "fib saddr type" cannot say this: it looks in the
 * local table only and calls an address without a route there unicast.
 */
static void x_loose_rpf(struct nftnl_rule *r, bool present)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");
	uint32_t zero = 0;

	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_OIF);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS,
			   NFTA_FIB_F_SADDR | NFTA_FIB_F_MARK | NFTA_FIB_F_PRESENT);
	nftnl_rule_add_expr(r, e);
	x_cmp(r, present ? NFT_CMP_NEQ : NFT_CMP_EQ, &zero, 4);
}

void put_rescue(struct batch *bt, const struct pf_config *c, uint32_t floor)
{
	struct nftnl_rule *r;
	uint32_t mask = ~c->mask, mark = c->mark & c->mask;

	put_chain(bt, "frag_needed", -1, NULL);
	put_chain(bt, "rescue", NF_INET_PRE_ROUTING, NULL);

	/* iifname @uplinks icmp type destination-unreachable icmp code frag-needed */
	r = rule_new("rescue");
	x_meta(r, NFT_META_IIFNAME);
	x_lookup(r, "uplinks", false);
	x_frag_needed(r);
	x_jump(r, "frag_needed");
	put_rule(bt, r);

	/* Not about a flow conntrack knows. */
	r = rule_new("frag_needed");
	x_frag_needed(r);
	x_related(r, false);
	x_objref(r, pfnft_counter_names[PFNFT_C_NO_FLOW]);
	if (c->log >= PMTUFIX_LOG_ALL)
		x_log(r, "pmtufix: no-flow ");
	put_rule(bt, r);

	r = rule_new("frag_needed");
	x_frag_needed(r);
	x_related(r, true);
	x_icmp_mtu(r, AF_INET, NFT_CMP_LT, floor);
	x_objref(r, pfnft_counter_names[PFNFT_C_BELOW_FLOOR]);
	if (c->log >= PMTUFIX_LOG_ALL)
		x_log(r, "pmtufix: below-floor ");
	put_rule(bt, r);

	r = rule_new("frag_needed");
	x_frag_needed(r);
	x_related(r, true);
	x_icmp_mtu(r, AF_INET, NFT_CMP_GTE, floor);
	x_rpf(r, true);
	x_objref(r, pfnft_counter_names[PFNFT_C_NOT_NEEDED]);
	put_rule(bt, r);

	r = rule_new("frag_needed");
	x_frag_needed(r);
	x_related(r, true);
	x_icmp_mtu(r, AF_INET, NFT_CMP_GTE, floor);
	x_rpf(r, false);
	x_loose_rpf(r, false);
	x_objref(r, pfnft_counter_names[PFNFT_C_NO_SOURCE_ROUTE]);
	if (c->log >= PMTUFIX_LOG_ALL)
		x_log(r, "pmtufix: no-source-route ");
	put_rule(bt, r);

	/* Only which interface the source routes out of is overlooked. */
	r = rule_new("frag_needed");
	x_frag_needed(r);
	x_related(r, true);
	x_icmp_mtu(r, AF_INET, NFT_CMP_GTE, floor);
	x_rpf(r, false);
	x_loose_rpf(r, true);
	x_meta(r, NFT_META_MARK);
	x_bitwise(r, 4, &mask, &mark);
	x_meta_set(r, NFT_META_MARK);
	x_objref(r, pfnft_counter_names[PFNFT_C_RESCUED]);
	if (c->log >= PMTUFIX_LOG_RESCUE)
		x_log(r, "pmtufix: rescued ");
	put_rule(bt, r);
}
