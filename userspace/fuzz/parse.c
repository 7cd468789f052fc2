// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the command-line grammar. The input, up to its first
 * NUL, is one prefix, one number and, split into words as a configuration
 * line is, the arguments of `set`, `mss add` and `mss del`.
 *
 * Beyond memory errors it checks what the callers rely on: a prefix that is
 * accepted prints as text that parses back to it; what `set` accepts is in
 * the ranges the kernel and the nft backend take; a refusal leaves a message.
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"
#include "fuzz.h"

#define MAX_WORDS	32

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Heap buffers, so that ASan sees a write one byte past the end. */
static char *err;

static void check_prefix_round_trip(const struct pf_prefix *p)
{
	char text[PF_PREFIX_STRLEN];
	struct pf_prefix again;

	pf_format_prefix(p, text, sizeof(text));
	FUZZ_ASSERT(pf_parse_prefix(text, &again, err, PF_ERRLEN) == 0);
	FUZZ_ASSERT(pf_prefix_cmp(p, &again) == 0);
}

static void fuzz_prefix(const char *s)
{
	struct pf_prefix p;

	err[0] = '\0';
	if (pf_parse_prefix(s, &p, err, PF_ERRLEN)) {
		FUZZ_ASSERT(err[0] && strlen(err) < PF_ERRLEN);
		return;
	}
	FUZZ_ASSERT(p.family == AF_INET || p.family == AF_INET6);
	FUZZ_ASSERT(p.len <= pf_prefix_addrlen(&p) * 8);
	check_prefix_round_trip(&p);
}

static void fuzz_u32(const char *s)
{
	uint32_t v = 0;
	int ret = pf_parse_u32(s, 1, 65535, &v);

	FUZZ_ASSERT(ret == 0 || ret == -EINVAL || ret == -ERANGE);
	if (ret == 0) {
		FUZZ_ASSERT(v >= 1 && v <= 65535);
		FUZZ_ASSERT(strspn(s, "0123456789") == strlen(s));
	}
}

static bool valid_ifname(const char *n)
{
	size_t len = strnlen(n, PF_IFNAMSIZ);

	return len > 0 && len < PF_IFNAMSIZ && !strchr(n, '/') && strcmp(n, ".") &&
	       strcmp(n, "..") && !strpbrk(n, " \t\r\n\v\f");
}

static void fuzz_set(int argc, char **argv)
{
	struct pf_config req;

	err[0] = '\0';
	if (pf_parse_set(argc, argv, &req, err, PF_ERRLEN)) {
		FUZZ_ASSERT(err[0] && strlen(err) < PF_ERRLEN);
		return;
	}
	FUZZ_ASSERT(argc > 0);
	FUZZ_ASSERT(!req.has_log || req.log <= PMTUFIX_LOG_MAX);
	FUZZ_ASSERT(!req.has_floor || req.floor == 0 ||
		    (req.floor >= PF_FLOOR_MIN && req.floor <= PF_FLOOR_MAX));
	FUZZ_ASSERT(!req.has_mark || (req.mark && !(req.mark & ~req.mask)));
	FUZZ_ASSERT(!req.has_table || (req.table && (req.table < 253 || req.table > 255)));
	FUZZ_ASSERT(!req.has_pref || (req.pref >= 1 && req.pref <= 32763));
	FUZZ_ASSERT(req.n_uplinks <= PF_MAX_UPLINKS);
	for (unsigned int i = 0; i < req.n_uplinks; i++) {
		FUZZ_ASSERT(valid_ifname(req.uplinks[i]));
		for (unsigned int j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(req.uplinks[i], req.uplinks[j]));
	}
}

static void fuzz_mss(int argc, char **argv)
{
	struct pf_mss_rule r;
	struct pf_prefix p;

	err[0] = '\0';
	if (pf_parse_mss_add(argc, argv, &r, err, PF_ERRLEN)) {
		FUZZ_ASSERT(err[0] && strlen(err) < PF_ERRLEN);
	} else {
		FUZZ_ASSERT(r.mss == 0 || (r.mss >= PF_MSS_MIN && r.mss <= PF_MSS_MAX));
		FUZZ_ASSERT(r.dir <= PMTUFIX_MSS_DIR_MAX);
		check_prefix_round_trip(&r.prefix);
	}
	err[0] = '\0';
	if (pf_parse_mss_del(argc, argv, &p, err, PF_ERRLEN))
		FUZZ_ASSERT(err[0] && strlen(err) < PF_ERRLEN);
	else
		check_prefix_round_trip(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *words = malloc(size + 1);
	char *argv[MAX_WORDS + 1];
	int argc;

	err = malloc(PF_ERRLEN);
	if (!s || !words || !err)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	memcpy(words, s, size + 1);

	fuzz_prefix(s);
	fuzz_u32(s);
	argc = pf_split(words, argv, MAX_WORDS);
	FUZZ_ASSERT(argc >= -1 && argc <= MAX_WORDS);
	if (argc >= 0) {
		for (int i = 0; i < argc; i++)
			FUZZ_ASSERT(argv[i][0] && argv[i][0] != '#' &&
				    !strpbrk(argv[i], " \t\r\n\v\f"));
		argv[argc] = NULL;
		fuzz_set(argc, argv);
		fuzz_mss(argc, argv);
		/* The word after `mss` in a file, or after `pmtufix` on the command line. */
		if (argc > 1) {
			fuzz_set(argc - 1, argv + 1);
			fuzz_mss(argc - 1, argv + 1);
		}
	}
	free(s);
	free(words);
	free(err);
	return 0;
}
