/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated nft backend for host tests: the pfnft_* operations of ../nft
 * on state in memory, installed through pf_nft. Nothing touches the host.
 */
#ifndef PMTUFIX_FAKE_NFT_H
#define PMTUFIX_FAKE_NFT_H

#include "pfnft.h"

#define FAKE_NFT_MAX_RULES	32

struct fake_nft {
	/* State. */
	bool installed;
	struct pf_config conf;
	bool svm_changed[PF_MAX_UPLINKS];
	bool routing_ok;
	uint64_t counters[PFNFT_C_MAX];
	struct pf_mss_rule rules[FAKE_NFT_MAX_RULES];
	size_t nrules;

	/* Failures to simulate: -errno, with msg as the library's message. */
	int fail_open, fail_set, fail_replace;
	const char *msg;

	/* One word per operation, e.g. "open get set". */
	char trace[1024];
};

void fake_nft_init(struct fake_nft *f);
void fake_nft_install(struct fake_nft *f);
void fake_nft_uninstall(void);

#endif /* PMTUFIX_FAKE_NFT_H */
