/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small HTTP/1.x server for /metrics and /healthz inside the agent's one
 * event loop: non-blocking, GET only, one request per connection, bounded
 * request size, header count and client count, every client closed after
 * a deadline. Everything a client sends is attacker-controlled: nothing it
 * does can block the loop or grow memory past the fixed per-client buffer.
 */
#ifndef PMTUFIX_HTTP_H
#define PMTUFIX_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define PF_HTTP_DEFAULT_LISTEN	"127.0.0.1:9883"
#define PF_HTTP_MAX_REQUEST	8192	/* request line and headers, bytes */
#define PF_HTTP_MAX_HEADERS	64
#define PF_HTTP_MAX_PATH	256
#define PF_HTTP_MAX_CLIENTS	64
#define PF_HTTP_TIMEOUT_MS	5000	/* from accept to the last byte sent */

/* epoll data of the server's descriptors: this bit, then an index. */
#define PF_HTTP_TAG		(1ull << 40)

/* Parse "ADDR:PORT", "[ADDR6]:PORT" (numeric only). 0 or -EINVAL. */
int pf_http_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len);

/*
 * Judge the bytes received so far. 0: incomplete, read more. Otherwise an
 * HTTP status: 200 with path set (no query), or the error to answer with
 * (400, 405, 414, 431, 505).
 */
int pf_http_request_parse(const char *buf, size_t len, char path[PF_HTTP_MAX_PATH]);

struct pf_http_resp {
	int status;
	const char *ctype;
	char *body;		/* malloc'd, freed by the server */
	size_t len;
};

/* Fill resp for a GET of path; called from the event loop. */
typedef void (*pf_http_handler)(void *arg, const char *path, struct pf_http_resp *resp);

struct pf_http;

/* Listen on addr and add the socket to epfd. 0 or -errno. */
int pf_http_open(struct pf_http **h, int epfd, const struct sockaddr_storage *addr,
		 socklen_t len, pf_http_handler handler, void *arg);
void pf_http_close(struct pf_http *h);

/* An epoll event whose data has PF_HTTP_TAG. */
void pf_http_event(struct pf_http *h, uint64_t tag, uint32_t events);

#endif /* PMTUFIX_HTTP_H */
