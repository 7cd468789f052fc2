// SPDX-License-Identifier: GPL-2.0
/*
 * nl_fuzz - a seeded fuzzer for the generic netlink family "pmtufix".
 *
 *   nl_fuzz [-s SEED] [-n OPS] [-c EVERY]
 *
 * Sends every command of the family, valid and mutated: values out of range,
 * wrong lengths, wrong and unknown attribute types, attributes of other
 * commands, duplicates (hundreds of them), oversized attributes, nests
 * without NLA_F_NESTED and flags where none belong, a missing member of a
 * rule, truncated messages, attribute lengths that lie, messages longer
 * than the datagram, bad netlink flags (NLM_F_DUMP on do-only commands, no
 * NLM_F_REQUEST, no NLM_F_ACK), a non-zero reserved field, unknown
 * commands, several messages per datagram, runt datagrams; and dumps of the
 * MSS rules that rules change under, that stop being read midway, or whose
 * socket is closed before the first read.
 *
 * A model of the namespace's state (the configuration and the set of MSS
 * rules) is updated only by requests the kernel acknowledged with 0. A
 * well-formed request must get the answer the model predicts (0, EEXIST,
 * ENOENT, EPERM); a malformed one must be refused; every refusal of a
 * command that changes state is followed by a read of the whole state,
 * compared with the model, and so is every EVERY-th operation. Every
 * NLMSG_ERROR must be well formed, every refusal past the permission
 * check must say why in an extended ACK, every reply must parse exactly.
 *
 * Four runs of OPS operations each, each in a process of its own:
 *   1. root in the initial network namespace (its state is put back after);
 *   2. root of a new user namespace in a network namespace it owns: allowed
 *      to configure it, refused in the initial one (through a socket it
 *      opened as root before unsharing); the namespace then dies with rules
 *      in it and a dump half read;
 *   3. root of a new user namespace in the initial network namespace:
 *      everything that changes state refused (EPERM), the events group too,
 *      and the initial namespace unchanged afterwards.
 *   4. root in a new netns, three processes at once (OPS each): no model,
 *      but the same checks of every answer, ordered dumps, and a
 *      consistent namespace afterwards.
 * Then the module, if loaded here, must unload: not while a dump is half
 * read (the netlink core holds it), at once when that socket is closed.
 *
 * SEED defaults to a random one; it is printed first and with any failure:
 * `nl_fuzz -s SEED -n OPS` replays runs 1 to 3 exactly (run 4's
 * interleaving is the scheduler's). OPS and EVERY default to
 * $NL_FUZZ_OPS (2000) and $NL_FUZZ_EVERY (50). Kernel reports (WARNING,
 * KASAN, lockdep, kmemleak) are caught by the VM runner around this program.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>

#include "nlhelp.h"
#include "kselftest.h"

#define NOBODY		65534
#define MAX_RULES	4096
#define MAX_ATTRS	16
#define MAX_KIDS	12
#define MAX_BATCH	4
#define REQ_SIZE	(160 * 1024)	/* below the default socket send buffer */
#define RX_SIZE		(64 * 1024)
#define DUMP_RX		4096	/* small parts, so that a dump takes several */
#define BULK_MIN	200	/* rules, for dumps of several parts */

/* ------------------------------------------------------------------------ */
/* Randomness: splitmix64, one stream per run */

static uint64_t seed;

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

/* Uniform in [lo, hi]. */
static uint64_t range(struct rng *r, uint64_t lo, uint64_t hi)
{
	return lo + rnd(r) % (hi - lo + 1);
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

static uint8_t junk[65536];

/* ------------------------------------------------------------------------ */
/* Rules and the model */

/* Laid out without padding: rules are compared with memcmp(). */
struct rule {
	uint8_t addr[16];
	uint16_t value;
	uint8_t family, plen, dir, zero;
};

struct model {
	uint8_t rescue, log;
	uint32_t floor;
	int n;
	struct rule r[MAX_RULES];
};

static size_t alen(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

static unsigned int max_plen(uint8_t family)
{
	return family == AF_INET ? 32 : 128;
}

/* The kernel's dump order: family, address, prefix length. */
static int rule_cmp(const struct rule *a, const struct rule *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, 16);
	if (c)
		return c;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

static void mask(struct rule *ru)
{
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = ru->plen > i * 8 ? ru->plen - i * 8 : 0;

		if (i >= alen(ru->family) || bits == 0)
			ru->addr[i] = 0;
		else if (bits < 8)
			ru->addr[i] &= 0xff << (8 - bits);
	}
}

/*
 * A rule key from a small space, so that adds collide (EEXIST) and deletes
 * hit: 10.a.b.0 and 2001:db8:a:b::, a few prefix lengths each.
 */
static struct rule pool_rule(struct rng *r)
{
	static const uint8_t plen4[] = { 0, 8, 12, 16, 20, 24, 28, 32 };
	static const uint8_t plen6[] = { 0, 32, 48, 56, 64, 127, 128 };
	struct rule ru = { .family = chance(r, 65) ? AF_INET : AF_INET6 };

	if (ru.family == AF_INET) {
		ru.addr[0] = 10;
		ru.addr[1] = below(r, 8);
		ru.addr[2] = below(r, 8) << 5;
		ru.addr[3] = chance(r, 20) ? below(r, 256) : 0;
		ru.plen = plen4[below(r, sizeof(plen4))];
	} else {
		static const uint8_t pre[] = { 0x20, 0x01, 0x0d, 0xb8 };

		memcpy(ru.addr, pre, 4);
		ru.addr[5] = below(r, 8);
		ru.addr[7] = below(r, 8);
		ru.addr[15] = chance(r, 20) ? below(r, 256) : 0;
		ru.plen = plen6[below(r, sizeof(plen6))];
	}
	mask(&ru);
	ru.value = chance(r, 20) ? 0 : range(r, PMTUFIX_MSS_MIN, PMTUFIX_MSS_MAX);
	if (chance(r, 30))
		ru.value = chance(r, 50) ? PMTUFIX_MSS_MIN : PMTUFIX_MSS_MAX;
	ru.dir = below(r, PMTUFIX_MSS_DIR_MAX + 1);
	return ru;
}

static int model_find(const struct model *m, const struct rule *ru)
{
	for (int i = 0; i < m->n; i++)
		if (!rule_cmp(&m->r[i], ru))
			return i;
	return -1;
}

static int rule_qsort(const void *a, const void *b)
{
	return rule_cmp(a, b);
}

/* ------------------------------------------------------------------------ */
/* Requests, as a structure that mutations edit before it is serialised */

enum expect {
	EXP_MODEL,	/* well formed: the model says what the answer is */
	EXP_ANY,	/* may be taken or refused; if taken, as EXP_MODEL */
	EXP_FAIL,	/* malformed: must be refused */
	EXP_NOOP,	/* no NLM_F_REQUEST: acknowledged, not acted on */
	EXP_SILENT,	/* dropped by netlink before any family sees it */
};

static const char *const expect_name[] = {
	"valid", "ambiguous", "invalid", "no-request", "dropped",
};

enum effect {
	EFF_NONE, EFF_SET, EFF_RESET, EFF_ADD, EFF_DEL, EFF_FLUSH,
};

struct leaf {
	uint16_t type;		/* with NLA_F_* flags */
	uint16_t len;		/* payload */
	uint8_t data[20];
	const uint8_t *big;	/* payload longer than data[], from junk[] */
};

struct attr {
	struct leaf a;		/* a.len unused when nest */
	bool nest;
	int n;
	struct leaf kid[MAX_KIDS];
};

struct req {
	uint8_t cmd, version;
	uint16_t reserved, flags;
	int n;
	struct attr at[MAX_ATTRS];
	int dups, dup_at;	/* dups valid copies of at[dup_at] before it */

	enum expect exp;
	bool hdr_bad;		/* refused before the permission check */
	bool probe;		/* may get no answer: ask another question after */
	enum effect eff;
	int rescue, log;	/* EFF_SET: -1 = not given */
	int64_t floor;
	struct rule rule;	/* EFF_ADD, EFF_DEL */
	bool replace;

	int cut;		/* > 0: nlmsg_len and bytes sent */
	uint32_t lie;		/* > 0: nlmsg_len claims this much more than sent */
	int corrupt;		/* >= 0: this attribute's nla_len lies */
	char what[160];		/* the mutations, for failure reports */
};

static void note(struct req *q, const char *what)
{
	size_t l = strlen(q->what);

	snprintf(q->what + l, sizeof(q->what) - l, "%s%s", l ? "," : "", what);
}

static void expect(struct req *q, enum expect e, const char *what)
{
	if (e > q->exp)
		q->exp = e;
	note(q, what);
}

static bool is_admin(uint8_t cmd)
{
	return cmd == PMTUFIX_CMD_SET_CONFIG || cmd == PMTUFIX_CMD_RESET_STATS ||
	       cmd == PMTUFIX_CMD_MSS_ADD || cmd == PMTUFIX_CMD_MSS_DEL ||
	       cmd == PMTUFIX_CMD_MSS_FLUSH;
}

static struct leaf leaf_bytes(uint16_t type, const void *data, size_t len)
{
	struct leaf l = { .type = type, .len = len };

	if (len)
		memcpy(l.data, data, len);
	return l;
}

static struct leaf leaf_u8(uint16_t type, uint8_t v)
{
	return leaf_bytes(type, &v, 1);
}

static struct leaf leaf_u16(uint16_t type, uint16_t v)
{
	return leaf_bytes(type, &v, 2);
}

static struct leaf leaf_u32(uint16_t type, uint32_t v)
{
	return leaf_bytes(type, &v, 4);
}

static void add_leaf(struct req *q, struct leaf l)
{
	if (q->n < MAX_ATTRS) {
		memset(&q->at[q->n], 0, sizeof(q->at[0]));
		q->at[q->n++].a = l;
	}
}

/* The nest of a rule: all five members for add, three for del. */
static void add_rule_nest(struct req *q, const struct rule *ru, bool add, bool dir)
{
	struct attr *at = &q->at[q->n++];

	memset(at, 0, sizeof(*at));
	at->nest = true;
	at->a = (struct leaf){ .type = PMTUFIX_A_MSS_RULE | NLA_F_NESTED };
	at->kid[at->n++] = leaf_u8(PMTUFIX_A_MSS_FAMILY, ru->family);
	at->kid[at->n++] = leaf_bytes(PMTUFIX_A_MSS_PREFIX, ru->addr, alen(ru->family));
	at->kid[at->n++] = leaf_u8(PMTUFIX_A_MSS_PREFIX_LEN, ru->plen);
	if (add) {
		at->kid[at->n++] = leaf_u16(PMTUFIX_A_MSS_VALUE, ru->value);
		if (dir)
			at->kid[at->n++] = leaf_u8(PMTUFIX_A_MSS_DIR, ru->dir);
	}
}

static uint32_t valid_floor(struct rng *r)
{
	switch (below(r, 5)) {
	case 0:
		return 0;
	case 1:
		return PMTUFIX_MTU_FLOOR_MIN;
	case 2:
		return PMTUFIX_MTU_FLOOR_MAX;
	default:
		return range(r, PMTUFIX_MTU_FLOOR_MIN, PMTUFIX_MTU_FLOOR_MAX);
	}
}

static void gen_set_config(struct rng *r, struct req *q)
{
	unsigned int which = range(r, 1, 7);

	q->eff = EFF_SET;
	q->rescue = q->log = -1;
	q->floor = -1;
	if (which & 1) {
		q->rescue = below(r, 2);
		add_leaf(q, leaf_u8(PMTUFIX_A_RESCUE_ENABLED, q->rescue));
	}
	if (which & 2) {
		q->log = below(r, PMTUFIX_LOG_MAX + 1);
		add_leaf(q, leaf_u8(PMTUFIX_A_LOG_LEVEL, q->log));
	}
	if (which & 4) {
		q->floor = valid_floor(r);
		add_leaf(q, leaf_u32(PMTUFIX_A_MTU_FLOOR, q->floor));
	}
	/* Some orders put the floor first. */
	if (q->n > 1 && chance(r, 30)) {
		struct attr t = q->at[0];

		q->at[0] = q->at[q->n - 1];
		q->at[q->n - 1] = t;
	}
}

/* A rule to add or delete: often one that exists. */
static void gen_rule_cmd(struct rng *r, const struct model *m, struct req *q)
{
	bool add = q->cmd == PMTUFIX_CMD_MSS_ADD;
	bool dir = !add || chance(r, 75);

	q->rule = pool_rule(r);
	if (m->n && chance(r, add ? 30 : 60)) {
		uint16_t v = q->rule.value;
		uint8_t d = q->rule.dir;

		q->rule = m->r[below(r, m->n)];
		q->rule.value = v;
		q->rule.dir = d;
	}
	if (add && !dir)
		q->rule.dir = PMTUFIX_MSS_DIR_BOTH;
	q->eff = add ? EFF_ADD : EFF_DEL;
	add_rule_nest(q, &q->rule, add, dir);
	if (add && chance(r, 40)) {
		q->replace = true;
		add_leaf(q, leaf_bytes(PMTUFIX_A_MSS_REPLACE, NULL, 0));
		if (chance(r, 30)) {	/* the flag before the nest */
			struct attr t = q->at[0];

			q->at[0] = q->at[1];
			q->at[1] = t;
		}
	}
}

/* A well-formed request for cmd. */
static void gen_valid(struct rng *r, const struct model *m, struct req *q, uint8_t cmd)
{
	memset(q, 0, sizeof(*q));
	q->cmd = cmd;
	q->version = PMTUFIX_GENL_VERSION;
	q->flags = NLM_F_REQUEST | NLM_F_ACK;
	q->corrupt = -1;
	q->exp = EXP_MODEL;
	switch (cmd) {
	case PMTUFIX_CMD_SET_CONFIG:
		gen_set_config(r, q);
		break;
	case PMTUFIX_CMD_RESET_STATS:
		q->eff = EFF_RESET;
		break;
	case PMTUFIX_CMD_MSS_ADD:
	case PMTUFIX_CMD_MSS_DEL:
		gen_rule_cmd(r, m, q);
		break;
	case PMTUFIX_CMD_MSS_GET:
		q->flags |= NLM_F_DUMP;
		break;
	case PMTUFIX_CMD_MSS_FLUSH:
		q->eff = EFF_FLUSH;
		break;
	case PMTUFIX_CMD_GET_CONFIG:
	case PMTUFIX_CMD_GET_STATS:
		break;
	default:	/* UNSPEC, EVENT, beyond the last */
		q->exp = EXP_FAIL;
		q->hdr_bad = true;
		note(q, "no-such-command");
	}
}

/* ------------------------------------------------------------------------ */
/* Mutations */

/* Which attributes each command takes, at the top and inside the rule. */
static bool takes_top(uint8_t cmd, uint16_t type)
{
	switch (cmd) {
	case PMTUFIX_CMD_SET_CONFIG:
		return type == PMTUFIX_A_RESCUE_ENABLED || type == PMTUFIX_A_LOG_LEVEL ||
		       type == PMTUFIX_A_MTU_FLOOR;
	case PMTUFIX_CMD_MSS_ADD:
		return type == PMTUFIX_A_MSS_RULE || type == PMTUFIX_A_MSS_REPLACE;
	case PMTUFIX_CMD_MSS_DEL:
		return type == PMTUFIX_A_MSS_RULE;
	default:
		return false;
	}
}

static bool takes_kid(uint8_t cmd, uint16_t type)
{
	if (type == PMTUFIX_A_MSS_VALUE || type == PMTUFIX_A_MSS_DIR)
		return cmd == PMTUFIX_CMD_MSS_ADD;
	return type >= PMTUFIX_A_MSS_FAMILY && type <= PMTUFIX_A_MSS_PREFIX_LEN;
}

/* The payload length the policy demands, 0 for a flag, -1 for the prefix. */
static int fixed_len(bool kid, uint16_t type)
{
	if (kid)
		return type == PMTUFIX_A_MSS_PREFIX ? -1 :
		       type == PMTUFIX_A_MSS_VALUE ? 2 : 1;
	return type == PMTUFIX_A_MTU_FLOOR ? 4 :
	       type == PMTUFIX_A_MSS_REPLACE ? 0 : 1;
}

/* A value the policy accepts, for a duplicate that the original overrides. */
static struct leaf valid_leaf(struct rng *r, bool kid, uint16_t type)
{
	uint8_t b[16];

	if (!kid) {
		switch (type) {
		case PMTUFIX_A_RESCUE_ENABLED:
			return leaf_u8(type, below(r, 2));
		case PMTUFIX_A_LOG_LEVEL:
			return leaf_u8(type, below(r, PMTUFIX_LOG_MAX + 1));
		case PMTUFIX_A_MTU_FLOOR:
			return leaf_u32(type, valid_floor(r));
		default:
			return leaf_bytes(type, NULL, 0);
		}
	}
	switch (type) {
	case PMTUFIX_A_MSS_FAMILY:
		return leaf_u8(type, chance(r, 50) ? AF_INET : AF_INET6);
	case PMTUFIX_A_MSS_PREFIX:
		memcpy(b, &junk[below(r, sizeof(junk) - 16)], 16);
		return leaf_bytes(type, b, range(r, 0, 16));
	case PMTUFIX_A_MSS_PREFIX_LEN:
		return leaf_u8(type, below(r, 129));
	case PMTUFIX_A_MSS_VALUE:
		return leaf_u16(type, chance(r, 20) ? 0 : range(r, PMTUFIX_MSS_MIN, PMTUFIX_MSS_MAX));
	default:
		return leaf_u8(type, below(r, PMTUFIX_MSS_DIR_MAX + 1));
	}
}

/* Just past a limit half the time, anywhere beyond it otherwise. */
static uint64_t beyond(struct rng *r, uint64_t lo, uint64_t hi, bool low_end)
{
	if (chance(r, 50))
		return low_end ? hi : lo;
	return range(r, lo, hi);
}

/* A value the policy or the command refuses; false if the type has none. */
static bool invalid_value(struct rng *r, const struct req *q, bool kid, struct leaf *l)
{
	uint16_t t = l->type & NLA_TYPE_MASK;
	bool low = chance(r, 50);
	uint16_t v16;
	uint32_t v32;

	if (kid && t == PMTUFIX_A_MSS_FAMILY)
		l->data[0] = low ? beyond(r, 0, AF_INET - 1, true) : beyond(r, AF_INET + 1, 255, false);
	else if (kid && t == PMTUFIX_A_MSS_PREFIX_LEN)
		l->data[0] = beyond(r, max_plen(q->rule.family) + 1, 255, false);
	else if (kid && t == PMTUFIX_A_MSS_DIR)
		l->data[0] = beyond(r, PMTUFIX_MSS_DIR_MAX + 1, 255, false);
	else if (kid && t == PMTUFIX_A_MSS_VALUE) {
		v16 = low ? beyond(r, 1, PMTUFIX_MSS_MIN - 1, true) :
			    beyond(r, PMTUFIX_MSS_MAX + 1, 65535, false);
		memcpy(l->data, &v16, 2);
	} else if (kid && t == PMTUFIX_A_MSS_PREFIX) {
		/* A host bit set beyond the prefix length. */
		if (q->rule.plen >= max_plen(q->rule.family))
			return false;
		v32 = beyond(r, q->rule.plen, max_plen(q->rule.family) - 1, false);
		l->data[v32 / 8] |= 0x80 >> (v32 % 8);
	} else if (!kid && t == PMTUFIX_A_RESCUE_ENABLED)
		l->data[0] = beyond(r, 2, 255, false);
	else if (!kid && t == PMTUFIX_A_LOG_LEVEL)
		l->data[0] = beyond(r, PMTUFIX_LOG_MAX + 1, 255, false);
	else if (!kid && t == PMTUFIX_A_MTU_FLOOR) {
		v32 = low ? beyond(r, 1, PMTUFIX_MTU_FLOOR_MIN - 1, true) :
			    beyond(r, PMTUFIX_MTU_FLOOR_MAX + 1, UINT32_MAX, false);
		memcpy(l->data, &v32, 4);
	} else {
		return false;
	}
	return true;
}

/* A leaf to mutate: a top-level one or a member of a rule nest. */
static struct leaf *pick_leaf(struct rng *r, struct req *q, bool *kid)
{
	struct attr *at;

	if (!q->n)
		return NULL;
	at = &q->at[below(r, q->n)];
	*kid = at->nest && at->n;
	if (!at->nest)
		return &at->a;
	return at->n ? &at->kid[below(r, at->n)] : NULL;
}

static void mut_value(struct rng *r, struct req *q)
{
	bool kid;
	struct leaf *l = pick_leaf(r, q, &kid);

	if (l && l->len <= sizeof(l->data) && invalid_value(r, q, kid, l))
		expect(q, EXP_FAIL, "value-out-of-range");
}

static void mut_len(struct rng *r, struct req *q)
{
	bool kid;
	struct leaf *l = pick_leaf(r, q, &kid);
	int want, len;

	if (!l)
		return;
	want = fixed_len(kid, l->type & NLA_TYPE_MASK);
	if (want < 0)
		want = alen(q->rule.family);
	do
		len = below(r, 21);
	while (len == want);
	memcpy(l->data, &junk[below(r, 1024)], sizeof(l->data));
	l->len = len;
	expect(q, EXP_FAIL, "wrong-length");
}

/* An attribute type unknown here: 0, past the last, or another command's. */
static uint16_t foreign_type(struct rng *r, const struct req *q, bool kid)
{
	uint16_t t, max = kid ? PMTUFIX_A_MSS_MAX : PMTUFIX_A_MAX;

	do {
		switch (below(r, 3)) {
		case 0:
			t = 0;
			break;
		case 1:
			t = range(r, max + 1, chance(r, 50) ? max + 8 : NLA_TYPE_MASK);
			break;
		default:
			t = range(r, 1, max);
		}
	} while (kid ? takes_kid(q->cmd, t) : takes_top(q->cmd, t));
	return t;
}

static void mut_unknown(struct rng *r, struct req *q)
{
	struct attr *at = NULL;
	struct leaf l;
	int i;

	for (i = 0; i < q->n; i++)
		if (q->at[i].nest && q->at[i].n < MAX_KIDS && chance(r, 50))
			at = &q->at[i];
	l.type = foreign_type(r, q, at != NULL);
	l.len = below(r, sizeof(l.data) + 1);
	l.big = NULL;
	memcpy(l.data, &junk[below(r, 1024)], sizeof(l.data));
	if (at) {
		i = below(r, at->n + 1);
		memmove(&at->kid[i + 1], &at->kid[i], (at->n - i) * sizeof(at->kid[0]));
		at->kid[i] = l;
		at->n++;
	} else if (q->n < MAX_ATTRS) {
		i = below(r, q->n + 1);
		memmove(&q->at[i + 1], &q->at[i], (q->n - i) * sizeof(q->at[0]));
		memset(&q->at[i], 0, sizeof(q->at[i]));
		q->at[i].a = l;
		q->n++;
	} else {
		return;
	}
	expect(q, EXP_FAIL, "unknown-attribute");
}

/* NLA_F_NESTED where it does not belong, or missing on the rule. */
static void mut_nested_flag(struct rng *r, struct req *q)
{
	bool kid;
	struct attr *at;
	struct leaf *l;

	if (!q->n)
		return;
	at = &q->at[below(r, q->n)];
	if (at->nest && chance(r, 50)) {
		at->a.type &= ~NLA_F_NESTED;
		expect(q, EXP_FAIL, "nest-without-NLA_F_NESTED");
		return;
	}
	l = pick_leaf(r, q, &kid);
	if (l) {
		l->type |= NLA_F_NESTED;
		expect(q, EXP_FAIL, "NLA_F_NESTED-on-leaf");
	}
}

/* NLA_F_NET_BYTEORDER: no policy here looks at it. */
static void mut_byteorder(struct rng *r, struct req *q)
{
	bool kid;
	struct leaf *l = pick_leaf(r, q, &kid);

	if (l) {
		l->type |= NLA_F_NET_BYTEORDER;
		expect(q, EXP_ANY, "NLA_F_NET_BYTEORDER");
	}
}

/* A nest inside the rule, or a nest of a leaf's type. */
static void mut_deep(struct rng *r, struct req *q)
{
	struct attr *at = q->n ? &q->at[below(r, q->n)] : NULL;
	struct leaf l = { .type = NLA_F_NESTED };
	struct nlattr *inner = (struct nlattr *)l.data;

	if (!at || !at->nest || at->n >= MAX_KIDS)
		return;
	l.type |= range(r, 0, PMTUFIX_A_MSS_MAX + 1);
	inner->nla_type = range(r, 0, PMTUFIX_A_MSS_MAX);
	inner->nla_len = NLA_HDRLEN + 1;
	l.data[4] = below(r, 256);
	l.len = 8;
	at->kid[at->n++] = l;
	expect(q, EXP_FAIL, "nest-in-rule");
}

/* A member missing: only the direction may be. */
static void mut_drop(struct rng *r, struct req *q)
{
	int i, k;
	struct attr *at = NULL;

	for (i = 0; i < q->n; i++)
		if (q->at[i].nest)
			at = &q->at[i];
	if (!at)
		return;
	if (!at->n || chance(r, 10)) {
		at->n = 0;
		expect(q, EXP_FAIL, "empty-rule");
		return;
	}
	k = below(r, at->n);
	if (at->kid[k].type == PMTUFIX_A_MSS_DIR && q->eff == EFF_ADD) {
		q->rule.dir = PMTUFIX_MSS_DIR_BOTH;
		note(q, "no-direction");
	} else {
		expect(q, EXP_FAIL, "rule-member-missing");
	}
	memmove(&at->kid[k], &at->kid[k + 1], (at->n - k - 1) * sizeof(at->kid[0]));
	at->n--;
}

/* Copies before the original (the last one counts), up to hundreds. */
static void mut_dup(struct rng *r, struct req *q)
{
	if (!q->n || q->dups)
		return;
	q->dup_at = below(r, q->n);
	q->dups = chance(r, 80) ? range(r, 1, 3) : range(r, 100, 600);
	note(q, q->dups > 3 ? "many-duplicates" : "duplicate");
}

static void mut_big(struct rng *r, struct req *q)
{
	struct attr *at;
	struct leaf l = { .len = range(r, 21, chance(r, 50) ? 300 : 65000) };

	if (q->n >= MAX_ATTRS)
		return;
	l.big = &junk[below(r, sizeof(junk) - l.len)];
	for (int i = 0; i < q->n; i++) {
		at = &q->at[i];
		if (at->nest && at->n < MAX_KIDS && chance(r, 50)) {
			/* An oversized prefix: NLA_BINARY of at most 16. */
			l.type = PMTUFIX_A_MSS_PREFIX;
			at->kid[at->n++] = l;
			expect(q, EXP_FAIL, "oversized-prefix");
			return;
		}
	}
	l.type = foreign_type(r, q, false);
	memset(&q->at[q->n], 0, sizeof(q->at[0]));
	q->at[q->n++].a = l;
	expect(q, EXP_FAIL, "oversized-attribute");
}

/*
 * What the generic netlink core makes of the flags: bits beyond REQUEST,
 * ACK, ECHO and a whole DUMP are refused, a DUMP on a do-only command (or
 * none on the dump) is not supported, no REQUEST is not a request at all.
 */
static void judge_flags(struct req *q)
{
	uint16_t f = q->flags;
	bool dump = (f & NLM_F_DUMP) == NLM_F_DUMP;

	if (!(f & NLM_F_REQUEST)) {
		expect(q, EXP_NOOP, "no-NLM_F_REQUEST");
		q->probe |= !(f & NLM_F_ACK);
		return;
	}
	if (dump)
		f &= ~NLM_F_DUMP;
	if (f & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
		q->hdr_bad = true;
		expect(q, EXP_FAIL, "bad-flags");
	} else if (dump != (q->cmd == PMTUFIX_CMD_MSS_GET)) {
		q->hdr_bad = true;
		expect(q, EXP_FAIL, dump ? "NLM_F_DUMP-on-do" : "do-on-dump");
	}
	if (f & NLM_F_ECHO)
		expect(q, EXP_ANY, "NLM_F_ECHO");
	if (!(f & NLM_F_ACK) && !dump)
		q->probe = true;
}

static void mut_flags(struct rng *r, struct req *q)
{
	static const uint16_t bad[] = {
		NLM_F_MULTI, NLM_F_DUMP_INTR, NLM_F_DUMP_FILTERED, 0x40, 0x80,
		NLM_F_ROOT, NLM_F_MATCH, NLM_F_CREATE, NLM_F_APPEND,
		NLM_F_REPLACE | NLM_F_CREATE, 0x1000, 0x8000,
	};

	switch (below(r, 5)) {
	case 0:
		q->flags |= bad[below(r, sizeof(bad) / sizeof(bad[0]))];
		break;
	case 1:
		q->flags ^= NLM_F_DUMP;
		break;
	case 2:
		q->flags &= ~NLM_F_ACK;
		note(q, "no-NLM_F_ACK");
		break;
	case 3:
		q->flags |= NLM_F_ECHO;
		break;
	default:
		q->flags &= ~NLM_F_REQUEST;
	}
}

static void mut_header(struct rng *r, struct req *q)
{
	switch (below(r, 3)) {
	case 0:
		q->reserved = range(r, 1, 0xffff);
		q->hdr_bad = true;
		expect(q, EXP_FAIL, "genl-reserved");
		break;
	case 1:
		q->version = below(r, 256);
		if (q->version != PMTUFIX_GENL_VERSION)
			expect(q, EXP_ANY, "genl-version");
		break;
	default:
		q->cmd = chance(r, 50) ? (chance(r, 50) ? PMTUFIX_CMD_UNSPEC : PMTUFIX_CMD_EVENT) :
					 range(r, PMTUFIX_CMD_MAX + 1, 255);
		q->hdr_bad = true;
		q->eff = EFF_NONE;
		expect(q, EXP_FAIL, "no-such-command");
	}
}

static void mut_bytes(struct rng *r, struct req *q, bool last)
{
	switch (below(r, last ? 3 : 2)) {
	case 0:
		q->cut = 1;	/* the length is chosen once serialised */
		break;
	case 1:
		if (q->n)
			q->corrupt = below(r, q->n);
		break;
	default:
		q->lie = range(r, 1, chance(r, 50) ? 8 : 100000);
		expect(q, EXP_SILENT, "nlmsg_len-past-the-datagram");
		q->probe = true;
	}
}

/*
 * Up to three mutations, each with its weight. A member is dropped before
 * the others run, so that no later mutation's effect is dropped with it.
 */
static void mutate(struct rng *r, struct req *q, bool last)
{
	unsigned int w[3];
	int n = range(r, 1, 3), i;

	for (i = 0; i < n; i++)
		w[i] = below(r, 100);
	for (i = 0; i < n; i++)
		if (w[i] >= 45 && w[i] < 53)
			mut_drop(r, q);
	for (i = 0; i < n; i++) {
		if (w[i] < 12)
			mut_value(r, q);
		else if (w[i] < 22)
			mut_len(r, q);
		else if (w[i] < 32)
			mut_unknown(r, q);
		else if (w[i] < 38)
			mut_nested_flag(r, q);
		else if (w[i] < 41)
			mut_byteorder(r, q);
		else if (w[i] < 45)
			mut_deep(r, q);
		else if (w[i] < 53)
			continue;	/* dropped above */
		else if (w[i] < 63)
			mut_dup(r, q);
		else if (w[i] < 68)
			mut_big(r, q);
		else if (w[i] < 80)
			mut_flags(r, q);
		else if (w[i] < 88)
			mut_header(r, q);
		else
			mut_bytes(r, q, last);
	}
	judge_flags(q);
}

/* ------------------------------------------------------------------------ */
/* Serialising */

/* Leaves that would not fit are left out: only copies are ever that many. */
static void put_leaf(struct nlh_req *nr, const struct leaf *l)
{
	if (nlh_room(nr) >= (size_t)NLA_ALIGN(l->len) + 2 * NLA_HDRLEN)
		nlh_put(nr, l->type, l->big ? l->big : l->data, l->len);
}

static void put_attr(struct nlh_req *nr, const struct attr *at)
{
	uint32_t off;

	if (!at->nest) {
		put_leaf(nr, &at->a);
		return;
	}
	off = nlh_put(nr, at->a.type, NULL, 0);
	for (int k = 0; k < at->n; k++)
		put_leaf(nr, &at->kid[k]);
	nlh_nest_end(nr, off);
}

/* Valid copies of an attribute, different values, to come before it. */
static void put_dups(struct rng *r, struct nlh_req *nr, const struct req *q)
{
	const struct attr *at = &q->at[q->dup_at];
	struct attr copy;
	struct leaf l;

	for (int i = 0; i < q->dups && nlh_room(nr) > 1024; i++) {
		if (!at->nest) {
			l = at->a;
			if ((l.type & NLA_TYPE_MASK) <= PMTUFIX_A_MAX && l.len <= sizeof(l.data) &&
			    takes_top(q->cmd, l.type & NLA_TYPE_MASK))
				l = valid_leaf(r, false, l.type & NLA_TYPE_MASK);
			put_leaf(nr, &l);
			continue;
		}
		copy = *at;
		for (int k = 0; k < copy.n; k++) {
			uint16_t t = copy.kid[k].type & NLA_TYPE_MASK;

			if (copy.kid[k].type == t && takes_kid(q->cmd, t) && !copy.kid[k].big)
				copy.kid[k] = valid_leaf(r, true, t);
		}
		put_attr(nr, &copy);
	}
}

/*
 * Whether cutting the message at @cut leaves a well-formed but shorter one:
 * at an attribute boundary, or inside the last attribute's padding.
 */
static bool clean_cut(const struct nlmsghdr *h, uint32_t cut)
{
	uint32_t off = NLMSG_LENGTH(GENL_HDRLEN);

	while (off + NLA_HDRLEN <= h->nlmsg_len) {
		const struct nlattr *a = (const struct nlattr *)((const char *)h + off);

		if (cut == off || (cut >= off + a->nla_len && cut <= off + NLA_ALIGN(a->nla_len)))
			return true;
		if (a->nla_len < NLA_HDRLEN)
			return false;
		off += NLA_ALIGN(a->nla_len);
	}
	return cut == off;
}

/* Byte-level lies, once the message is laid out. */
static void bend(struct rng *r, struct req *q, struct nlmsghdr *h)
{
	uint32_t full = h->nlmsg_len;
	int tries;

	if (q->corrupt >= 0 && full > NLMSG_LENGTH(GENL_HDRLEN)) {
		uint32_t off = NLMSG_LENGTH(GENL_HDRLEN);
		struct nlattr *a = (struct nlattr *)((char *)h + off);

		for (int i = 0; i < q->corrupt && off + NLA_ALIGN(a->nla_len) < full; i++) {
			off += NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)h + off);
		}
		a->nla_len = chance(r, 40) ? below(r, NLA_HDRLEN) :
					     range(r, full - off + 1, 0xffff);
		expect(q, EXP_FAIL, "nla_len-lies");
	}
	if (q->cut) {
		q->cut = 0;
		for (tries = 0; tries < 8 && full > NLMSG_HDRLEN && !q->cut; tries++) {
			uint32_t c = range(r, NLMSG_HDRLEN, full - 1);

			if (!clean_cut(h, c))
				q->cut = c;
		}
		if (q->cut) {
			h->nlmsg_len = q->cut;
			q->hdr_bad |= (uint32_t)q->cut < NLMSG_LENGTH(GENL_HDRLEN);
			expect(q, EXP_FAIL, "truncated");
		}
	}
	if (q->lie)
		h->nlmsg_len = full + q->lie;
}

/*
 * Appends q to the datagram; returns the bytes it takes there (a cut
 * message takes only what is left of it).
 */
static uint32_t serialise(struct rng *r, struct nlh_req *nr, struct req *q,
			  uint16_t family, uint32_t seq)
{
	struct nlmsghdr *h = nlh_msg_start(nr, family, q->cmd, q->version, q->flags, seq);
	struct genlmsghdr *g = NLMSG_DATA(h);
	uint32_t full;

	g->reserved = q->reserved;
	for (int i = 0; i < q->n; i++) {
		if (q->dups && i == q->dup_at)
			put_dups(r, nr, q);
		put_attr(nr, &q->at[i]);
	}
	full = h->nlmsg_len;
	bend(r, q, h);
	if (q->cut) {
		/* The next message starts where netlink looks for it. */
		nr->len += NLMSG_ALIGN(q->cut);
		return q->cut;
	}
	nr->len += NLMSG_ALIGN(full);
	return full;
}

/* ------------------------------------------------------------------------ */
/* One run: a namespace, a model of it, sockets, counters */

struct counts {
	unsigned long sent, by_exp[EXP_SILENT + 1], accepted, refused, eperm;
	unsigned long enospc, checks, batches, runts, joins;
	unsigned long dumps_changed, dumps_intr, dumps_dropped, dumps_whole;
};

struct run {
	const char *name;
	struct rng rng;
	int fd;			/* the namespace under test */
	int other;		/* a second socket: see the runs below; -1 if none */
	bool other_blind;	/* other is on a namespace this run has no model of */
	uint16_t family;
	uint32_t events;
	bool foreign;		/* commands that change state must be refused */
	bool fresh;		/* a namespace of its own: no traffic, counters 0 */
	bool adopt;		/* replies fill the model instead of checking it */
	bool racing;		/* others change the namespace too: no model */
	bool verify;		/* a refusal happened: compare the state next */
	bool reading;		/* a state read: not counted as fuzzing */
	char refused[200];	/* the refusal that the next state read is for */
	uint32_t min_pmtu;
	struct model m;
	struct rule dump[MAX_RULES];
	int ndump;
	uint32_t seq;
	unsigned long op, ops, every;
	struct nlh_req nr;
	char *rx;
	struct counts c;
};

/* What became of one message. */
struct pend {
	struct req q;
	uint32_t seq, len;
	bool done, data_ok;
	int ndata;
	struct nlh_ack ack;
	uint32_t cfg[PMTUFIX_A_MAX + 1];	/* a config reply */
};

#define MAX_PEND	128
static struct pend pends[MAX_PEND];


static void dump_hex(const void *p, size_t len)
{
	const uint8_t *b = p;
	char line[3 * 32 + 1];

	for (size_t i = 0; i < len && i < 512; i += 32) {
		size_t n = 0;

		for (size_t j = i; j < len && j < i + 32; j++)
			n += snprintf(line + n, sizeof(line) - n, "%02x ", b[j]);
		ksft_print_msg("  %04zx: %s\n", i, line);
	}
}

static __attribute__((noreturn, format(printf, 3, 4)))
void fail(struct run *p, const struct pend *pd, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ksft_print_msg("FAIL %s, op %lu, seed %" PRIu64 ": %s\n", p->name, p->op, seed, buf);
	if (pd) {
		ksft_print_msg("request: cmd %u flags 0x%x seq %u, %s, mutations [%s]\n",
			       pd->q.cmd, pd->q.flags, pd->seq, expect_name[pd->q.exp],
			       pd->q.what);
		if (pd->ack.has_msg)
			ksft_print_msg("extack: %s\n", pd->ack.msg);
	}
	if (p->reading && p->verify)
		ksft_print_msg("state read after: %s\n", p->refused);
	ksft_print_msg("datagram (%zu bytes):\n", p->nr.len);
	dump_hex(p->nr.buf, p->nr.len);
	fflush(stdout);
	exit(KSFT_FAIL);
}

/* ------------------------------------------------------------------------ */
/* Replies */

/* A config reply; compared in judge_config(), after the messages before it. */
static void parse_config(struct run *p, struct pend *pd, const struct nlmsghdr *h)
{
	uint32_t seen = 0;
	const struct nlattr *a;
	int len;

	memset(pd->cfg, 0, sizeof(pd->cfg));
	nlh_attr_for_each(a, nlh_genl_attrs(h, &len), len) {
		int t = a->nla_type, want = t == PMTUFIX_A_RESCUE_ENABLED ||
					    t == PMTUFIX_A_LOG_LEVEL ? 1 : 4;

		if (t < PMTUFIX_A_VERSION || t > PMTUFIX_A_MTU_FLOOR_EFFECTIVE ||
		    nlh_attr_len(a) != want || (seen & 1u << t))
			fail(p, pd, "config reply: attribute %d of %d bytes", t, nlh_attr_len(a));
		seen |= 1u << t;
		memcpy(&pd->cfg[t], nlh_attr_data(a), want);
	}
	if (seen != 0x3e)
		fail(p, pd, "config reply lacks attributes (have 0x%x)", seen);
}

static void judge_config(struct run *p, struct pend *pd)
{
	const uint32_t *v = pd->cfg;

	if (p->adopt || p->racing) {
		p->m.rescue = v[PMTUFIX_A_RESCUE_ENABLED];
		p->m.log = v[PMTUFIX_A_LOG_LEVEL];
		p->m.floor = v[PMTUFIX_A_MTU_FLOOR];
	} else if (v[PMTUFIX_A_RESCUE_ENABLED] != p->m.rescue ||
		   v[PMTUFIX_A_LOG_LEVEL] != p->m.log || v[PMTUFIX_A_MTU_FLOOR] != p->m.floor) {
		fail(p, pd, "config is rescue %u log %u floor %u, model says %u %u %u",
		     v[PMTUFIX_A_RESCUE_ENABLED], v[PMTUFIX_A_LOG_LEVEL],
		     v[PMTUFIX_A_MTU_FLOOR], p->m.rescue, p->m.log, p->m.floor);
	}
	if (v[PMTUFIX_A_MTU_FLOOR_EFFECTIVE] != (v[PMTUFIX_A_MTU_FLOOR] ?: p->min_pmtu))
		fail(p, pd, "effective floor %u with floor %u and min_pmtu %u",
		     v[PMTUFIX_A_MTU_FLOOR_EFFECTIVE], v[PMTUFIX_A_MTU_FLOOR], p->min_pmtu);
}

/* A nest of u64 counters, type = index + 1, padding allowed. */
static void parse_counters(struct run *p, struct pend *pd, const struct nlattr *nest, int n)
{
	const struct nlattr *a;
	uint32_t seen = 0;
	uint64_t v;

	if (!nlh_attrs_exact(nlh_attr_data(nest), nlh_attr_len(nest)))
		fail(p, pd, "counter nest %d does not parse", nest->nla_type);
	nlh_attr_for_each(a, nlh_attr_data(nest), nlh_attr_len(nest)) {
		if (a->nla_type == PMTUFIX_A_STATS_PAD)
			continue;
		if (nlh_attr_len(a) != 8 || a->nla_type > 31 || (seen & 1u << a->nla_type))
			fail(p, pd, "counter %d of %d bytes", a->nla_type, nlh_attr_len(a));
		seen |= 1u << a->nla_type;
		memcpy(&v, nlh_attr_data(a), 8);
		if (p->fresh && v)
			fail(p, pd, "counter %d is %" PRIu64 " in a namespace without traffic",
			     a->nla_type, v);
	}
	if (seen != ((1u << (n + 1)) - 2))
		fail(p, pd, "counter nest %d has 0x%x", nest->nla_type, seen);
}

static void parse_stats(struct run *p, struct pend *pd, const struct nlmsghdr *h)
{
	const struct nlattr *a;
	int len, seen = 0;

	nlh_attr_for_each(a, nlh_genl_attrs(h, &len), len) {
		if (a->nla_type == (NLA_F_NESTED | PMTUFIX_A_STATS)) {
			parse_counters(p, pd, a, __PMTUFIX_REASON_MAX);
			seen |= 1;
		} else if (a->nla_type == (NLA_F_NESTED | PMTUFIX_A_MSS_STATS)) {
			parse_counters(p, pd, a, __PMTUFIX_MSS_STAT_MAX);
			seen |= 2;
		} else if (a->nla_type == (NLA_F_NESTED | PMTUFIX_A_RELAY_OUT_STATS)) {
			parse_counters(p, pd, a, __PMTUFIX_RELAY_OUT_MAX);
			seen |= 4;
		} else if (a->nla_type == (NLA_F_NESTED | PMTUFIX_A_RELAY_IN_STATS)) {
			parse_counters(p, pd, a, __PMTUFIX_REASON_MAX);
			seen |= 8;
		} else {
			fail(p, pd, "stats reply: attribute 0x%x", a->nla_type);
		}
	}
	if (seen != 15)
		fail(p, pd, "stats reply lacks a nest");
}

/* One rule of a dump, checked as the ABI describes it. */
static void parse_rule(struct run *p, struct pend *pd, const struct nlmsghdr *h,
		       struct rule *ru)
{
	const struct nlattr *nest, *a;
	uint32_t seen = 0;
	int len;

	nest = nlh_genl_attrs(h, &len);
	if (len < NLA_HDRLEN || NLA_ALIGN(nest->nla_len) != len ||
	    nest->nla_type != (NLA_F_NESTED | PMTUFIX_A_MSS_RULE) ||
	    !nlh_attrs_exact(nlh_attr_data(nest), nlh_attr_len(nest)))
		fail(p, pd, "dump message is not one rule nest");
	memset(ru, 0, sizeof(*ru));
	nlh_attr_for_each(a, nlh_attr_data(nest), nlh_attr_len(nest)) {
		const uint8_t *d = nlh_attr_data(a);
		int t = a->nla_type, l = nlh_attr_len(a);

		if (t < 1 || t > PMTUFIX_A_MSS_MAX || (seen & 1u << t))
			fail(p, pd, "rule attribute %d", t);
		seen |= 1u << t;
		if (t == PMTUFIX_A_MSS_PREFIX && (l == 4 || l == 16))
			memcpy(ru->addr, d, l);
		else if (t == PMTUFIX_A_MSS_VALUE && l == 2)
			memcpy(&ru->value, d, 2);
		else if (t != PMTUFIX_A_MSS_PREFIX && t != PMTUFIX_A_MSS_VALUE && l == 1)
			*(t == PMTUFIX_A_MSS_FAMILY ? &ru->family :
			  t == PMTUFIX_A_MSS_PREFIX_LEN ? &ru->plen : &ru->dir) = d[0];
		else
			fail(p, pd, "rule attribute %d of %d bytes", t, l);
	}
	struct rule masked = *ru;

	mask(&masked);
	if (seen != 0x3e || (ru->family != AF_INET && ru->family != AF_INET6) ||
	    ru->plen > max_plen(ru->family) || memcmp(masked.addr, ru->addr, 16) ||
	    (ru->value && ru->value < PMTUFIX_MSS_MIN) || ru->value > PMTUFIX_MSS_MAX ||
	    ru->dir > PMTUFIX_MSS_DIR_MAX)
		fail(p, pd, "dumped rule out of its ranges (family %u plen %u value %u dir %u)",
		     ru->family, ru->plen, ru->value, ru->dir);
}

static void on_data(struct run *p, struct pend *pd, const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);

	if (h->nlmsg_type != p->family || h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		fail(p, pd, "reply of type %u, %u bytes", h->nlmsg_type, h->nlmsg_len);
	if (g->cmd != pd->q.cmd || pd->done)
		fail(p, pd, "reply for command %u after the end", g->cmd);
	if (!nlh_attrs_exact((const char *)g + GENL_HDRLEN, h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)))
		fail(p, pd, "reply attributes do not parse exactly");
	pd->ndata++;
	switch (g->cmd) {
	case PMTUFIX_CMD_GET_CONFIG:
		parse_config(p, pd, h);
		break;
	case PMTUFIX_CMD_GET_STATS:
		parse_stats(p, pd, h);
		break;
	case PMTUFIX_CMD_MSS_GET:
		if (!(h->nlmsg_flags & NLM_F_MULTI) ||
		    ((h->nlmsg_flags & NLM_F_DUMP_INTR) && !p->racing))
			fail(p, pd, "dump message flags 0x%x", h->nlmsg_flags);
		if (p->ndump >= MAX_RULES)
			fail(p, pd, "more rules dumped than ever added");
		parse_rule(p, pd, h, &p->dump[p->ndump++]);
		break;
	default:
		fail(p, pd, "data in reply to command %u", g->cmd);
	}
}

static void on_ack(struct run *p, struct pend *pd, const struct nlmsghdr *h)
{
	if (pd->done)
		fail(p, pd, "a second ACK");
	pd->done = true;
	if (h->nlmsg_type == NLMSG_DONE) {
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(int)) || pd->q.cmd != PMTUFIX_CMD_MSS_GET)
			fail(p, pd, "NLMSG_DONE of %u bytes", h->nlmsg_len);
		memcpy(&pd->ack.error, NLMSG_DATA(h), sizeof(int));
		if (pd->ack.error || ((h->nlmsg_flags & NLM_F_DUMP_INTR) && !p->racing))
			fail(p, pd, "dump ends with %d, flags 0x%x", pd->ack.error, h->nlmsg_flags);
		return;
	}
	if (nlh_ack_parse(h, &pd->ack))
		fail(p, pd, "malformed NLMSG_ERROR: %s", pd->ack.bad);
	if (pd->ack.echo.nlmsg_seq != pd->seq || pd->ack.echo.nlmsg_type != p->family)
		fail(p, pd, "ACK echoes seq %u type %u", pd->ack.echo.nlmsg_seq,
		     pd->ack.echo.nlmsg_type);
	if (pd->ack.has_offs &&
	    (pd->ack.offs < NLMSG_LENGTH(GENL_HDRLEN) || pd->ack.offs >= pd->len ||
	     pd->ack.offs % NLA_ALIGNTO))
		fail(p, pd, "NLMSGERR_ATTR_OFFS %u outside the request's %u bytes",
		     pd->ack.offs, pd->len);
}

/*
 * Reads replies until every message in pd[0..n) has ended, or, with a
 * probe, until the probe's ACK (netlink answers in order).
 */
static void collect(struct run *p, int fd, struct pend *pd, int n, uint32_t probe)
{
	for (;;) {
		ssize_t len = recv(fd, p->rx, RX_SIZE, 0);
		struct nlmsghdr *h;
		int i, open = 0;

		if (len < 0)
			fail(p, NULL, "no answer: %s", strerror(errno));
		for (h = (struct nlmsghdr *)p->rx; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (probe && h->nlmsg_seq == probe) {
				if (h->nlmsg_type == NLMSG_ERROR) {
					struct nlh_ack ack;

					if (nlh_ack_parse(h, &ack) || ack.error)
						fail(p, NULL, "the probe failed");
					return;
				}
				continue;
			}
			for (i = 0; i < n && pd[i].seq != h->nlmsg_seq; i++)
				;
			if (i == n)
				fail(p, NULL, "reply with seq %u, type %u: asked for none",
				     h->nlmsg_seq, h->nlmsg_type);
			if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE)
				on_ack(p, &pd[i], h);
			else
				on_data(p, &pd[i], h);
		}
		if (len)
			fail(p, NULL, "%zd bytes of a truncated reply", len);
		for (i = 0; i < n; i++)
			open += !pd[i].done;
		if (!probe && !open)
			return;
	}
}

/* ------------------------------------------------------------------------ */
/* Judging a reply against the model */

static int predict(const struct run *p, const struct req *q)
{
	int i;

	if (p->foreign && is_admin(q->cmd))
		return -EPERM;
	if (q->eff == EFF_ADD || q->eff == EFF_DEL) {
		i = model_find(&p->m, &q->rule);
		if (q->eff == EFF_DEL)
			return i < 0 ? -ENOENT : 0;
		return i >= 0 && !q->replace ? -EEXIST : 0;
	}
	return 0;
}

static void apply(struct run *p, const struct req *q)
{
	struct model *m = &p->m;
	int i;

	switch (q->eff) {
	case EFF_SET:
		if (q->rescue >= 0)
			m->rescue = q->rescue;
		if (q->log >= 0)
			m->log = q->log;
		if (q->floor >= 0)
			m->floor = q->floor;
		break;
	case EFF_ADD:
		i = model_find(m, &q->rule);
		if (i < 0 && m->n >= MAX_RULES)
			fail(p, NULL, "the model is full");
		m->r[i < 0 ? m->n++ : i] = q->rule;
		break;
	case EFF_DEL:
		i = model_find(m, &q->rule);
		m->r[i] = m->r[--m->n];
		break;
	case EFF_FLUSH:
		m->n = 0;
		break;
	default:
		break;
	}
}

/* A dump that ended well must list exactly the model's rules, in order. */
static void check_dump(struct run *p, struct pend *pd)
{
	if (p->adopt || p->racing) {
		for (int i = 1; i < p->ndump; i++)
			if (rule_cmp(&p->dump[i - 1], &p->dump[i]) >= 0)
				fail(p, pd, "dump out of order or repeated at rule %d", i);
		memcpy(p->m.r, p->dump, p->ndump * sizeof(p->dump[0]));
		p->m.n = p->ndump;
		return;
	}
	qsort(p->m.r, p->m.n, sizeof(p->m.r[0]), rule_qsort);
	for (int i = 0; i < p->ndump; i++) {
		if (i && rule_cmp(&p->dump[i - 1], &p->dump[i]) >= 0)
			fail(p, pd, "dump out of order or repeated at rule %d", i);
		if (i >= p->m.n || memcmp(&p->dump[i], &p->m.r[i], sizeof(p->dump[i])))
			fail(p, pd, "dumped rule %d (of %d) differs from the model's (of %d)",
			     i, p->ndump, p->m.n);
	}
	if (p->ndump != p->m.n)
		fail(p, pd, "dump has %d rules, model %d", p->ndump, p->m.n);
}

static void judge_data(struct run *p, struct pend *pd, int err, bool blind)
{
	int want = 0;

	if (err || pd->q.exp == EXP_NOOP || blind) {
		if (pd->ndata && !blind)
			fail(p, pd, "data and then error %d", err);
		return;
	}
	if (pd->q.cmd == PMTUFIX_CMD_GET_CONFIG || pd->q.cmd == PMTUFIX_CMD_GET_STATS)
		want = 1;
	if (pd->q.cmd == PMTUFIX_CMD_MSS_GET)
		check_dump(p, pd);
	else if (pd->ndata != want)
		fail(p, pd, "%d replies, want %d", pd->ndata, want);
	if (pd->q.cmd == PMTUFIX_CMD_GET_CONFIG)
		judge_config(p, pd);
}

/* The rules every answer obeys, whatever the model. */
static void judge_shape(struct run *p, struct pend *pd, int err, bool blind)
{
	const struct req *q = &pd->q;
	bool foreign = p->foreign || blind;

	if (q->exp == EXP_SILENT) {
		if (pd->done || pd->ndata)
			fail(p, pd, "a message longer than its datagram was answered");
		return;
	}
	if (q->exp == EXP_NOOP) {
		if (err || pd->ndata || pd->done != !!(q->flags & NLM_F_ACK))
			fail(p, pd, "not a request, yet answered %d", err);
		return;
	}
	if (!pd->done && (q->flags & NLM_F_ACK))
		fail(p, pd, "no ACK");
	if (foreign && is_admin(q->cmd) && !q->hdr_bad && err != -EPERM)
		fail(p, pd, "no EPERM for a command that changes state: %d", err);
	if (q->exp == EXP_FAIL && !err)
		fail(p, pd, "a malformed request was accepted");
	/* Past the header, every refusal says why. */
	if (err && !q->hdr_bad && err != -EPERM && err != -ENOMEM && !pd->ack.has_msg)
		fail(p, pd, "refused with %d and no extended ACK message", err);
}

static void judge(struct run *p, struct pend *pd, bool blind)
{
	const struct req *q = &pd->q;
	int err = pd->done ? pd->ack.error : 0;
	int want;

	if (!p->reading) {
		p->c.sent++;
		p->c.by_exp[q->exp]++;
	}
	judge_shape(p, pd, err, blind);
	if (q->exp == EXP_SILENT || q->exp == EXP_NOOP)
		return;
	if (p->reading)
		;
	else if (err)
		p->c.refused++;
	else
		p->c.accepted++;
	p->c.eperm += err == -EPERM;
	if (err && is_admin(q->cmd) && !blind && !p->racing) {
		p->verify = true;
		snprintf(p->refused, sizeof(p->refused), "cmd %u seq %u refused with %d, %s [%s]",
			 q->cmd, pd->seq, err, expect_name[q->exp], q->what);
	}
	judge_data(p, pd, err, blind);
	if (blind || q->exp == EXP_FAIL)
		return;
	if (p->racing) {
		/* Whether the rule exists depends on the others. */
		if (q->exp == EXP_MODEL && err && err != -EEXIST && err != -ENOENT &&
		    err != -ENOSPC)
			fail(p, pd, "answer %d while others change rules", err);
		return;
	}
	want = predict(p, q);
	if (!want && err == -ENOSPC && q->eff == EFF_ADD && !p->foreign) {
		p->c.enospc++;	/* a cap on rules in this namespace */
		return;
	}
	if (q->exp == EXP_MODEL && err != want)
		fail(p, pd, "answer %d, the model says %d", err, want);
	if (q->exp == EXP_ANY && !err && want)
		fail(p, pd, "accepted, the model says %d", want);
	if (!err)
		apply(p, q);
}

/* ------------------------------------------------------------------------ */
/* Sending */

/*
 * Sends pd[0..n) in one datagram on fd, reads every answer, judges each in
 * order. blind: a namespace this run has no model of (only refusals are
 * checked).
 */
static void exec(struct run *p, int fd, struct pend *pd, int n, bool blind)
{
	uint32_t probe = 0;
	int i, err;

	nlh_req_reset(&p->nr);
	p->ndump = 0;
	for (i = 0; i < n; i++) {
		pd[i].seq = ++p->seq;
		pd[i].done = false;
		pd[i].ndata = 0;
		memset(&pd[i].ack, 0, sizeof(pd[i].ack));
		pd[i].len = serialise(&p->rng, &p->nr, &pd[i].q, p->family, pd[i].seq);
		if (pd[i].q.probe)
			probe = 1;
	}
	err = nlh_sendto(fd, p->nr.buf, p->nr.len);
	if (err)
		fail(p, &pd[0], "sendto: %s", strerror(-err));
	if (probe) {
		char buf[64];
		struct nlh_req r = { .buf = buf, .cap = sizeof(buf) };

		probe = ++p->seq;
		nlh_msg_start(&r, p->family, PMTUFIX_CMD_GET_CONFIG, PMTUFIX_GENL_VERSION,
			      NLM_F_REQUEST | NLM_F_ACK, probe);
		nlh_msg_end(&r);
		if (nlh_sendto(fd, buf, r.len))
			fail(p, &pd[0], "sendto probe: %s", strerror(errno));
	}
	collect(p, fd, pd, n, probe);
	for (i = 0; i < n; i++)
		judge(p, &pd[i], blind);
}

/* Reads the whole state and compares it with the model (or adopts it). */
static void check_state(struct run *p)
{
	gen_valid(&p->rng, &p->m, &pends[0].q, PMTUFIX_CMD_GET_CONFIG);
	gen_valid(&p->rng, &p->m, &pends[1].q, PMTUFIX_CMD_MSS_GET);
	p->reading = true;
	exec(p, p->fd, &pends[0], 1, false);
	exec(p, p->fd, &pends[1], 1, false);
	p->reading = false;
	p->c.checks++;
	p->verify = false;
}

static uint8_t pick_cmd(struct rng *r, bool batch)
{
	static const struct {
		uint8_t cmd, weight;
	} w[] = {
		{ PMTUFIX_CMD_GET_CONFIG, 10 }, { PMTUFIX_CMD_SET_CONFIG, 20 },
		{ PMTUFIX_CMD_GET_STATS, 5 }, { PMTUFIX_CMD_RESET_STATS, 4 },
		{ PMTUFIX_CMD_MSS_ADD, 27 }, { PMTUFIX_CMD_MSS_DEL, 16 },
		{ PMTUFIX_CMD_MSS_GET, 8 }, { PMTUFIX_CMD_MSS_FLUSH, 2 },
		{ PMTUFIX_CMD_UNSPEC, 3 }, { PMTUFIX_CMD_EVENT, 3 }, { 200, 2 },
	};
	unsigned int x, i;

	do {
		x = below(r, 100);
		for (i = 0; x >= w[i].weight; i++)
			x -= w[i].weight;
	} while (batch && w[i].cmd == PMTUFIX_CMD_MSS_GET);
	return w[i].cmd;
}

static bool large(const struct req *q)
{
	if (q->dups)
		return true;
	for (int i = 0; i < q->n; i++) {
		if (q->at[i].a.big)
			return true;
		for (int k = 0; k < q->at[i].n; k++)
			if (q->at[i].kid[k].big)
				return true;
	}
	return false;
}

static void gen_any(struct run *p, struct req *q, uint8_t cmd, bool last)
{
	gen_valid(&p->rng, &p->m, q, cmd);
	if (chance(&p->rng, 50))
		mutate(&p->rng, q, last);
}

/*
 * One message, or several in one datagram (no dump among them: a dump
 * answers in parts while the messages after it run).
 */
static void op_request(struct run *p, bool batch)
{
	int n = batch ? range(&p->rng, 2, MAX_BATCH) : 1;
	bool blind = !batch && p->other >= 0 && p->other_blind && chance(&p->rng, 10);
	int fd = p->other >= 0 && (blind || (!p->other_blind && chance(&p->rng, 50))) ?
		 p->other : p->fd;
	int i;

	for (i = 0; i < n; i++) {
		uint8_t cmd = pick_cmd(&p->rng, batch);

		/* A namespace we have no model of gets only what it must refuse. */
		while (blind && !is_admin(cmd))
			cmd = pick_cmd(&p->rng, batch);
		gen_any(p, &pends[i].q, cmd, i == n - 1);
		/*
		 * Only the last message of a datagram may be large: the
		 * others must fit whole.
		 */
		if (batch && large(&pends[i].q)) {
			n = i + 1;
			break;
		}
	}
	p->c.batches += batch;
	exec(p, fd, pends, n, blind);
}

/* Fewer bytes than a netlink header: nothing to answer. */
static void op_runt(struct run *p)
{
	struct pend *pd = &pends[0];
	uint8_t b[NLMSG_HDRLEN - 1];
	size_t len = range(&p->rng, 1, sizeof(b));
	char buf[64];
	struct nlh_req r = { .buf = buf, .cap = sizeof(buf) };
	uint32_t probe = ++p->seq;

	memcpy(b, &junk[below(&p->rng, 1024)], sizeof(b));
	nlh_req_reset(&p->nr);
	memcpy(p->nr.buf, b, len);
	p->nr.len = len;
	if (nlh_sendto(p->fd, b, len))
		fail(p, NULL, "sendto of %zu bytes: %s", len, strerror(errno));
	nlh_msg_start(&r, p->family, PMTUFIX_CMD_GET_CONFIG, PMTUFIX_GENL_VERSION,
		      NLM_F_REQUEST | NLM_F_ACK, probe);
	nlh_msg_end(&r);
	if (nlh_sendto(p->fd, buf, r.len))
		fail(p, NULL, "sendto probe: %s", strerror(errno));
	pd->seq = 0;
	pd->done = false;
	collect(p, p->fd, pd, 1, probe);
	p->c.runts++;
}

/* The events group: CAP_NET_ADMIN over the namespace, as for changes. */
static void op_join(struct run *p)
{
	int fd = nlh_socket(), grp = p->events, err = 0;

	if (fd < 0)
		fail(p, NULL, "socket: %s", strerror(-fd));
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		err = -errno;
	if (err != (p->foreign ? -EPERM : 0))
		fail(p, NULL, "joining the events group: %d", err);
	close(fd);
	p->c.joins++;
}

/*
 * Adds rules from a large space until there are at least BULK_MIN; one
 * batch of 100 when racing (the model knows only what the last read saw).
 */
static void op_bulk(struct run *p)
{
	bool first = true;

	while (p->racing ? first : p->m.n < BULK_MIN + 50) {
		int n = 0;

		first = false;
		while (n < 100 && n < MAX_PEND) {
			struct req *q = &pends[n++].q;
			struct rule ru = pool_rule(&p->rng);

			ru.family = AF_INET;
			ru.addr[0] = 172;
			ru.addr[1] = 16 + below(&p->rng, 16);
			ru.addr[2] = below(&p->rng, 256);
			ru.addr[3] = below(&p->rng, 256);
			ru.plen = 32;
			mask(&ru);
			gen_valid(&p->rng, &p->m, q, PMTUFIX_CMD_MSS_ADD);
			q->n = 0;
			q->replace = false;
			q->rule = ru;
			add_rule_nest(q, &ru, true, true);
		}
		exec(p, p->fd, pends, n, false);
	}
}

/* ------------------------------------------------------------------------ */
/* Dumps that rules change under, or that nobody reads to the end */

struct dump_read {
	int fd;
	uint32_t seq;
	int parts, n;
	int first_intr;		/* the first part with NLM_F_DUMP_INTR, 0 if none */
	bool done;
	struct rule got[MAX_RULES];
};

static struct dump_read dr;
static struct model before;

/* Reads one part of the dump; true when it has ended. */
static bool dump_part(struct run *p, struct dump_read *d)
{
	ssize_t len = recv(d->fd, p->rx, DUMP_RX, MSG_TRUNC);
	struct nlmsghdr *h;

	if (len < 0 || len > DUMP_RX)
		fail(p, NULL, "dump part %d: %zd bytes (%s)", d->parts + 1, len, strerror(errno));
	d->parts++;
	for (h = (struct nlmsghdr *)p->rx; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_seq != d->seq || d->done)
			fail(p, NULL, "dump: message with seq %u after the end", h->nlmsg_seq);
		if ((h->nlmsg_flags & NLM_F_DUMP_INTR) && !d->first_intr)
			d->first_intr = d->parts;
		if (h->nlmsg_type == NLMSG_DONE) {
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(int)) || *(int *)NLMSG_DATA(h))
				fail(p, NULL, "dump ends badly");
			d->done = true;
			continue;
		}
		if (h->nlmsg_type != p->family || d->n >= MAX_RULES ||
		    ((struct genlmsghdr *)NLMSG_DATA(h))->cmd != PMTUFIX_CMD_MSS_GET ||
		    !nlh_attrs_exact(nlh_genl_attrs(h, &(int){0}), h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)))
			fail(p, NULL, "dump: message of type %u", h->nlmsg_type);
		parse_rule(p, NULL, h, &d->got[d->n++]);
	}
	if (len)
		fail(p, NULL, "dump part with %zd stray bytes", len);
	return d->done;
}

/* Valid adds, deletes and replacements between two parts; true if any took. */
static bool dump_changes(struct run *p)
{
	unsigned long taken = p->c.accepted;
	int n = range(&p->rng, 1, 4);

	for (int i = 0; i < n; i++) {
		gen_valid(&p->rng, &p->m, &pends[0].q,
			  chance(&p->rng, 50) ? PMTUFIX_CMD_MSS_ADD : PMTUFIX_CMD_MSS_DEL);
		exec(p, p->fd, pends, 1, false);
	}
	return p->c.accepted != taken;
}

static bool same_rule(const struct rule *a, const struct rule *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/*
 * After a change: every rule is sent at most once and in order (the dump
 * resumes after the last key it sent), each as it was before or after the
 * change, a rule the change left alone is sent, and the parts produced
 * after the change say NLM_F_DUMP_INTR. The part after the one read before
 * the change was produced by that read, before the change.
 */
static void dump_verify(struct run *p, const struct dump_read *d, int change_part)
{
	int i, b, a;

	for (i = 1; i < d->n; i++)
		if (rule_cmp(&d->got[i - 1], &d->got[i]) >= 0)
			fail(p, NULL, "dump out of order or repeated at rule %d of %d", i, d->n);
	if (p->racing)
		return;
	if (!change_part) {
		if (d->first_intr)
			fail(p, NULL, "NLM_F_DUMP_INTR though nothing changed");
		qsort(p->m.r, p->m.n, sizeof(p->m.r[0]), rule_qsort);
		if (d->n != p->m.n || memcmp(d->got, p->m.r, d->n * sizeof(d->got[0])))
			fail(p, NULL, "dump of %d rules differs from the model's %d", d->n, p->m.n);
		return;
	}
	for (i = 0; i < d->n; i++) {
		b = model_find(&before, &d->got[i]);
		a = model_find(&p->m, &d->got[i]);
		if (!(b >= 0 && same_rule(&before.r[b], &d->got[i])) &&
		    !(a >= 0 && same_rule(&p->m.r[a], &d->got[i])))
			fail(p, NULL, "dumped rule %d never existed in that form", i);
	}
	for (b = 0; b < before.n; b++) {
		a = model_find(&p->m, &before.r[b]);
		if (a < 0 || !same_rule(&p->m.r[a], &before.r[b]))
			continue;
		for (i = 0; i < d->n && !same_rule(&d->got[i], &before.r[b]); i++)
			;
		if (i == d->n)
			fail(p, NULL, "a rule present throughout the dump is missing");
	}
	if (d->first_intr && d->first_intr < change_part + 2)
		fail(p, NULL, "NLM_F_DUMP_INTR in part %d, made before the change (after part %d)",
		     d->first_intr, change_part);
	if (d->parts >= change_part + 2 && !d->first_intr)
		fail(p, NULL, "parts %d..%d made after a change lack NLM_F_DUMP_INTR",
		     change_part + 2, d->parts);
	p->c.dumps_intr += !!d->first_intr;
}

static void op_dump(struct run *p)
{
	char buf[64];
	struct nlh_req r = { .buf = buf, .cap = sizeof(buf) };
	int how = below(&p->rng, p->foreign || p->racing ? 3 : 4), change_part = 0;
	int fd;

	if (!p->foreign && !p->racing && p->m.n < BULK_MIN)
		op_bulk(p);
	fd = nlh_socket();
	if (fd < 0)
		fail(p, NULL, "socket: %s", strerror(-fd));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ .tv_sec = 10 },
		   sizeof(struct timeval));
	memset(&dr, 0, sizeof(dr));
	dr.fd = fd;
	dr.seq = ++p->seq;
	nlh_msg_start(&r, p->family, PMTUFIX_CMD_MSS_GET, PMTUFIX_GENL_VERSION,
		      NLM_F_REQUEST | NLM_F_DUMP, dr.seq);
	nlh_msg_end(&r);
	if (nlh_sendto(fd, buf, r.len))
		fail(p, NULL, "sendto dump: %s", strerror(errno));
	/* Closed before the first read, or after it: the rest is never read. */
	if (how == 0 || (how == 1 && !dump_part(p, &dr))) {
		close(fd);
		p->c.dumps_dropped++;
		return;
	}
	if (how == 3 && !dump_part(p, &dr)) {
		before = p->m;
		change_part = dump_changes(p) ? dr.parts : 0;
	}
	while (!dr.done)
		dump_part(p, &dr);
	close(fd);
	dump_verify(p, &dr, change_part);
	p->c.dumps_changed += !!change_part;
	p->c.dumps_whole++;
}

/* ------------------------------------------------------------------------ */
/* Runs */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t min_pmtu(void)
{
	char buf[32] = "";
	FILE *f = fopen("/proc/sys/net/ipv4/route/min_pmtu", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return strtoul(buf, NULL, 10);
}

/* A run's sockets and model, on the current network namespace. */
static void run_init(struct run *p, const char *name, int idx)
{
	int err;

	p->name = name;
	p->rng.s = seed + 0x1000193ULL * (idx + 1);
	p->fd = nlh_socket();
	if (p->fd < 0)
		fail(p, NULL, "socket: %s", strerror(-p->fd));
	err = nlh_resolve(p->fd, &p->family, &p->events);
	if (err || !p->events)
		fail(p, NULL, "cannot resolve the family: %s", strerror(-err));
	if (nlh_req_init(&p->nr, REQ_SIZE) || !(p->rx = malloc(RX_SIZE)))
		fail(p, NULL, "out of memory");
	setsockopt(p->fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ .tv_sec = 10 },
		   sizeof(struct timeval));
	if (p->other >= 0)
		setsockopt(p->other, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ .tv_sec = 10 },
			   sizeof(struct timeval));
	p->min_pmtu = min_pmtu();
	p->adopt = true;
	check_state(p);
	p->adopt = false;
}

static void report(const struct run *p, double secs)
{
	const struct counts *c = &p->c;

	ksft_print_msg("%s: %lu operations, %lu messages in %.1f s: %.0f messages/s "
		       "(state reads not counted)\n",
		       p->name, p->op - 1, c->sent, secs, c->sent / secs);
	ksft_print_msg("  valid %lu, invalid %lu, ambiguous %lu, not requests %lu, dropped %lu; "
		       "accepted %lu, refused %lu (EPERM %lu, ENOSPC %lu)\n",
		       c->by_exp[EXP_MODEL], c->by_exp[EXP_FAIL], c->by_exp[EXP_ANY],
		       c->by_exp[EXP_NOOP], c->by_exp[EXP_SILENT], c->accepted, c->refused,
		       c->eperm, c->enospc);
	ksft_print_msg("  state checks %lu, batches %lu, runts %lu, group joins %lu; dumps read "
		       "whole %lu (changed under %lu, flagged %lu), abandoned %lu; rules now %d\n",
		       c->checks, c->batches, c->runts, c->joins, c->dumps_whole,
		       c->dumps_changed, c->dumps_intr, c->dumps_dropped, p->m.n);
}

static void fuzz(struct run *p)
{
	double t0 = now();

	for (p->op = 1; p->op <= p->ops; p->op++) {
		unsigned int w = below(&p->rng, 100);

		if (w < 2)
			op_dump(p);
		else if (w < 3)
			op_join(p);
		else if (w < 4)
			op_runt(p);
		else if (w < 14)
			op_request(p, true);
		else
			op_request(p, false);
		if (p->verify || p->op % p->every == 0)
			check_state(p);
		if (!p->foreign && p->m.n < BULK_MIN / 4 && chance(&p->rng, p->racing ? 5 : 1))
			op_bulk(p);
	}
	check_state(p);
	report(p, now() - t0);
}

/* Drops root (keeping the way back), for an unprivileged unshare(). */
static void become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, 0))
		ksft_exit_fail_msg("cannot become nobody: %s\n", strerror(errno));
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(s, f) < 0 || fclose(f))
		ksft_exit_fail_msg("%s: %s\n", path, strerror(errno));
}

/*
 * unshare(CLONE_NEWUSER | flags) as nobody, root inside. Where the kernel
 * allows user namespaces to root only, as root: either way nothing is left
 * of the initial namespace's capabilities.
 */
static void enter_userns(int flags)
{
	char map[64];
	uid_t uid;

	become_nobody();
	if (unshare(CLONE_NEWUSER | flags)) {
		ksft_print_msg("unprivileged unshare: %s; as root\n", strerror(errno));
		if (setresuid(0, 0, 0) || unshare(CLONE_NEWUSER | flags))
			ksft_exit_fail_msg("unshare: %s\n", strerror(errno));
	}
	/* A changed euid made /proc/self root's: make it ours again. */
	if (prctl(PR_SET_DUMPABLE, 1))
		ksft_exit_fail_msg("PR_SET_DUMPABLE: %s\n", strerror(errno));
	uid = geteuid();
	snprintf(map, sizeof(map), "0 %u 1\n", uid);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1\n", NOBODY);
	write_file("/proc/self/gid_map", map);
}

static struct run the_run;

/* 1: root in the initial netns. Leaves enough rules for run 3's dumps. */
static void run_root(unsigned long ops, unsigned long every)
{
	struct run *p = &the_run;

	p->other = -1;
	p->ops = ops;
	p->every = every;
	run_init(p, "root, initial netns", 0);
	fuzz(p);
	op_bulk(p);
	check_state(p);
}

/* 2: root of a new user namespace in the netns it creates, and the old one. */
static void run_owned(unsigned long ops, unsigned long every)
{
	struct run *p = &the_run;

	p->other = nlh_socket();	/* the initial netns, opened as root */
	p->other_blind = true;
	p->fresh = true;
	p->ops = ops;
	p->every = every;
	enter_userns(CLONE_NEWNET);
	run_init(p, "user namespace, its own netns", 1);
	fuzz(p);
	/* The namespace dies with rules in it and a dump half read. */
	memset(&dr, 0, sizeof(dr));
	dr.fd = nlh_socket();
	dr.seq = 1;
	op_bulk(p);
	{
		char buf[64];
		struct nlh_req r = { .buf = buf, .cap = sizeof(buf) };

		nlh_msg_start(&r, p->family, PMTUFIX_CMD_MSS_GET, PMTUFIX_GENL_VERSION,
			      NLM_F_REQUEST | NLM_F_DUMP, dr.seq);
		nlh_msg_end(&r);
		if (nlh_sendto(dr.fd, buf, r.len))
			fail(p, NULL, "sendto dump: %s", strerror(errno));
		dump_part(p, &dr);
	}
}

/* 3: root of a new user namespace in the initial netns: read only. */
static void run_foreign(unsigned long ops, unsigned long every)
{
	struct run *p = &the_run;

	p->other = nlh_socket();	/* opened as root: still not enough */
	p->foreign = true;
	p->ops = ops;
	p->every = every;
	enter_userns(0);
	run_init(p, "user namespace, initial netns", 2);
	fuzz(p);
}

/* Forks a run; 0 when it passed. */
static int run_child(void (*fn)(unsigned long, unsigned long), unsigned long ops,
		     unsigned long every)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid) {
		fn(ops, every);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

#define RACERS	3
static int racer;

/* One of several processes fuzzing the same namespace at once. */
static void run_racer(unsigned long ops, unsigned long every)
{
	static char name[32];
	struct run *p = &the_run;

	p->other = -1;
	p->racing = true;
	p->ops = ops;
	p->every = every;
	snprintf(name, sizeof(name), "racer %d of %d", racer + 1, RACERS);
	run_init(p, name, 10 + racer);
	fuzz(p);
}

/*
 * 4: root in a new netns, RACERS processes at once (the family runs
 * commands in parallel): no model, but every answer is well formed, every
 * malformed request refused, every dump ordered; afterwards the namespace
 * is consistent and flushes to empty.
 */
static void run_race(unsigned long ops, unsigned long every)
{
	struct run *p = &the_run;
	int i, fails = 0;

	if (unshare(CLONE_NEWNET))
		ksft_exit_fail_msg("unshare: %s\n", strerror(errno));
	for (i = 0; i < RACERS; i++) {
		racer = i;
		fflush(stdout);
		if (!fork()) {
			run_racer(ops, every);
			fflush(stdout);
			_exit(0);
		}
	}
	for (i = 0; i < RACERS; i++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			fails++;
	}
	if (fails)
		exit(KSFT_FAIL);
	p->other = -1;
	p->ops = 0;
	run_init(p, "after the race", 20);
	gen_valid(&p->rng, &p->m, &pends[0].q, PMTUFIX_CMD_MSS_FLUSH);
	exec(p, p->fd, pends, 1, false);
	check_state(p);
}

/* ------------------------------------------------------------------------ */
/* The initial netns around the runs */

/* [0]: as found; [1]: as run 1 left it. Shared with the runs' processes. */
static struct model *snap;
static int snap_idx;

static void run_snapshot(unsigned long ops, unsigned long every)
{
	struct run *p = &the_run;

	(void)ops;
	(void)every;
	p->other = -1;
	run_init(p, "initial netns", 3);
	snap[snap_idx] = p->m;
}

/* The initial netns is as run 1 left it. */
static void run_unchanged(unsigned long ops, unsigned long every)
{
	struct run *p = &the_run;

	(void)ops;
	(void)every;
	p->other = -1;
	run_init(p, "initial netns afterwards", 4);
	p->m = snap[1];
	check_state(p);
}

/* Puts back the settings and rules found at the start. */
static void run_restore(unsigned long ops, unsigned long every)
{
	struct run *p = &the_run;
	const struct model *m = &snap[0];

	(void)ops;
	(void)every;
	p->other = -1;
	run_init(p, "initial netns put back", 5);
	gen_valid(&p->rng, &p->m, &pends[0].q, PMTUFIX_CMD_MSS_FLUSH);
	exec(p, p->fd, pends, 1, false);
	gen_valid(&p->rng, &p->m, &pends[0].q, PMTUFIX_CMD_SET_CONFIG);
	pends[0].q.n = 0;
	pends[0].q.rescue = m->rescue;
	pends[0].q.log = m->log;
	pends[0].q.floor = m->floor;
	add_leaf(&pends[0].q, leaf_u8(PMTUFIX_A_RESCUE_ENABLED, m->rescue));
	add_leaf(&pends[0].q, leaf_u8(PMTUFIX_A_LOG_LEVEL, m->log));
	add_leaf(&pends[0].q, leaf_u32(PMTUFIX_A_MTU_FLOOR, m->floor));
	exec(p, p->fd, pends, 1, false);
	for (int i = 0; i < m->n; i++) {
		gen_valid(&p->rng, &p->m, &pends[0].q, PMTUFIX_CMD_MSS_ADD);
		pends[0].q.n = 0;
		pends[0].q.replace = false;
		pends[0].q.rule = m->r[i];
		add_rule_nest(&pends[0].q, &m->r[i], true, true);
		exec(p, p->fd, pends, 1, false);
	}
	p->m = *m;
	check_state(p);
}

/*
 * A dump of the rules run 1 left, half read: the netlink core holds the
 * module for the dump's callbacks. A socket, or -errno.
 */
static int dump_hold(void)
{
	char buf[64];
	struct nlh_req r = { .buf = buf, .cap = sizeof(buf) };
	uint16_t family;
	int fd = nlh_socket();

	if (fd < 0 || nlh_resolve(fd, &family, NULL))
		return -ENOENT;
	nlh_msg_start(&r, family, PMTUFIX_CMD_MSS_GET, PMTUFIX_GENL_VERSION,
		      NLM_F_REQUEST | NLM_F_DUMP, 1);
	nlh_msg_end(&r);
	if (nlh_sendto(fd, buf, r.len) || recv(fd, buf, sizeof(buf), MSG_TRUNC) <= 0) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* rmmod waits for the dump, and succeeds once its socket is closed. */
static int unload_past_a_dump(int fd)
{
	int err;

	if (fd < 0)
		return fd;
	err = syscall(__NR_delete_module, "pmtufix", O_NONBLOCK) ? -errno : 0;
	close(fd);
	if (err != -EWOULDBLOCK) {
		ksft_print_msg("rmmod during a dump: %d, want %d\n", err, -EWOULDBLOCK);
		return err ? err : -EBUSY;
	}
	return nlh_module_unload();
}

/* The runs in order, each a TAP result; the number that failed. */
static int run_all(unsigned long ops, unsigned long every, int loaded)
{
	int fails = 0, rc, hold;

	snap_idx = 0;
	if (run_child(run_snapshot, 0, 0))
		ksft_exit_fail_msg("cannot read the initial netns\n");

	rc = run_child(run_root, ops, every);
	snap_idx = 1;
	if (run_child(run_snapshot, 0, 0))
		ksft_exit_fail_msg("cannot read the initial netns\n");
	ksft_test_result(!rc, "root, initial netns\n");
	fails += !!rc;

	rc = run_child(run_owned, ops, every) ?: run_child(run_unchanged, 0, 0);
	ksft_test_result(!rc, "user namespace, its own netns; the initial one unchanged\n");
	fails += !!rc;

	rc = run_child(run_foreign, ops, every) ?: run_child(run_unchanged, 0, 0);
	ksft_test_result(!rc, "user namespace, initial netns: read only, unchanged\n");
	fails += !!rc;

	rc = run_child(run_race, ops, every);
	ksft_test_result(!rc, "%d processes at once in one netns\n", RACERS);
	fails += !!rc;

	hold = loaded ? dump_hold() : -1;
	rc = run_child(run_restore, 0, 0);
	ksft_test_result(!rc, "initial netns put back\n");
	fails += !!rc;

	if (loaded) {
		rc = unload_past_a_dump(hold);
		if (rc)
			ksft_print_msg("rmmod pmtufix: %s\n", strerror(-rc));
		ksft_test_result(!rc, "module unloads, after a dump half read\n");
		fails += !!rc;
	} else {
		ksft_test_result_skip("module unloads: it was loaded before\n");
	}
	return fails;
}

static unsigned long env_num(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-s SEED] [-n OPS] [-c EVERY]\n", prog);
	exit(KSFT_FAIL);
}

int main(int argc, char **argv)
{
	unsigned long ops = env_num("NL_FUZZ_OPS", 2000), every = env_num("NL_FUZZ_EVERY", 50);
	bool have_seed = false;
	int o, loaded, fails;

	seed = env_num("NL_FUZZ_SEED", 0);
	have_seed = getenv("NL_FUZZ_SEED") && *getenv("NL_FUZZ_SEED");
	while ((o = getopt(argc, argv, "s:n:c:h")) != -1) {
		switch (o) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			have_seed = true;
			break;
		case 'n':
			ops = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			every = strtoul(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!every)
		usage(argv[0]);
	if (!have_seed && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)time(NULL) << 20 ^ getpid();

	ksft_print_header();
	ksft_set_plan(6);
	ksft_print_msg("seed %" PRIu64 ", %lu operations per run, state read every %lu\n",
		       seed, ops, every);
	if (geteuid())
		ksft_exit_skip("must be run as root\n");
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = rnd(&(struct rng){ .s = seed ^ i });
	snap = mmap(NULL, 2 * sizeof(*snap), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (snap == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	loaded = nlh_module_load();
	if (loaded < 0)
		ksft_exit_fail_msg("cannot load pmtufix\n");

	fails = run_all(ops, every, loaded);
	if (fails)
		ksft_print_msg("reproduce: %s -s %" PRIu64 " -n %lu -c %lu\n",
			       argv[0], seed, ops, every);
	ksft_finished();
}
