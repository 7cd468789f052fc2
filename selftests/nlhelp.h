/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlhelp.h - raw netlink for the C selftests: requests built attribute by
 * attribute (so that malformed ones can be built too), ACKs and extended
 * ACKs read and checked for shape, the pmtufix family resolved, the module
 * loaded and unloaded.
 *
 * Header-only, static functions: each selftest is one .c file and takes
 * what it needs. No libmnl: the tests check the kernel, not a library.
 */
#ifndef PMTUFIX_NLHELP_H
#define PMTUFIX_NLHELP_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "pmtufix.h"

/* ------------------------------------------------------------------------ */
/* Attributes */

#define nlh_attr_for_each(a, start, len)					\
	for (a = (struct nlattr *)(start);					\
	     (char *)a + NLA_HDRLEN <= (char *)(start) + (len) &&		\
	     a->nla_len >= NLA_HDRLEN &&					\
	     (char *)a + a->nla_len <= (char *)(start) + (len);		\
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

static inline void *nlh_attr_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static inline int nlh_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* The first attribute of a type in [start, start + len), or NULL. */
static inline const struct nlattr *nlh_attr_find(const void *start, size_t len,
						 uint16_t type)
{
	const struct nlattr *a;

	nlh_attr_for_each(a, start, len)
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

/* The attributes of a generic netlink message: start and length. */
static inline struct nlattr *nlh_genl_attrs(const struct nlmsghdr *h, int *len)
{
	*len = (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
}

/* True when attributes fill [start, start + len) exactly, padding included. */
static inline bool nlh_attrs_exact(const void *start, int len)
{
	const char *p = start, *end = p + len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			return false;
		p += NLA_ALIGN(a->nla_len);
	}
	return p >= end && p - end < NLA_ALIGNTO;
}

/* ------------------------------------------------------------------------ */
/* Requests: messages built one after the other into one buffer */

struct nlh_req {
	char *buf;
	size_t cap;
	size_t len;		/* of the messages ended so far */
	struct nlmsghdr *nlh;	/* the message being built */
};

static inline int nlh_req_init(struct nlh_req *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->buf = calloc(1, cap);
	r->cap = cap;
	return r->buf ? 0 : -ENOMEM;
}

static inline void nlh_req_reset(struct nlh_req *r)
{
	r->len = 0;
	r->nlh = NULL;
}

static inline struct nlmsghdr *nlh_msg_start(struct nlh_req *r, uint16_t type,
					     uint8_t cmd, uint8_t version,
					     uint16_t flags, uint32_t seq)
{
	struct genlmsghdr *g;

	r->nlh = (struct nlmsghdr *)(r->buf + r->len);
	memset(r->nlh, 0, NLMSG_LENGTH(GENL_HDRLEN));
	r->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh->nlmsg_type = type;
	r->nlh->nlmsg_flags = flags;
	r->nlh->nlmsg_seq = seq;
	g = NLMSG_DATA(r->nlh);
	g->cmd = cmd;
	g->version = version;
	return r->nlh;
}

static inline void nlh_msg_end(struct nlh_req *r)
{
	r->len += NLMSG_ALIGN(r->nlh->nlmsg_len);
}

/* Room left for the message being built. */
static inline size_t nlh_room(const struct nlh_req *r)
{
	return r->cap - ((char *)r->nlh - r->buf) - NLMSG_ALIGN(r->nlh->nlmsg_len);
}

/*
 * Appends an attribute of any length the header can say (the caller checks
 * nlh_room()); returns its offset from the start of the message, which is
 * what NLMSGERR_ATTR_OFFS points at.
 */
static inline uint32_t nlh_put(struct nlh_req *r, uint16_t type, const void *data,
			       size_t len)
{
	uint32_t off = NLMSG_ALIGN(r->nlh->nlmsg_len);
	struct nlattr *a = (struct nlattr *)((char *)r->nlh + off);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len && data)
		memcpy(nlh_attr_data(a), data, len);
	else if (len)
		memset(nlh_attr_data(a), 0, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(a->nla_len) - a->nla_len);
	r->nlh->nlmsg_len = off + NLA_ALIGN(a->nla_len);
	return off;
}

static inline uint32_t nlh_put_u8(struct nlh_req *r, uint16_t type, uint8_t v)
{
	return nlh_put(r, type, &v, sizeof(v));
}

static inline uint32_t nlh_put_u16(struct nlh_req *r, uint16_t type, uint16_t v)
{
	return nlh_put(r, type, &v, sizeof(v));
}

static inline uint32_t nlh_put_u32(struct nlh_req *r, uint16_t type, uint32_t v)
{
	return nlh_put(r, type, &v, sizeof(v));
}

/* A nest: its offset, for nlh_nest_end(). */
static inline uint32_t nlh_nest_start(struct nlh_req *r, uint16_t type)
{
	return nlh_put(r, type | NLA_F_NESTED, NULL, 0);
}

static inline void nlh_nest_end(struct nlh_req *r, uint32_t off)
{
	struct nlattr *a = (struct nlattr *)((char *)r->nlh + off);

	a->nla_len = r->nlh->nlmsg_len - off;
}

/* ------------------------------------------------------------------------ */
/* ACKs */

/* An NLMSG_ERROR (or NLMSG_DONE) as the kernel sent it. */
struct nlh_ack {
	int error;			/* 0 or -errno */
	bool has_msg, has_offs, has_miss_type, has_miss_nest;
	char msg[256];
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS */
	uint32_t miss_type, miss_nest;
	struct nlmsghdr echo;		/* the request's header, as echoed */
	const char *bad;		/* why the ACK is malformed, or NULL */
};

static inline int nlh_ack_tlv(struct nlh_ack *ack, const struct nlattr *a)
{
	int len = nlh_attr_len(a);
	const char *d = nlh_attr_data(a);

	switch (a->nla_type & NLA_TYPE_MASK) {
	case NLMSGERR_ATTR_MSG:
		if (!len || memchr(d, '\0', len) != d + len - 1)
			return ack->bad = "extack message not one NUL-terminated string", -1;
		ack->has_msg = true;
		snprintf(ack->msg, sizeof(ack->msg), "%s", d);
		return 0;
	case NLMSGERR_ATTR_OFFS:
	case NLMSGERR_ATTR_MISS_TYPE:
	case NLMSGERR_ATTR_MISS_NEST:
		if (len != 4)
			return ack->bad = "extack u32 attribute of the wrong length", -1;
		break;
	default:
		return 0;	/* policy dumps and future attributes */
	}
	if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_OFFS) {
		ack->has_offs = true;
		memcpy(&ack->offs, d, 4);
	} else if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MISS_TYPE) {
		ack->has_miss_type = true;
		memcpy(&ack->miss_type, d, 4);
	} else {
		ack->has_miss_nest = true;
		memcpy(&ack->miss_nest, d, 4);
	}
	return 0;
}

/*
 * Reads an NLMSG_ERROR, checking its shape: room for struct nlmsgerr, an
 * errno in range, the echoed request (all of it unless NLM_F_CAPPED), TLVs
 * that fill the rest exactly. 0, or -1 with ack->bad saying what is wrong.
 */
static inline int nlh_ack_parse(const struct nlmsghdr *h, struct nlh_ack *ack)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *a;

	memset(ack, 0, sizeof(*ack));
	if (h->nlmsg_len < off)
		return ack->bad = "NLMSG_ERROR shorter than struct nlmsgerr", -1;
	ack->error = e->error;
	ack->echo = e->msg;
	if (e->error > 0 || e->error < -4095)
		return ack->bad = "error is not 0 or -errno", -1;
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return ack->bad = "echoed request shorter than its header", -1;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	if (off > NLMSG_ALIGN(h->nlmsg_len))
		return ack->bad = "echoed request runs past the NLMSG_ERROR", -1;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return off < h->nlmsg_len ? (ack->bad = "bytes after the ACK without NLM_F_ACK_TLVS", -1) : 0;
	if (!nlh_attrs_exact((const char *)h + off, h->nlmsg_len - off))
		return ack->bad = "extack TLVs do not fill the ACK exactly", -1;
	nlh_attr_for_each(a, (const char *)h + off, h->nlmsg_len - off)
		if (nlh_ack_tlv(ack, a))
			return -1;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Sockets */

/* A bound generic netlink socket with extended, capped ACKs. */
static inline int nlh_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static inline int nlh_sendto(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n = sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa));

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

/* The id of the events group in a CTRL_CMD_GETFAMILY reply, or 0. */
static inline uint32_t nlh_ctrl_group(const struct nlattr *groups, const char *name)
{
	const struct nlattr *g, *ga;

	nlh_attr_for_each(g, nlh_attr_data(groups), nlh_attr_len(groups)) {
		uint32_t id = 0;
		bool match = false;

		nlh_attr_for_each(ga, nlh_attr_data(g), nlh_attr_len(g)) {
			if (ga->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				match = !strcmp(nlh_attr_data(ga), name);
			if (ga->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				memcpy(&id, nlh_attr_data(ga), sizeof(id));
		}
		if (match)
			return id;
	}
	return 0;
}

/*
 * Family id and events group of pmtufix, asked of the controller on fd.
 * 0, or -errno (-ENOENT: the module is not loaded).
 */
static inline int nlh_resolve(int fd, uint16_t *family, uint32_t *events)
{
	static char buf[16384];
	struct nlh_req r = { .buf = buf, .cap = sizeof(buf) };
	struct nlmsghdr *h;
	struct nlattr *a;
	int err, len;
	ssize_t n;

	nlh_msg_start(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
		      NLM_F_REQUEST | NLM_F_ACK, 1);
	nlh_put(&r, CTRL_ATTR_FAMILY_NAME, PMTUFIX_GENL_NAME, sizeof(PMTUFIX_GENL_NAME));
	nlh_msg_end(&r);
	err = nlh_sendto(fd, buf, r.len);
	*family = 0;
	while (!err) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlh_ack ack;

				if (nlh_ack_parse(h, &ack))
					return -EBADMSG;
				return ack.error ? ack.error : (*family ? 0 : -ENOENT);
			}
			nlh_attr_for_each(a, nlh_genl_attrs(h, &len), len) {
				if (a->nla_type == CTRL_ATTR_FAMILY_ID)
					memcpy(family, nlh_attr_data(a), sizeof(*family));
				if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS && events)
					*events = nlh_ctrl_group(a, PMTUFIX_MCGRP_EVENTS);
			}
		}
	}
	return err;
}

/* ------------------------------------------------------------------------ */
/* The module */

/*
 * Loads build/<release>/pmtufix.ko, found from the test program's own path
 * (build/selftests/PROG), or $PMTUFIX_KO. 1 if loaded here, 0 if it already
 * was, -errno on failure (with a message on stderr).
 */
static inline int nlh_module_load(void)
{
	char exe[PATH_MAX], path[PATH_MAX + 128];
	const char *ko = getenv("PMTUFIX_KO");
	struct utsname u;
	ssize_t n;
	int fd, err;

	if (!access("/sys/module/pmtufix", F_OK))
		return 0;
	if (!ko || !*ko) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0 || uname(&u))
			return -errno;
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(path, sizeof(path), "%s/../%s/pmtufix.ko", exe, u.release);
		ko = path;
	}
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(__NR_finit_module, fd, "", 0)) {
		err = -errno;
		fprintf(stderr, "insmod %s: %s\n", ko, strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	close(fd);
	return 1;
}

/*
 * rmmod pmtufix. Namespaces that just died are torn down by a workqueue and
 * may hold the module a little longer: retried for up to 5 s. 0 or -errno.
 */
static inline int nlh_module_unload(void)
{
	for (int i = 0; i < 100; i++) {
		if (!syscall(__NR_delete_module, "pmtufix", O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			break;
		usleep(50000);
	}
	return -errno;
}

#endif /* PMTUFIX_NLHELP_H */
