// SPDX-License-Identifier: GPL-2.0
/* The relay: `relay set` arguments, its file line, and received datagrams. */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "pmtufix.h"
#include "conffile.h"
#include "modmsg.h"
#include "relay_agent.h"
#include "relaypkt.h"
#include "print.h"
#include "tap.h"
#include "view.h"

/* Split a command line into words (a copy, kept until the test ends). */
static int words(const char *line, char **argv, char *buf, size_t len)
{
	snprintf(buf, len, "%s", line);
	return pf_split(buf, argv, 64);
}

static int parse_args(const char *line, struct pf_relay *r, char *err)
{
	char buf[8192], *argv[64];
	int argc = words(line, argv, buf, sizeof(buf));

	err[0] = '\0';
	return pf_parse_relay_set(argc, argv, r, err, PF_ERRLEN);
}

static void good_args(void)
{
	struct pf_relay r;
	char err[PF_ERRLEN], addr[INET6_ADDRSTRLEN];

	is_int(parse_args("prefixes 2001:db8:1::/48,198.51.100.0/24 peers "
			  "10.0.0.1,dns:pmtufix-peers.kube-system.svc.cluster.local,fd00::2 "
			  "port 9999 rate 50 listen 10.0.0.5", &r, err), 0, "relay set: all words");
	is_int(r.n_prefixes, 2, "two prefixes");
	ok(r.prefixes[0].family == AF_INET && r.prefixes[0].len == 24 &&
	   r.prefixes[1].family == AF_INET6 && r.prefixes[1].len == 48, "prefixes sorted");
	is_int(r.n_peers, 3, "three peers");
	ok(!r.peers[0].dns && r.peers[0].addr.family == AF_INET, "an IPv4 peer");
	ok(r.peers[1].dns, "a dns: peer");
	is_str(r.peers[1].name, "pmtufix-peers.kube-system.svc.cluster.local", "its name");
	ok(!r.peers[2].dns && r.peers[2].addr.family == AF_INET6, "an IPv6 peer");
	is_int(r.port, 9999, "port");
	is_int(r.rate, 50, "rate");
	is_int(r.burst, 100, "burst defaults to 2 * rate");
	inet_ntop(AF_INET, r.listen.bytes, addr, sizeof(addr));
	ok(r.listen.family == AF_INET && !strcmp(addr, "10.0.0.5"), "listen");

	is_int(parse_args("prefixes 198.51.100.7", &r, err), 0, "relay set: a host prefix");
	ok(r.prefixes[0].len == 32 && r.n_peers == 0, "an address is its /32; peers optional");
	ok(r.port == 9884 && r.rate == 20 && r.burst == 40 && !r.listen.family,
	   "defaults: port 9884, rate 20, burst 40, listen any");
	is_int(parse_args("prefixes 0.0.0.0/0 rate 10000", &r, err), 0, "rate at its maximum");
	is_int(r.burst, PMTUFIX_RELAY_RATE_MAX, "default burst capped at the maximum");
	is_int(parse_args("burst 1 prefixes ::/0 rate 9 listen any", &r, err), 0,
	       "any order; listen any");
	ok(r.burst == 1 && r.rate == 9 && !r.listen.family, "burst given, smaller than rate");
}

static void bad_args(void)
{
	static const struct {
		const char *line, *msg;
	} cases[] = {
		{ "", "prefixes are needed (to turn the relay off: relay off)" },
		{ "peers 10.0.0.1", "prefixes are needed (to turn the relay off: relay off)" },
		{ "prefixes 198.51.100.1/24", "prefixes: '198.51.100.1/24' has host bits set "
		  "(did you mean 198.51.100.0/24?)" },
		{ "prefixes 2001:db8::1/64", "prefixes: '2001:db8::1/64' has host bits set "
		  "(did you mean 2001:db8::/64?)" },
		{ "prefixes 198.51.100.0/33", "prefixes: '198.51.100.0/33': the prefix length "
		  "must be 0..32 for IPv4" },
		{ "prefixes vip", "prefixes: 'vip' is not an IPv4 or IPv6 prefix" },
		{ "prefixes 10.0.0.0/8,", "prefixes: '' is not an IPv4 or IPv6 prefix" },
		{ "prefixes 10.0.0.0/8,,10.1.0.0/16", "prefixes: '' is not an IPv4 or IPv6 prefix" },
		{ "prefixes 10.0.0.0/8,10.0.0.0/8", "prefixes: 10.0.0.0/8 given twice" },
		{ "prefixes 10.0.0.0/8 peers 10.0.0.0/8", "peers: '10.0.0.0/8' is not an IPv4 or "
		  "IPv6 address or dns:NAME" },
		{ "prefixes 10.0.0.0/8 peers dns:", "peers: '' is not a DNS name" },
		{ "prefixes 10.0.0.0/8 peers dns:a..b", "peers: 'a..b' is not a DNS name" },
		{ "prefixes 10.0.0.0/8 peers dns:-a", "peers: '-a' is not a DNS name" },
		{ "prefixes 10.0.0.0/8 peers dns:a;b", "peers: 'a;b' is not a DNS name" },
		{ "prefixes 10.0.0.0/8 peers dns:a.,10.0.0.1", "peers: 'a.' is not a DNS name" },
		{ "prefixes 10.0.0.0/8 peers 10.0.0.1,10.0.0.1", "peers: 10.0.0.1 given twice" },
		{ "prefixes 10.0.0.0/8 peers dns:x,dns:x", "peers: dns:x given twice" },
		{ "prefixes 10.0.0.0/8 port 0", "port must be 1..65535, not '0'" },
		{ "prefixes 10.0.0.0/8 port 65536", "port must be 1..65535, not '65536'" },
		{ "prefixes 10.0.0.0/8 rate 0", "rate must be 1..10000, not '0'" },
		{ "prefixes 10.0.0.0/8 rate 10001", "rate must be 1..10000, not '10001'" },
		{ "prefixes 10.0.0.0/8 rate -1", "rate must be 1..10000, not '-1'" },
		{ "prefixes 10.0.0.0/8 burst 0", "burst must be 1..10000, not '0'" },
		{ "prefixes 10.0.0.0/8 burst 10001", "burst must be 1..10000, not '10001'" },
		{ "prefixes 10.0.0.0/8 listen 10.0.0.0/8", "listen must be any or an IPv4 or IPv6 "
		  "address, not '10.0.0.0/8'" },
		{ "prefixes 10.0.0.0/8 rate 5 rate 6", "'rate' given twice" },
		{ "prefixes 10.0.0.0/8 rate", "'rate' needs a value" },
		{ "prefixes 10.0.0.0/8 peer 10.0.0.1", "unknown word 'peer' (expected prefixes, "
		  "peers, port, rate, burst or listen)" },
	};
	struct pf_relay r;
	char err[PF_ERRLEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = parse_args(cases[i].line, &r, err);

		ok(ret == -1 && !strcmp(err, cases[i].msg), "relay set '%s' refused: %s (got %d '%s')",
		   cases[i].line, cases[i].msg, ret, err);
	}
}

static void too_many(void)
{
	char line[8192], err[PF_ERRLEN], dns[300];
	struct pf_relay r;
	size_t off;

	off = (size_t)snprintf(line, sizeof(line), "prefixes ");
	for (int i = 0; i <= PMTUFIX_RELAY_PREFIXES_MAX; i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s10.%d.0.0/16",
					i ? "," : "", i);
	is_int(parse_args(line, &r, err), -1, "65 prefixes refused");
	is_str(err, "prefixes: at most 64", "65 prefixes: message");
	line[strrchr(line, ',') - line] = '\0';
	is_int(parse_args(line, &r, err), 0, "64 prefixes accepted");

	off = (size_t)snprintf(line, sizeof(line), "prefixes 10.0.0.0/8 peers ");
	for (int i = 0; i <= PF_RELAY_PEERS_MAX; i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s10.1.0.%d",
					i ? "," : "", i);
	is_int(parse_args(line, &r, err), -1, "65 peers refused");
	is_str(err, "peers: at most 64", "65 peers: message");

	memset(dns, 'a', sizeof(dns));
	snprintf(line, sizeof(line), "prefixes 10.0.0.0/8 peers dns:%.64s", dns);
	is_int(parse_args(line, &r, err), -1, "a DNS label of 64 bytes refused");
	snprintf(line, sizeof(line), "prefixes 10.0.0.0/8 peers dns:%.63s", dns);
	is_int(parse_args(line, &r, err), 0, "a DNS label of 63 bytes accepted");
}

static int parse_file(const char *text, struct pf_desired *d, char **errs)
{
	size_t len = 0;
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *err = open_memstream(errs, &len);
	int bad = pf_conf_parse(in, "r.conf", d, err);

	fclose(in);
	fclose(err);
	return bad;
}

static void file_line(void)
{
	struct pf_desired d;
	char *errs;

	is_int(parse_file("set rescue on\nrelay set prefixes 198.51.100.0/24 peers dns:peers\n",
			  &d, &errs), 0, "file: a relay set line");
	ok(d.has_relay && d.relay_line == 2 && d.relay.n_prefixes == 1 && d.relay.n_peers == 1,
	   "file: the relay it asks for, and its line");
	free(errs);
	pf_desired_free(&d);

	is_int(parse_file("relay off\n", &d, &errs), 0, "file: relay off");
	ok(d.has_relay && d.relay.n_prefixes == 0, "file: relay off is no prefixes");
	free(errs);
	pf_desired_free(&d);

	is_int(parse_file("set rescue on\n", &d, &errs), 0, "file without a relay line");
	ok(!d.has_relay, "file: no relay line leaves the relay alone");
	free(errs);
	pf_desired_free(&d);

	is_int(parse_file("relay set prefixes 198.51.100.1/24\nrelay\nrelay off now\n"
			  "relay set prefixes 10.0.0.0/8\nrelay off\n", &d, &errs), 4,
	       "file: every bad relay line counted");
	is_str(errs,
	       "pmtufix: r.conf:1: relay set: prefixes: '198.51.100.1/24' has host bits set "
	       "(did you mean 198.51.100.0/24?)\n"
	       "pmtufix: r.conf:2: relay: expected 'relay set ...' or 'relay off'\n"
	       "pmtufix: r.conf:3: relay: expected 'relay set ...' or 'relay off'\n"
	       "pmtufix: r.conf:5: 'relay' was already given at line 4\n",
	       "file: one message per bad relay line");
	free(errs);
	pf_desired_free(&d);
}

static void round_trip(void)
{
	static const char *const lines[] = {
		"relay set prefixes 198.51.100.0/24,2001:db8:1::/48 peers 10.0.0.1,"
		"dns:pmtufix-peers.kube-system.svc.cluster.local,fd00::2 port 9999 rate 50 "
		"burst 100 listen fd00::5\n",
		"relay set prefixes 203.0.113.0/24 rate 20 burst 40\n",
		"relay off\n",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct pf_desired d;
		char *errs, *buf = NULL;
		size_t len = 0;
		FILE *f;

		is_int(parse_file(lines[i], &d, &errs), 0, "round trip %zu parses", i);
		f = open_memstream(&buf, &len);
		pf_conf_write_relay(f, &d.relay);
		fclose(f);
		is_str(buf, lines[i], "round trip %zu: written back identically", i);
		free(buf);
		free(errs);
		pf_desired_free(&d);
	}
}

static void csum4(uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	h[10] = h[11] = 0;
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h[10] = (uint8_t)(~sum >> 8);
	h[11] = (uint8_t)~sum;
}

/* A router's frag-needed for a TCP segment: 20 + 8 + 20 + 8 bytes, quote extra. */
static size_t frag_needed(uint8_t *p, size_t quote_extra)
{
	size_t len = 20 + 8 + 20 + 8 + quote_extra;

	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[8] = 64;
	p[9] = 1;
	memcpy(p + 12, "\xc0\x00\x02\x01", 4);		/* 192.0.2.1, the router */
	memcpy(p + 16, "\xc6\x33\x64\x07", 4);		/* 198.51.100.7, the VIP */
	csum4(p, 20);
	p[20] = 3;
	p[21] = 4;
	p[26] = 0x05;
	p[27] = 0x00;					/* next-hop MTU 1280 */
	p[28] = 0x45;
	p[28 + 9] = 6;
	return len;
}

static size_t too_big(uint8_t *p)
{
	size_t len = 40 + 8 + 40 + 8;

	memset(p, 0, len);
	p[0] = 0x60;
	p[5] = (uint8_t)(len - 40);
	p[6] = 58;
	p[7] = 64;
	p[40] = 2;
	p[40 + 8] = 0x60;
	p[40 + 8 + 6] = 6;
	return len;
}

static enum pf_relay_check check_pkt(const uint8_t *pkt, size_t len)
{
	uint8_t dg[PF_RELAY_DGRAM_MAX + 64];
	const uint8_t *in;
	size_t n = pf_relay_dgram_build(dg, pkt, len), inlen;

	return n ? pf_relay_dgram_check(dg, n, &in, &inlen) : PF_RELAY_BAD;
}

static void datagrams(void)
{
	uint8_t p[PF_RELAY_DGRAM_MAX + 64], dg[PF_RELAY_DGRAM_MAX + 64];
	const uint8_t *in = NULL;
	size_t len = frag_needed(p, 0), n, inlen = 0;

	n = pf_relay_dgram_build(dg, p, len);
	is_int((long long)n, (long long)(PF_RELAY_HDRLEN + len), "build: header + packet");
	is_int(pf_relay_dgram_check(dg, n, &in, &inlen), PF_RELAY_IPV4, "good frag-needed");
	ok(in == dg + PF_RELAY_HDRLEN && inlen == len, "the packet inside is handed back");
	is_int(pf_relay_dgram_check(dg, n - 1, &in, &inlen), PF_RELAY_BAD, "truncated by one");
	is_int(pf_relay_dgram_check(dg, PF_RELAY_HDRLEN, &in, &inlen), PF_RELAY_BAD,
	       "a header alone");
	is_int(pf_relay_dgram_check(dg, 3, &in, &inlen), PF_RELAY_BAD, "shorter than a header");
	dg[0] ^= 1;
	is_int(pf_relay_dgram_check(dg, n, &in, &inlen), PF_RELAY_BAD, "wrong magic");
	dg[0] ^= 1;
	dg[4] = 2;
	is_int(pf_relay_dgram_check(dg, n, &in, &inlen), PF_RELAY_BAD, "other version");
	dg[4] = PF_RELAY_VERSION;
	dg[7] = 1;
	is_int(pf_relay_dgram_check(dg, n, &in, &inlen), PF_RELAY_BAD, "reserved byte set");
	dg[7] = 0;
	is_int(pf_relay_dgram_check(dg, n, &in, &inlen), PF_RELAY_IPV4, "restored: good again");

	for (size_t i = 0; i < sizeof(dg); i++)
		dg[i] = (uint8_t)(i * 7 + 3);
	memcpy(dg, PF_RELAY_MAGIC "\x01\0\0\0", 8);
	is_int(pf_relay_dgram_check(dg, 200, &in, &inlen), PF_RELAY_BAD, "garbage after a header");

	len = frag_needed(p, PMTUFIX_RELAY_PACKET_MAX - 56);
	is_int(check_pkt(p, len), PF_RELAY_IPV4, "a frag-needed of exactly 1280 bytes");
	len = frag_needed(p, PMTUFIX_RELAY_PACKET_MAX - 55);
	is_int((long long)pf_relay_dgram_build(dg, p, len), 0, "build: 1281 bytes refused");
	memcpy(dg, PF_RELAY_MAGIC "\x01\0\0\0", 8);
	memcpy(dg + 8, p, len);
	is_int(pf_relay_dgram_check(dg, 8 + len, &in, &inlen), PF_RELAY_BAD, "oversized");

	len = frag_needed(p, 0);
	p[21] = 3;
	is_int(check_pkt(p, len), PF_RELAY_BAD, "port unreachable (type 3 code 3)");
	len = frag_needed(p, 0);
	p[20] = 11;
	p[21] = 0;
	is_int(check_pkt(p, len), PF_RELAY_BAD, "time exceeded");
	len = frag_needed(p, 0);
	p[9] = 17;
	csum4(p, 20);
	is_int(check_pkt(p, len), PF_RELAY_BAD, "not ICMP");
	len = frag_needed(p, 0);
	p[11] ^= 1;
	is_int(check_pkt(p, len), PF_RELAY_BAD, "bad header checksum");
	len = frag_needed(p, 0);
	p[0] = 0x44;
	csum4(p, 20);
	is_int(check_pkt(p, len), PF_RELAY_BAD, "IHL 4");
	len = frag_needed(p, 0);
	p[0] = 0x4f;
	csum4(p, 60);
	is_int(check_pkt(p, len), PF_RELAY_BAD, "IHL 15: options eat the quote");
	len = frag_needed(p, 0);
	p[6] = 0x20;
	csum4(p, 20);
	is_int(check_pkt(p, len), PF_RELAY_BAD, "a fragment (MF)");
	len = frag_needed(p, 0);
	p[3]++;
	csum4(p, 20);
	is_int(check_pkt(p, len), PF_RELAY_BAD, "tot_len longer than the datagram");
	len = frag_needed(p, 0);
	p[3] -= 1;
	csum4(p, 20);
	is_int(check_pkt(p, len - 1), PF_RELAY_BAD, "quote 7 bytes past its header");
	len = frag_needed(p, 0);
	p[28] = 0x65;
	is_int(check_pkt(p, len), PF_RELAY_BAD, "the quote is not IPv4");
	len = frag_needed(p, 0);
	p[28] = 0x46;
	is_int(check_pkt(p, len), PF_RELAY_BAD, "the quote's options leave no 8 bytes");

	len = too_big(p);
	is_int(check_pkt(p, len), PF_RELAY_IPV6, "good Packet Too Big");
	p[40] = 1;
	is_int(check_pkt(p, len), PF_RELAY_BAD, "destination unreachable (ICMPv6 type 1)");
	len = too_big(p);
	p[6] = 0;
	is_int(check_pkt(p, len), PF_RELAY_BAD, "an extension header");
	len = too_big(p);
	p[5]++;
	is_int(check_pkt(p, len), PF_RELAY_BAD, "payload length past the datagram");
	len = too_big(p);
	p[5]--;		/* the payload length agrees: only the quote is short */
	is_int(check_pkt(p, len - 1), PF_RELAY_BAD, "IPv6 quote too short");
	len = too_big(p);
	p[48] = 0x40;
	is_int(check_pkt(p, len), PF_RELAY_BAD, "the IPv6 quote is not IPv6");
}

static char nlbuf[8192];

static struct nlmsghdr *msg(uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlbuf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = 0x1c;
	g->cmd = cmd;
	g->version = PMTUFIX_GENL_VERSION;
	return nlh;
}

/* What set-relay sends, read back as get-relay's reply: the same relay. */
static void messages(void)
{
	struct pf_relay want, got;
	struct pf_relay_stats st;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char err[PF_ERRLEN];
	const uint8_t *pkt;
	size_t len;

	parse_args("prefixes 198.51.100.0/24,2001:db8:1::/48 rate 7 burst 3", &want, err);
	want.ifindex = 42;
	nlh = msg(PMTUFIX_CMD_GET_RELAY);
	pf_relay_put(nlh, &want);
	ok(pf_relay_decode(nlh, &got) == 0 && pf_relay_module_equal(&want, &got) &&
	   got.ifindex == 42 && got.rate == 7 && got.burst == 3,
	   "relay nest: encoded and decoded the same");

	pf_relay_init(&want);
	nlh = msg(PMTUFIX_CMD_GET_RELAY);
	pf_relay_put(nlh, &want);
	ok(pf_relay_decode(nlh, &got) == 0 && got.n_prefixes == 0, "relay off: no prefixes");

	nlh = msg(PMTUFIX_CMD_GET_RELAY);
	nest = mnl_attr_nest_start(nlh, PMTUFIX_A_RELAY);
	{
		struct nlattr *p = mnl_attr_nest_start(nlh, PMTUFIX_A_RELAY_PREFIX);

		mnl_attr_put_u8(nlh, PMTUFIX_A_RELAY_PREFIX_FAMILY, AF_INET);
		mnl_attr_put(nlh, PMTUFIX_A_RELAY_PREFIX_ADDR, 16, nlbuf);
		mnl_attr_put_u8(nlh, PMTUFIX_A_RELAY_PREFIX_LEN, 8);
		mnl_attr_nest_end(nlh, p);
	}
	mnl_attr_nest_end(nlh, nest);
	is_int(pf_relay_decode(nlh, &got), -EPROTO, "relay nest: an IPv4 prefix of 16 bytes");
	is_int(pf_relay_decode(msg(PMTUFIX_CMD_GET_RELAY), &got), -EPROTO,
	       "relay reply without its nest");

	nlh = msg(PMTUFIX_CMD_GET_STATS);
	nest = mnl_attr_nest_start(nlh, PMTUFIX_A_RELAY_OUT_STATS);
	mnl_attr_put_u64(nlh, PMTUFIX_RELAY_OUT_UNDELIVERED + 1, 5);
	mnl_attr_put_u64(nlh, __PMTUFIX_RELAY_OUT_MAX + 1, 9);	/* a newer counter */
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, PMTUFIX_A_RELAY_IN_STATS);
	mnl_attr_put_u64(nlh, PMTUFIX_REASON_SEQ_WINDOW + 1, 3);
	mnl_attr_nest_end(nlh, nest);
	ok(pf_relay_stats_decode(nlh, &st) == 0 && st.out[PMTUFIX_RELAY_OUT_UNDELIVERED] == 5 &&
	   st.out[PMTUFIX_RELAY_OUT_SENT] == 0 && st.in.n == __PMTUFIX_REASON_MAX &&
	   st.in.v[PMTUFIX_REASON_SEQ_WINDOW].value == 3, "relay counters, out and in");
	pf_stats_free(&st.in);
	is_int(pf_relay_stats_decode(msg(PMTUFIX_CMD_GET_STATS), &st), -ENOENT,
	       "an older module: no relay counters");

	nlh = msg(PMTUFIX_CMD_RELAY);
	mnl_attr_put(nlh, PMTUFIX_A_RELAY_PACKET, 56, nlbuf);
	mnl_attr_put_u32(nlh, PMTUFIX_A_IFINDEX, 2);
	ok(pf_relay_packet_decode(nlh, &pkt, &len) == 0 && len == 56, "relay event: its packet");
	nlh = msg(PMTUFIX_CMD_EVENT);
	mnl_attr_put(nlh, PMTUFIX_A_RELAY_PACKET, 56, nlbuf);
	is_int(pf_relay_packet_decode(nlh, &pkt, &len), -EPROTO, "not a relay event");
	nlh = msg(PMTUFIX_CMD_RELAY);
	mnl_attr_put(nlh, PMTUFIX_A_RELAY_PACKET, PMTUFIX_RELAY_PACKET_MAX + 1, nlbuf);
	is_int(pf_relay_packet_decode(nlh, &pkt, &len), -EPROTO, "a packet over the maximum");
}

static void bucket(void)
{
	struct pf_bucket b;
	uint64_t t = 5000000000ull;
	int passed = 0;

	pf_bucket_init(&b, 20, 40, t);
	for (int i = 0; i < 100; i++)
		passed += pf_bucket_take(&b, t);
	is_int(passed, 40, "bucket: a burst passes, no more");
	ok(!pf_bucket_take(&b, t + 49999999), "bucket: not a whole token after 49.99 ms");
	ok(pf_bucket_take(&b, t + 50000000), "bucket: one token per 1/rate s");
	passed = 0;
	for (int i = 1; i <= 1000; i++)
		passed += pf_bucket_take(&b, t + 50000000 + (uint64_t)i * 10000000);
	is_int(passed, 200, "bucket: 20/s over 10 s at 100 tries a second");
	for (int i = 0; i < 100; i++)
		pf_bucket_take(&b, t + 20000000000ull);	/* drained */
	passed = 0;
	for (uint64_t i = 1; i <= 1000000; i++)
		passed += pf_bucket_take(&b, t + 20000000000ull + i * 1000);
	is_int(passed, 20, "bucket: tries 1 us apart still earn 20 in a second");
	passed = 0;
	for (int i = 0; i < 100; i++)
		passed += pf_bucket_take(&b, t + 3600000000000ull);
	is_int(passed, 40, "bucket: an hour of quiet refills to the burst, not beyond");
	ok(!pf_bucket_take(&b, t), "bucket: a clock going back adds nothing");
}

static char *shown(const struct pf_relay *r, const struct pf_relay_stats *st, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	pf_print_init(f, json, false);
	if (r) {
		pf_relay_print(r);
	} else {
		pf_open_object(NULL);
		pf_relay_stats_print(st);
		pf_close_object();
	}
	pf_print_end();
	fclose(f);
	pf_print_init(stdout, false, false);
	return text;
}

static void printed(void)
{
	struct pf_stat in[] = { { PMTUFIX_REASON_RESCUED, 4 }, { PMTUFIX_REASON_SEQ_WINDOW, 3 } };
	struct pf_relay_stats st = { .out = { 9, 8, 7 }, .in = { in, 2 } };
	struct pf_relay r;
	char err[PF_ERRLEN], *t;

	parse_args("prefixes 198.51.100.0/24,2001:db8:1::/48 rate 7 burst 3", &r, err);
	r.ifindex = 5;
	t = shown(&r, NULL, false);
	is_str(t, "relay: on\nprefixes: 198.51.100.0/24,2001:db8:1::/48\nrate: 7/s burst 3\n"
		  "device: ifindex 5 (the agent's)\n", "relay show: text");
	free(t);
	t = shown(&r, NULL, true);
	is_str(t, "{\"enabled\":true,\"prefixes\":[\"198.51.100.0/24\",\"2001:db8:1::/48\"],"
		  "\"rate\":7,\"burst\":3,\"ifindex\":5}\n", "relay show: JSON");
	free(t);
	pf_relay_init(&r);
	t = shown(&r, NULL, false);
	is_str(t, "relay: off\n", "relay show: off");
	free(t);
	t = shown(NULL, &st, false);
	is_str(t, "relay out:\n  sent: 9\n  rate_limited: 8\n  undelivered: 7\nrelay in:\n"
		  "  rescued: 4\n  seq-window: 3\n", "stats: relay counters, text");
	free(t);
	t = shown(NULL, &st, true);
	is_str(t, "{\"relay_out\":{\"sent\":9,\"rate_limited\":8,\"undelivered\":7},"
		  "\"relay_in\":{\"rescued\":4,\"seq_window\":3}}\n", "stats: relay counters, JSON");
	free(t);
}

void test_relay(void)
{
	printed();
	bucket();
	messages();
	good_args();
	bad_args();
	too_many();
	file_line();
	round_trip();
	datagrams();
}
