// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a datagram received on the relay port, from anyone.
 *
 * Beyond memory errors it checks what the agent relies on before writing a
 * datagram to the relay device: what passes is the datagram's tail, at most
 * PMTUFIX_RELAY_PACKET_MAX bytes, an IPv4 or IPv6 packet whose own length
 * field says exactly that length, and built again it is the same datagram.
 */

#include <string.h>

#include "fuzz.h"
#include "relaypkt.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t again[PF_RELAY_DGRAM_MAX];
	const uint8_t *pkt = NULL;
	size_t len = 0;
	enum pf_relay_check r = pf_relay_dgram_check(data, size, &pkt, &len);

	if (r == PF_RELAY_BAD)
		return 0;
	FUZZ_ASSERT(pkt == data + PF_RELAY_HDRLEN && len == size - PF_RELAY_HDRLEN);
	FUZZ_ASSERT(len <= PMTUFIX_RELAY_PACKET_MAX);
	if (r == PF_RELAY_IPV4)
		FUZZ_ASSERT(pkt[0] >> 4 == 4 && ((size_t)pkt[2] << 8 | pkt[3]) == len);
	else
		FUZZ_ASSERT(pkt[0] >> 4 == 6 && ((size_t)pkt[4] << 8 | pkt[5]) + 40 == len);
	FUZZ_ASSERT(pf_relay_dgram_build(again, pkt, len) == size && !memcmp(again, data, size));
	return 0;
}
