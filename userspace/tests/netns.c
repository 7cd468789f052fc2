// SPDX-License-Identifier: GPL-2.0
/* A throwaway network namespace for the calling thread. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "netns.h"

/* linux/ipv6.h's, which clashes with netinet/in.h. */
struct tns_in6_ifreq {
	struct in6_addr addr;
	uint32_t prefixlen;
	int ifindex;
};

static int home = -1;

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = -1;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	r = r < 0 ? -errno : 0;
	close(fd);
	return r;
}

/*
 * Loopback does no DAD, but the address leaves its tentative state only
 * when addrconf's work has run: wait until it can be bound (at most 2 s).
 */
static int lo_add6(const char *addr)
{
	struct tns_in6_ifreq req = { .prefixlen = 128, .ifindex = (int)if_nametoindex("lo") };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), r, i;

	if (fd < 0)
		return -errno;
	inet_pton(AF_INET6, addr, &req.addr);
	sin6.sin6_addr = req.addr;
	r = ioctl(fd, SIOCSIFADDR, &req) < 0 ? -errno : 0;
	for (i = 0; !r && i < 200; i++) {
		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0)
			break;
		r = errno == EADDRNOTAVAIL ? 0 : -errno;
		usleep(10000);
	}
	if (!r && i == 200)
		r = -EADDRNOTAVAIL;
	close(fd);
	return r;
}

int tns_enter(char *why, size_t len)
{
	int r;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		r = -errno;
		snprintf(why, len, "cannot open /proc/self/ns/net: %s", strerror(errno));
		return r;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		r = -errno;
		snprintf(why, len, "cannot create a network namespace: %s", strerror(errno));
		close(home);
		home = -1;
		return r;
	}
	r = lo_up();
	if (!r)
		r = lo_add6("fd00::2");
	if (r) {
		snprintf(why, len, "cannot set up lo in the new namespace: %s", strerror(-r));
		tns_leave();
	}
	return r;
}

void tns_leave(void)
{
	if (home < 0)
		return;
	if (setns(home, CLONE_NEWNET) < 0) {
		perror("setns back to the test's namespace");
		_exit(1);
	}
	close(home);
	home = -1;
}
