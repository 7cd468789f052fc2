// SPDX-License-Identifier: GPL-2.0
/* The configuration file: grammar, all-or-nothing checking, round trip. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "conffile.h"
#include "tap.h"

/* Parse text; return the error count, and what was printed in *errs. */
static int parse(const char *text, struct pf_desired *d, char **errs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *err = open_memstream(&buf, &len);
	int bad;

	if (!*text) {	/* fmemopen refuses an empty buffer */
		fclose(in);
		in = fopen("/dev/null", "r");
	}
	bad = pf_conf_parse(in, "test.conf", d, err);
	fclose(in);
	fclose(err);
	*errs = buf;
	return bad;
}

static void good_file(void)
{
	static const char text[] =
		"# pmtufix settings for worker nodes\n"
		"\n"
		"set rescue on log all\n"
		"   set floor 1280   # above the IPv6 minimum\r\n"
		"mss add 10.10.20.0/24 1460 dir to\n"
		"\tmss add 2001:db8::/32 auto\n"
		"mss add 10.10.30.0/24 1400 dir from";	/* no final newline */
	struct pf_desired d;
	char *errs;

	is_int(parse(text, &d, &errs), 0, "good file: no errors");
	is_str(errs, "", "good file: nothing printed");
	ok(d.cfg.has_rescue && d.cfg.rescue && d.cfg.has_log && d.cfg.log == PMTUFIX_LOG_ALL &&
	   d.cfg.has_floor && d.cfg.floor == 1280, "good file: settings merged from two lines");
	is_int(d.n, 3, "good file: three rules");
	ok(d.n == 3 && d.lines[0] == 5 && d.lines[1] == 6 && d.lines[2] == 7 &&
	   d.rules[0].mss == 1460 && d.rules[0].dir == PMTUFIX_MSS_DIR_TO &&
	   d.rules[1].mss == 0 && d.rules[1].dir == PMTUFIX_MSS_DIR_BOTH &&
	   d.rules[2].dir == PMTUFIX_MSS_DIR_FROM, "good file: rules in order with their lines");
	free(errs);
	pf_desired_free(&d);

	is_int(parse("", &d, &errs), 0, "empty file is valid (no rules)");
	ok(d.n == 0 && !d.cfg.has_rescue && !d.cfg.has_log && !d.cfg.has_floor,
	   "empty file asks for nothing but no rules");
	free(errs);
	pf_desired_free(&d);
}

static void bad_file(void)
{
	static const char text[] =
		"set rescue on\n"				/* 1 */
		"set rescue off\n"				/* 2 */
		"set log loud\n"				/* 3 */
		"mss add 10.10.20.1/24 1460\n"			/* 4 */
		"mss add 10.10.20.0/24 1460\n"			/* 5 */
		"mss add 10.10.20.0/24 1400 dir to\n"		/* 6 */
		"mss del 10.10.20.0/24\n"			/* 7 */
		"mss flush\n"					/* 8 */
		"mss\n"						/* 9 */
		"sets rescue on\n"				/* 10 */
		"set\n"						/* 11 */
		"mss add 10.0.0.0/8 87\n"			/* 12 */
		"set floor 9000 log none\n"			/* 13 */
		"set floor auto\n"				/* 14 */
		"a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7\n"; /* 15 */
	struct pf_desired d;
	char *errs;

	is_int(parse(text, &d, &errs), 12, "bad file: every problem counted");
	is_str(errs,
	       "pmtufix: test.conf:2: 'rescue' was already set at line 1\n"
	       "pmtufix: test.conf:3: set: log must be none, rescue or all, not 'loud'\n"
	       "pmtufix: test.conf:4: mss add: '10.10.20.1/24' has host bits set (did you mean 10.10.20.0/24?)\n"
	       "pmtufix: test.conf:6: mss add: 10.10.20.0/24 was already added at line 5\n"
	       "pmtufix: test.conf:7: 'mss del' cannot be used here (only 'set', 'mss add' and 'relay')\n"
	       "pmtufix: test.conf:8: 'mss flush' cannot be used here (only 'set', 'mss add' and 'relay')\n"
	       "pmtufix: test.conf:9: unknown command 'mss' (only 'set', 'mss add' and 'relay')\n"
	       "pmtufix: test.conf:10: unknown command 'sets' (only 'set', 'mss add' and 'relay')\n"
	       "pmtufix: test.conf:11: set: nothing to set (expected rescue, log or floor)\n"
	       "pmtufix: test.conf:12: mss add: MSS must be auto or 88..65495, not '87'\n"
	       "pmtufix: test.conf:14: 'floor' was already set at line 13\n"
	       "pmtufix: test.conf:15: too many words\n",
	       "bad file: one message per problem, with file and line");
	free(errs);
	pf_desired_free(&d);

	is_int(parse("set rescue on\nset rescue on log none\n", &d, &errs), 1,
	       "a setting repeated with the same value is still an error");
	free(errs);
	pf_desired_free(&d);

	is_int(parse("mss add 10.0.0.0/8 1460\nmss add 10.0.0.0/16 1460\n"
		     "mss add 10.0.0.0/8 1400 dir to\n", &d, &errs), 1,
	       "same address, other length is a different rule");
	free(errs);
	pf_desired_free(&d);
}

static void nul_byte(void)
{
	static const char text[] = "set rescue on\nset log\0all\n";
	char *buf = NULL;
	size_t len = 0;
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");
	FILE *err = open_memstream(&buf, &len);
	struct pf_desired d;

	is_int(pf_conf_parse(in, "x", &d, err), 1, "NUL byte in a line is an error");
	fclose(in);
	fclose(err);
	is_str(buf, "pmtufix: x:2: NUL byte in line\n", "NUL byte: message");
	free(buf);
	pf_desired_free(&d);
}

static char *write_conf(const struct pf_config *cfg, const struct pf_mss_rule *rules, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	pf_conf_write(f, cfg, rules, n);
	fclose(f);
	return buf;
}

static void round_trip(void)
{
	static const char text[] =
		"set rescue off log none floor 1400\n"
		"mss add 10.10.20.0/24 1460 dir to\n"
		"mss add 10.10.30.0/24 auto dir both\n"
		"mss add 2001:db8::/32 1440 dir from\n";
	struct pf_config cfg = { 0 };
	struct pf_desired d;
	char *errs, *out;

	is_int(parse(text, &d, &errs), 0, "round trip: input parses");
	cfg.has_rescue = d.cfg.has_rescue;
	cfg.rescue = d.cfg.rescue;
	cfg.has_log = d.cfg.has_log;
	cfg.log = d.cfg.log;
	cfg.has_floor = d.cfg.has_floor;
	cfg.floor = d.cfg.floor;
	out = write_conf(&cfg, d.rules, d.n);
	is_str(out, text, "round trip: written back identically");
	free(out);
	free(errs);
	pf_desired_free(&d);

	memset(&cfg, 0, sizeof(cfg));
	cfg.has_rescue = cfg.rescue = true;
	cfg.has_log = true;
	cfg.log = PMTUFIX_LOG_RESCUE;
	cfg.has_floor = true;
	out = write_conf(&cfg, NULL, 0);
	is_str(out, "set rescue on log rescue floor auto\n", "write: floor 0 is auto");
	free(out);

	cfg.log = 7;
	out = write_conf(&cfg, NULL, 0);
	is_str(out, "set rescue on floor auto\n# log level 7 is unknown to this pmtufix\n",
	       "write: an unknown log level is left out, and said so");
	free(out);
}

void test_conffile(void)
{
	good_file();
	bad_file();
	nul_byte();
	round_trip();
}
