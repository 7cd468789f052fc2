// SPDX-License-Identifier: GPL-2.0
/* Decoding kernel messages: settings, counters, MSS rules, events. */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "pmtufix.h"
#include "genl.h"
#include "modmsg.h"
#include "monitor.h"
#include "parse.h"
#include "tap.h"

static char buf[4096];

static struct nlmsghdr *msg(uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = 0x1c;
	g->cmd = cmd;
	g->version = PMTUFIX_GENL_VERSION;
	return nlh;
}

static void config(void)
{
	struct nlmsghdr *nlh = msg(PMTUFIX_CMD_GET_CONFIG);
	struct pf_config cfg;

	mnl_attr_put_u8(nlh, PMTUFIX_A_RESCUE_ENABLED, 1);
	mnl_attr_put_u8(nlh, PMTUFIX_A_LOG_LEVEL, PMTUFIX_LOG_ALL);
	mnl_attr_put_u32(nlh, PMTUFIX_A_MTU_FLOOR, 0);
	mnl_attr_put_u32(nlh, PMTUFIX_A_MTU_FLOOR_EFFECTIVE, 552);
	mnl_attr_put_u32(nlh, PMTUFIX_A_VERSION, 1 << 16 | 2 << 8 | 3);
	mnl_attr_put_u32(nlh, PMTUFIX_A_MAX + 5, 42);	/* from a newer module */
	ok(pf_config_decode(nlh, &cfg) == 0 && cfg.has_rescue && cfg.rescue &&
	   cfg.has_log && cfg.log == PMTUFIX_LOG_ALL && cfg.has_floor && cfg.floor == 0 &&
	   cfg.has_floor_eff && cfg.floor_eff == 552 && cfg.has_version &&
	   cfg.version == 0x010203, "config: every attribute, unknown ones skipped");

	nlh = msg(PMTUFIX_CMD_GET_CONFIG);
	mnl_attr_put_u32(nlh, PMTUFIX_A_RESCUE_ENABLED, 1);	/* wrong size */
	mnl_attr_put_u8(nlh, PMTUFIX_A_LOG_LEVEL, PMTUFIX_LOG_NONE);
	ok(pf_config_decode(nlh, &cfg) == 0 && !cfg.has_rescue && cfg.has_log &&
	   !cfg.has_floor && !cfg.has_version, "config: a malformed attribute counts as absent");
}

static void stats(void)
{
	struct nlmsghdr *nlh = msg(PMTUFIX_CMD_GET_STATS);
	struct nlattr *nest = mnl_attr_nest_start(nlh, PMTUFIX_A_STATS);
	struct pf_stats st;

	mnl_attr_put_u64(nlh, PMTUFIX_REASON_MALFORMED + 1, 7);
	mnl_attr_put_u64(nlh, PMTUFIX_REASON_RESCUED + 1, 1ULL << 40);
	mnl_attr_put_u64(nlh, 12, 5);		/* reason 11, unknown to us */
	mnl_attr_put_u32(nlh, PMTUFIX_REASON_NO_FLOW + 1, 9);	/* 32-bit counter */
	mnl_attr_nest_end(nlh, nest);
	ok(pf_stats_decode(nlh, &st) == 0, "stats: decoded");
	is_int(st.n, PMTUFIX_REASON_MAX + 2, "stats: every known reason, plus the unknown one");
	ok(st.n == 11 && st.v[0].reason == 0 && st.v[0].value == 1ULL << 40 &&
	   st.v[2].value == 7 && st.v[4].value == 9 && st.v[1].value == 0 &&
	   st.v[9].value == 0 && st.v[10].reason == 11 && st.v[10].value == 5,
	   "stats: sorted by reason, absent ones 0");
	pf_stats_free(&st);

	nlh = msg(PMTUFIX_CMD_GET_STATS);
	ok(pf_stats_decode(nlh, &st) < 0, "stats: a reply without the nest is refused");
	pf_stats_free(&st);
}

static const struct nlattr *rule_nest(int family, const char *addr, int alen, int plen,
				      int mss, int dir)
{
	struct nlmsghdr *nlh = msg(PMTUFIX_CMD_MSS_GET);
	struct nlattr *nest = mnl_attr_nest_start(nlh, PMTUFIX_A_MSS_RULE);
	uint8_t a[16] = { 0 };

	inet_pton(family, addr, a);
	mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_FAMILY, (uint8_t)family);
	mnl_attr_put(nlh, PMTUFIX_A_MSS_PREFIX, (size_t)alen, a);
	mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_PREFIX_LEN, (uint8_t)plen);
	mnl_attr_put_u16(nlh, PMTUFIX_A_MSS_VALUE, (uint16_t)mss);
	if (dir >= 0)
		mnl_attr_put_u8(nlh, PMTUFIX_A_MSS_DIR, (uint8_t)dir);
	mnl_attr_nest_end(nlh, nest);
	return nest;
}

static void mss_rules(void)
{
	char pfx[PF_PREFIX_STRLEN];
	struct pf_mss_rule r;

	ok(pf_mss_rule_decode(rule_nest(AF_INET, "10.10.20.0", 4, 24, 1460, PMTUFIX_MSS_DIR_TO),
			      &r) == 0 && r.mss == 1460 && r.dir == PMTUFIX_MSS_DIR_TO,
	   "mss rule: IPv4");
	pf_format_prefix(&r.prefix, pfx, sizeof(pfx));
	is_str(pfx, "10.10.20.0/24", "mss rule: IPv4 prefix");
	ok(pf_mss_rule_decode(rule_nest(AF_INET6, "2001:db8::", 16, 32, 0, -1), &r) == 0 &&
	   r.mss == 0 && r.dir == PMTUFIX_MSS_DIR_BOTH, "mss rule: IPv6, auto, default dir");
	pf_format_prefix(&r.prefix, pfx, sizeof(pfx));
	is_str(pfx, "2001:db8::/32", "mss rule: IPv6 prefix");
	ok(pf_mss_rule_decode(rule_nest(AF_INET, "10.0.0.0", 16, 8, 1460, 0), &r) < 0,
	   "mss rule: address size must match the family");
	ok(pf_mss_rule_decode(rule_nest(AF_INET, "10.0.0.0", 4, 33, 1460, 0), &r) < 0,
	   "mss rule: prefix length beyond the address is refused");
	ok(pf_mss_rule_decode(rule_nest(99, "10.0.0.0", 4, 8, 1460, 0), &r) < 0,
	   "mss rule: unknown family is refused");
}

static struct nlmsghdr *event(const char *icmp, const char *saddr, const char *daddr,
			      int family, int sport, int dport)
{
	struct nlmsghdr *nlh = msg(PMTUFIX_CMD_EVENT);
	struct nlattr *nest = mnl_attr_nest_start(nlh, PMTUFIX_A_EVENT);
	uint8_t a[16];
	size_t alen = family == AF_INET ? 4 : 16;

	mnl_attr_put_u32(nlh, PMTUFIX_A_EV_REASON, PMTUFIX_REASON_RESCUED);
	mnl_attr_put_u32(nlh, PMTUFIX_A_EV_IFINDEX, 3);
	inet_pton(family, icmp, a);
	mnl_attr_put(nlh, PMTUFIX_A_EV_ICMP_SADDR, alen, a);
	mnl_attr_put_u32(nlh, PMTUFIX_A_EV_MTU, 1500);
	mnl_attr_put_u8(nlh, PMTUFIX_A_EV_PROTO, IPPROTO_TCP);
	inet_pton(family, saddr, a);
	mnl_attr_put(nlh, PMTUFIX_A_EV_SADDR, alen, a);
	inet_pton(family, daddr, a);
	mnl_attr_put(nlh, PMTUFIX_A_EV_DADDR, alen, a);
	if (sport >= 0)
		mnl_attr_put_u16(nlh, PMTUFIX_A_EV_SPORT, htons((uint16_t)sport));
	if (dport >= 0)
		mnl_attr_put_u16(nlh, PMTUFIX_A_EV_DPORT, htons((uint16_t)dport));
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void events(void)
{
	struct pf_event ev;
	char addr[INET6_ADDRSTRLEN];
	char pbuf[8];

	ok(pf_event_decode(event("172.20.20.2", "10.10.10.10", "10.10.20.20", AF_INET, 6443, 43512),
			   &ev) == 0 && ev.has_reason && ev.reason == 0 && ev.ifindex == 3 &&
	   ev.mtu == 1500 && ev.proto == IPPROTO_TCP && ev.has_sport && ev.sport == 6443 &&
	   ev.has_dport && ev.dport == 43512, "event: IPv4 with ports, ports in host order");
	inet_ntop(AF_INET, ev.icmp_saddr.bytes, addr, sizeof(addr));
	is_str(addr, "172.20.20.2", "event: ICMP source");
	ok(pf_event_decode(event("2001:db8::1", "2001:db8:1::1", "2001:db8:2::2", AF_INET6, -1, -1),
			   &ev) == 0 && ev.saddr.family == AF_INET6 && !ev.has_sport &&
	   !ev.has_dport, "event: IPv6 addresses, no ports");
	ok(pf_event_decode(msg(PMTUFIX_CMD_GET_CONFIG), &ev) < 0, "event: other commands are not events");
	ok(pf_event_decode(msg(PMTUFIX_CMD_EVENT), &ev) < 0, "event: the nest is required");
	is_str(pf_proto_name(IPPROTO_UDP, pbuf, sizeof(pbuf)), "udp", "proto name: udp");
	is_str(pf_proto_name(253, pbuf, sizeof(pbuf)), "253", "proto name: number when unknown");
}

/* One canned datagram for every recv(); sends are dropped. */
static const void *canned;
static size_t canned_len;

static int canned_send(void *ctx, const void *b, size_t len)
{
	(void)ctx;
	(void)b;
	(void)len;
	return 0;
}

static ssize_t canned_recv(void *ctx, void *b, size_t len)
{
	(void)ctx;
	if (canned_len > len)
		return -ENOSPC;
	memcpy(b, canned, canned_len);
	return (ssize_t)canned_len;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(int *)data)++;
	return MNL_CB_OK;
}

/*
 * libmnl's mnl_nlmsg_ok() takes a length of 2 GiB or more for a negative
 * int, which passes its check; the attribute parser then ran off the buffer.
 */
static void huge_length(void)
{
	static const struct pf_nl_transport tr = { .send = canned_send, .recv = canned_recv };
	const struct pf_nl_transport *saved = pf_nl_transport;
	struct nlmsghdr *nlh = msg(PMTUFIX_CMD_GET_CONFIG);
	struct pf_nl nl;
	int calls = 0, err;

	mnl_attr_put_u8(nlh, PMTUFIX_A_RESCUE_ENABLED, 1);
	canned = buf;
	canned_len = nlh->nlmsg_len;
	nlh->nlmsg_len = 0x80000000u + (uint32_t)canned_len;
	pf_nl_transport = &tr;
	if (pf_nl_open(&nl)) {
		ok(0, "reply of 2 GiB: transport opened");
		pf_nl_transport = saved;
		return;
	}
	nlh->nlmsg_seq = nl.seq + 1;
	err = pf_nl_talk(&nl, pf_nl_msg(&nl, PMTUFIX_CMD_GET_CONFIG, 0), count_cb, &calls);
	ok(err == -EBADMSG && calls == 0, "a reply claiming 2 GiB is refused, not parsed");
	pf_nl_close(&nl);
	pf_nl_transport = saved;
}

/* An ACK or NLMSG_DONE with this error; the reply to pf_nl_talk(). */
static int talk_error(uint16_t type, int32_t error)
{
	static const struct pf_nl_transport tr = { .send = canned_send, .recv = canned_recv };
	const struct pf_nl_transport *saved = pf_nl_transport;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	struct pf_nl nl;
	int err;

	nlh->nlmsg_type = type;
	e->error = error;
	canned = buf;
	canned_len = nlh->nlmsg_len;
	pf_nl_transport = &tr;
	if (pf_nl_open(&nl)) {
		pf_nl_transport = saved;
		return 1;
	}
	nlh->nlmsg_seq = nl.seq + 1;
	err = pf_nl_talk(&nl, pf_nl_msg(&nl, PMTUFIX_CMD_GET_CONFIG, 0), NULL, NULL);
	pf_nl_close(&nl);
	pf_nl_transport = saved;
	return err;
}

static void odd_errors(void)
{
	is_int(talk_error(NLMSG_ERROR, -EPERM), -EPERM, "ACK: the kernel's errno");
	is_int(talk_error(NLMSG_ERROR, INT32_MIN), -EPROTO, "ACK: INT_MIN is no errno");
	is_int(talk_error(NLMSG_ERROR, -5000), -EPROTO, "ACK: beyond MAX_ERRNO is no errno");
	is_int(talk_error(NLMSG_DONE, -ENOBUFS), -ENOBUFS, "DONE: the kernel's errno");
	is_int(talk_error(NLMSG_DONE, INT32_MIN), -EPROTO, "DONE: INT_MIN is no errno");
}

void test_decode(void)
{
	config();
	stats();
	mss_rules();
	events();
	huge_length();
	odd_errors();
}
