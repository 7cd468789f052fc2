// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's HTTP side. One request per connection, answered whole from
 * memory: a client costs one slot of PF_HTTP_MAX_CLIENTS and its fixed
 * buffer, never more, and is closed at its deadline whatever it does
 * (slowloris). When every slot is taken the oldest client makes room, so
 * idle connections cannot lock a scraper or a health check out.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

#define TAG_LISTEN	0xffff
#define TAG_TIMER	0xfffe
#define LINGER_MS	1000	/* after the answer: drain what the client still sends */

int pf_http_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *port;
	size_t hlen;
	uint32_t p = 0;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			return -EINVAL;
		s++;
		port = colon + 2;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		port = colon + 1;
	}
	hlen = (size_t)(colon - s);
	if (hlen == 0 || hlen >= sizeof(host) || !*port || strlen(port) > 5)
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	for (const char *d = port; *d; d++) {
		if (*d < '0' || *d > '9')
			return -EINVAL;
		p = p * 10 + (uint32_t)(*d - '0');
	}
	if (p == 0 || p > 65535)
		return -EINVAL;
	if (s[-1] == '[' && inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*in6);
		return 0;
	}
	if (s[-1] != '[' && inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)p);
		*len = sizeof(*in);
		return 0;
	}
	return -EINVAL;
}

/* The request line and header block must be plain visible ASCII. */
static bool bad_byte(unsigned char ch)
{
	return (ch < 0x20 && ch != '\r' && ch != '\n' && ch != '\t') || ch >= 0x7f;
}

/* What can be refused before the request is complete. */
static int parse_early(const char *buf, size_t len)
{
	size_t i, lines = 0;
	const char *eol;

	for (i = 0; i < len && buf[i] != ' '; i++)
		if (buf[i] < 'A' || buf[i] > 'Z' || i >= 16)
			return 400;
	for (i = 0; i < len; i++) {
		if (bad_byte((unsigned char)buf[i]))
			return 400;
		lines += buf[i] == '\n';
	}
	eol = memchr(buf, '\n', len);
	if (!eol && len > PF_HTTP_MAX_PATH + 32)
		return 414;
	if (lines > PF_HTTP_MAX_HEADERS + 2)	/* request line, headers, blank */
		return 431;
	return 0;
}

static int parse_request_line(const char *line, size_t len, char path[PF_HTTP_MAX_PATH])
{
	const char *sp1 = memchr(line, ' ', len), *sp2, *q;
	size_t plen;

	if (!sp1)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line));
	if (!sp2 || sp2 == sp1 + 1)
		return 400;
	if ((size_t)(sp1 - line) != 3 || memcmp(line, "GET", 3))
		return 405;
	if (sp1[1] != '/')
		return 400;
	q = memchr(sp1 + 1, '?', (size_t)(sp2 - sp1 - 1));
	plen = (size_t)((q ? q : sp2) - (sp1 + 1));
	if (plen >= PF_HTTP_MAX_PATH)
		return 414;
	for (const char *p = sp1 + 1; p < sp2; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return 400;
	len -= (size_t)(sp2 + 1 - line);
	if (len != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) || (sp2[8] != '0' && sp2[8] != '1'))
		return len >= 5 && !memcmp(sp2 + 1, "HTTP/", 5) ? 505 : 400;
	memcpy(path, sp1 + 1, plen);
	path[plen] = '\0';
	return 200;
}

/* "Name: value"; no folded lines (RFC 9112 5.2), no space before the colon. */
static bool header_ok(const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);

	if (!colon || colon == line || line[0] == ' ' || line[0] == '\t')
		return false;
	for (const char *p = line; p < colon; p++)
		if (*p == ' ' || *p == '\t')
			return false;
	return true;
}

/* One line without its "\n" or "\r\n"; *next past it. */
static size_t line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = (size_t)(nl - p);

	*next = nl + 1;
	return n && p[n - 1] == '\r' ? n - 1 : n;
}

int pf_http_request_parse(const char *buf, size_t len, char path[PF_HTTP_MAX_PATH])
{
	const char *p = buf, *end, *next;
	size_t n;
	int st;

	st = parse_early(buf, len);
	if (st)
		return st;
	end = memmem(buf, len, "\r\n\r\n", 4);
	if (end) {
		end += 4;
	} else {
		end = memmem(buf, len, "\n\n", 2);
		end = end ? end + 2 : NULL;
	}
	if (!end)
		return len >= PF_HTTP_MAX_REQUEST ? 431 : 0;
	n = line_len(p, end, &next);
	st = parse_request_line(p, n, path);
	if (st != 200)
		return st;
	for (p = next; p < end; p = next) {
		n = line_len(p, end, &next);
		if (n == 0)
			break;
		if (!header_ok(p, n))
			return 400;
	}
	return 200;
}

enum client_state { C_FREE, C_READ, C_WRITE, C_LINGER };

struct client {
	enum client_state state;
	int fd;
	uint64_t deadline;	/* ms, CLOCK_MONOTONIC */
	size_t len;
	char *out;
	size_t out_len, out_off;
	char req[PF_HTTP_MAX_REQUEST];
};

struct pf_http {
	int epfd, lfd, tfd;
	pf_http_handler handler;
	void *arg;
	struct client cl[PF_HTTP_MAX_CLIENTS];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The timer fires at the earliest deadline; disarmed with no client. */
static void rearm(struct pf_http *h)
{
	struct itimerspec its = { 0 };
	uint64_t first = UINT64_MAX;

	for (int i = 0; i < PF_HTTP_MAX_CLIENTS; i++)
		if (h->cl[i].state != C_FREE && h->cl[i].deadline < first)
			first = h->cl[i].deadline;
	if (first != UINT64_MAX) {
		its.it_value.tv_sec = (time_t)(first / 1000);
		its.it_value.tv_nsec = (long)(first % 1000) * 1000000 + 1;
	}
	timerfd_settime(h->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void drop(struct pf_http *h, int i)
{
	struct client *cl = &h->cl[i];

	epoll_ctl(h->epfd, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	free(cl->out);
	cl->out = NULL;
	cl->state = C_FREE;
	cl->fd = -1;
}

static int watch(struct pf_http *h, int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = PF_HTTP_TAG | tag };

	return epoll_ctl(h->epfd, op, fd, &ev) ? -errno : 0;
}

static int free_slot(struct pf_http *h)
{
	int oldest = 0;

	for (int i = 0; i < PF_HTTP_MAX_CLIENTS; i++) {
		if (h->cl[i].state == C_FREE)
			return i;
		if (h->cl[i].deadline < h->cl[oldest].deadline)
			oldest = i;
	}
	drop(h, oldest);
	return oldest;
}

static void on_accept(struct pf_http *h)
{
	/* A burst is taken a slot's worth at a time; the rest wait their turn. */
	for (int n = 0; n < PF_HTTP_MAX_CLIENTS; n++) {
		int fd = accept4(h->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), i;

		if (fd < 0)
			break;
		i = free_slot(h);
		h->cl[i] = (struct client){ .state = C_READ, .fd = fd,
					    .deadline = now_ms() + PF_HTTP_TIMEOUT_MS };
		if (watch(h, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP, (uint64_t)i)) {
			close(fd);
			h->cl[i].state = C_FREE;
		}
	}
	rearm(h);
}

static const char *reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	}
	return "Internal Server Error";
}

static void on_write(struct pf_http *h, int i)
{
	struct client *cl = &h->cl[i];

	while (cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			drop(h, i);
			return;
		}
		cl->out_off += (size_t)n;
	}
	/* Close only when the client has read all: an early close would reset it. */
	shutdown(cl->fd, SHUT_WR);
	cl->state = C_LINGER;
	if (cl->deadline > now_ms() + LINGER_MS)
		cl->deadline = now_ms() + LINGER_MS;
	watch(h, EPOLL_CTL_MOD, cl->fd, EPOLLIN | EPOLLRDHUP, (uint64_t)i);
	rearm(h);
}

static void respond(struct pf_http *h, int i, int status, const char *path)
{
	struct pf_http_resp r = { .status = status, .ctype = "text/plain; charset=utf-8" };
	struct client *cl = &h->cl[i];
	char head[256];
	int hl;

	if (status == 200)
		h->handler(h->arg, path, &r);
	if (!r.body && r.status != 200 && asprintf(&r.body, "%s\n", reason_phrase(r.status)) < 0)
		r.body = NULL;
	r.len = !r.body ? 0 : r.len ? r.len : strlen(r.body);
	hl = snprintf(head, sizeof(head),
		      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
		      "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
		      r.status, reason_phrase(r.status), r.ctype, r.len,
		      r.status == 405 ? "Allow: GET\r\n" : "");
	cl->out = malloc((size_t)hl + r.len);
	if (!cl->out) {
		free(r.body);
		drop(h, i);
		return;
	}
	memcpy(cl->out, head, (size_t)hl);
	if (r.len)
		memcpy(cl->out + hl, r.body, r.len);
	free(r.body);
	cl->out_len = (size_t)hl + r.len;
	cl->out_off = 0;
	cl->state = C_WRITE;
	watch(h, EPOLL_CTL_MOD, cl->fd, EPOLLOUT, (uint64_t)i);
	on_write(h, i);
}

static void on_read(struct pf_http *h, int i)
{
	struct client *cl = &h->cl[i];
	char path[PF_HTTP_MAX_PATH], sink[4096];
	ssize_t n;
	int st;

	if (cl->state == C_LINGER) {
		n = recv(cl->fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN))
			drop(h, i);
		return;
	}
	n = recv(cl->fd, cl->req + cl->len, sizeof(cl->req) - cl->len, MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		drop(h, i);
		return;
	}
	cl->len += (size_t)n;
	st = pf_http_request_parse(cl->req, cl->len, path);
	if (st)
		respond(h, i, st, path);
}

static void on_timer(struct pf_http *h)
{
	uint64_t now = now_ms(), ticks;

	if (read(h->tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	for (int i = 0; i < PF_HTTP_MAX_CLIENTS; i++)
		if (h->cl[i].state != C_FREE && h->cl[i].deadline <= now)
			drop(h, i);
	rearm(h);
}

void pf_http_event(struct pf_http *h, uint64_t tag, uint32_t events)
{
	uint64_t idx = tag & ~PF_HTTP_TAG;

	if (idx == TAG_LISTEN)
		on_accept(h);
	else if (idx == TAG_TIMER)
		on_timer(h);
	else if (idx < PF_HTTP_MAX_CLIENTS && h->cl[idx].state == C_WRITE && (events & EPOLLOUT))
		on_write(h, (int)idx);
	else if (idx < PF_HTTP_MAX_CLIENTS && h->cl[idx].state != C_FREE && (events & EPOLLIN))
		on_read(h, (int)idx);
	else if (idx < PF_HTTP_MAX_CLIENTS && h->cl[idx].state != C_FREE)
		drop(h, (int)idx);	/* hang-up or error */
}

static int listen_on(const struct sockaddr_storage *addr, socklen_t len)
{
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)addr, len) || listen(fd, PF_HTTP_MAX_CLIENTS)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int pf_http_open(struct pf_http **hp, int epfd, const struct sockaddr_storage *addr,
		 socklen_t len, pf_http_handler handler, void *arg)
{
	struct pf_http *h = calloc(1, sizeof(*h));
	int err;

	if (!h)
		return -ENOMEM;
	h->epfd = epfd;
	h->handler = handler;
	h->arg = arg;
	h->tfd = -1;
	for (int i = 0; i < PF_HTTP_MAX_CLIENTS; i++)
		h->cl[i].fd = -1;
	h->lfd = listen_on(addr, len);
	if (h->lfd < 0) {
		err = h->lfd;
		free(h);
		return err;
	}
	h->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (h->tfd < 0 || watch(h, EPOLL_CTL_ADD, h->lfd, EPOLLIN, TAG_LISTEN) ||
	    watch(h, EPOLL_CTL_ADD, h->tfd, EPOLLIN, TAG_TIMER)) {
		err = -errno;
		pf_http_close(h);
		return err ? err : -EIO;
	}
	*hp = h;
	return 0;
}

void pf_http_close(struct pf_http *h)
{
	if (!h)
		return;
	for (int i = 0; i < PF_HTTP_MAX_CLIENTS; i++)
		if (h->cl[i].state != C_FREE)
			drop(h, i);
	if (h->tfd >= 0)
		close(h->tfd);
	close(h->lfd);
	free(h);
}
