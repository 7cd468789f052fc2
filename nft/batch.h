/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One nftables transaction on table "inet pmtufix", and the message that
 * adds (or removes) each kind of object in it.
 */
#ifndef PMTUFIX_NFT_BATCH_H
#define PMTUFIX_NFT_BATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/netfilter.h>

#include "nl.h"

#define PFNFT_FAMILY	NFPROTO_INET

/* nft's datatypes and byte orders, so that `nft list` prints our sets. */
#define TYPE_IPADDR	7
#define TYPE_IP6ADDR	8
#define TYPE_IFNAME	41
#define TYPE_INET_SERVICE	13
#define BYTEORDER_HOST	1
#define BYTEORDER_BIG	2

struct nftnl_batch;
struct nftnl_rule;
struct nftnl_set;
struct pf_prefix;

struct batch {
	struct pfnft *h;
	struct nftnl_batch *b;
	struct nlmsghdr *last;
	unsigned int n;
	uint32_t set_id;
};

int batch_start(struct pfnft *h, struct batch *bt);
/* A message header of type in the batch; batch_next() once it is built. */
struct nlmsghdr *batch_msg(struct batch *bt, uint16_t type, uint16_t flags);
void batch_next(struct batch *bt);
/* Send and free the batch; 0, or the first error the kernel reported. */
int batch_commit(struct batch *bt);

void put_table(struct batch *bt);
void put_counter(struct batch *bt, const char *name);
void put_set(struct batch *bt, const char *name, uint32_t flags, uint32_t key_type,
	     uint32_t key_len, uint32_t data_len);
/* hook < 0: a regular chain; else a base chain at mangle priority. */
void put_chain(struct batch *bt, const char *name, int hook, const char *comment);
void del_chain(struct batch *bt, const char *name);
/* A libnftnl set that names set name of our table (to fill, then free). */
struct nftnl_set *set_named(const char *name);
void del_set(struct batch *bt, const char *name);
/* Flush set name (no elements = all of them). */
void flush_set(struct batch *bt, const char *name);
struct nftnl_rule *rule_new(const char *chain);
/*
 * The interval elements of prefix p (start, and end unless it runs to the
 * last address) into s, with mss as the start's data if not NULL; add:
 * elements to add (an open end is marked as nft marks it). Returns how many.
 */
unsigned int elems_of_prefix(struct nftnl_set *s, const struct pf_prefix *p, const uint16_t *mss,
			     bool add);
/* Append r to its chain; frees r. */
void put_rule(struct batch *bt, struct nftnl_rule *r);

#endif /* PMTUFIX_NFT_BATCH_H */
