// SPDX-License-Identifier: GPL-2.0
/* Configuration files: parse and check everything first, write them back. */

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pmtufix.h"
#include "conffile.h"

#define MAX_WORDS	32

static void problem(FILE *errf, const char *name, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(FILE *errf, const char *name, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(errf, "pmtufix: %s:%u: ", name, line);
	va_start(ap, fmt);
	vfprintf(errf, fmt, ap);
	va_end(ap);
	fputc('\n', errf);
}

static int add_rule(struct pf_desired *d, const struct pf_mss_rule *r, unsigned int line)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct pf_mss_rule *rules = realloc(d->rules, cap * sizeof(*rules));
		unsigned int *lines;

		if (!rules)
			return -ENOMEM;
		d->rules = rules;
		lines = realloc(d->lines, cap * sizeof(*lines));
		if (!lines)
			return -ENOMEM;
		d->lines = lines;
		d->cap = cap;
	}
	d->rules[d->n] = *r;
	d->lines[d->n] = line;
	d->n++;
	return 0;
}

#define SETTING(field) \
	{ #field, offsetof(struct pf_config, has_##field), offsetof(struct pf_desired, field##_line) }

/* The settings of a `set` line, and where the file remembers each one's line. */
static const struct {
	const char *word;
	size_t has, line;
} settings[] = {
	SETTING(rescue), SETTING(log), SETTING(floor),
	SETTING(mark), SETTING(table), SETTING(pref), SETTING(uplinks),
};

/* Merge one `set` line; a setting may appear once in the whole file. */
static int merge_set(struct pf_desired *d, const struct pf_config *req,
		     const char *name, unsigned int line, FILE *errf)
{
	struct pf_config take = *req;
	int bad = 0;

	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		bool *asked = (bool *)((char *)&take + settings[i].has);
		unsigned int *at = (unsigned int *)((char *)d + settings[i].line);

		if (!*asked)
			continue;
		if (*(const bool *)((const char *)&d->cfg + settings[i].has)) {
			problem(errf, name, line, "'%s' was already set at line %u",
				settings[i].word, *at);
			*asked = false;
			bad++;
			continue;
		}
		*at = line;
	}
	pf_config_merge(&d->cfg, &take);
	return bad;
}

/* `relay set ...` or `relay off`, once in a file. */
static int parse_relay(struct pf_desired *d, int argc, char **argv, const char *name,
		       unsigned int line, FILE *errf)
{
	char err[PF_ERRLEN];
	struct pf_relay r;

	if (argc == 1 && pf_matches(argv[0], "off")) {
		pf_relay_init(&r);
	} else if (argc > 0 && pf_matches(argv[0], "set")) {
		if (pf_parse_relay_set(argc - 1, argv + 1, &r, err, sizeof(err))) {
			problem(errf, name, line, "relay set: %s", err);
			return 1;
		}
	} else {
		problem(errf, name, line, "relay: expected 'relay set ...' or 'relay off'");
		return 1;
	}
	if (d->has_relay) {
		problem(errf, name, line, "'relay' was already given at line %u", d->relay_line);
		return 1;
	}
	d->has_relay = true;
	d->relay_line = line;
	d->relay = r;
	return 0;
}

static int parse_line(struct pf_desired *d, char *text, const char *name,
		      unsigned int line, FILE *errf)
{
	char *argv[MAX_WORDS], err[PF_ERRLEN];
	int argc = pf_split(text, argv, MAX_WORDS);

	if (argc == 0)
		return 0;
	if (argc < 0) {
		problem(errf, name, line, "too many words");
		return 1;
	}
	if (pf_matches(argv[0], "set")) {
		struct pf_config req;

		if (pf_parse_set(argc - 1, argv + 1, &req, err, sizeof(err))) {
			problem(errf, name, line, "set: %s", err);
			return 1;
		}
		return merge_set(d, &req, name, line, errf);
	}
	if (pf_matches(argv[0], "mss") && argc > 1 && pf_matches(argv[1], "add")) {
		struct pf_mss_rule r;

		if (pf_parse_mss_add(argc - 2, argv + 2, &r, err, sizeof(err))) {
			problem(errf, name, line, "mss add: %s", err);
			return 1;
		}
		if (add_rule(d, &r, line)) {
			problem(errf, name, line, "%s", strerror(ENOMEM));
			return 1;
		}
		return 0;
	}
	if (pf_matches(argv[0], "relay"))
		return parse_relay(d, argc - 1, argv + 1, name, line, errf);
	if (pf_matches(argv[0], "mss") && argc > 1)
		problem(errf, name, line, "'mss %s' cannot be used here (only 'set', 'mss add' "
			"and 'relay')", argv[1]);
	else
		problem(errf, name, line, "unknown command '%s' (only 'set', 'mss add' and 'relay')",
			argv[0]);
	return 1;
}

static const struct pf_desired *dup_d;

static int dup_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = pf_prefix_cmp(&dup_d->rules[x].prefix, &dup_d->rules[y].prefix);

	return r ? r : (x < y ? -1 : x > y);
}

/*
 * A prefix may be added once: sorted, duplicates are neighbours (n log n,
 * for files of 100k rules). Each later one is reported and dropped.
 */
static int check_duplicates(struct pf_desired *d, const char *name, FILE *errf)
{
	char pfx[PF_PREFIX_STRLEN];
	size_t *idx, out = 0;
	bool *drop;
	int bad = 0;

	if (d->n < 2)
		return 0;
	idx = malloc(d->n * sizeof(*idx));
	drop = calloc(d->n, sizeof(*drop));
	if (!idx || !drop) {
		free(idx);
		free(drop);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->n; i++)
		idx[i] = i;
	dup_d = d;
	qsort(idx, d->n, sizeof(*idx), dup_cmp);
	for (size_t i = 1, first = idx[0]; i < d->n; i++) {
		if (pf_prefix_cmp(&d->rules[idx[i]].prefix, &d->rules[first].prefix)) {
			first = idx[i];
			continue;
		}
		pf_format_prefix(&d->rules[idx[i]].prefix, pfx, sizeof(pfx));
		problem(errf, name, d->lines[idx[i]], "mss add: %s was already added at line %u",
			pfx, d->lines[first]);
		drop[idx[i]] = true;
		bad++;
	}
	for (size_t i = 0; i < d->n; i++) {
		if (drop[i])
			continue;
		d->rules[out] = d->rules[i];
		d->lines[out++] = d->lines[i];
	}
	d->n = out;
	free(idx);
	free(drop);
	return bad;
}

struct msg_line {
	unsigned long line;
	size_t seq;
	const char *text;
	size_t len;
};

static int msg_cmp(const void *a, const void *b)
{
	const struct msg_line *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Copy the problems in buf to errf in the order of their lines. */
static void flush_sorted(const char *buf, size_t len, const char *name, FILE *errf)
{
	size_t skip = strlen("pmtufix: ") + strlen(name) + 1, n = 0, cap = 0;
	struct msg_line *v = NULL, *nv;
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				fwrite(buf, 1, len, errf);	/* unsorted, but all of it */
				free(v);
				return;
			}
			v = nv;
		}
		v[n].line = l > skip ? strtoul(p + skip, NULL, 10) : 0;
		v[n].seq = n;
		v[n].text = p;
		v[n].len = l;
		n++;
		p += l;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), msg_cmp);
	for (size_t i = 0; i < n; i++)
		fwrite(v[i].text, 1, v[i].len, errf);
	free(v);
}

static int conf_parse(FILE *in, const char *name, struct pf_desired *d, FILE *errf);

int pf_conf_parse(FILE *in, const char *name, struct pf_desired *d, FILE *errf)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int ret;

	if (!mem)
		return conf_parse(in, name, d, errf);
	ret = conf_parse(in, name, d, mem);
	fclose(mem);
	flush_sorted(buf, len, name, errf);
	free(buf);
	return ret;
}

static int conf_parse(FILE *in, const char *name, struct pf_desired *d, FILE *errf)
{
	char *text = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned int line = 0;
	int bad = 0, dups;

	memset(d, 0, sizeof(*d));
	errno = 0;
	while ((len = getline(&text, &cap, in)) >= 0) {
		line++;
		if (memchr(text, '\0', (size_t)len)) {
			problem(errf, name, line, "NUL byte in line");
			bad++;
			continue;
		}
		bad += parse_line(d, text, name, line, errf);
	}
	free(text);
	if (ferror(in))
		return errno ? -errno : -EIO;
	dups = check_duplicates(d, name, errf);
	if (dups < 0)
		return dups;
	return bad + dups;
}

void pf_desired_free(struct pf_desired *d)
{
	free(d->rules);
	free(d->lines);
	memset(d, 0, sizeof(*d));
}

void pf_mss_rule_format(const struct pf_mss_rule *r, char *buf, size_t len)
{
	char pfx[PF_PREFIX_STRLEN], mss[8];

	pf_format_prefix(&r->prefix, pfx, sizeof(pfx));
	if (r->mss)
		snprintf(mss, sizeof(mss), "%u", r->mss);
	else
		snprintf(mss, sizeof(mss), "auto");
	snprintf(buf, len, "%s %s dir %s", pfx, mss,
		 r->dir <= PMTUFIX_MSS_DIR_MAX ? pf_dir_names[r->dir] : "?");
}

void pf_conf_write(FILE *out, const struct pf_config *cfg,
		   const struct pf_mss_rule *rules, size_t n)
{
	bool any = cfg->has_rescue || (cfg->has_log && cfg->log <= PMTUFIX_LOG_MAX) ||
		   cfg->has_floor;
	char buf[128];

	if (any) {
		fputs("set", out);
		if (cfg->has_rescue)
			fprintf(out, " rescue %s", cfg->rescue ? "on" : "off");
		if (cfg->has_log && cfg->log <= PMTUFIX_LOG_MAX)
			fprintf(out, " log %s", pf_log_names[cfg->log]);
		if (cfg->has_floor) {
			if (cfg->floor)
				fprintf(out, " floor %u", cfg->floor);
			else
				fputs(" floor auto", out);
		}
		if (pf_config_has_nft(cfg)) {
			fprintf(out, " mark 0x%x/0x%x table %u pref %u uplinks ", cfg->mark, cfg->mask,
				cfg->table, cfg->pref);
			if (!cfg->n_uplinks)
				fputs("auto", out);
			for (unsigned int i = 0; i < cfg->n_uplinks; i++)
				fprintf(out, "%s%s", i ? "," : "", cfg->uplinks[i]);
		}
		fputc('\n', out);
	}
	if (cfg->has_log && cfg->log > PMTUFIX_LOG_MAX)
		fprintf(out, "# log level %u is unknown to this pmtufix\n", cfg->log);
	for (size_t i = 0; i < n; i++) {
		pf_mss_rule_format(&rules[i], buf, sizeof(buf));
		fprintf(out, "mss add %s\n", buf);
	}
}

void pf_conf_write_relay(FILE *out, const struct pf_relay *r)
{
	if (!r->n_prefixes) {
		fputs("relay off\n", out);
		return;
	}
	fputs("relay set ", out);
	pf_relay_write(out, r);
	fputc('\n', out);
}
