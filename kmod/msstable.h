/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_MSSTABLE_H
#define _PMTUFIX_MSSTABLE_H

#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

#include "pmtufix.h"

/* Prefix lengths 0..128, one bit each. */
#define PMTUFIX_MSS_LEN_WORDS	3

/* Which address of a SYN a rule is matched against. */
enum pmtufix_mss_match {
	PMTUFIX_MSS_MATCH_DST,	/* dir "to" or "both" */
	PMTUFIX_MSS_MATCH_SRC,	/* dir "from" or "both" */

	__PMTUFIX_MSS_MATCH_MAX
};

/* A rule's identity. Hashed and compared as a whole: padding stays zero. */
struct pmtufix_mss_key {
	u8 family;		/* AF_INET or AF_INET6 */
	u8 plen;
	u8 pad[2];
	__be32 addr[4];		/* host bits zero; IPv4 in addr[0], the rest zero */
};

struct pmtufix_mss_rule {
	struct rhash_head node;		/* packet path, under RCU */
	struct rb_node tree;		/* sorted, for dumps; under the netns lock */
	struct pmtufix_mss_key key;
	/*
	 * Value (0 = auto) in the low 16 bits, enum pmtufix_mss_dir above: one
	 * word, so that the packet path sees a replaced rule whole.
	 */
	u32 action;
	struct rcu_head rcu;
};

static inline u16 pmtufix_mss_action_value(u32 action)
{
	return action & 0xffff;
}

static inline u8 pmtufix_mss_action_dir(u32 action)
{
	return action >> 16;
}

static inline u32 pmtufix_mss_action(u16 value, u8 dir)
{
	return (u32)dir << 16 | value;
}

struct pmtufix_mss_family {
	/*
	 * Bit n of lens[m]: some rule of prefix length n is matched by way of
	 * m. Read without a lock by the packet path, which then probes only
	 * these lengths.
	 */
	u64 lens[__PMTUFIX_MSS_MATCH_MAX][PMTUFIX_MSS_LEN_WORDS];
	/* Rules behind each bit; under the netns lock. */
	u32 users[__PMTUFIX_MSS_MATCH_MAX][128 + 1];
	u32 count;
	bool hooked;		/* its netfilter hooks are registered */
};

/*
 * The rules of one network namespace. Created with the first rule, freed
 * with the namespace. Changes are made under the namespace's lock; the
 * packet path reads the hash table and the bitmaps under RCU.
 */
struct pmtufix_mss_table {
	struct rhashtable ht;
	struct rb_root tree;
	struct pmtufix_mss_family fam[2];	/* IPv4, IPv6 */
	u32 count;
	/* Bumped by every change, never 0: dumps compare it (NLM_F_DUMP_INTR). */
	u32 gen;
};

static inline unsigned int pmtufix_mss_fam_index(u8 family)
{
	return family == AF_INET ? 0 : 1;
}

void pmtufix_mss_key_init(struct pmtufix_mss_key *key, u8 family,
			  const __be32 *addr, unsigned int plen);

int pmtufix_mss_cache_init(void);
void pmtufix_mss_cache_uninit(void);

struct pmtufix_mss_table *pmtufix_mss_table_alloc(void);
void pmtufix_mss_table_free(struct pmtufix_mss_table *t);

struct pmtufix_mss_rule *pmtufix_mss_find(struct pmtufix_mss_table *t,
					  const struct pmtufix_mss_key *key);
struct pmtufix_mss_rule *pmtufix_mss_rule_alloc(const struct pmtufix_mss_key *key,
						u32 action);
void pmtufix_mss_rule_destroy(struct pmtufix_mss_rule *r);
int pmtufix_mss_insert(struct pmtufix_mss_table *t, struct pmtufix_mss_rule *r);
void pmtufix_mss_update(struct pmtufix_mss_table *t, struct pmtufix_mss_rule *r,
			u32 action);
void pmtufix_mss_remove(struct pmtufix_mss_table *t, struct pmtufix_mss_rule *r);
void pmtufix_mss_remove_all(struct pmtufix_mss_table *t);
struct pmtufix_mss_rule *pmtufix_mss_next(struct pmtufix_mss_table *t,
					  const struct pmtufix_mss_key *after);

/**
 * pmtufix_mss_succ() - The rule after @r in key order.
 * @r: a rule in the table
 *
 * Context: Caller holds the namespace's lock, which keeps the tree still.
 * Return: the next rule, or NULL after the last.
 */
static inline struct pmtufix_mss_rule *pmtufix_mss_succ(struct pmtufix_mss_rule *r)
{
	struct rb_node *n = rb_next(&r->tree);

	return n ? rb_entry(n, struct pmtufix_mss_rule, tree) : NULL;
}

bool pmtufix_mss_longest(struct pmtufix_mss_table *t, u8 family,
			 enum pmtufix_mss_match m, const __be32 *addr,
			 u32 *action);

#endif /* _PMTUFIX_MSSTABLE_H */
