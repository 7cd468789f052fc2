// SPDX-License-Identifier: GPL-2.0
/* The HTTP side's judgement of what a client sent, and --listen addresses. */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "tap.h"

static void addresses(void)
{
	static const struct {
		const char *s;
		int family;	/* 0: refused */
		int port;
	} cases[] = {
		{ "127.0.0.1:9883", AF_INET, 9883 },
		{ "0.0.0.0:1", AF_INET, 1 },
		{ "[::1]:9883", AF_INET6, 9883 },
		{ "[::]:65535", AF_INET6, 65535 },
		{ "[fe80::1%eth0]:80", 0, 0 },
		{ "::1:9883", 0, 0 },
		{ "127.0.0.1", 0, 0 },
		{ "127.0.0.1:", 0, 0 },
		{ "127.0.0.1:0", 0, 0 },
		{ "127.0.0.1:65536", 0, 0 },
		{ "127.0.0.1:99999999", 0, 0 },
		{ "127.0.0.1:+80", 0, 0 },
		{ "localhost:9883", 0, 0 },
		{ "[127.0.0.1]:80", 0, 0 },
		{ ":9883", 0, 0 },
		{ "[::1]9883", 0, 0 },
		{ "", 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage ss;
		socklen_t len = 0;
		int ret = pf_http_parse_addr(cases[i].s, &ss, &len);
		int port = ss.ss_family == AF_INET6 ?
			ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
			ntohs(((struct sockaddr_in *)&ss)->sin_port);

		if (!cases[i].family) {
			ok(ret < 0, "listen '%s' refused", cases[i].s);
			continue;
		}
		ok(ret == 0 && ss.ss_family == cases[i].family && port == cases[i].port,
		   "listen '%s'", cases[i].s);
	}
}

static int judge(const char *req, char *path)
{
	return pf_http_request_parse(req, strlen(req), path);
}

static void requests(void)
{
	static const struct {
		const char *req;
		int status;
		const char *path;
	} cases[] = {
		{ "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 200, "/metrics" },
		{ "GET /healthz?x=1 HTTP/1.0\r\n\r\n", 200, "/healthz" },
		{ "GET / HTTP/1.1\n\n", 200, "/" },
		{ "GET /metrics HTTP/1.1\r\nHost: x\r\n", 0, NULL },
		{ "GET /metr", 0, NULL },
		{ "", 0, NULL },
		{ "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 405, NULL },
		{ "HEAD /metrics HTTP/1.1\r\n\r\n", 405, NULL },
		{ "get /metrics HTTP/1.1\r\n\r\n", 400, NULL },
		{ "\x16\x03\x01\x02\x00", 400, NULL },	/* a TLS ClientHello */
		{ "GET /a\x01 HTTP/1.1\r\n\r\n", 400, NULL },
		{ "GET metrics HTTP/1.1\r\n\r\n", 400, NULL },
		{ "GET  /metrics HTTP/1.1\r\n\r\n", 400, NULL },
		{ "GET /metrics HTTP/2.0\r\n\r\n", 505, NULL },
		{ "GET /metrics FTP/1.1\r\n\r\n", 400, NULL },
		{ "GET /metrics\r\n\r\n", 400, NULL },
		{ "GET /metrics HTTP/1.1\r\nNo colon\r\n\r\n", 400, NULL },
		{ "GET /metrics HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400, NULL },
		{ "GET /metrics HTTP/1.1\r\nBad name: b\r\n\r\n", 400, NULL },
		{ "GET /metrics HTTP/1.1\r\n: b\r\n\r\n", 400, NULL },
		{ "GETGETGETGETGETGETGET /metrics HTTP/1.1\r\n\r\n", 400, NULL },
	};
	char path[PF_HTTP_MAX_PATH];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = judge(cases[i].req, path);

		is_int(st, cases[i].status, "request %zu", i);
		if (cases[i].path && st == 200)
			is_str(path, cases[i].path, "request %zu: path", i);
	}
}

/* Limits: each refused as soon as it is exceeded, before the request ends. */
static void limits(void)
{
	char path[PF_HTTP_MAX_PATH], *buf = malloc(PF_HTTP_MAX_REQUEST + 1);
	size_t n;

	/* A header block that fills the buffer: 431, not "read more". */
	n = (size_t)snprintf(buf, PF_HTTP_MAX_REQUEST, "GET / HTTP/1.1\r\nX: ");
	memset(buf + n, 'a', PF_HTTP_MAX_REQUEST - n);
	is_int(pf_http_request_parse(buf, PF_HTTP_MAX_REQUEST, path), 431, "full buffer: 431");
	is_int(pf_http_request_parse(buf, PF_HTTP_MAX_REQUEST - 1, path), 0,
	       "one byte short of full: read more");

	/* Too many header lines: 431 at once. */
	n = (size_t)snprintf(buf, PF_HTTP_MAX_REQUEST, "GET / HTTP/1.1\r\n");
	for (int i = 0; i <= PF_HTTP_MAX_HEADERS + 1; i++)
		n += (size_t)snprintf(buf + n, PF_HTTP_MAX_REQUEST - n, "H%d: v\r\n", i);
	is_int(pf_http_request_parse(buf, n, path), 431, "%d headers: 431",
	       PF_HTTP_MAX_HEADERS + 2);

	/* Exactly the limit is fine. */
	n = (size_t)snprintf(buf, PF_HTTP_MAX_REQUEST, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < PF_HTTP_MAX_HEADERS; i++)
		n += (size_t)snprintf(buf + n, PF_HTTP_MAX_REQUEST - n, "H%d: v\r\n", i);
	n += (size_t)snprintf(buf + n, PF_HTTP_MAX_REQUEST - n, "\r\n");
	is_int(pf_http_request_parse(buf, n, path), 200, "%d headers: 200", PF_HTTP_MAX_HEADERS);

	/* A long target: 414, even before its line ends. */
	n = (size_t)snprintf(buf, PF_HTTP_MAX_REQUEST, "GET /");
	memset(buf + n, 'a', PF_HTTP_MAX_PATH + 64);
	n += PF_HTTP_MAX_PATH + 64;
	is_int(pf_http_request_parse(buf, n, path), 414, "long target, line not ended: 414");
	n += (size_t)snprintf(buf + n, PF_HTTP_MAX_REQUEST - n, " HTTP/1.1\r\n\r\n");
	is_int(pf_http_request_parse(buf, n, path), 414, "long target: 414");

	/* A NUL anywhere. */
	memcpy(buf, "GET / HTTP/1.1\r\nA: \0\r\n\r\n", 25);
	is_int(pf_http_request_parse(buf, 25, path), 400, "NUL in a header: 400");
	free(buf);
}

void test_http(void)
{
	addresses();
	requests();
	limits();
}
