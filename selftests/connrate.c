// SPDX-License-Identifier: GPL-2.0
/*
 * connrate - TCP connection setups per second from one network namespace to
 * another, for benchmarks (python is too slow for this under TCG).
 *
 *   connrate -s SERVER_NS -c CLIENT_NS -a ADDR [-p PORT] [-t SECONDS] [-j THREADS]
 *
 * A listener in SERVER_NS accepts and resets; THREADS clients in CLIENT_NS
 * (default 2) connect to ADDR:PORT and reset, in a loop, for SECONDS
 * (default 3). Resets (SO_LINGER 0) leave no TIME_WAIT behind, so ports do
 * not run out. Each setup is a SYN, a SYN-ACK and an ACK across whatever
 * lies between the namespaces. Prints one line:
 *
 *   conns=N seconds=S rate=R errors=E
 *
 * and exits 0, or 1 when no connection succeeded. Namespaces are names under
 * /run/netns (as "ip netns add" makes them) or paths.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_storage addr;
static socklen_t addrlen;
static int server_ns, client_ns;
static atomic_bool stop;
static atomic_long conns, errors;
static atomic_int first_errno;
static double deadline;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_ns(const char *name)
{
	char path[256];

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static void reset_close(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static void *client(void *arg)
{
	(void)arg;
	if (setns(client_ns, CLONE_NEWNET)) {
		perror("setns client");
		exit(2);
	}
	while (now() < deadline) {
		int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0) {
			atomic_fetch_add(&errors, 1);
			continue;
		}
		/*
		 * ECONNRESET: the handshake completed and the server's reset
		 * came in before this thread saw it; that is a setup too.
		 */
		if (connect(fd, (struct sockaddr *)&addr, addrlen) == 0 || errno == ECONNRESET) {
			atomic_fetch_add(&conns, 1);
		} else {
			int zero = 0;

			atomic_compare_exchange_strong(&first_errno, &zero, errno);
			atomic_fetch_add(&errors, 1);
		}
		reset_close(fd);
	}
	return NULL;
}

static void *server(void *arg)
{
	int lfd = *(int *)arg;
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	while (!atomic_load(&stop)) {
		int fd;

		if (poll(&p, 1, 100) <= 0)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			reset_close(fd);
	}
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "Usage: connrate -s SERVER_NS -c CLIENT_NS -a ADDR [-p PORT] "
			"[-t SECONDS] [-j THREADS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *sns = NULL, *cns = NULL, *a = NULL;
	int port = 5999, threads = 2, one = 1, lfd, opt, i;
	struct sockaddr_in *sin = (struct sockaddr_in *)&addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&addr;
	double seconds = 3, start;
	pthread_t srv, *cli;

	while ((opt = getopt(argc, argv, "s:c:a:p:t:j:")) != -1) {
		switch (opt) {
		case 's': sns = optarg; break;
		case 'c': cns = optarg; break;
		case 'a': a = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 'j': threads = atoi(optarg); break;
		default: usage();
		}
	}
	if (!sns || !cns || !a || threads < 1 || seconds <= 0)
		usage();

	memset(&addr, 0, sizeof(addr));
	if (inet_pton(AF_INET, a, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		addrlen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, a, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		addrlen = sizeof(*sin6);
	} else {
		usage();
	}
	server_ns = open_ns(sns);
	client_ns = open_ns(cns);
	if (server_ns < 0 || client_ns < 0) {
		perror("open netns");
		return 2;
	}

	/* The listener is made in the server's namespace by this thread. */
	if (setns(server_ns, CLONE_NEWNET)) {
		perror("setns server");
		return 2;
	}
	lfd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&addr, addrlen) || listen(lfd, 4096)) {
		perror("listen");
		return 2;
	}
	if (pthread_create(&srv, NULL, server, &lfd))
		return 2;

	cli = calloc(threads, sizeof(*cli));
	start = now();
	deadline = start + seconds;
	for (i = 0; i < threads; i++)
		if (pthread_create(&cli[i], NULL, client, NULL))
			return 2;
	for (i = 0; i < threads; i++)
		pthread_join(cli[i], NULL);
	seconds = now() - start;
	atomic_store(&stop, true);
	pthread_join(srv, NULL);
	close(lfd);

	printf("conns=%ld seconds=%.3f rate=%.1f errors=%ld", atomic_load(&conns), seconds,
	       atomic_load(&conns) / seconds, atomic_load(&errors));
	if (atomic_load(&errors))
		printf(" first_error=%s", strerror(atomic_load(&first_errno)));
	printf("\n");
	return atomic_load(&conns) ? 0 : 1;
}
