// SPDX-License-Identifier: GPL-2.0
/*
 * The relay's peers resolved off the agent's loop. getaddrinfo() blocks for
 * as long as the resolver's timeouts say; getaddrinfo_a() would not, but it
 * runs a thread per request anyway and signals completion through a signal
 * or a thread of its own. One plain thread, a mutex and an eventfd are
 * simpler to reason about: the loop only ever takes a finished set.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "relay_peers.h"

struct pf_resolver {
	struct pf_relay cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool kicked, stop, fresh;
	int efd;
	struct pf_peer_set all, targets;	/* under lock: the newest round */
};

bool pf_peer_set_has(const struct pf_peer_set *s, const struct pf_addr *a)
{
	size_t len = a->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].family == a->family && !memcmp(s->v[i].bytes, a->bytes, len))
			return true;
	return false;
}

static void add(struct pf_peer_set *s, const struct pf_addr *a)
{
	if (s->n < PF_PEER_ADDRS_MAX && !pf_peer_set_has(s, a))
		s->v[s->n++] = *a;
}

static bool from_sockaddr(const struct sockaddr *sa, struct pf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa && sa->sa_family == AF_INET) {
		a->family = AF_INET;
		memcpy(a->bytes, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		a->family = AF_INET6;
		memcpy(a->bytes, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	}
	return a->family != 0;
}

static void resolve_name(const char *name, struct pf_peer_set *all)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res, *ai;
	struct pf_addr a;

	if (getaddrinfo(name, NULL, &hints, &res))
		return;		/* a name that does not resolve now adds nobody */
	for (ai = res; ai; ai = ai->ai_next)
		if (from_sockaddr(ai->ai_addr, &a))
			add(all, &a);
	freeaddrinfo(res);
}

/* One round: every peer's addresses, then those that are not ours. */
static void round_of(const struct pf_relay *cfg, bool dns, struct pf_peer_set *all,
		     struct pf_peer_set *targets)
{
	struct ifaddrs *ifa = NULL, *i;
	struct pf_peer_set own = { 0 };
	struct pf_addr a;

	all->n = targets->n = 0;
	for (unsigned int p = 0; p < cfg->n_peers; p++) {
		if (!cfg->peers[p].dns)
			add(all, &cfg->peers[p].addr);
		else if (dns)
			resolve_name(cfg->peers[p].name, all);
	}
	if (getifaddrs(&ifa) == 0)
		for (i = ifa; i; i = i->ifa_next)
			if (from_sockaddr(i->ifa_addr, &a))
				add(&own, &a);
	freeifaddrs(ifa);
	for (size_t k = 0; k < all->n; k++)
		if (!pf_peer_set_has(&own, &all->v[k]))
			targets->v[targets->n++] = all->v[k];
}

static void *run(void *arg)
{
	struct pf_resolver *r = arg;
	struct pf_peer_set *all = malloc(sizeof(*all)), *targets = malloc(sizeof(*targets));
	uint64_t one = 1;
	ssize_t w;

	if (!all || !targets)
		goto out;
	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		struct timespec until;

		pthread_mutex_unlock(&r->lock);
		round_of(&r->cfg, true, all, targets);
		pthread_mutex_lock(&r->lock);
		r->all = *all;
		r->targets = *targets;
		r->fresh = true;
		/* A full counter means a wake-up is pending anyway. */
		w = write(r->efd, &one, sizeof(one));
		(void)w;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += PF_RESOLVE_EVERY_S;
		while (!r->stop && !r->kicked &&
		       pthread_cond_timedwait(&r->wake, &r->lock, &until) != ETIMEDOUT)
			;
		r->kicked = false;
	}
	pthread_mutex_unlock(&r->lock);
out:
	free(all);
	free(targets);
	return NULL;
}

int pf_resolver_start(struct pf_resolver **out, const struct pf_relay *cfg,
		      struct pf_peer_set *all, struct pf_peer_set *targets, int *fd)
{
	struct pf_resolver *r = calloc(1, sizeof(*r));
	pthread_condattr_t ca;
	int err;

	if (!r)
		return -ENOMEM;
	r->cfg = *cfg;
	round_of(cfg, false, all, targets);
	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->efd < 0) {
		err = -errno;
		free(r);
		return err;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->wake, &ca);
	pthread_condattr_destroy(&ca);
	err = -pthread_create(&r->thread, NULL, run, r);
	if (err) {
		close(r->efd);
		free(r);
		return err;
	}
	*fd = r->efd;
	*out = r;
	return 0;
}

void pf_resolver_kick(struct pf_resolver *r)
{
	pthread_mutex_lock(&r->lock);
	r->kicked = true;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
}

bool pf_resolver_take(struct pf_resolver *r, struct pf_peer_set *all,
		      struct pf_peer_set *targets)
{
	uint64_t n;
	bool fresh;

	if (read(r->efd, &n, sizeof(n)) < 0)
		n = 0;
	pthread_mutex_lock(&r->lock);
	fresh = r->fresh;
	if (fresh) {
		*all = r->all;
		*targets = r->targets;
		r->fresh = false;
	}
	pthread_mutex_unlock(&r->lock);
	return fresh;
}

void pf_resolver_stop(struct pf_resolver *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	close(r->efd);
	free(r);
}
