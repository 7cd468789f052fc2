// SPDX-License-Identifier: GPL-2.0
/* Text and JSON output through one set of calls. */

#include <inttypes.h>
#include <stdarg.h>

#include "json.h"
#include "print.h"

static struct {
	FILE *f;
	bool json;
	struct pf_json j;
} out;

void pf_print_init(FILE *f, bool json, bool pretty)
{
	out.f = f;
	out.json = json;
	pf_json_init(&out.j, f, pretty);
}

bool pf_print_is_json(void)
{
	return out.json;
}

FILE *pf_print_file(void)
{
	return out.f;
}

void pf_open_object(const char *key)
{
	if (out.json)
		pf_json_open_object(&out.j, key);
}

void pf_close_object(void)
{
	if (out.json)
		pf_json_close_object(&out.j);
}

void pf_open_array(const char *key)
{
	if (out.json)
		pf_json_open_array(&out.j, key);
}

void pf_close_array(void)
{
	if (out.json)
		pf_json_close_array(&out.j);
}

static void text(int where, const char *fmt, const char *val)
{
	if (!out.json && (where & PF_TEXT) && fmt)
		fprintf(out.f, fmt, val);
}

void pf_print_string(int where, const char *key, const char *fmt, const char *val)
{
	if (out.json) {
		if (where & PF_JSON)
			pf_json_string(&out.j, key, val);
		return;
	}
	text(where, fmt, val);
}

void pf_print_uint(int where, const char *key, const char *fmt, uint64_t val)
{
	char buf[24];

	if (out.json) {
		if (where & PF_JSON)
			pf_json_uint(&out.j, key, val);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64, val);
	text(where, fmt, buf);
}

void pf_print_bool(int where, const char *key, const char *fmt, bool val)
{
	if (out.json) {
		if (where & PF_JSON)
			pf_json_bool(&out.j, key, val);
		return;
	}
	text(where, fmt, val ? "on" : "off");
}

void pf_print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vfprintf(out.f, fmt, ap);
	va_end(ap);
}

void pf_print_end(void)
{
	if (out.json)
		pf_json_end(&out.j);
	fflush(out.f);
}
