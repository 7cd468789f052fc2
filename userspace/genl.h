/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink plumbing over libmnl: the socket, family and multicast
 * group resolution, request/reply with extended ACKs.
 */
#ifndef PMTUFIX_GENL_H
#define PMTUFIX_GENL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>

#define PF_NL_BUFSIZE	65536

/*
 * Where the bytes go. The default is a NETLINK_GENERIC socket; host tests
 * install a simulated kernel here (pf_nl_transport) before opening.
 * send/recv/join return 0 or a byte count, or -errno.
 */
struct pf_nl_transport {
	int (*send)(void *ctx, const void *buf, size_t len);
	ssize_t (*recv)(void *ctx, void *buf, size_t len);
	int (*join)(void *ctx, uint32_t group);
	void *ctx;
};

extern const struct pf_nl_transport *pf_nl_transport;

struct pf_nl {
	struct mnl_socket *sock;
	const struct pf_nl_transport *tr;
	uint32_t portid;
	uint32_t seq;
	uint16_t family_id;
	uint32_t family_version;
	uint32_t events_group;		/* 0 if the family has none */
	uint32_t relay_group;		/* 0 if the family has none */
	uint64_t cmds;			/* bit n: the family lists command n */
	bool cmds_known;		/* false: the kernel did not list its ops */
	char *buf;
	char ext_msg[256];		/* extended ACK message of the last reply */
	uint32_t ext_miss_type;		/* missing attribute it reports, or 0 */
};

/* Callback for reply messages: MNL_CB_OK to go on, MNL_CB_ERROR with errno set. */
typedef int (*pf_nl_cb)(const struct nlmsghdr *nlh, void *data);

int pf_nl_open(struct pf_nl *nl);
void pf_nl_close(struct pf_nl *nl);

/* Resolve the pmtufix family; -ENOENT when the module is not loaded. */
int pf_nl_resolve(struct pf_nl *nl);
bool pf_nl_has_cmd(const struct pf_nl *nl, uint8_t cmd);

/* Start a request for cmd in nl->buf; add attributes with mnl_attr_put_*(). */
struct nlmsghdr *pf_nl_msg(struct pf_nl *nl, uint8_t cmd, uint16_t flags);

/*
 * Send a request and feed each reply to cb until the ACK or the end of the
 * dump. Returns 0 or -errno; ext_msg then holds what the kernel said, if
 * anything (on success: a warning). -EINTR: the dump was interrupted by a
 * change (NLM_F_DUMP_INTR); its rest was read and dropped, ask again.
 */
int pf_nl_talk(struct pf_nl *nl, struct nlmsghdr *nlh, pf_nl_cb cb, void *data);

int pf_nl_join_group(struct pf_nl *nl, uint32_t id);
int pf_nl_join_events(struct pf_nl *nl);
/* The relay group: -ENOENT when the module has none. */
int pf_nl_join_relay(struct pf_nl *nl);

/*
 * Receive one batch of multicast messages. Waits with sigmask in force when
 * there is a socket, so a signal ends the wait (-EINTR). 0 = no more data.
 */
ssize_t pf_nl_recv(struct pf_nl *nl, const sigset_t *sigmask);

/*
 * Index the attributes of a genetlink message (after its genl header) or of
 * a nest by type; types above max are skipped (a newer kernel's). 0 or -1.
 */
int pf_nl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, unsigned int max);
int pf_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		       unsigned int max);

/* Read an attribute of exactly that size: false if absent or malformed. */
bool pf_attr_u8(const struct nlattr *a, uint8_t *v);
bool pf_attr_u16(const struct nlattr *a, uint16_t *v);
bool pf_attr_u32(const struct nlattr *a, uint32_t *v);
bool pf_attr_u64(const struct nlattr *a, uint64_t *v);

#endif /* PMTUFIX_GENL_H */
