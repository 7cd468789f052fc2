// SPDX-License-Identifier: GPL-2.0
/*
 * The MSS rules of a network namespace, and the longest-prefix match the
 * packet path runs on them.
 *
 * One hash table holds every rule, keyed by (family, prefix length, prefix).
 * A lookup builds the key for each prefix length in use, longest first, and
 * probes the table: its cost is bounded by the number of distinct lengths
 * (33 for IPv4, 129 for IPv6), not by the number of rules, and it touches
 * one hash bucket per length. A bitmap per family and direction says which
 * lengths are in use, so a table of /32 host rules and one /24 costs two
 * probes per SYN whether it holds ten rules or a million.
 *
 * The same rules also sit in a red-black tree, sorted by key, which only the
 * control path uses: a dump resumes after the last key it sent, in
 * O(log n), and stays correct however the table changes between two parts.
 */
#include <linux/bitops.h>
#include <linux/inetdevice.h>
#include <linux/lockdep.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "msstable.h"

static struct kmem_cache *pmtufix_mss_cache __read_mostly;

static const struct rhashtable_params pmtufix_mss_params = {
	.head_offset		= offsetof(struct pmtufix_mss_rule, node),
	.key_offset		= offsetof(struct pmtufix_mss_rule, key),
	.key_len		= sizeof(struct pmtufix_mss_key),
	.automatic_shrinking	= true,
};

/**
 * pmtufix_mss_cache_init() - Create the slab cache of MSS rules.
 *
 * Context: Module init, before any namespace can add a rule.
 * Return: 0, or -ENOMEM.
 */
int pmtufix_mss_cache_init(void)
{
	/* Charged to the memory cgroup of whoever adds the rule. */
	pmtufix_mss_cache = KMEM_CACHE(pmtufix_mss_rule, SLAB_ACCOUNT);
	return pmtufix_mss_cache ? 0 : -ENOMEM;
}

/**
 * pmtufix_mss_cache_uninit() - Destroy the slab cache of MSS rules.
 *
 * Context: Module exit, after every namespace's rules were removed
 * (unregister_pernet_subsys()). Sleeps.
 */
void pmtufix_mss_cache_uninit(void)
{
	/* Rules removed last are still waiting for their grace period. */
	rcu_barrier();
	kmem_cache_destroy(pmtufix_mss_cache);
}

/**
 * pmtufix_mss_key_init() - The key of the prefix of @addr of length @plen.
 * @key: filled in whole, padding and host bits zero, so that keys compare
 *	and hash as bytes
 * @family: AF_INET or AF_INET6
 * @addr: the address, 4 or 16 bytes
 * @plen: the prefix length, at most 32 for AF_INET and 128 for AF_INET6
 *
 * Context: Any context.
 */
void pmtufix_mss_key_init(struct pmtufix_mss_key *key, u8 family,
			  const __be32 *addr, unsigned int plen)
{
	memset(key, 0, sizeof(*key));
	key->family = family;
	key->plen = plen;
	if (family == AF_INET)
		key->addr[0] = addr[0] & inet_make_mask(plen);
	else
		ipv6_addr_prefix((struct in6_addr *)key->addr,
				 (const struct in6_addr *)addr, plen);
}

static int pmtufix_mss_key_cmp(const struct pmtufix_mss_key *a,
			       const struct pmtufix_mss_key *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return 0;
}

/**
 * pmtufix_mss_table_alloc() - A new empty table of MSS rules.
 *
 * Context: Process context; may sleep. Charged to the caller's memory
 * cgroup.
 * Return: the table, or NULL if out of memory.
 */
struct pmtufix_mss_table *pmtufix_mss_table_alloc(void)
{
	struct pmtufix_mss_table *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	if (rhashtable_init(&t->ht, &pmtufix_mss_params)) {
		kfree(t);
		return NULL;
	}
	t->tree = RB_ROOT;
	t->gen = 1;
	return t;
}

static void pmtufix_mss_free_now(void *ptr, void *arg)
{
	kmem_cache_free(pmtufix_mss_cache, ptr);
}

/**
 * pmtufix_mss_table_free() - Free a table and the rules still in it.
 * @t: the table, or NULL
 *
 * The rules are freed at once, not after a grace period: the caller
 * guarantees that no reader is left.
 *
 * Context: Process context; may sleep. The table's hooks are unregistered
 * and an RCU grace period has passed since.
 */
void pmtufix_mss_table_free(struct pmtufix_mss_table *t)
{
	if (!t)
		return;
	rhashtable_free_and_destroy(&t->ht, pmtufix_mss_free_now, NULL);
	kfree(t);
}

/**
 * pmtufix_mss_rule_alloc() - A new rule, not yet in any table.
 * @key: its prefix
 * @action: its value and direction (pmtufix_mss_action())
 *
 * Context: Process context; may sleep. Charged to the caller's memory
 * cgroup.
 * Return: the rule, or NULL if out of memory.
 */
struct pmtufix_mss_rule *pmtufix_mss_rule_alloc(const struct pmtufix_mss_key *key,
						u32 action)
{
	struct pmtufix_mss_rule *r;

	r = kmem_cache_zalloc(pmtufix_mss_cache, GFP_KERNEL_ACCOUNT);
	if (!r)
		return NULL;
	r->key = *key;
	r->action = action;
	return r;
}

/**
 * pmtufix_mss_rule_destroy() - Free a rule that was never inserted.
 * @r: the rule
 *
 * At once: no reader can have seen it. A rule that was in a table goes
 * through pmtufix_mss_remove() instead.
 *
 * Context: Any context.
 */
void pmtufix_mss_rule_destroy(struct pmtufix_mss_rule *r)
{
	kmem_cache_free(pmtufix_mss_cache, r);
}

static void pmtufix_mss_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(pmtufix_mss_cache,
			container_of(head, struct pmtufix_mss_rule, rcu));
}

static void pmtufix_mss_bump(struct pmtufix_mss_table *t)
{
	if (++t->gen == 0)
		t->gen = 1;
}

static bool pmtufix_mss_dir_matches(u8 dir, enum pmtufix_mss_match m)
{
	switch (dir) {
	case PMTUFIX_MSS_DIR_BOTH:
		return true;
	case PMTUFIX_MSS_DIR_TO:
		return m == PMTUFIX_MSS_MATCH_DST;
	case PMTUFIX_MSS_DIR_FROM:
		return m == PMTUFIX_MSS_MATCH_SRC;
	default:
		return false;
	}
}

/*
 * Count a rule in (delta 1) or out (-1) of the bitmaps. A bit is set after
 * its rule is in the hash table and cleared before the last one leaves it
 * (by the callers' order): a reader racing with a change at worst misses a
 * rule that is being added or removed, or probes a length for nothing.
 */
static void pmtufix_mss_account(struct pmtufix_mss_table *t,
				const struct pmtufix_mss_key *key, u8 dir,
				int delta)
{
	struct pmtufix_mss_family *f = &t->fam[pmtufix_mss_fam_index(key->family)];
	unsigned int w = key->plen / 64;
	u64 bit = BIT_ULL(key->plen % 64);
	enum pmtufix_mss_match m;

	for (m = 0; m < __PMTUFIX_MSS_MATCH_MAX; m++) {
		if (!pmtufix_mss_dir_matches(dir, m))
			continue;
		f->users[m][key->plen] += delta;
		if (f->users[m][key->plen])
			WRITE_ONCE(f->lens[m][w], f->lens[m][w] | bit);
		else
			WRITE_ONCE(f->lens[m][w], f->lens[m][w] & ~bit);
	}
}

/**
 * pmtufix_mss_find() - The rule of exactly @key.
 * @t: the table
 * @key: the prefix
 *
 * Walks the tree, not the hash table: the tree is the control path's, and
 * consistent under the lock.
 *
 * Context: Caller holds the namespace's lock.
 * Return: the rule, or NULL if there is none.
 */
struct pmtufix_mss_rule *pmtufix_mss_find(struct pmtufix_mss_table *t,
					  const struct pmtufix_mss_key *key)
{
	struct rb_node *n = t->tree.rb_node;

	while (n) {
		struct pmtufix_mss_rule *r = rb_entry(n, struct pmtufix_mss_rule, tree);
		int c = pmtufix_mss_key_cmp(key, &r->key);

		if (c < 0)
			n = n->rb_left;
		else if (c > 0)
			n = n->rb_right;
		else
			return r;
	}
	return NULL;
}

/**
 * pmtufix_mss_next() - Where a dump resumes.
 * @t: the table
 * @after: the key of the last rule sent, or NULL to start at the first rule
 *
 * By key rather than by a pointer kept between two parts of a dump: the
 * rule sent last may have been deleted meanwhile.
 *
 * Context: Caller holds the namespace's lock.
 * Return: the first rule whose key sorts after @after, or NULL if none does.
 */
struct pmtufix_mss_rule *pmtufix_mss_next(struct pmtufix_mss_table *t,
					  const struct pmtufix_mss_key *after)
{
	struct rb_node *n = t->tree.rb_node;
	struct pmtufix_mss_rule *best = NULL;

	if (!after) {
		n = rb_first(&t->tree);
		return n ? rb_entry(n, struct pmtufix_mss_rule, tree) : NULL;
	}
	while (n) {
		struct pmtufix_mss_rule *r = rb_entry(n, struct pmtufix_mss_rule, tree);

		if (pmtufix_mss_key_cmp(after, &r->key) < 0) {
			best = r;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

/**
 * pmtufix_mss_insert() - Put a new rule into the table.
 * @t: the table
 * @r: from pmtufix_mss_rule_alloc(); no rule in @t may have its key (the
 *	caller checked with pmtufix_mss_find())
 *
 * The rule is in the hash table before its prefix length is marked in use:
 * a lookup that sees the bit finds the rule.
 *
 * Context: Caller holds the namespace's lock.
 * Return: 0, or the error of rhashtable_insert_fast() (-ENOMEM, -EBUSY,
 * -E2BIG); then nothing has changed and the caller still owns @r.
 */
int pmtufix_mss_insert(struct pmtufix_mss_table *t, struct pmtufix_mss_rule *r)
{
	struct rb_node **link = &t->tree.rb_node, *parent = NULL;
	int err;

	err = rhashtable_insert_fast(&t->ht, &r->node, pmtufix_mss_params);
	if (err)
		return err;

	while (*link) {
		struct pmtufix_mss_rule *e = rb_entry(*link, struct pmtufix_mss_rule, tree);

		parent = *link;
		if (pmtufix_mss_key_cmp(&r->key, &e->key) < 0)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&r->tree, parent, link);
	rb_insert_color(&r->tree, &t->tree);

	pmtufix_mss_account(t, &r->key, pmtufix_mss_action_dir(r->action), 1);
	t->fam[pmtufix_mss_fam_index(r->key.family)].count++;
	t->count++;
	pmtufix_mss_bump(t);
	return 0;
}

/**
 * pmtufix_mss_update() - Change the action of a rule in place.
 * @t: the table
 * @r: a rule in @t
 * @action: the new value and direction (pmtufix_mss_action())
 *
 * The packet path reads the action as one word, so it sees the old rule or
 * the new one, never a mix, and never no rule.
 *
 * Context: Caller holds the namespace's lock.
 */
void pmtufix_mss_update(struct pmtufix_mss_table *t, struct pmtufix_mss_rule *r,
			u32 action)
{
	u8 old_dir = pmtufix_mss_action_dir(r->action);

	/* New bits first: a reader may probe a length for nothing, never miss one. */
	pmtufix_mss_account(t, &r->key, pmtufix_mss_action_dir(action), 1);
	WRITE_ONCE(r->action, action);
	pmtufix_mss_account(t, &r->key, old_dir, -1);
	pmtufix_mss_bump(t);
}

/**
 * pmtufix_mss_remove() - Take a rule out of the table and free it.
 * @t: the table
 * @r: a rule in @t
 *
 * Freed after an RCU grace period: a hook may be reading it right now.
 *
 * Context: Caller holds the namespace's lock.
 */
void pmtufix_mss_remove(struct pmtufix_mss_table *t, struct pmtufix_mss_rule *r)
{
	pmtufix_mss_account(t, &r->key, pmtufix_mss_action_dir(r->action), -1);
	/* Cannot fail: the rule is in the table. */
	rhashtable_remove_fast(&t->ht, &r->node, pmtufix_mss_params);
	rb_erase(&r->tree, &t->tree);
	t->fam[pmtufix_mss_fam_index(r->key.family)].count--;
	t->count--;
	pmtufix_mss_bump(t);
	call_rcu(&r->rcu, pmtufix_mss_free_rcu);
}

/**
 * pmtufix_mss_remove_all() - Take every rule out of the table and free it.
 * @t: the table
 *
 * Context: Process context. Caller holds the namespace's lock (a mutex);
 * sleeps between rules.
 */
void pmtufix_mss_remove_all(struct pmtufix_mss_table *t)
{
	struct pmtufix_mss_rule *r, *tmp;
	unsigned int i;

	/* Readers stop probing first; then every rule goes. */
	for (i = 0; i < ARRAY_SIZE(t->fam); i++) {
		struct pmtufix_mss_family *f = &t->fam[i];
		enum pmtufix_mss_match m;
		unsigned int w;

		for (m = 0; m < __PMTUFIX_MSS_MATCH_MAX; m++)
			for (w = 0; w < PMTUFIX_MSS_LEN_WORDS; w++)
				WRITE_ONCE(f->lens[m][w], 0);
		memset(f->users, 0, sizeof(f->users));
		f->count = 0;
	}
	/*
	 * A million rules take a while: let other tasks run. The caller holds
	 * only the namespace's mutex, and no one else changes the tree.
	 */
	rbtree_postorder_for_each_entry_safe(r, tmp, &t->tree, tree) {
		rhashtable_remove_fast(&t->ht, &r->node, pmtufix_mss_params);
		call_rcu(&r->rcu, pmtufix_mss_free_rcu);
		cond_resched();
	}
	t->tree = RB_ROOT;
	t->count = 0;
	pmtufix_mss_bump(t);
}

/**
 * pmtufix_mss_longest() - Longest-prefix match for one address of a SYN.
 * @t: the namespace's table
 * @family: AF_INET or AF_INET6
 * @m: whether @addr is the SYN's destination or its source; a rule for
 *	the other direction only does not match
 * @addr: the address, 4 or 16 bytes
 * @action: set to the matching rule's action
 *
 * Runs beside changes to the table without a lock: a rule being added or
 * removed at that moment may be missed, never a rule that stays.
 *
 * Context: Under rcu_read_lock(), as netfilter hooks run; softirq or
 * process context.
 * Return: true if a rule matched.
 */
bool pmtufix_mss_longest(struct pmtufix_mss_table *t, u8 family,
			 enum pmtufix_mss_match m, const __be32 *addr,
			 u32 *action)
{
	const struct pmtufix_mss_family *f = &t->fam[pmtufix_mss_fam_index(family)];
	int w = family == AF_INET ? 0 : PMTUFIX_MSS_LEN_WORDS - 1;
	struct pmtufix_mss_key key;

	for (; w >= 0; w--) {
		u64 lens = READ_ONCE(f->lens[m][w]);

		while (lens) {
			unsigned int bit = fls64(lens) - 1;
			const struct pmtufix_mss_rule *r;
			u32 a;

			lens &= ~BIT_ULL(bit);
			pmtufix_mss_key_init(&key, family, addr, w * 64 + bit);
			r = rhashtable_lookup(&t->ht, &key, pmtufix_mss_params);
			if (!r)
				continue;
			/* A rule of this prefix for the other direction only. */
			a = READ_ONCE(r->action);
			if (!pmtufix_mss_dir_matches(pmtufix_mss_action_dir(a), m))
				continue;
			*action = a;
			return true;
		}
	}
	return false;
}
