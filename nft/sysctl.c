// SPDX-License-Identifier: GPL-2.0
/* The sysctls the nft backend reads and changes, through /proc/sys. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

static int sysctl_path(char *path, size_t len, const char *ifname, const char *key)
{
	if (strchr(ifname, '/') || !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return -EINVAL;
	snprintf(path, len, "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	return 0;
}

int pfnft_sysctl_get(const char *ifname, const char *key, int *v)
{
	char path[256], buf[32];
	ssize_t n;
	int fd;

	if (sysctl_path(path, sizeof(path), ifname, key))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*v = atoi(buf);
	return 0;
}

int pfnft_sysctl_set(const char *ifname, const char *key, int v)
{
	char path[256], buf[32];
	int fd, n, err = 0;

	if (sysctl_path(path, sizeof(path), ifname, key))
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", v);
	if (write(fd, buf, (size_t)n) != n)
		err = -errno;
	close(fd);
	return err;
}

uint32_t pfnft_min_pmtu(void)
{
	char buf[32];
	ssize_t n;
	int fd = open("/proc/sys/net/ipv4/route/min_pmtu", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 552;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 552;
	buf[n] = '\0';
	return (uint32_t)strtoul(buf, NULL, 10);
}
