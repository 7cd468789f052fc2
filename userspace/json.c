// SPDX-License-Identifier: GPL-2.0
/* Streaming JSON writer and string escaping. */

#include <inttypes.h>

#include "json.h"

void pf_json_init(struct pf_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->need_comma = false;
}

static void newline(struct pf_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator, indentation and key before a value. */
static void begin_value(struct pf_json *j, const char *key)
{
	if (j->need_comma)
		fputc(',', j->f);
	if (j->depth > 0)
		newline(j);
	if (key) {
		pf_json_escape(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
	j->need_comma = true;
}

static void open_container(struct pf_json *j, const char *key, char c)
{
	begin_value(j, key);
	fputc(c, j->f);
	j->depth++;
	j->need_comma = false;
}

static void close_container(struct pf_json *j, char c)
{
	j->depth--;
	if (j->need_comma)
		newline(j);
	fputc(c, j->f);
	j->need_comma = true;
}

void pf_json_open_object(struct pf_json *j, const char *key)
{
	open_container(j, key, '{');
}

void pf_json_close_object(struct pf_json *j)
{
	close_container(j, '}');
}

void pf_json_open_array(struct pf_json *j, const char *key)
{
	open_container(j, key, '[');
}

void pf_json_close_array(struct pf_json *j)
{
	close_container(j, ']');
}

void pf_json_string(struct pf_json *j, const char *key, const char *val)
{
	begin_value(j, key);
	pf_json_escape(j->f, val);
}

void pf_json_uint(struct pf_json *j, const char *key, uint64_t val)
{
	begin_value(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void pf_json_bool(struct pf_json *j, const char *key, bool val)
{
	begin_value(j, key);
	fputs(val ? "true" : "false", j->f);
}

void pf_json_end(struct pf_json *j)
{
	fputc('\n', j->f);
	j->need_comma = false;
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static int utf8_len(const unsigned char *s)
{
	uint32_t cp;
	int n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;	/* overlong, out of range, or a surrogate */
	return n;
}

void pf_json_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		int n = utf8_len(s);

		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		if (n > 1) {
			fwrite(s, 1, (size_t)n, f);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*s < 0x20 || *s == 0x7f)
				fprintf(f, "\\u%04x", *s);
			else
				fputc(*s, f);
		}
		s++;
	}
	fputc('"', f);
}
