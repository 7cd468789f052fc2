// SPDX-License-Identifier: GPL-2.0
/* The sysctls the nft backend reads (/proc/sys) and changes (rtnetlink). */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#include "nl.h"

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

/* The index of an IPv4 devconf setting in IFLA_INET_CONF (1-based). */
static int devconf_index(const char *key)
{
	if (!strcmp(key, "src_valid_mark"))
		return IPV4_DEVCONF_SRC_VMARK;
	return -1;
}

/*
 * Through rtnetlink (RTM_SETLINK, IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF),
 * not /proc/sys: a container's runtime mounts /proc/sys read-only, while
 * CAP_NET_ADMIN is all this needs. The kernel sets the value as the sysctl
 * would (ipv4_devconf_set(), and src_valid_mark has no side effect there).
 */
int pfnft_sysctl_set(struct pfnft *h, const char *ifname, const char *key, int v)
{
	struct nlattr *spec, *inet, *conf;
	char keep[sizeof(h->err)];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int id = devconf_index(key), err;
	unsigned int ifindex;

	if (id < 0 || v < 0)
		return -EINVAL;
	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return -ENODEV;
	nlh = mnl_nlmsg_put_header(h->buf);
	nlh->nlmsg_type = RTM_SETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = h->seq++;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet = mnl_attr_nest_start(nlh, AF_INET);
	conf = mnl_attr_nest_start(nlh, IFLA_INET_CONF);
	mnl_attr_put_u32(nlh, (uint16_t)id, (uint32_t)v);
	mnl_attr_nest_end(nlh, conf);
	mnl_attr_nest_end(nlh, inet);
	mnl_attr_nest_end(nlh, spec);
	/* Undo steps call this after a failure: its message must survive them. */
	memcpy(keep, h->err, sizeof(keep));
	err = pfnft_talk(h, h->rt, nlh, NULL, NULL);
	if (!err)
		memcpy(h->err, keep, sizeof(keep));
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
