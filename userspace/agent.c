// SPDX-License-Identifier: GPL-2.0
/*
 * `pmtufix agent`: apply a file, then keep it true. One thread, one epoll
 * loop that blocks without a timeout when nothing happens: signals come
 * through a signalfd, changes through netlink notifications (watch.c),
 * bursts of them are folded by a short timer, and the HTTP side (http.c)
 * lives in the same loop with bounded work per event.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "connect.h"
#include "http.h"
#include "reconcile.h"
#include "relay_agent.h"
#include "watch.h"

#define PF_AGENT_CONFIG "/etc/pmtufix/pmtufix.conf"

const char pf_usage_agent[] =
	"Usage: pmtufix agent [ --config FILE ] [ --listen ADDR:PORT ] [ --down-on-exit ]\n"
	"Applies FILE (default " PF_AGENT_CONFIG ", the format of 'apply'), then\n"
	"applies it again whenever nftables, links, addresses, routes or the module\n"
	"change what it set up. SIGHUP re-reads FILE; SIGTERM leaves the state in place\n"
	"unless --down-on-exit (which also turns the relay off). HTTP on ADDR:PORT\n"
	"(default " PF_HTTP_DEFAULT_LISTEN ", [ADDR6]:PORT for IPv6): /metrics (Prometheus)\n"
	"and /healthz. A 'relay set' line with peers, on the module backend: the\n"
	"agent relays errors over UDP (default port 9884) through device " PF_RELAY_IFNAME ".\n";

#define DEBOUNCE_MS	100	/* a burst of notifications: one look */
#define BACKOFF_MAX_MS	5000	/* after failed applies, looks slow down to this */

enum { TAG_SIGNAL = 1, TAG_TIMER, TAG_WATCH, TAG_RELAY = TAG_WATCH + PF_WATCH_MAX };

struct agent {
	struct pf_ctx *c;
	const char *file, *listen;
	bool down_on_exit;
	struct pf_desired want;
	int epfd, sfd, tfd, nfd;
	struct pf_watch w;
	struct pf_http *http;
	struct pf_relay_agent *relay;	/* NULL: the file has no relay for the agent */
	unsigned int pending;		/* 1 << enum pf_cause */
	bool armed, stop;
	unsigned int delay_ms;
	struct pf_agent_metrics m;
	char problem[384];
	char relay_problem[256];	/* the relay line cannot run: /healthz says so */
};

/* One line per action on stderr, as journald takes it. */
static void say(struct agent *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct agent *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("pmtufix agent: ", a->c->err);
	vfprintf(a->c->err, fmt, ap);
	fputc('\n', a->c->err);
	fflush(a->c->err);
	va_end(ap);
}

/* Every bad line goes to the log; d is filled only when there is none. */
static int load(struct agent *a, struct pf_desired *d)
{
	FILE *in = fopen(a->file, "re");
	int bad;

	if (!in) {
		say(a, "cannot open %s: %s", a->file, strerror(errno));
		return -1;
	}
	bad = pf_conf_parse(in, a->file, d, a->c->err);
	fclose(in);
	if (bad < 0)
		say(a, "cannot read %s: %s", a->file, strerror(-bad));
	else if (bad > 0)
		say(a, "%s: %d error%s", a->file, bad, bad == 1 ? "" : "s");
	if (bad)
		pf_desired_free(d);
	return bad ? -1 : 0;
}

static void arm(struct agent *a, unsigned int ms)
{
	struct itimerspec its = { .it_value = { .tv_sec = ms / 1000,
						.tv_nsec = (long)(ms % 1000) * 1000000 } };

	timerfd_settime(a->tfd, 0, &its, NULL);
	a->armed = true;
}

static void schedule(struct agent *a, enum pf_cause cause)
{
	a->pending |= 1u << cause;
	if (!a->armed)
		arm(a, a->delay_ms);
}

/*
 * The module came or went: open the backend again (its family id changes on
 * every load). With the default choice that is also the move between the
 * module and nft. true when the backend changed.
 */
static bool reconnect(struct agent *a)
{
	const char *before = pf_rc_backend_name(a->c);

	if (a->c->choice == PF_BACKEND_NFT)
		return false;
	pf_disconnect(a->c);
	if (pf_connect(a->c)) {
		say(a, "no backend: %s", a->c->choice == PF_BACKEND_MODULE ?
		    "the pmtufix module is not loaded" : "neither the module nor nft opened");
		return false;
	}
	if (strcmp(before, pf_rc_backend_name(a->c)) == 0)
		return false;
	say(a, "the pmtufix module %s: moving from the %s backend to %s",
	    a->c->ops == &pf_backend_module ? "appeared" : "went away", before,
	    pf_rc_backend_name(a->c));
	return true;
}

static void healthy(struct agent *a)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	a->m.healthy = true;
	a->m.last_reconcile = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	a->problem[0] = '\0';
	a->delay_ms = DEBOUNCE_MS;
	/* The rest is in place; a relay the file asks for and that cannot run is not. */
	if (a->relay_problem[0]) {
		a->m.healthy = false;
		snprintf(a->problem, sizeof(a->problem), "%s", a->relay_problem);
	}
}

static void unhealthy(struct agent *a, const char *why)
{
	a->m.healthy = false;
	snprintf(a->problem, sizeof(a->problem), "%s", why);
	a->delay_ms = a->delay_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : a->delay_ms * 2;
}

static bool can_relay(const struct agent *a)
{
	return a->c->ops && a->c->ops->relay_set && a->c->ops->relay_capture;
}

/*
 * What the backend is to hold of the file: a backend that cannot relay gets
 * the rest (relay_start() says what is missing); the relay device is the
 * one the agent has open, if any.
 */
static struct pf_desired effective(const struct agent *a)
{
	struct pf_desired d = a->want;

	if (!can_relay(a))
		d.has_relay = false;
	d.relay.ifindex = a->relay ? pf_ra_ifindex(a->relay) : 0;
	return d;
}

/* Apply, and say whether that put the state in place. */
static void repair(struct agent *a, const char *why, bool moved)
{
	char said[256], after[256], problem[sizeof(a->problem)];
	struct pf_desired want = effective(a);
	bool failed;
	int st;

	say(a, "%s: applying %s on the %s backend", why, a->file, pf_rc_backend_name(a->c));
	a->m.applies++;
	failed = pf_rc_apply(a->c, &want, a->file, said, sizeof(said)) != PF_EXIT_OK;
	/*
	 * What the apply changed is queued as notifications already: they are
	 * ours, and the check below sees the result. Counting them as drift
	 * would make a failing apply trigger itself again.
	 */
	pf_watch_read(&a->w, PF_WATCH_RT);
	pf_watch_read(&a->w, PF_WATCH_NFT);
	after[0] = '\0';
	st = pf_rc_check(a->c, &want, after, sizeof(after));
	if (failed || st) {
		if (failed)
			snprintf(problem, sizeof(problem), "applying %s failed: %s", a->file,
				 said[0] ? said : after);
		else
			snprintf(problem, sizeof(problem), "after applying %s: %s", a->file, after);
		a->m.failures++;
		say(a, "not in place: %s", problem);
		unhealthy(a, problem);
		return;
	}
	say(a, "in place on the %s backend", pf_rc_backend_name(a->c));
	healthy(a);
	if (moved && a->c->ops == &pf_backend_module) {
		int what = pf_rc_nft_remove();

		if (what > 0)
			say(a, "removed the nft backend's table and routing");
		else if (what < 0)
			say(a, "cannot remove the nft backend's table: %s", strerror(-what));
	}
}

/*
 * The relay's agent part, when the file has a relay line with peers and the
 * backend relays. Without peers the module part alone is applied: the
 * module hands errors to a group nobody reads (counted as undelivered).
 */
static void relay_start(struct agent *a)
{
	char why[256] = "";

	a->relay_problem[0] = '\0';
	if (!a->want.has_relay || !a->want.relay.n_prefixes)
		return;
	if (!can_relay(a)) {
		snprintf(a->relay_problem, sizeof(a->relay_problem),
			 "relay: the %s backend does not relay errors; the rest of the file is applied",
			 pf_rc_backend_name(a->c));
		say(a, "%s", a->relay_problem);
		return;
	}
	if (!a->want.relay.n_peers) {
		say(a, "relay: the file names no peers: errors are neither sent nor received");
		return;
	}
	if (pf_ra_open(&a->relay, &a->want.relay, a->c->ops->relay_capture, a->epfd, TAG_RELAY, why,
		       sizeof(why))) {
		say(a, "%s", why);
		snprintf(a->relay_problem, sizeof(a->relay_problem), "%s", why);
		pf_ra_close(a->relay);
		a->relay = NULL;
		return;
	}
	say(a, "relay: device %s (ifindex %u), UDP port %u, %u peer%s", PF_RELAY_IFNAME,
	    pf_ra_ifindex(a->relay), a->want.relay.port, a->want.relay.n_peers,
	    a->want.relay.n_peers == 1 ? "" : "s");
}

static void relay_stop(struct agent *a)
{
	pf_ra_close(a->relay);
	a->relay = NULL;
	a->relay_problem[0] = '\0';
}

/*
 * The backend came back or changed. A reloaded module has a new family id
 * and groups: the relay opens its capture again; a backend of another kind
 * starts the relay again there (or says why it cannot).
 */
static void relay_follow(struct agent *a)
{
	int err;

	if (!a->c->ops)
		return;
	if (a->relay && can_relay(a) && pf_ra_capture_ops(a->relay) == a->c->ops->relay_capture) {
		err = pf_ra_rejoin(a->relay);
		if (err)
			say(a, "relay: cannot listen for the errors to relay: %s", strerror(-err));
		return;
	}
	relay_stop(a);
	relay_start(a);
}

/* Everything of the relay line but the device the agent made. */
static bool relay_same(const struct pf_relay *x, const struct pf_relay *y)
{
	return pf_relay_module_equal(x, y) && x->n_peers == y->n_peers && x->port == y->port &&
	       !memcmp(x->peers, y->peers, x->n_peers * sizeof(x->peers[0])) &&
	       !memcmp(&x->listen, &y->listen, sizeof(x->listen));
}

static void reconcile(struct agent *a)
{
	unsigned int pending = a->pending;
	struct pf_desired want;
	bool moved = false;
	char why[256];
	int st;

	a->pending = 0;
	for (int i = 0; i < PF_CAUSE_MAX; i++)
		if (pending & 1u << i)
			a->m.reconciles[i]++;
	if (pending & 1u << PF_CAUSE_MODULE) {
		moved = reconnect(a);
		relay_follow(a);
	}
	why[0] = '\0';
	want = effective(a);
	st = pf_rc_check(a->c, &want, why, sizeof(why));
	if (st == 0 && !moved) {
		healthy(a);
		return;
	}
	if (st < 0 && !a->c->ops) {
		unhealthy(a, why);
		return;
	}
	repair(a, moved ? "the backend changed" : why, moved);
}

static void reload(struct agent *a)
{
	struct pf_desired d;

	say(a, "SIGHUP: reading %s", a->file);
	if (load(a, &d)) {
		a->m.reloads_failed++;
		say(a, "%s is not valid: the running state stays as it is", a->file);
		return;
	}
	if (a->relay && d.has_relay && relay_same(&d.relay, &a->want.relay)) {
		pf_ra_resolve(a->relay);
		pf_desired_free(&a->want);
		a->want = d;
	} else {
		relay_stop(a);
		pf_desired_free(&a->want);
		a->want = d;
		relay_start(a);
	}
	schedule(a, PF_CAUSE_RELOAD);
}

static void on_signal(struct agent *a)
{
	struct signalfd_siginfo si;

	while (read(a->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload(a);
		} else {
			say(a, "%s: stopping", strsignal((int)si.ssi_signo));
			a->stop = true;
		}
	}
}

static void on_timer(struct agent *a)
{
	uint64_t ticks;

	if (read(a->tfd, &ticks, sizeof(ticks)) < 0)
		return;
	a->armed = false;
	reconcile(a);
}

static void on_watch(struct agent *a, enum pf_watch_sock which)
{
	unsigned int chg = pf_watch_read(&a->w, which);

	if (chg & PF_CHG_NFT)
		schedule(a, PF_CAUSE_NFTABLES);
	if (chg & PF_CHG_NET)
		schedule(a, PF_CAUSE_NETWORK);
	if (chg & PF_CHG_FAMILY)
		schedule(a, PF_CAUSE_MODULE);
}

static void metrics_body(struct agent *a, struct pf_http_resp *r)
{
	struct pf_metrics m = { .agent = &a->m,
				.relay_agent = a->relay ? pf_ra_counters(a->relay) : NULL };
	struct pf_stats st;
	FILE *f;

	/* A backend that cannot be read leaves its metrics out, not the agent's. */
	if (pf_rc_collect(a->c, &m, &st))
		m.stats = NULL;
	f = open_memstream(&r->body, &r->len);
	if (f) {
		pf_metrics_write(f, &m);
		fclose(f);
	}
	pf_rc_metrics_free(&m, &st);
	r->ctype = PF_METRICS_CTYPE;
	r->status = f ? 200 : 500;
}

static void serve(void *arg, const char *path, struct pf_http_resp *r)
{
	struct agent *a = arg;

	if (!strcmp(path, "/metrics")) {
		metrics_body(a, r);
	} else if (!strcmp(path, "/healthz")) {
		r->status = a->m.healthy ? 200 : 503;
		if (asprintf(&r->body, "%s\n", a->m.healthy ? "ok" : a->problem) < 0)
			r->body = NULL;
		r->len = r->body ? strlen(r->body) : 0;
	} else {
		r->status = 404;
	}
}

static void dispatch(struct agent *a, const struct epoll_event *ev)
{
	uint64_t tag = ev->data.u64;

	if (tag & PF_HTTP_TAG)
		pf_http_event(a->http, tag, ev->events);
	else if (tag == TAG_SIGNAL)
		on_signal(a);
	else if (tag == TAG_TIMER)
		on_timer(a);
	else if (tag >= TAG_WATCH && tag < TAG_WATCH + PF_WATCH_MAX)
		on_watch(a, (enum pf_watch_sock)(tag - TAG_WATCH));
	else if (a->relay && tag >= TAG_RELAY && tag < TAG_RELAY + PF_RA_TAGS)
		pf_ra_event(a->relay, tag);
}

static int loop(struct agent *a)
{
	struct epoll_event ev[16];

	while (!a->stop) {
		int n = epoll_wait(a->epfd, ev, 16, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say(a, "epoll: %s", strerror(errno));
			return PF_EXIT_FAIL;
		}
		for (int i = 0; i < n; i++)
			dispatch(a, &ev[i]);
	}
	return PF_EXIT_OK;
}

static int add_fd(struct agent *a, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(a->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Signals are blocked and read from a descriptor: none is lost or late. */
static int open_loop(struct agent *a)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	a->epfd = epoll_create1(EPOLL_CLOEXEC);
	a->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	a->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (a->epfd < 0 || a->sfd < 0 || a->tfd < 0 || add_fd(a, a->sfd, TAG_SIGNAL) ||
	    add_fd(a, a->tfd, TAG_TIMER))
		return -errno;
	return 0;
}

static int open_sources(struct agent *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int err;

	err = open_loop(a);
	if (err) {
		say(a, "cannot set up the event loop: %s", strerror(-err));
		return err;
	}
	err = pf_watch_open(&a->w);
	for (int i = 0; !err && i < PF_WATCH_MAX; i++)
		if (add_fd(a, pf_watch_fd(&a->w, (enum pf_watch_sock)i), TAG_WATCH + (uint64_t)i))
			err = -errno;
	if (err) {
		say(a, "cannot subscribe to netlink notifications: %s", strerror(-err));
		return err;
	}
	pf_http_parse_addr(a->listen, &ss, &len);
	err = pf_http_open(&a->http, a->epfd, &ss, len, serve, a);
	if (err)
		say(a, "cannot listen on %s: %s", a->listen, strerror(-err));
	return err;
}

static void close_sources(struct agent *a)
{
	int fds[] = { a->epfd, a->sfd, a->tfd, a->nfd };

	relay_stop(a);
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	pf_http_close(a->http);
	pf_watch_close(&a->w);
}

/*
 * systemd's readiness datagram (sd_notify(3)), opened before entering the
 * namespace: an abstract socket name is per network namespace.
 */
static void notify_open(struct agent *a)
{
	a->nfd = getenv("NOTIFY_SOCKET") ? socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) : -1;
}

static void notify(struct agent *a, const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = path ? strlen(path) : 0;

	if (a->nfd < 0 || len < 2 || len >= sizeof(sa.sun_path) || (path[0] != '/' && path[0] != '@'))
		return;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	if (sendto(a->nfd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		say(a, "cannot notify systemd: %s", strerror(errno));
}

static int parse_args(struct agent *a, int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;

	for (int i = 0; i < argc; i++) {
		bool has_arg = i + 1 < argc;

		if (!strcmp(argv[i], "--config") && has_arg)
			a->file = argv[++i];
		else if (!strcmp(argv[i], "--listen") && has_arg)
			a->listen = argv[++i];
		else if (!strcmp(argv[i], "--down-on-exit"))
			a->down_on_exit = true;
		else if (!strcmp(argv[i], "--config") || !strcmp(argv[i], "--listen"))
			return pf_usage_error(a->c, pf_usage_agent, "agent: %s needs an argument",
					      argv[i]);
		else
			return pf_usage_error(a->c, pf_usage_agent, "agent: unexpected '%s'", argv[i]);
	}
	if (pf_http_parse_addr(a->listen, &ss, &len))
		return pf_usage_error(a->c, pf_usage_agent, "agent: --listen: '%s' is not "
				      "ADDR:PORT or [ADDR6]:PORT", a->listen);
	return PF_EXIT_OK;
}

static int start(struct agent *a)
{
	if (load(a, &a->want)) {
		say(a, "%s is not valid: nothing was applied", a->file);
		return PF_EXIT_USAGE;
	}
	notify_open(a);
	if (pf_connect(a->c) || open_sources(a))
		return PF_EXIT_FAIL;
	say(a, "started: backend %s, file %s, http on %s", pf_rc_backend_name(a->c), a->file,
	    a->listen);
	relay_start(a);
	a->pending = 1u << PF_CAUSE_START;
	reconcile(a);
	notify(a, "READY=1");
	return PF_EXIT_OK;
}

static void finish(struct agent *a)
{
	notify(a, "STOPPING=1");
	if (a->down_on_exit) {
		say(a, "--down-on-exit: taking down what the %s backend has",
		    pf_rc_backend_name(a->c));
		if (pf_rc_down(a->c) == PF_EXIT_OK)
			say(a, "down");
	} else {
		say(a, "the state stays in place");
	}
}

int pf_cmd_agent(struct pf_ctx *c, int argc, char **argv)
{
	struct agent a = { .c = c, .file = PF_AGENT_CONFIG, .listen = PF_HTTP_DEFAULT_LISTEN,
			   .delay_ms = DEBOUNCE_MS,
			   .epfd = -1, .sfd = -1, .tfd = -1, .nfd = -1 };
	int ret;

	if (pf_is_help(argc, argv))
		return pf_help(pf_usage_agent);
	ret = parse_args(&a, argc, argv);
	if (ret)
		return ret;
	ret = start(&a);
	if (!ret)
		ret = loop(&a);
	if (!ret)
		finish(&a);
	close_sources(&a);
	pf_desired_free(&a.want);
	return ret;
}
