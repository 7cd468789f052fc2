// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: everything the CLI reads from the kernel. A command runs
 * whole, through pf_main(), with the netlink transport hook (the one the host
 * tests use) answering from the fuzz input: the family lookup's reply, then
 * the command's replies, dumps, ACKs with extended ACK TLVs, and events.
 *
 * Input: one byte picks the command; then records of a 16-bit little-endian
 * header and that many bytes, each one recv(). Header bit 15 set: the
 * sequence numbers are left as they are; otherwise each message in the record
 * gets the one of the request, so that mutations reach past libmnl's check.
 * 0xffff and 0xfffe are recv() failing with ENOBUFS and EINTR.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "cli.h"
#include "genl.h"
#include "parse.h"
#include "fuzz.h"

#define HDR_KEEP_SEQ	0x8000
#define HDR_ENOBUFS	0xffff
#define HDR_EINTR	0xfffe

static const char *const commands[] = {
	"show",
	"-j show",
	"stats",
	"-p stats",
	"mss show",
	"-j mss",
	"mss stats",
	"-j mss stats",
	"save",
	"monitor",
	"-j monitor",
	"set rescue on log all floor 1280",
	"mss add 10.0.0.0/8 1400 dir to",
	"mss del 2001:db8::/32",
	"mss flush",
	"stats reset",
	"apply @",	/* @: a small valid file, written at start */
};

#define N_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

struct feed {
	const uint8_t *p;
	size_t left;
	uint32_t seq;
};

static struct feed feed;
static FILE *devnull;
static char conf_path[] = "/tmp/pmtufix-fuzz-XXXXXX";

static int fuzz_send(void *ctx, const void *buf, size_t len)
{
	struct feed *f = ctx;

	if (len < sizeof(struct nlmsghdr))
		abort();	/* the CLI never sends less than a header */
	f->seq = ((const struct nlmsghdr *)buf)->nlmsg_seq;
	return 0;
}

static ssize_t fuzz_recv(void *ctx, void *buf, size_t len)
{
	struct feed *f = ctx;
	struct nlmsghdr *h;
	uint16_t hdr;
	size_t n;

	if (f->left < 2)
		return 0;
	hdr = (uint16_t)(f->p[0] | f->p[1] << 8);
	f->p += 2;
	f->left -= 2;
	if (hdr == HDR_ENOBUFS)
		return -ENOBUFS;
	if (hdr == HDR_EINTR)
		return -EINTR;
	n = hdr & ~HDR_KEEP_SEQ;
	if (n > f->left)
		n = f->left;
	if (n > len)
		n = len;
	memcpy(buf, f->p, n);
	/* No NUL after the datagram: a string read past its end reads off the heap. */
	memset((char *)buf + n, 0xff, len - n);
	f->p += n;
	f->left -= n;
	/* Not mnl_nlmsg_ok(): it takes a length of 2^31 or more as negative. */
	for (size_t off = 0; !(hdr & HDR_KEEP_SEQ) && off + sizeof(*h) <= n; ) {
		h = (struct nlmsghdr *)((char *)buf + off);
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > n - off)
			break;
		h->nlmsg_seq = f->seq;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return (ssize_t)n;
}

static int fuzz_join(void *ctx, uint32_t group)
{
	(void)ctx;
	(void)group;
	return 0;
}

static const struct pf_nl_transport transport = {
	.send = fuzz_send,
	.recv = fuzz_recv,
	.join = fuzz_join,
	.ctx = &feed,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char conf[] =
		"set rescue on log rescue floor auto\n"
		"mss add 10.10.20.0/24 1460 dir to\n"
		"mss add 2001:db8::/32 auto\n";
	int fd;

	(void)argc;
	(void)argv;
	/* PMTUFIX_FUZZ_SHOW=1: print what the CLI made of an input (seeds, crashes). */
	devnull = getenv("PMTUFIX_FUZZ_SHOW") ? stdout : fopen("/dev/null", "w");
	fd = mkstemp(conf_path);
	if (!devnull || fd < 0 || write(fd, conf, sizeof(conf) - 1) != sizeof(conf) - 1)
		return -1;
	close(fd);
	pf_nl_transport = &transport;
	return 0;
}

__attribute__((destructor)) static void cleanup(void)
{
	unlink(conf_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[128], *argv[16];
	int argc;

	if (size < 1)
		return 0;
	snprintf(line, sizeof(line), "pmtufix -b module %s", commands[data[0] % N_COMMANDS]);
	argc = pf_split(line, argv, 15);
	FUZZ_ASSERT(argc > 0);
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "@"))
			argv[i] = conf_path;
	argv[argc] = NULL;
	feed.p = data + 1;
	feed.left = size - 1;
	feed.seq = 0;
	pf_main(argc, argv, devnull, devnull == stdout ? stderr : devnull);
	return 0;
}
