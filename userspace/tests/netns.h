/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fresh network namespace for the tests that need real sockets and
 * netfilter: the calling thread moves there (unshare) and back (setns), so
 * the host's namespace is never touched. Needs CAP_SYS_ADMIN; without it
 * the tests say SKIP.
 */
#ifndef PMTUFIX_TEST_NETNS_H
#define PMTUFIX_TEST_NETNS_H

#include <stddef.h>

/*
 * Enter a new namespace with lo up, 127.0.0.2 usable (127/8 on lo) and
 * fd00::2/128 added to lo beside ::1. 0, or -errno with why filled.
 */
int tns_enter(char *why, size_t len);
/* Back to the namespace tns_enter() left; the new one goes with its last user. */
void tns_leave(void);

#endif /* PMTUFIX_TEST_NETNS_H */
