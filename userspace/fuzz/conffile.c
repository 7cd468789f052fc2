// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: configuration files as `apply` reads them.
 *
 * Beyond memory errors (ASan, UBSan, LeakSanitizer) it checks the promise
 * `save` and `apply` make to each other: whatever a file asked for, written
 * back with pf_conf_write() (and pf_conf_write_relay()) and parsed again, is read without a problem and
 * asks for the same thing.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "fuzz.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	return devnull ? 0 : -1;
}

static int parse(const void *data, size_t size, struct pf_desired *d, FILE *errf)
{
	/* fmemopen() refuses an empty buffer. */
	FILE *in = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	int bad;

	if (!in)
		abort();
	bad = pf_conf_parse(in, "fuzz.conf", d, errf);
	fclose(in);
	return bad;
}

/* The settings `save` would print for what d asked for. */
static void desired_to_config(const struct pf_desired *d, struct pf_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->has_rescue = d->cfg.has_rescue;
	cfg->rescue = d->cfg.rescue;
	cfg->has_log = d->cfg.has_log;
	cfg->log = d->cfg.log;
	cfg->has_floor = d->cfg.has_floor;
	cfg->floor = d->cfg.floor;
}

static void round_trip(const struct pf_desired *d)
{
	struct pf_desired again;
	struct pf_config cfg;
	char *text = NULL, *errs = NULL;
	size_t len = 0, elen = 0;
	FILE *out = open_memstream(&text, &len), *err = open_memstream(&errs, &elen);
	int bad;

	if (!out || !err)
		abort();
	desired_to_config(d, &cfg);
	pf_conf_write(out, &cfg, d->rules, d->n);
	if (d->has_relay)
		pf_conf_write_relay(out, &d->relay);
	fclose(out);
	bad = parse(text, len, &again, err);
	fclose(err);
	if (bad) {
		fprintf(stderr, "written back:\n%s\nread back with %d problems:\n%s", text, bad,
			errs);
		abort();
	}
	FUZZ_ASSERT(again.cfg.has_rescue == d->cfg.has_rescue &&
		    (!d->cfg.has_rescue || again.cfg.rescue == d->cfg.rescue));
	FUZZ_ASSERT(again.cfg.has_log == d->cfg.has_log &&
		    (!d->cfg.has_log || again.cfg.log == d->cfg.log));
	FUZZ_ASSERT(again.cfg.has_floor == d->cfg.has_floor &&
		    (!d->cfg.has_floor || again.cfg.floor == d->cfg.floor));
	FUZZ_ASSERT(again.has_relay == d->has_relay);
	FUZZ_ASSERT(!d->has_relay || (pf_relay_module_equal(&again.relay, &d->relay) &&
				      again.relay.n_peers == d->relay.n_peers &&
				      again.relay.port == d->relay.port &&
				      !memcmp(again.relay.peers, d->relay.peers,
					      d->relay.n_peers * sizeof(d->relay.peers[0])) &&
				      !memcmp(&again.relay.listen, &d->relay.listen,
					      sizeof(d->relay.listen))));
	FUZZ_ASSERT(again.n == d->n);
	for (size_t i = 0; i < d->n; i++)
		FUZZ_ASSERT(pf_mss_rule_cmp(&again.rules[i], &d->rules[i]) == 0);
	pf_desired_free(&again);
	free(text);
	free(errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_desired d;
	int bad = parse(data, size, &d, devnull);

	FUZZ_ASSERT(bad >= 0);
	/* Each prefix at most once, and every rule within the kernel's ranges. */
	for (size_t i = 0; i < d.n; i++) {
		const struct pf_mss_rule *r = &d.rules[i];

		FUZZ_ASSERT(r->mss == 0 || (r->mss >= PF_MSS_MIN && r->mss <= PF_MSS_MAX));
		FUZZ_ASSERT(r->dir <= PMTUFIX_MSS_DIR_MAX);
		FUZZ_ASSERT(r->prefix.len <= pf_prefix_addrlen(&r->prefix) * 8);
		for (size_t j = 0; j < i; j++)
			FUZZ_ASSERT(pf_prefix_cmp(&d.rules[j].prefix, &r->prefix) != 0);
	}
	round_trip(&d);
	pf_desired_free(&d);
	return 0;
}
