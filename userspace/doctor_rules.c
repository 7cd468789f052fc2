// SPDX-License-Identifier: GPL-2.0
/*
 * Firewall rules that drop frag-needed before the kernel's ICMP code sees it:
 * in the base chains of the ip and inet families on prerouting and input, a
 * rule ending in drop (or reject) that matches ICMP type 3 (code 4 or any
 * code), or ct state invalid (conntrack calls an error about a flow it does
 * not track invalid: calico#7120). Read through libnftnl; reading the
 * ruleset needs CAP_NET_ADMIN. Rules reached by jumps are not followed.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doctor.h"

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#define MAX_CHAINS	256

struct base_chain {
	uint32_t family;
	char table[64], name[64];
};

struct scan {
	struct base_chain chains[MAX_CHAINS];
	size_t n;
	struct pf_findings *f;
	struct pf_fw_hit *hit;
};

/* What the expressions of one rule load, compare and decide. */
enum load { L_NONE, L_L4PROTO, L_ICMP_TYPE, L_ICMP_CODE, L_ICMP_TC, L_CT_STATE };

struct rule_facts {
	enum load load;
	uint32_t ct_mask;
	bool icmp, type3, code4, code_other, invalid, drop;
};

static const char *family_name(uint32_t f)
{
	return f == NFPROTO_INET ? "inet" : "ip";
}

static int talk(struct mnl_socket *s, uint16_t type, mnl_cb_t cb, void *data, char *buf)
{
	uint32_t seq = (uint32_t)time(NULL), portid = mnl_socket_get_portid(s);
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_UNSPEC, NLM_F_DUMP, seq);
	ssize_t len;
	int ret;

	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(s, buf, MNL_SOCKET_BUFFER_SIZE);
		if (len < 0)
			return -errno;
		ret = mnl_cb_run(buf, (size_t)len, seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct scan *sc = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	uint32_t fam, hook;

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0)
		goto out;
	fam = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	if (!nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) || sc->n == MAX_CHAINS ||
	    (fam != NFPROTO_INET && fam != NFPROTO_IPV4))
		goto out;
	hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
	if (hook != NF_INET_PRE_ROUTING && hook != NF_INET_LOCAL_IN)
		goto out;
	sc->chains[sc->n].family = fam;
	snprintf(sc->chains[sc->n].table, 64, "%s", nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
	snprintf(sc->chains[sc->n].name, 64, "%s", nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	sc->n++;
out:
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

static uint32_t cmp_value(struct nftnl_expr *e, uint32_t *len)
{
	const uint8_t *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, len);
	uint32_t v = 0;

	for (uint32_t i = 0; d && i < *len && i < 4; i++)
		v = v << 8 | d[i];
	return v;
}

static void payload(struct nftnl_expr *e, struct rule_facts *r)
{
	uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);

	r->load = L_NONE;
	if (base == NFT_PAYLOAD_NETWORK_HEADER && off == 9 && len == 1)
		r->load = L_L4PROTO;
	else if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 0)
		r->load = len == 1 ? L_ICMP_TYPE : len == 2 ? L_ICMP_TC : L_NONE;
	else if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 1 && len == 1)
		r->load = L_ICMP_CODE;
}

static void cmp(struct nftnl_expr *e, struct rule_facts *r)
{
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), len, v = cmp_value(e, &len);
	bool eq = op == NFT_CMP_EQ;

	switch (r->load) {
	case L_L4PROTO:
		r->icmp |= eq && v == IPPROTO_ICMP;
		break;
	case L_ICMP_TYPE:
		r->type3 |= eq && v == 3;
		break;
	case L_ICMP_CODE:
		r->code4 |= eq && v == 4;
		r->code_other |= !(eq && v == 4);
		break;
	case L_ICMP_TC:
		r->type3 |= eq && v >> 8 == 3;
		r->code4 |= eq && v == 0x0304;
		r->code_other |= eq && v >> 8 == 3 && v != 0x0304;
		break;
	case L_CT_STATE:
		/* ct state invalid: (state & mask) != 0, invalid being bit 0. */
		r->invalid |= (r->ct_mask & 1) && op == NFT_CMP_NEQ && v == 0;
		break;
	default:
		break;
	}
	r->load = L_NONE;
}

static void expr(struct nftnl_expr *e, struct rule_facts *r)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (!strcmp(name, "meta")) {
		r->load = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY) == NFT_META_L4PROTO ?
			  L_L4PROTO : L_NONE;
	} else if (!strcmp(name, "payload")) {
		payload(e, r);
	} else if (!strcmp(name, "ct")) {
		r->load = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY) == NFT_CT_STATE ?
			  L_CT_STATE : L_NONE;
		r->ct_mask = 0;
	} else if (!strcmp(name, "bitwise") && r->load == L_CT_STATE) {
		uint32_t len;
		const uint32_t *m = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &len);

		r->ct_mask = m && len >= 4 ? *m : 0;
	} else if (!strcmp(name, "cmp")) {
		cmp(e, r);
	} else if (!strcmp(name, "immediate")) {
		r->drop |= nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT) &&
			   nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == NF_DROP;
	} else if (!strcmp(name, "reject")) {
		r->drop = true;
	}
}

static int facts_cb(struct nftnl_expr *e, void *data)
{
	expr(e, data);
	return 0;
}

static void report(struct scan *sc, struct nftnl_rule *rl, const struct rule_facts *r)
{
	uint32_t fam = nftnl_rule_get_u32(rl, NFTNL_RULE_FAMILY);
	const char *t = nftnl_rule_get_str(rl, NFTNL_RULE_TABLE);
	const char *c = nftnl_rule_get_str(rl, NFTNL_RULE_CHAIN);
	uint64_t h = nftnl_rule_get_u64(rl, NFTNL_RULE_HANDLE);
	bool icmp = r->type3 && (r->code4 || !r->code_other);
	char fix[192];

	snprintf(fix, sizeof(fix), "nft delete rule %s %s %s handle %llu (or accept icmp "
		 "frag-needed before it)", family_name(fam), t, c, (unsigned long long)h);
	pf_find_add(sc->f, icmp ? PF_SEV_WARN : PF_SEV_OK, icmp ? "firewall.icmp_drop" :
		    "firewall.ct_invalid_drop", icmp ? fix : NULL,
		    "nft rule %s %s %s handle %llu drops %s on the input path", family_name(fam),
		    t, c, (unsigned long long)h, icmp ? "ICMP frag-needed" :
		    "ct state invalid (frag-needed for a flow conntrack does not know)");
	if (!sc->hit->found || icmp) {
		sc->hit->found = true;
		snprintf(sc->hit->fix, sizeof(sc->hit->fix), "%s", fix);
	}
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct scan *sc = data;
	struct nftnl_rule *rl = nftnl_rule_alloc();
	struct rule_facts r = { 0 };
	uint32_t fam;
	const char *t, *c;

	if (!rl || nftnl_rule_nlmsg_parse(nlh, rl) < 0)
		goto out;
	fam = nftnl_rule_get_u32(rl, NFTNL_RULE_FAMILY);
	t = nftnl_rule_get_str(rl, NFTNL_RULE_TABLE);
	c = nftnl_rule_get_str(rl, NFTNL_RULE_CHAIN);
	for (size_t i = 0; i < sc->n; i++) {
		if (sc->chains[i].family != fam || strcmp(sc->chains[i].table, t) ||
		    strcmp(sc->chains[i].name, c))
			continue;
		nftnl_expr_foreach(rl, facts_cb, &r);
		if (r.drop && ((r.icmp && r.type3) || r.invalid))
			report(sc, rl, &r);
		break;
	}
out:
	nftnl_rule_free(rl);
	return MNL_CB_OK;
}

void pf_doc_rules(struct pf_findings *f, struct pf_fw_hit *hit)
{
	struct mnl_socket *s = mnl_socket_open(NETLINK_NETFILTER);
	static struct scan sc;
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	size_t before = f->n;
	int err = -ENOMEM;

	memset(&sc, 0, sizeof(sc));
	sc.f = f;
	sc.hit = hit;
	if (!s || mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	if (!buf)
		goto out;
	err = talk(s, NFT_MSG_GETCHAIN, chain_cb, &sc, buf);
	if (!err)
		err = talk(s, NFT_MSG_GETRULE, rule_cb, &sc, buf);
out:
	if (err)
		pf_find_add(f, PF_SEV_SKIP, "firewall", NULL, "cannot read the nftables ruleset: "
			    "%s%s", strerror(-err), err == -EPERM ? " (CAP_NET_ADMIN is needed)" : "");
	else if (f->n == before)
		pf_find_add(f, PF_SEV_OK, "firewall", NULL, "no nftables rule on input drops "
			    "frag-needed (%zu base chains read)", sc.n);
	if (s)
		mnl_socket_close(s);
	free(buf);
}
