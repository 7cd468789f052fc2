/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the files of the nft backend; not part of its API. */
#ifndef PMTUFIX_NFT_INTERNAL_H
#define PMTUFIX_NFT_INTERNAL_H

#include <stdarg.h>
#include <libmnl/libmnl.h>

#include "pfnft.h"

struct pfnft {
	struct mnl_socket *nf;		/* NETLINK_NETFILTER */
	struct mnl_socket *rt;		/* NETLINK_ROUTE */
	uint32_t seq;
	char *buf;			/* receive buffer, PFNFT_BUFSIZE */
	char err[256];
};

#define PFNFT_BUFSIZE	(1 << 20)

/* Record a message for pfnft_errmsg(); returns err (a -errno). */
int pfnft_fail(struct pfnft *h, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Send one request, feed every reply to cb until ACK or DONE; 0 or -errno. */
int pfnft_talk(struct pfnft *h, struct mnl_socket *s, struct nlmsghdr *nlh,
	       mnl_cb_t cb, void *data);

/* table.c */
struct pfnft_table_state {
	bool exists;
	bool has_config;
	bool has_rescue;
	char comment[256];
	unsigned int n_uplinks;
	char uplinks[PF_MAX_UPLINKS][IF_NAMESIZE];
	bool svm_changed[PF_MAX_UPLINKS];
	uint64_t counters[PFNFT_C_MAX];
};
int pfnft_table_read(struct pfnft *h, struct pfnft_table_state *ts);
/*
 * One transaction: create the table if it is not there (exists = false),
 * then make chain "config", set "uplinks" and the rescue chains those of
 * conf (rescue chains only if conf->rescue). svm_changed: per uplink.
 */
int pfnft_table_apply(struct pfnft *h, bool exists, const struct pf_config *conf,
		      const bool *svm_changed, uint32_t floor_eff);
int pfnft_table_delete(struct pfnft *h);
int pfnft_table_reset(struct pfnft *h);
int pfnft_table_mss_list(struct pfnft *h, struct pf_mss_rule **v, size_t *n);
/* Remove del (nd rules), then add add (na rules), in one transaction. */
int pfnft_table_mss_change(struct pfnft *h, const struct pf_mss_rule *del, size_t nd,
			   const struct pf_mss_rule *add, size_t na);

/* route.c */
/* Rules, routes and sysctls for conf; replaces ours that differ. */
int pfnft_routing_install(struct pfnft *h, const struct pf_config *conf);
/* Remove our rules (any pref) and our routes in table (0: every table). */
int pfnft_routing_remove(struct pfnft *h, uint32_t table, bool *found);
bool pfnft_routing_present(struct pfnft *h, const struct pf_config *conf);
/* Routes in table that are not ours: > 0 is a count. */
int pfnft_routing_foreign(struct pfnft *h, uint32_t table);
int pfnft_sysctl_get(const char *ifname, const char *key, int *v);
int pfnft_sysctl_set(const char *ifname, const char *key, int v);
uint32_t pfnft_min_pmtu(void);

#endif /* PMTUFIX_NFT_INTERNAL_H */
