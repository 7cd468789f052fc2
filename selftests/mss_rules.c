// SPDX-License-Identifier: GPL-2.0
/*
 * mss_rules - the MSS rule commands of the pmtufix family, straight over
 * netlink (no CLI in between, so that the kernel's own checks are what is
 * tested): every malformed request is refused with an extended ACK that says
 * why and changes nothing; add, replace, delete and flush; a dump of many
 * rules is complete, sorted and without duplicates; a dump that rules change
 * under stays correct and says so (NLM_F_DUMP_INTR).
 *
 * Each test runs in a network namespace of its own. Loads
 * build/<release>/pmtufix.ko (or $PMTUFIX_KO) when the module is not loaded,
 * and unloads it at the end; PMTUFIX_SKIP_LOAD=1 loads nothing (every test
 * then fails). MSS_RULES (environment) sets how many rules the bulk test adds
 * (default 100000); it prints how long adding, dumping and flushing took.
 */
#include <sched.h>
#include <time.h>

#include <arpa/inet.h>

#include "nlhelp.h"
#include "kselftest_harness.h"

#define BUFSZ	(1 << 16)

struct nl {
	int fd;
	uint16_t family;
	uint32_t seq;
	char ext[256];		/* extended ACK message of the last reply */
	char *rx;
};

/* A request being built: messages one after the other in buf. */
struct req {
	struct nlh_req nr;
	char buf[BUFSZ];
};

static void *attr_put(struct req *r, uint16_t type, const void *data, size_t len)
{
	return (char *)r->nr.nlh + nlh_put(&r->nr, type, data, len);
}

static void put_u8(struct req *r, uint16_t type, uint8_t v)
{
	nlh_put_u8(&r->nr, type, v);
}

static void put_u16(struct req *r, uint16_t type, uint16_t v)
{
	nlh_put_u16(&r->nr, type, v);
}

static struct nlattr *nest_start(struct req *r, uint16_t type)
{
	return attr_put(r, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct req *r, struct nlattr *nest)
{
	nlh_nest_end(&r->nr, (char *)nest - (char *)r->nr.nlh);
}

/* Start a message after those already in r (zeroed by calloc, or reset). */
static void msg_start(struct nl *nl, struct req *r, uint16_t type, uint8_t cmd,
		      uint16_t flags)
{
	if (!r->nr.buf) {
		r->nr.buf = r->buf;
		r->nr.cap = sizeof(r->buf);
	}
	nlh_msg_start(&r->nr, type, cmd, type == GENL_ID_CTRL ? 1 : PMTUFIX_GENL_VERSION,
		      NLM_F_REQUEST | flags, ++nl->seq);
}

static void msg_end(struct req *r)
{
	nlh_msg_end(&r->nr);
}

static int nl_send(struct nl *nl, struct req *r)
{
	int err = nlh_sendto(nl->fd, r->nr.buf, r->nr.len);

	nlh_req_reset(&r->nr);
	return err;
}

/*
 * Read replies until the ACK of @seq (or the end of its dump). @cb sees
 * every data message. Returns 0 or the -errno of the first error, which
 * leaves its message in nl->ext.
 */
static int nl_wait(struct nl *nl, uint32_t seq,
		   void (*cb)(const struct nlmsghdr *, void *), void *data)
{
	int err = 0;

	for (;;) {
		ssize_t n = recv(nl->fd, nl->rx, BUFSZ, 0);
		struct nlmsghdr *h;

		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)nl->rx; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlh_ack ack;

				if (nlh_ack_parse(h, &ack)) {
					if (!err)
						err = -EBADMSG;
				} else if (ack.error && !err) {
					err = ack.error;
					if (ack.has_msg)
						snprintf(nl->ext, sizeof(nl->ext), "%s", ack.msg);
				}
				if (h->nlmsg_seq == seq)
					return err;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				if (h->nlmsg_seq == seq)
					return err;
			} else if (cb) {
				cb(h, data);
			}
		}
	}
}

static int nl_ack(struct nl *nl, struct req *r)
{
	uint32_t seq = r->nr.nlh->nlmsg_seq;
	int err;

	nl->ext[0] = '\0';
	r->nr.nlh->nlmsg_flags |= NLM_F_ACK;
	err = nl_send(nl, r);
	return err ? err : nl_wait(nl, seq, NULL, NULL);
}

static const struct nlattr *attr_find(const void *start, size_t len, uint16_t type)
{
	return nlh_attr_find(start, len, type);
}

static int nl_open(struct nl *nl)
{
	memset(nl, 0, sizeof(*nl));
	nl->rx = malloc(BUFSZ);
	nl->fd = nlh_socket();
	if (!nl->rx || nl->fd < 0)
		return nl->fd < 0 ? nl->fd : -ENOMEM;
	return nlh_resolve(nl->fd, &nl->family, NULL);
}

struct rule {
	uint8_t family;
	uint8_t addr[16];
	uint8_t plen;
	uint16_t value;
	uint8_t dir;
};

static size_t alen(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

static struct rule v4(const char *a, uint8_t plen, uint16_t value, uint8_t dir)
{
	struct rule r = { .family = AF_INET, .plen = plen, .value = value, .dir = dir };

	inet_pton(AF_INET, a, r.addr);
	return r;
}

static struct rule v6(const char *a, uint8_t plen, uint16_t value, uint8_t dir)
{
	struct rule r = { .family = AF_INET6, .plen = plen, .value = value, .dir = dir };

	inet_pton(AF_INET6, a, r.addr);
	return r;
}

/* Append an MSS_ADD (or MSS_DEL) message for @ru to r. */
static void rule_msg(struct nl *nl, struct req *r, uint8_t cmd, const struct rule *ru,
		     bool replace, uint16_t flags)
{
	struct nlattr *nest;

	msg_start(nl, r, nl->family, cmd, flags);
	nest = nest_start(r, PMTUFIX_A_MSS_RULE);
	put_u8(r, PMTUFIX_A_MSS_FAMILY, ru->family);
	attr_put(r, PMTUFIX_A_MSS_PREFIX, ru->addr, alen(ru->family));
	put_u8(r, PMTUFIX_A_MSS_PREFIX_LEN, ru->plen);
	if (cmd == PMTUFIX_CMD_MSS_ADD) {
		put_u16(r, PMTUFIX_A_MSS_VALUE, ru->value);
		put_u8(r, PMTUFIX_A_MSS_DIR, ru->dir);
	}
	nest_end(r, nest);
	if (replace)
		attr_put(r, PMTUFIX_A_MSS_REPLACE, NULL, 0);
	msg_end(r);
}

static int simple(struct nl *nl, uint8_t cmd, const struct rule *ru, bool replace)
{
	struct req *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	if (ru)
		rule_msg(nl, r, cmd, ru, replace, 0);
	else {
		msg_start(nl, r, nl->family, cmd, 0);
		msg_end(r);
	}
	err = nl_ack(nl, r);
	free(r);
	return err;
}

/* What a dump returned. */
struct dump {
	struct rule *v;
	size_t n, cap;
	bool intr;
	bool bad;		/* a message without a complete rule */
};

static void dump_cb(const struct nlmsghdr *h, void *data)
{
	const char *p = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;
	size_t len = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	const struct nlattr *nest, *f, *a, *l, *v, *d;
	struct dump *dp = data;
	struct rule *ru;

	if (h->nlmsg_flags & NLM_F_DUMP_INTR)
		dp->intr = true;
	nest = attr_find(p, len, PMTUFIX_A_MSS_RULE);
	if (!nest) {
		dp->bad = true;
		return;
	}
	p = (const char *)nest + NLA_HDRLEN;
	len = nest->nla_len - NLA_HDRLEN;
	f = attr_find(p, len, PMTUFIX_A_MSS_FAMILY);
	a = attr_find(p, len, PMTUFIX_A_MSS_PREFIX);
	l = attr_find(p, len, PMTUFIX_A_MSS_PREFIX_LEN);
	v = attr_find(p, len, PMTUFIX_A_MSS_VALUE);
	d = attr_find(p, len, PMTUFIX_A_MSS_DIR);
	if (!f || !a || !l || !v || !d) {
		dp->bad = true;
		return;
	}
	if (dp->n == dp->cap) {
		dp->cap = dp->cap ? dp->cap * 2 : 1024;
		dp->v = realloc(dp->v, dp->cap * sizeof(*dp->v));
	}
	ru = &dp->v[dp->n++];
	memset(ru, 0, sizeof(*ru));
	ru->family = *((const uint8_t *)f + NLA_HDRLEN);
	if ((size_t)a->nla_len - NLA_HDRLEN != alen(ru->family)) {
		dp->bad = true;
		return;
	}
	memcpy(ru->addr, (const char *)a + NLA_HDRLEN, alen(ru->family));
	ru->plen = *((const uint8_t *)l + NLA_HDRLEN);
	memcpy(&ru->value, (const char *)v + NLA_HDRLEN, sizeof(ru->value));
	ru->dir = *((const uint8_t *)d + NLA_HDRLEN);
}

static int dump_start(struct nl *nl)
{
	struct req *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	msg_start(nl, r, nl->family, PMTUFIX_CMD_MSS_GET, NLM_F_DUMP);
	msg_end(r);
	err = nl_send(nl, r);
	free(r);
	return err;
}

static int dump(struct nl *nl, struct dump *dp)
{
	int err;

	memset(dp, 0, sizeof(*dp));
	err = dump_start(nl);
	return err ? err : nl_wait(nl, nl->seq, dump_cb, dp);
}

/* The kernel's order: family, address, prefix length. */
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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Rule i of a large set: /32s, /24s and IPv6 /64s, three directions. */
static struct rule nth_rule(unsigned int i)
{
	struct rule r = { .value = 1000 + i % 500, .dir = i % 3 };

	if (i % 5 < 3) {
		r.family = AF_INET;
		r.plen = 32;
		r.addr[0] = 10;
		r.addr[1] = 128 + (i >> 16);
		r.addr[2] = i >> 8;
		r.addr[3] = i;
	} else if (i % 5 == 3) {
		r.family = AF_INET;
		r.plen = 24;
		r.addr[0] = 100 + (i >> 16);
		r.addr[1] = i >> 8;
		r.addr[2] = i;
	} else {
		r.family = AF_INET6;
		r.plen = 64;
		r.addr[0] = 0x20;
		r.addr[1] = 0x01;
		r.addr[2] = 0x0d;
		r.addr[3] = 0xb8;
		r.addr[4] = i >> 24;
		r.addr[5] = i >> 16;
		r.addr[6] = i >> 8;
		r.addr[7] = i;
	}
	return r;
}

/* The i of nth_rule(i). */
static unsigned int rule_index(const struct rule *r)
{
	const uint8_t *a = r->addr;

	if (r->family == AF_INET6)
		return (unsigned int)a[4] << 24 | a[5] << 16 | a[6] << 8 | a[7];
	if (r->plen == 32)
		return (unsigned int)(a[1] - 128) << 16 | a[2] << 8 | a[3];
	return (unsigned int)(a[0] - 100) << 16 | a[1] << 8 | a[2];
}

/*
 * Add rules [from, to) many to a send, acknowledging only the last of each
 * batch (the kernel still reports every error). 0 or the first -errno.
 */
static int add_many(struct nl *nl, unsigned int from, unsigned int to)
{
	struct req *r = calloc(1, sizeof(*r));
	unsigned int i;
	int err = 0;

	if (!r)
		return -ENOMEM;
	for (i = from; i < to && !err; i++) {
		struct rule ru = nth_rule(i);

		rule_msg(nl, r, PMTUFIX_CMD_MSS_ADD, &ru, false, 0);
		if (r->nr.len > BUFSZ - 256 || i + 1 == to)
			err = nl_ack(nl, r);
	}
	free(r);
	return err;
}

FIXTURE(mss) {
	struct nl nl;
};

FIXTURE_SETUP(mss)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, nl_open(&self->nl)) TH_LOG("no pmtufix family: is the module loaded?");
}

FIXTURE_TEARDOWN(mss)
{
	close(self->nl.fd);
	free(self->nl.rx);
}

/* Every malformed request: its errno, a part of its message, nothing added. */
TEST_F(mss, refused)
{
	static const struct {
		const char *name;
		uint8_t cmd;
		struct rule r;
		int skip;		/* leave out this attribute (0: none) */
		int extra;		/* add this attribute with a u8 0 (0: none) */
		int addr_len;		/* prefix length in bytes, if not the family's */
		int err;
		const char *msg;
	} bad[] = {
		{ "unknown family", PMTUFIX_CMD_MSS_ADD, { .family = 7, .plen = 8, .value = 1000 },
		  0, 0, 4, -EAFNOSUPPORT, "family must be AF_INET or AF_INET6" },
		{ "IPv4 prefix of 16 bytes", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET, .plen = 8, .value = 1000 },
		  0, 0, 16, -EINVAL, "an IPv4 prefix is 4 bytes long" },
		{ "IPv6 prefix of 4 bytes", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET6, .plen = 8, .value = 1000 },
		  0, 0, 4, -EINVAL, "an IPv6 prefix is 16 bytes long" },
		{ "IPv4 /33", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET, .plen = 33, .value = 1000 },
		  0, 0, 0, -EINVAL, "an IPv4 prefix length is 0..32" },
		{ "IPv6 /129", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET6, .plen = 129, .value = 1000 },
		  0, 0, 0, -ERANGE, "" },
		{ "host bits", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET, .addr = { 10, 0, 0, 1 }, .plen = 8, .value = 1000 },
		  0, 0, 0, -EINVAL, "host bits must be zero" },
		{ "IPv6 host bits", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET6, .addr = { 0x20, 1, [15] = 1 }, .plen = 64, .value = 1000 },
		  0, 0, 0, -EINVAL, "host bits must be zero" },
		{ "MSS 87", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET, .plen = 0, .value = 87 },
		  0, 0, 0, -EINVAL, "MSS must be 0 (auto) or 88..65495" },
		{ "MSS 65496", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET, .plen = 0, .value = 65496 },
		  0, 0, 0, -ERANGE, "" },
		{ "dir 3", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET, .plen = 0, .value = 1000, .dir = 3 },
		  0, 0, 0, -ERANGE, "" },
		{ "no value", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET, .plen = 0 },
		  PMTUFIX_A_MSS_VALUE, 0, 0, -EINVAL, "a rule needs" },
		{ "no family", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET, .plen = 0, .value = 1000 },
		  PMTUFIX_A_MSS_FAMILY, 0, 0, -EINVAL, "a rule needs" },
		{ "no rule", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET },
		  PMTUFIX_A_MSS_RULE, 0, 0, -EINVAL, "no rule" },
		{ "del with a value", PMTUFIX_CMD_MSS_DEL, { .family = AF_INET, .plen = 0 },
		  0, PMTUFIX_A_MSS_VALUE, 0, -EINVAL, "deleted by family, prefix and prefix length only" },
		{ "unknown nested attribute", PMTUFIX_CMD_MSS_ADD, { .family = AF_INET, .plen = 0, .value = 1000 },
		  0, PMTUFIX_A_MSS_MAX + 1, 0, -EINVAL, "" },
	};
	struct req *r = calloc(1, sizeof(*r));
	struct dump d;
	unsigned int i;

	ASSERT_NE(NULL, r);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct rule *ru = &bad[i].r;
		size_t len = bad[i].addr_len ? (size_t)bad[i].addr_len : alen(ru->family);
		struct nlattr *nest;
		int err;

		msg_start(&self->nl, r, self->nl.family, bad[i].cmd, 0);
		if (bad[i].skip != PMTUFIX_A_MSS_RULE) {
			nest = nest_start(r, PMTUFIX_A_MSS_RULE);
			if (bad[i].skip != PMTUFIX_A_MSS_FAMILY)
				put_u8(r, PMTUFIX_A_MSS_FAMILY, ru->family);
			attr_put(r, PMTUFIX_A_MSS_PREFIX, ru->addr, len);
			put_u8(r, PMTUFIX_A_MSS_PREFIX_LEN, ru->plen);
			if (bad[i].cmd == PMTUFIX_CMD_MSS_ADD && bad[i].skip != PMTUFIX_A_MSS_VALUE)
				put_u16(r, PMTUFIX_A_MSS_VALUE, ru->value);
			if (bad[i].cmd == PMTUFIX_CMD_MSS_ADD)
				put_u8(r, PMTUFIX_A_MSS_DIR, ru->dir);
			if (bad[i].extra)
				put_u8(r, bad[i].extra, 0);
			nest_end(r, nest);
		}
		msg_end(r);
		err = nl_ack(&self->nl, r);
		TH_LOG("%s: %s (%s)", bad[i].name, strerror(-err), self->nl.ext);
		EXPECT_EQ(bad[i].err, err);
		EXPECT_NE(NULL, strstr(self->nl.ext, bad[i].msg));
		if (bad[i].msg[0] == '\0')
			EXPECT_NE('\0', self->nl.ext[0]);
	}
	free(r);

	ASSERT_EQ(0, dump(&self->nl, &d));
	EXPECT_EQ((size_t)0, d.n);
	free(d.v);
}

TEST_F(mss, add_replace_del)
{
	struct rule a = v4("10.10.20.0", 24, 1400, PMTUFIX_MSS_DIR_BOTH);
	struct rule b = v4("10.10.20.0", 24, 0, PMTUFIX_MSS_DIR_TO);
	struct rule c = v6("2001:db8::", 32, 1220, PMTUFIX_MSS_DIR_FROM);
	struct req *r = calloc(1, sizeof(*r));
	struct dump d;

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, simple(&self->nl, PMTUFIX_CMD_MSS_ADD, &a, false));
	ASSERT_EQ(0, simple(&self->nl, PMTUFIX_CMD_MSS_ADD, &c, false));
	EXPECT_EQ(-EEXIST, simple(&self->nl, PMTUFIX_CMD_MSS_ADD, &b, false));
	EXPECT_NE(NULL, strstr(self->nl.ext, "a rule for this prefix exists"));

	/* NLM_F_REPLACE is refused by the core: the flag attribute replaces it. */
	rule_msg(&self->nl, r, PMTUFIX_CMD_MSS_ADD, &b, false, NLM_F_REPLACE);
	EXPECT_EQ(-EINVAL, nl_ack(&self->nl, r));
	ASSERT_EQ(0, dump(&self->nl, &d));
	ASSERT_EQ((size_t)2, d.n);
	EXPECT_EQ(1400, d.v[0].value);
	free(d.v);

	EXPECT_EQ(0, simple(&self->nl, PMTUFIX_CMD_MSS_ADD, &b, true));
	ASSERT_EQ(0, dump(&self->nl, &d));
	ASSERT_EQ((size_t)2, d.n);
	EXPECT_FALSE(d.bad);
	/* Sorted: IPv4 first. */
	EXPECT_EQ(AF_INET, d.v[0].family);
	EXPECT_EQ(0, d.v[0].value);
	EXPECT_EQ(PMTUFIX_MSS_DIR_TO, d.v[0].dir);
	EXPECT_EQ(24, d.v[0].plen);
	EXPECT_EQ(AF_INET6, d.v[1].family);
	EXPECT_EQ(1220, d.v[1].value);
	EXPECT_EQ(PMTUFIX_MSS_DIR_FROM, d.v[1].dir);
	free(d.v);

	/* A replace that creates. */
	a = v4("0.0.0.0", 0, 88, PMTUFIX_MSS_DIR_BOTH);
	EXPECT_EQ(0, simple(&self->nl, PMTUFIX_CMD_MSS_ADD, &a, true));
	a = v6("::", 0, 65495, PMTUFIX_MSS_DIR_BOTH);
	EXPECT_EQ(0, simple(&self->nl, PMTUFIX_CMD_MSS_ADD, &a, false));
	a = v6("2001:db8::1", 128, 1300, PMTUFIX_MSS_DIR_BOTH);
	EXPECT_EQ(0, simple(&self->nl, PMTUFIX_CMD_MSS_ADD, &a, false));

	EXPECT_EQ(0, simple(&self->nl, PMTUFIX_CMD_MSS_DEL, &b, false));
	EXPECT_EQ(-ENOENT, simple(&self->nl, PMTUFIX_CMD_MSS_DEL, &b, false));
	EXPECT_NE(NULL, strstr(self->nl.ext, "no rule for this prefix"));
	ASSERT_EQ(0, dump(&self->nl, &d));
	EXPECT_EQ((size_t)4, d.n);
	free(d.v);

	EXPECT_EQ(0, simple(&self->nl, PMTUFIX_CMD_MSS_FLUSH, NULL, false));
	ASSERT_EQ(0, dump(&self->nl, &d));
	EXPECT_EQ((size_t)0, d.n);
	free(d.v);
	free(r);
}

TEST_F(mss, bulk)
{
	const char *env = getenv("MSS_RULES");
	unsigned int n = env ? strtoul(env, NULL, 10) : 100000, i;
	double t0, t1, t2, t3;
	struct dump d;

	t0 = now();
	ASSERT_EQ(0, add_many(&self->nl, 0, n));
	t1 = now();
	ASSERT_EQ(0, dump(&self->nl, &d));
	t2 = now();
	EXPECT_FALSE(d.bad);
	EXPECT_FALSE(d.intr);
	ASSERT_EQ((size_t)n, d.n);
	for (i = 1; i < d.n; i++)
		if (rule_cmp(&d.v[i - 1], &d.v[i]) >= 0)
			break;
	EXPECT_EQ(d.n, (size_t)i) TH_LOG("rule %u is out of order or a duplicate", i);
	free(d.v);
	ASSERT_EQ(0, simple(&self->nl, PMTUFIX_CMD_MSS_FLUSH, NULL, false));
	t3 = now();
	TH_LOG("%u rules: added in %.2f s (%.0f/s), dumped in %.2f s, flushed in %.2f s",
	       n, t1 - t0, n / (t1 - t0), t2 - t1, t3 - t2);
	/* The namespace goes with rules in it: exit frees them. */
	ASSERT_EQ(0, add_many(&self->nl, 0, n / 10));
}

/*
 * A dump that rules change under: rules that exist throughout come exactly
 * once, in order, and the parts after the change say NLM_F_DUMP_INTR.
 */
TEST_F(mss, dump_changing)
{
	const unsigned int n = 20000;
	struct nl other;
	struct dump d = { 0 };
	unsigned int i, missing = 0;
	bool changed = false;
	char *seen;
	int err = 0;

	ASSERT_EQ(0, add_many(&self->nl, 0, n));
	ASSERT_EQ(0, nl_open(&other));
	ASSERT_EQ(0, dump_start(&self->nl));

	/* Read part by part; change the rules after the first part. */
	for (;;) {
		ssize_t len = recv(self->nl.fd, self->nl.rx, BUFSZ, 0);
		struct nlmsghdr *h;
		bool done = false;

		ASSERT_LT(0, len);
		for (h = (struct nlmsghdr *)self->nl.rx; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			dump_cb(h, &d);
		}
		if (done)
			break;
		if (!changed) {
			/* The last rules of the order go, and new ones come. */
			for (i = n - 100; i < n && !err; i++) {
				struct rule ru = nth_rule(i);

				err = simple(&other, PMTUFIX_CMD_MSS_DEL, &ru, false);
			}
			if (!err)
				err = add_many(&other, n, n + 100);
			changed = true;
		}
	}
	ASSERT_EQ(0, err);
	EXPECT_FALSE(d.bad);
	EXPECT_TRUE(d.intr);
	for (i = 1; i < d.n; i++)
		if (rule_cmp(&d.v[i - 1], &d.v[i]) >= 0)
			break;
	EXPECT_EQ(d.n, (size_t)i) TH_LOG("rule %u is out of order or a duplicate", i);

	/* Every rule that was never deleted is there. */
	seen = calloc(n + 100, 1);
	ASSERT_NE(NULL, seen);
	for (i = 0; i < d.n; i++) {
		unsigned int k = rule_index(&d.v[i]);

		if (k < n + 100)
			seen[k] = 1;
	}
	for (i = 0; i < n - 100; i++)
		missing += !seen[i];
	EXPECT_EQ(0U, missing);
	TH_LOG("%zu rules dumped while 100 were deleted and 100 added; NLM_F_DUMP_INTR %s",
	       d.n, d.intr ? "set" : "not set");
	free(seen);
	free(d.v);
	close(other.fd);
	free(other.rx);
}

static bool loaded_here;

static void unload_module(void)
{
	int err;

	if (!loaded_here)
		return;
	err = nlh_module_unload();
	if (err)
		ksft_print_msg("cannot unload pmtufix: %s\n", strerror(-err));
}

/* build/selftests/mss_rules -> build/<release>/pmtufix.ko, or $PMTUFIX_KO */
static void load_module(void)
{
	const char *skip = getenv("PMTUFIX_SKIP_LOAD");
	int err;

	if (skip && !strcmp(skip, "1"))
		return;
	err = nlh_module_load();
	if (err < 0)
		ksft_exit_fail_msg("cannot load pmtufix: %s\n", strerror(-err));
	loaded_here = err > 0;
	if (loaded_here)
		atexit(unload_module);
}

int main(int argc, char **argv)
{
	if (geteuid())
		ksft_exit_skip("must be run as root\n");
	load_module();
	return test_harness_run(argc, argv);
}
