// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a packet an nft rule logged, from anyone, read for the
 * flow it quotes before sock_diag is asked about it.
 *
 * Beyond memory errors it checks what the lookup relies on: a quote is
 * read only from a whole IPv4 or IPv6 packet whose own length field says
 * exactly its length, and ports only for TCP and UDP.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include "fuzz.h"
#include "sockdiag.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_quoted_flow f;

	if (pf_quoted_flow_parse(data, size, &f) < 0)
		return 0;
	if (f.family == AF_INET)
		FUZZ_ASSERT(data[0] >> 4 == 4 && ((size_t)data[2] << 8 | data[3]) == size);
	else
		FUZZ_ASSERT(f.family == AF_INET6 && data[0] >> 4 == 6 &&
			    ((size_t)data[4] << 8 | data[5]) + 40 == size);
	if (f.proto != IPPROTO_TCP && f.proto != IPPROTO_UDP)
		FUZZ_ASSERT(!f.lport && !f.rport);
	return 0;
}
