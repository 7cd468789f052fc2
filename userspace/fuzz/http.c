// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: what an HTTP client sends the agent, judged as the
 * server does, after every byte (a client may send one at a time).
 *
 * Beyond memory errors it checks what the server relies on: every answer is
 * "read more" or a status it knows; a full buffer is never "read more"; an
 * accepted request names a path that starts with '/', fits, and holds no
 * space, control byte or query.
 */

#include <string.h>

#include "http.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check(const char *buf, size_t len)
{
	char path[PF_HTTP_MAX_PATH];
	int st;

	memset(path, 'x', sizeof(path));
	st = pf_http_request_parse(buf, len, path);
	FUZZ_ASSERT(st == 0 || st == 200 || st == 400 || st == 405 || st == 414 || st == 431 ||
		    st == 505);
	FUZZ_ASSERT(st != 0 || len < PF_HTTP_MAX_REQUEST);
	if (st != 200)
		return;
	FUZZ_ASSERT(memchr(path, '\0', sizeof(path)) != NULL);
	FUZZ_ASSERT(path[0] == '/' && !strchr(path, '?'));
	for (const char *p = path; *p; p++)
		FUZZ_ASSERT(*p > ' ' && *p < 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;

	if (size > PF_HTTP_MAX_REQUEST)
		size = PF_HTTP_MAX_REQUEST;
	/* Exactly the bytes received, on the heap: ASan sees a read past them. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	for (size_t n = 1; n <= size; n++)
		check(buf, n);
	free(buf);
	return 0;
}
