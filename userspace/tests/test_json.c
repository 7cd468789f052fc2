// SPDX-License-Identifier: GPL-2.0
/* JSON escaping and the writer, compact and pretty. */

#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "tap.h"

static void escape_is(const char *in, const char *want, const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	pf_json_escape(f, in);
	fclose(f);
	is_str(buf, want, "escape: %s", name);
	free(buf);
}

static void escaping(void)
{
	escape_is("eth1", "\"eth1\"", "plain");
	escape_is("", "\"\"", "empty");
	escape_is("say \"hi\" \\o/", "\"say \\\"hi\\\" \\\\o/\"", "quote and backslash");
	escape_is("a\nb\tc\rd\be\ff", "\"a\\nb\\tc\\rd\\be\\ff\"", "short escapes");
	escape_is("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "other control characters");
	escape_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
		  "valid UTF-8 passes");
	escape_is("a\xff" "b", "\"a\\ufffdb\"", "invalid byte");
	escape_is("\xc0\x80", "\"\\ufffd\\ufffd\"", "overlong NUL");
	escape_is("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"", "overlong slash");
	escape_is("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", "surrogate");
	escape_is("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", "above U+10FFFF");
	escape_is("\xe2\x82", "\"\\ufffd\\ufffd\"", "truncated sequence");
	escape_is("\x80x", "\"\\ufffdx\"", "lone continuation byte");
}

static char *write_doc(bool pretty)
{
	struct pf_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	pf_json_init(&j, f, pretty);
	pf_json_open_object(&j, NULL);
	pf_json_bool(&j, "rescue", true);
	pf_json_string(&j, "log", "rescue");
	pf_json_uint(&j, "floor", 0);
	pf_json_uint(&j, "big", UINT64_MAX);
	pf_json_open_object(&j, "stats");
	pf_json_uint(&j, "rescued", 3);
	pf_json_uint(&j, "no_flow", 1);
	pf_json_close_object(&j);
	pf_json_open_array(&j, "empty");
	pf_json_close_array(&j);
	pf_json_open_object(&j, "none");
	pf_json_close_object(&j);
	pf_json_open_array(&j, "rules");
	pf_json_open_object(&j, NULL);
	pf_json_string(&j, "prefix", "10.0.0.0/8");
	pf_json_close_object(&j);
	pf_json_open_object(&j, NULL);
	pf_json_string(&j, "prefix", "::/0");
	pf_json_close_object(&j);
	pf_json_close_array(&j);
	pf_json_close_object(&j);
	pf_json_end(&j);
	/* A second document on its own line, as monitor writes them. */
	pf_json_open_array(&j, NULL);
	pf_json_uint(&j, NULL, 1);
	pf_json_bool(&j, NULL, false);
	pf_json_close_array(&j);
	pf_json_end(&j);
	fclose(f);
	return buf;
}

static void writer(void)
{
	char *s = write_doc(false);

	is_str(s, "{\"rescue\":true,\"log\":\"rescue\",\"floor\":0,\"big\":18446744073709551615,"
		  "\"stats\":{\"rescued\":3,\"no_flow\":1},\"empty\":[],\"none\":{},"
		  "\"rules\":[{\"prefix\":\"10.0.0.0/8\"},{\"prefix\":\"::/0\"}]}\n"
		  "[1,false]\n", "writer: compact");
	free(s);
	s = write_doc(true);
	is_str(s, "{\n"
		  "  \"rescue\": true,\n"
		  "  \"log\": \"rescue\",\n"
		  "  \"floor\": 0,\n"
		  "  \"big\": 18446744073709551615,\n"
		  "  \"stats\": {\n"
		  "    \"rescued\": 3,\n"
		  "    \"no_flow\": 1\n"
		  "  },\n"
		  "  \"empty\": [],\n"
		  "  \"none\": {},\n"
		  "  \"rules\": [\n"
		  "    {\n"
		  "      \"prefix\": \"10.0.0.0/8\"\n"
		  "    },\n"
		  "    {\n"
		  "      \"prefix\": \"::/0\"\n"
		  "    }\n"
		  "  ]\n"
		  "}\n"
		  "[\n"
		  "  1,\n"
		  "  false\n"
		  "]\n", "writer: pretty");
	free(s);
}

void test_json(void)
{
	escaping();
	writer();
}
