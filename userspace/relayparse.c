// SPDX-License-Identifier: GPL-2.0
/* The grammar of `relay set`: prefixes, peers, port, rate, burst, listen. */

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pmtufix.h"
#include "parse.h"
#include "relayparse.h"


/* The next comma-separated item of *s into buf; false at the end. */
static bool next_item(const char **s, char *buf, size_t len, bool *toolong)
{
	const char *p = *s, *comma;
	size_t n;

	if (!p)
		return false;
	comma = strchr(p, ',');
	n = comma ? (size_t)(comma - p) : strlen(p);
	*toolong = n >= len;
	if (*toolong)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	*s = comma ? comma + 1 : NULL;
	return true;
}

static int parse_prefixes(const char *val, struct pf_relay *r, char *err, size_t errlen)
{
	char item[PF_PREFIX_STRLEN + 1], why[PF_ERRLEN];
	bool toolong;

	r->n_prefixes = 0;
	while (next_item(&val, item, sizeof(item), &toolong)) {
		struct pf_prefix p;

		if (toolong || pf_parse_prefix(item, &p, why, sizeof(why))) {
			snprintf(err, errlen, "prefixes: %s", toolong ?
				 "a prefix is too long to be one" : why);
			return -1;
		}
		if (r->n_prefixes == PMTUFIX_RELAY_PREFIXES_MAX) {
			snprintf(err, errlen, "prefixes: at most " PF_STR(PMTUFIX_RELAY_PREFIXES_MAX));
			return -1;
		}
		for (unsigned int i = 0; i < r->n_prefixes; i++) {
			if (!pf_prefix_cmp(&r->prefixes[i], &p)) {
				snprintf(err, errlen, "prefixes: %s given twice", item);
				return -1;
			}
		}
		r->prefixes[r->n_prefixes++] = p;
	}
	return 0;
}

/* A DNS name: labels of letters, digits, '-' and '_', 1..63 bytes each. */
static bool valid_name(const char *s)
{
	size_t label = 0, n = strlen(s);

	if (n == 0 || n > PF_RELAY_NAME_MAX)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
		if (++label > 63 || (label == 1 && *p == '-'))
			return false;
	}
	return label > 0;
}

static bool parse_addr(const char *s, struct pf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, a->bytes) == 1)
		a->family = AF_INET6;
	return a->family != 0;
}

static bool same_peer(const struct pf_relay_peer *a, const struct pf_relay_peer *b)
{
	if (a->dns != b->dns)
		return false;
	if (a->dns)
		return !strcmp(a->name, b->name);
	return a->addr.family == b->addr.family && !memcmp(a->addr.bytes, b->addr.bytes, 16);
}

static int parse_peer(const char *item, struct pf_relay_peer *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (!strncmp(item, "dns:", 4)) {
		if (!valid_name(item + 4)) {
			snprintf(err, errlen, "peers: '%s' is not a DNS name", item + 4);
			return -1;
		}
		p->dns = true;
		strcpy(p->name, item + 4);
		return 0;
	}
	if (!parse_addr(item, &p->addr)) {
		snprintf(err, errlen, "peers: '%s' is not an IPv4 or IPv6 address or dns:NAME", item);
		return -1;
	}
	return 0;
}

static int parse_peers(const char *val, struct pf_relay *r, char *err, size_t errlen)
{
	char item[4 + PF_RELAY_NAME_MAX + 2];
	bool toolong;

	r->n_peers = 0;
	while (next_item(&val, item, sizeof(item), &toolong)) {
		struct pf_relay_peer p;

		if (toolong) {
			snprintf(err, errlen, "peers: a peer is too long to be one");
			return -1;
		}
		if (parse_peer(item, &p, err, errlen))
			return -1;
		if (r->n_peers == PF_RELAY_PEERS_MAX) {
			snprintf(err, errlen, "peers: at most " PF_STR(PF_RELAY_PEERS_MAX));
			return -1;
		}
		for (unsigned int i = 0; i < r->n_peers; i++) {
			if (same_peer(&r->peers[i], &p)) {
				snprintf(err, errlen, "peers: %s given twice", item);
				return -1;
			}
		}
		r->peers[r->n_peers++] = p;
	}
	return 0;
}

static int parse_number(const char *key, const char *val, uint32_t max, uint32_t *out,
			char *err, size_t errlen)
{
	if (pf_parse_u32(val, 1, max, out)) {
		snprintf(err, errlen, "%s must be 1..%u, not '%s'", key, max, val);
		return -1;
	}
	return 0;
}

enum { K_PREFIXES, K_PEERS, K_PORT, K_RATE, K_BURST, K_LISTEN, K_N };
static const char *const keys[K_N + 1] = {
	"prefixes", "peers", "port", "rate", "burst", "listen", NULL,
};

static int parse_one(int k, const char *val, struct pf_relay *r, char *err, size_t errlen)
{
	uint32_t port;

	switch (k) {
	case K_PREFIXES:
		return parse_prefixes(val, r, err, errlen);
	case K_PEERS:
		return parse_peers(val, r, err, errlen);
	case K_PORT:
		if (parse_number("port", val, 65535, &port, err, errlen))
			return -1;
		r->port = (uint16_t)port;
		return 0;
	case K_RATE:
		return parse_number("rate", val, PMTUFIX_RELAY_RATE_MAX, &r->rate, err, errlen);
	case K_BURST:
		return parse_number("burst", val, PMTUFIX_RELAY_RATE_MAX, &r->burst, err, errlen);
	default:
		if (pf_matches(val, "any")) {
			memset(&r->listen, 0, sizeof(r->listen));
			return 0;
		}
		if (!parse_addr(val, &r->listen)) {
			snprintf(err, errlen, "listen must be any or an IPv4 or IPv6 address, not '%s'",
				 val);
			return -1;
		}
		return 0;
	}
}

int pf_parse_relay_set(int argc, char *const *argv, struct pf_relay *r,
		       char *err, size_t errlen)
{
	bool seen[K_N] = { false };

	pf_relay_init(r);
	for (int i = 0; i < argc; i += 2) {
		int k = pf_keyword(argv[i], keys);

		if (k < 0) {
			snprintf(err, errlen, "unknown word '%s' (expected prefixes, peers, port, "
				 "rate, burst or listen)", argv[i]);
			return -1;
		}
		if (seen[k]) {
			snprintf(err, errlen, "'%s' given twice", argv[i]);
			return -1;
		}
		seen[k] = true;
		if (i + 1 == argc || !*argv[i + 1]) {
			snprintf(err, errlen, "'%s' needs a value", argv[i]);
			return -1;
		}
		if (parse_one(k, argv[i + 1], r, err, errlen))
			return -1;
	}
	if (!seen[K_PREFIXES]) {
		snprintf(err, errlen, "prefixes are needed (to turn the relay off: relay off)");
		return -1;
	}
	if (!seen[K_BURST])
		r->burst = 2 * r->rate > PMTUFIX_RELAY_RATE_MAX ? PMTUFIX_RELAY_RATE_MAX
								: 2 * r->rate;
	pf_prefix_sort(r->prefixes, r->n_prefixes);
	return 0;
}

void pf_relay_peer_format(const struct pf_relay_peer *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (p->dns)
		snprintf(buf, len, "dns:%s", p->name);
	else if (inet_ntop(p->addr.family, p->addr.bytes, addr, sizeof(addr)))
		snprintf(buf, len, "%s", addr);
	else
		snprintf(buf, len, "?");
}

void pf_relay_write(FILE *out, const struct pf_relay *r)
{
	char buf[4 + PF_RELAY_NAME_MAX + 2];

	fputs("prefixes ", out);
	for (unsigned int i = 0; i < r->n_prefixes; i++) {
		pf_format_prefix(&r->prefixes[i], buf, sizeof(buf));
		fprintf(out, "%s%s", i ? "," : "", buf);
	}
	for (unsigned int i = 0; i < r->n_peers; i++) {
		pf_relay_peer_format(&r->peers[i], buf, sizeof(buf));
		fprintf(out, "%s%s", i ? "," : " peers ", buf);
	}
	if (r->port != PF_RELAY_PORT)
		fprintf(out, " port %u", r->port);
	fprintf(out, " rate %u burst %u", r->rate, r->burst);
	if (r->listen.family && inet_ntop(r->listen.family, r->listen.bytes, buf, sizeof(buf)))
		fprintf(out, " listen %s", buf);
}
