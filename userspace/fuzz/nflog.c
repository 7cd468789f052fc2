// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a datagram on the NFLOG socket, read as nfnetlink_log
 * messages (the kernel writes them, but a packet from anyone is inside).
 *
 * Beyond memory errors it checks what the relay relies on: every packet
 * handed on lies inside the datagram, is not empty, and its IP version is
 * its family's.
 */

#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "nflog.h"

static uint8_t buf[65536] __attribute__((aligned(8)));
static size_t buf_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check(void *arg, int family, const uint8_t *pkt, size_t len)
{
	(void)arg;
	FUZZ_ASSERT(pkt >= buf && len > 0 && len <= buf_len && (size_t)(pkt - buf) <= buf_len - len);
	FUZZ_ASSERT((family == AF_INET && pkt[0] >> 4 == 4) ||
		    (family == AF_INET6 && pkt[0] >> 4 == 6));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long malformed = 0;

	/* The socket's buffer is aligned; a message starts at an aligned offset. */
	if (size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf_len = size;
	pf_nflog_parse(buf, size, check, NULL, &malformed);
	return 0;
}
