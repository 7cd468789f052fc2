// SPDX-License-Identifier: GPL-2.0
/* common/nlack.c: the end of a request, well formed and not. */

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "nlack.h"
#include "tap.h"

static char buf[4096];

/* An NLMSG_ERROR for a request of req_len bytes, echoed whole unless capped. */
static struct nlmsghdr *error_msg(int error, bool capped, uint32_t req_len)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = capped ? NLM_F_CAPPED : 0;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg.nlmsg_len = req_len;
	/* An echo whose attributes look like an extended ACK's: never read as one. */
	if (!capped && req_len > NLMSG_HDRLEN) {
		char *echo = mnl_nlmsg_get_payload_tail(nlh);

		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "echoed");
		nlh->nlmsg_len = (uint32_t)((echo - buf) + NLMSG_ALIGN(req_len - NLMSG_HDRLEN));
	}
	return nlh;
}

static void put_tlvs(struct nlmsghdr *nlh, const char *msg, uint32_t miss)
{
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	if (miss)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, miss);
}

static void well_formed(void)
{
	struct pf_nlack ack;
	struct nlmsghdr *nlh;

	nlh = error_msg(0, true, 20);
	is_int(pf_nlack_read(nlh, &ack), 0, "ACK: read");
	is_int(ack.error, 0, "ACK: no error");
	is_str(ack.msg, "", "ACK: no message");

	nlh = error_msg(-EPERM, true, 20);
	put_tlvs(nlh, "not allowed", 7);
	pf_nlack_read(nlh, &ack);
	is_int(ack.error, -EPERM, "capped error: its errno");
	is_str(ack.msg, "not allowed", "capped error: the extack message");
	is_int(ack.miss_type, 7, "capped error: the missing attribute");

	nlh = error_msg(-EINVAL, false, 44);
	put_tlvs(nlh, "bad prefix", 0);
	pf_nlack_read(nlh, &ack);
	is_int(ack.error, -EINVAL, "uncapped error: its errno");
	is_str(ack.msg, "bad prefix", "uncapped error: the message after the echoed request");

	nlh = error_msg(-EINVAL, false, 44);
	pf_nlack_read(nlh, &ack);
	is_str(ack.msg, "", "uncapped error without NLM_F_ACK_TLVS: the echo is no message");
}

static void done_msg(void)
{
	struct pf_nlack ack;
	struct nlmsghdr *nlh;
	int *err;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	pf_nlack_read(nlh, &ack);
	is_int(ack.error, 0, "NLMSG_DONE without its int: the dump ends well");

	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	*err = -ENOBUFS;
	put_tlvs(nlh, "dump too big", 0);
	pf_nlack_read(nlh, &ack);
	is_int(ack.error, -ENOBUFS, "NLMSG_DONE: its error");
	is_str(ack.msg, "dump too big", "NLMSG_DONE: its extack message");
}

static void malformed(void)
{
	struct pf_nlack ack;
	struct nlmsghdr *nlh;
	struct nlattr *a;

	nlh = error_msg(-EPERM, true, 20);
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(int);
	is_int(pf_nlack_read(nlh, &ack), -EBADMSG, "NLMSG_ERROR shorter than struct nlmsgerr");
	is_int(ack.error, -EBADMSG, "... and its error says so");

	is_int((pf_nlack_read(error_msg(INT_MIN, true, 20), &ack), ack.error), -EPROTO,
	       "error INT_MIN is no errno");
	is_int((pf_nlack_read(error_msg(-5000, true, 20), &ack), ack.error), -EPROTO,
	       "error beyond MAX_ERRNO is no errno");
	is_int((pf_nlack_read(error_msg(5000, true, 20), &ack), ack.error), -EPROTO,
	       "positive error beyond MAX_ERRNO is no errno");

	/* The echo says it is longer than the whole message: nothing after it. */
	nlh = error_msg(-EINVAL, true, 20);
	put_tlvs(nlh, "unseen", 0);
	nlh->nlmsg_flags &= (uint16_t)~NLM_F_CAPPED;
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = UINT32_MAX;
	pf_nlack_read(nlh, &ack);
	is_int(ack.error, -EINVAL, "echo longer than the message: the errno still");
	is_str(ack.msg, "", "echo longer than the message: no TLV read past it");

	nlh = error_msg(-EINVAL, true, 20);
	put_tlvs(nlh, "abc", 0);
	a = (struct nlattr *)((char *)mnl_nlmsg_get_payload(nlh) + sizeof(struct nlmsgerr));
	memcpy(mnl_attr_get_payload(a), "abcd", 4);	/* overwrite the NUL */
	pf_nlack_read(nlh, &ack);
	is_str(ack.msg, "", "message without its NUL: ignored");

	nlh = error_msg(-EINVAL, true, 20);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_u16(nlh, NLMSGERR_ATTR_MISS_TYPE, 9);
	pf_nlack_read(nlh, &ack);
	is_int(ack.miss_type, 0, "missing-attribute TLV of 2 bytes: ignored");

	nlh = error_msg(-EINVAL, true, 20);
	put_tlvs(nlh, "cut", 0);
	nlh->nlmsg_len -= 4;	/* the TLV now runs past the message */
	pf_nlack_read(nlh, &ack);
	is_str(ack.msg, "", "TLV running past the message: not read");
}

void test_nlack(void)
{
	well_formed();
	done_msg();
	malformed();
}
