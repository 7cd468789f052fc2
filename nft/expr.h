/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rules: a tiny assembler, one call per nft expression. Each appends to r;
 * data flows through register 1.
 */
#ifndef PMTUFIX_NFT_EXPR_H
#define PMTUFIX_NFT_EXPR_H

#include <stdbool.h>
#include <stdint.h>

struct nftnl_rule;

void x_meta(struct nftnl_rule *r, uint32_t key);
void x_meta_set(struct nftnl_rule *r, uint32_t key);
void x_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len);
void x_cmp8(struct nftnl_rule *r, uint8_t v);
void x_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len);
void x_bitwise(struct nftnl_rule *r, uint32_t len, const void *mask, const void *xor);
void x_lookup(struct nftnl_rule *r, const char *set, bool map);
void x_objref(struct nftnl_rule *r, const char *counter);
void x_jump(struct nftnl_rule *r, const char *chain);
/* Write register 1 as the TCP MSS option's value. */
void x_mss_write(struct nftnl_rule *r);
/* rt mtu's MSS, in network order. */
void x_rt_mss(struct nftnl_rule *r);
/* At most 10 log lines a second per rule. */
void x_log(struct nftnl_rule *r, const char *prefix);
void x_nfproto(struct nftnl_rule *r, uint8_t family);
void x_l4proto(struct nftnl_rule *r, uint8_t proto);
/* accept, drop (NF_*), return, ... (NFT_*): ends the rule. */
void x_verdict(struct nftnl_rule *r, int verdict);
/* ct state related (related true), or not related (false). */
void x_related(struct nftnl_rule *r, bool related);
/* icmp type destination-unreachable icmp code frag-needed */
void x_frag_needed(struct nftnl_rule *r);
/* icmpv6 type packet-too-big */
void x_packet_too_big(struct nftnl_rule *r);
/* The MTU a frag-needed (family AF_INET) or Packet Too Big carries, op floor. */
void x_icmp_mtu(struct nftnl_rule *r, uint8_t family, uint32_t op, uint32_t floor);
/* At most rate packets a second, burst at once: the rule stops for the rest. */
void x_limit(struct nftnl_rule *r, uint32_t rate, uint32_t burst);
/* The packet to NFLOG group (a reader in user space gets it whole). */
void x_log_group(struct nftnl_rule *r, uint16_t group);

#endif /* PMTUFIX_NFT_EXPR_H */
