// SPDX-License-Identifier: GPL-2.0
/* The pure parts of the nft backend: settings as a comment, prefixes as intervals. */

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "pfnft.h"
#include "tap.h"

static struct pf_mss_rule rule(const char *addr, unsigned int len)
{
	struct pf_mss_rule r = { .mss = 1400 };

	r.prefix.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	r.prefix.len = (uint8_t)len;
	inet_pton(r.prefix.family, addr, r.prefix.addr);
	return r;
}

static void conf_text(void)
{
	struct pf_config c, d;
	char buf[256];

	pfnft_conf_default(&c);
	ok(!pfnft_conf_format(&c, buf, sizeof(buf)), "conf: format the defaults");
	is_str(buf, "rescue off log none floor auto mark 0x2000/0x2000 table 500 pref 500",
	       "conf: the defaults read as 'set' words");
	c.rescue = true;
	c.log = PMTUFIX_LOG_ALL;
	c.floor = 1280;
	c.mark = 0x100;
	c.mask = 0xff00;
	c.table = 4000000000u;
	c.pref = 32763;
	c.n_uplinks = 1;
	strcpy(c.uplinks[0], "eth7");
	pfnft_conf_format(&c, buf, sizeof(buf));
	d = c;
	d.n_uplinks = 1;
	ok(!pfnft_conf_parse(buf, &d) && !memcmp(&c, &d, sizeof(c)),
	   "conf: parse(format(c)) == c, uplinks kept");
	ok(pfnft_conf_parse("rescue on mark 0x10", &d) != 0, "conf: mark without a mask is refused");
	ok(pfnft_conf_parse("rescue", &d) != 0, "conf: a word without its value is refused");
	ok(!pfnft_conf_parse("rescue on newer thing", &d) && d.rescue,
	   "conf: unknown words from a newer pmtufix are skipped");
}

static void ranges(void)
{
	struct pf_mss_rule r = rule("10.10.20.0", 24);
	struct pf_prefix p;
	uint8_t s[16], e[16], want[4] = { 10, 10, 21, 0 };

	ok(pf_prefix_range(&r.prefix, s, e) && !memcmp(e, want, 4),
	   "range: 10.10.20.0/24 ends before 10.10.21.0");
	ok(!pf_range_prefix(AF_INET, s, e, &p) && p.len == 24 && !memcmp(p.addr, s, 4),
	   "range: back to 10.10.20.0/24");
	r = rule("255.255.255.0", 24);
	ok(!pf_prefix_range(&r.prefix, s, e), "range: 255.255.255.0/24 runs to the last address");
	ok(!pf_range_prefix(AF_INET, s, NULL, &p) && p.len == 24, "range: open end -> /24");
	r = rule("0.0.0.0", 0);
	ok(!pf_prefix_range(&r.prefix, s, e), "range: 0.0.0.0/0 is open");
	ok(!pf_range_prefix(AF_INET, s, NULL, &p) && p.len == 0, "range: open from 0 -> /0");
	r = rule("2001:db8::", 32);
	ok(pf_prefix_range(&r.prefix, s, e) && e[3] == 0xb9 && !e[4], "range: IPv6 /32");
	ok(!pf_range_prefix(AF_INET6, s, e, &p) && p.len == 32, "range: back to 2001:db8::/32");
	want[2] = 22;
	ok(pf_range_prefix(AF_INET, s, want, &p) != 0, "range: 10.10.20.0-10.10.21.255 of IPv6 start is no prefix");
}

static void overlap(void)
{
	struct pf_mss_rule v[4];

	v[0] = rule("10.10.20.0", 24);
	v[1] = rule("10.10.21.0", 24);
	v[2] = rule("2001:db8::", 32);
	v[3] = rule("128.0.0.0", 2);
	pf_mss_sort(v, 4);
	is_int((long long)pf_mss_overlap(v, 4), 4, "overlap: adjacent and other-family prefixes are disjoint");
	v[3] = rule("10.0.0.0", 8);
	pf_mss_sort(v, 4);
	is_int((long long)pf_mss_overlap(v, 4), 0, "overlap: 10.0.0.0/8 holds 10.10.20.0/24");
	v[0] = rule("10.10.20.0", 24);
	v[1] = rule("10.10.20.0", 24);
	is_int((long long)pf_mss_overlap(v, 2), 0, "overlap: the same prefix twice");
	v[0] = rule("128.0.0.0", 1);
	v[1] = rule("200.0.0.0", 8);
	pf_mss_sort(v, 2);
	is_int((long long)pf_mss_overlap(v, 2), 0, "overlap: a prefix that runs to the end");
}

void test_nft(void)
{
	conf_text();
	ranges();
	overlap();
}
