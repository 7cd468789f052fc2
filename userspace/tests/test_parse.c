// SPDX-License-Identifier: GPL-2.0
/* Numbers, keywords, reason names, prefixes, `set` and `mss add` arguments. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "parse.h"
#include "tap.h"

static void numbers(void)
{
	static const struct {
		const char *s;
		uint32_t min, max;
		int ret;
		uint32_t val;
	} cases[] = {
		{ "0", 0, 10, 0, 0 },
		{ "65535", 68, 65535, 0, 65535 },
		{ "68", 68, 65535, 0, 68 },
		{ "0068", 68, 65535, 0, 68 },
		{ "67", 68, 65535, -ERANGE, 0 },
		{ "65536", 68, 65535, -ERANGE, 0 },
		{ "4294967295", 0, UINT32_MAX, 0, UINT32_MAX },
		{ "4294967296", 0, UINT32_MAX, -ERANGE, 0 },
		{ "99999999999999999999999", 0, UINT32_MAX, -ERANGE, 0 },
		{ "", 0, 10, -EINVAL, 0 },
		{ "+5", 0, 10, -EINVAL, 0 },
		{ "-1", 0, 10, -EINVAL, 0 },
		{ " 5", 0, 10, -EINVAL, 0 },
		{ "5 ", 0, 10, -EINVAL, 0 },
		{ "0x10", 0, 100, -EINVAL, 0 },
		{ "1e3", 0, 10000, -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v = 0;
		int ret = pf_parse_u32(cases[i].s, cases[i].min, cases[i].max, &v);

		ok(ret == cases[i].ret && (ret || v == cases[i].val),
		   "u32 '%s' in %u..%u -> %d (%u)", cases[i].s, cases[i].min, cases[i].max,
		   ret, v);
	}
}

static void keywords(void)
{
	char buf[32];

	is_int(pf_keyword("all", pf_log_names), PMTUFIX_LOG_ALL, "keyword: log all");
	is_int(pf_keyword("none", pf_log_names), PMTUFIX_LOG_NONE, "keyword: log none");
	is_int(pf_keyword("resc", pf_log_names), -1, "keyword: no prefix matching");
	is_int(pf_keyword("Rescue", pf_log_names), -1, "keyword: case matters");
	is_int(pf_keyword("rescuee", pf_log_names), -1, "keyword: no longer words");
	is_int(pf_keyword(NULL, pf_log_names), -1, "keyword: missing word");
	is_int(pf_keyword("to", pf_dir_names), PMTUFIX_MSS_DIR_TO, "keyword: dir to");
	ok(!pf_matches("sh", "show"), "matches: 'sh' is not 'show'");

	is_str(pf_reason_name(PMTUFIX_REASON_RESCUED, buf, sizeof(buf)), "rescued", "reason 0");
	is_str(pf_reason_name(PMTUFIX_REASON_DISABLED, buf, sizeof(buf)), "disabled", "reason 8");
	is_str(pf_reason_name(PMTUFIX_REASON_MAX + 1, buf, sizeof(buf)), "reason-10",
	       "unknown reason keeps its number");
	is_str(pf_reason_key(PMTUFIX_REASON_WRONG_IFACE, buf, sizeof(buf)), "wrong_iface",
	       "reason JSON key");
	is_str(pf_reason_key(40, buf, sizeof(buf)), "reason_40", "unknown reason JSON key");
	for (int r = 0; r <= PMTUFIX_REASON_MAX; r++)
		ok(pf_reason_names[r] != NULL, "reason %d has a name", r);
}

static void prefix_ok(const char *in, int family, int len, const char *out)
{
	char err[PF_ERRLEN] = "", buf[PF_PREFIX_STRLEN];
	struct pf_prefix p;
	int ret = pf_parse_prefix(in, &p, err, sizeof(err));

	if (ret == 0)
		pf_format_prefix(&p, buf, sizeof(buf));
	ok(ret == 0 && p.family == family && p.len == len && strcmp(buf, out) == 0,
	   "prefix '%s' -> %s %s", in, out, err);
}

static void prefix_bad(const char *in, const char *msg)
{
	char err[PF_ERRLEN] = "";
	struct pf_prefix p;

	ok(pf_parse_prefix(in, &p, err, sizeof(err)) < 0, "prefix '%s' is refused", in);
	is_str(err, msg, "prefix '%s': message", in);
}

static void prefixes(void)
{
	struct pf_prefix a, b;
	char err[PF_ERRLEN];

	prefix_ok("10.10.20.0/24", AF_INET, 24, "10.10.20.0/24");
	prefix_ok("10.10.20.128/25", AF_INET, 25, "10.10.20.128/25");
	prefix_ok("10.0.0.1", AF_INET, 32, "10.0.0.1/32");
	prefix_ok("0.0.0.0/0", AF_INET, 0, "0.0.0.0/0");
	prefix_ok("192.168.1.1/32", AF_INET, 32, "192.168.1.1/32");
	prefix_ok("2001:db8::/32", AF_INET6, 32, "2001:db8::/32");
	prefix_ok("2001:DB8:0:0::/64", AF_INET6, 64, "2001:db8::/64");
	prefix_ok("::/0", AF_INET6, 0, "::/0");
	prefix_ok("fe80::1", AF_INET6, 128, "fe80::1/128");
	prefix_ok("2001:db8::8000/113", AF_INET6, 113, "2001:db8::8000/113");

	prefix_bad("10.10.20.1/24", "'10.10.20.1/24' has host bits set (did you mean 10.10.20.0/24?)");
	prefix_bad("10.10.20.64/25", "'10.10.20.64/25' has host bits set (did you mean 10.10.20.0/25?)");
	prefix_bad("2001:db8::1/64", "'2001:db8::1/64' has host bits set (did you mean 2001:db8::/64?)");
	prefix_bad("1.0.0.0/0", "'1.0.0.0/0' has host bits set (did you mean 0.0.0.0/0?)");
	prefix_bad("10.0.0.0/33", "'10.0.0.0/33': the prefix length must be 0..32 for IPv4");
	prefix_bad("2001:db8::/129", "'2001:db8::/129': the prefix length must be 0..128 for IPv6");
	prefix_bad("10.0.0.0/", "'10.0.0.0/': the prefix length must be 0..32 for IPv4");
	prefix_bad("10.0.0.0/8/9", "'10.0.0.0/8/9': the prefix length must be 0..32 for IPv4");
	prefix_bad("10.0.0.0/-8", "'10.0.0.0/-8': the prefix length must be 0..32 for IPv4");
	prefix_bad("/24", "'/24' is not an IPv4 or IPv6 prefix");
	prefix_bad("", "'' is not an IPv4 or IPv6 prefix");
	prefix_bad("10.0.0/24", "'10.0.0/24' is not an IPv4 or IPv6 prefix");
	prefix_bad("10.0.0.256/32", "'10.0.0.256/32' is not an IPv4 or IPv6 prefix");
	prefix_bad("fe80::1%eth0/64", "'fe80::1%eth0/64' is not an IPv4 or IPv6 prefix");
	prefix_bad("example.com/24", "'example.com/24' is not an IPv4 or IPv6 prefix");
	prefix_bad("1111:2222:3333:4444:5555:6666:7777:8888:9999/64",
		   "'1111:2222:3333:4444:5555:6666:7777:8888:9999/64' is not an IPv4 or IPv6 prefix");

	pf_parse_prefix("2001:db8::/32", &a, err, sizeof(err));
	pf_parse_prefix("10.0.0.0/8", &b, err, sizeof(err));
	ok(pf_prefix_cmp(&b, &a) < 0, "order: IPv4 before IPv6");
	pf_parse_prefix("10.0.0.0/16", &a, err, sizeof(err));
	ok(pf_prefix_cmp(&b, &a) < 0 && pf_prefix_cmp(&a, &b) > 0, "order: shorter first");
	pf_parse_prefix("9.0.0.0/16", &a, err, sizeof(err));
	ok(pf_prefix_cmp(&a, &b) < 0, "order: by address");
}

static int split(char *line, char **argv)
{
	return pf_split(line, argv, 8);
}

static void set_args(void)
{
	struct pf_config req;
	char err[PF_ERRLEN], line[128], *argv[8];
	int argc;

	snprintf(line, sizeof(line), "rescue off log all floor auto");
	argc = split(line, argv);
	ok(pf_parse_set(argc, argv, &req, err, sizeof(err)) == 0 &&
	   req.has_rescue && !req.rescue && req.has_log && req.log == PMTUFIX_LOG_ALL &&
	   req.has_floor && req.floor == 0, "set: all three");

	snprintf(line, sizeof(line), "floor 1280");
	argc = split(line, argv);
	ok(pf_parse_set(argc, argv, &req, err, sizeof(err)) == 0 && !req.has_rescue &&
	   !req.has_log && req.has_floor && req.floor == 1280, "set: floor only");

	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "", "nothing to set (expected rescue, log or floor)" },
		{ "rescue", "rescue must be on or off" },
		{ "rescue yes", "rescue must be on or off, not 'yes'" },
		{ "rescue ON", "rescue must be on or off, not 'ON'" },
		{ "log", "log must be none, rescue or all" },
		{ "log al", "log must be none, rescue or all, not 'al'" },
		{ "floor 67", "floor must be auto or an MTU 68..65535, not '67'" },
		{ "floor 65536", "floor must be auto or an MTU 68..65535, not '65536'" },
		{ "floor 0", "floor must be auto or an MTU 68..65535, not '0'" },
		{ "floor", "floor must be auto or an MTU 68..65535" },
		{ "rescue on rescue off", "'rescue' given twice" },
		{ "resc on", "unknown setting 'resc' (expected rescue, log or floor)" },
		{ "help", "unknown setting 'help' (expected rescue, log or floor)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s", bad[i].line);
		argc = split(line, argv);
		err[0] = '\0';
		ok(pf_parse_set(argc, argv, &req, err, sizeof(err)) < 0, "set '%s' is refused",
		   bad[i].line);
		is_str(err, bad[i].msg, "set '%s': message", bad[i].line);
	}
}

static void mss_args(void)
{
	struct pf_mss_rule r;
	char err[PF_ERRLEN], line[128], *argv[8];
	int argc;

	snprintf(line, sizeof(line), "10.10.20.0/24 1460 dir to");
	argc = split(line, argv);
	ok(pf_parse_mss_add(argc, argv, &r, err, sizeof(err)) == 0 && r.mss == 1460 &&
	   r.dir == PMTUFIX_MSS_DIR_TO && r.prefix.len == 24, "mss add: prefix, value, dir");

	snprintf(line, sizeof(line), "2001:db8::/32 auto");
	argc = split(line, argv);
	ok(pf_parse_mss_add(argc, argv, &r, err, sizeof(err)) == 0 && r.mss == 0 &&
	   r.dir == PMTUFIX_MSS_DIR_BOTH && r.prefix.family == AF_INET6,
	   "mss add: auto, default dir both");

	snprintf(line, sizeof(line), "10.0.0.0/8 88 dir from");
	argc = split(line, argv);
	ok(pf_parse_mss_add(argc, argv, &r, err, sizeof(err)) == 0 && r.mss == 88 &&
	   r.dir == PMTUFIX_MSS_DIR_FROM, "mss add: lowest MSS");
	snprintf(line, sizeof(line), "10.0.0.0/8 65495");
	argc = split(line, argv);
	ok(pf_parse_mss_add(argc, argv, &r, err, sizeof(err)) == 0 && r.mss == 65495,
	   "mss add: highest MSS");

	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "", "expected PREFIX and MSS" },
		{ "10.0.0.0/8", "expected PREFIX and MSS" },
		{ "10.0.0.0/8 87", "MSS must be auto or 88..65495, not '87'" },
		{ "10.0.0.0/8 65496", "MSS must be auto or 88..65495, not '65496'" },
		{ "10.0.0.0/8 0", "MSS must be auto or 88..65495, not '0'" },
		{ "10.0.0.0/8 Auto", "MSS must be auto or 88..65495, not 'Auto'" },
		{ "10.0.0.0/8 1460 dir", "dir must be to, from or both" },
		{ "10.0.0.0/8 1460 dir up", "dir must be to, from or both, not 'up'" },
		{ "10.0.0.0/8 1460 di to", "unexpected 'di' (expected dir)" },
		{ "10.0.0.0/8 1460 dir to dir from", "'dir' given twice" },
		{ "10.0.0.1/8 1460", "'10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s", bad[i].line);
		argc = split(line, argv);
		err[0] = '\0';
		ok(pf_parse_mss_add(argc, argv, &r, err, sizeof(err)) < 0,
		   "mss add '%s' is refused", bad[i].line);
		is_str(err, bad[i].msg, "mss add '%s': message", bad[i].line);
	}
}

static void splitting(void)
{
	char line[128], *argv[4];
	int argc;

	snprintf(line, sizeof(line), "  set\trescue  on # trailing comment\r\n");
	argc = pf_split(line, argv, 4);
	ok(argc == 3 && !strcmp(argv[0], "set") && !strcmp(argv[1], "rescue") &&
	   !strcmp(argv[2], "on"), "split: spaces, tabs, CR, comment");
	snprintf(line, sizeof(line), "# only a comment");
	is_int(pf_split(line, argv, 4), 0, "split: comment line");
	snprintf(line, sizeof(line), " \t \n");
	is_int(pf_split(line, argv, 4), 0, "split: blank line");
	snprintf(line, sizeof(line), "a#b c");
	argc = pf_split(line, argv, 4);
	ok(argc == 2 && !strcmp(argv[0], "a#b"), "split: '#' inside a word is kept");
	snprintf(line, sizeof(line), "a b c d e");
	is_int(pf_split(line, argv, 4), -1, "split: too many words");
	snprintf(line, sizeof(line), "a b c d");
	is_int(pf_split(line, argv, 4), 4, "split: exactly max words");
}

void test_parse(void)
{
	numbers();
	keywords();
	prefixes();
	set_args();
	mss_args();
	splitting();
}
