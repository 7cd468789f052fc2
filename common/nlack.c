// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel wrote every byte read here, but a length it states is still
 * checked against the message before anything past it is read.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "nlack.h"

/*
 * The kernel's errors are 1..4095 (MAX_ERRNO), negated; anything else
 * (INT_MIN cannot even be negated) is no errno at all.
 */
static int kernel_errno(int e)
{
	if (e < 0)
		e = e < -4095 ? 0 : -e;
	return e > 0 && e <= 4095 ? -e : -EPROTO;
}

/* The TLVs of an ACK or of NLMSG_DONE start off bytes into the payload. */
static void read_tlvs(const struct nlmsghdr *nlh, size_t off, struct pf_nlack *ack)
{
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	const struct nlattr *attr;
	const void *tlvs;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= plen)
		return;
	tlvs = (const char *)mnl_nlmsg_get_payload(nlh) + off;
	mnl_attr_for_each_payload(tlvs, plen - off) {
		switch (mnl_attr_get_type(attr)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
				snprintf(ack->msg, sizeof(ack->msg), "%s", mnl_attr_get_str(attr));
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (mnl_attr_get_payload_len(attr) == sizeof(uint32_t))
				ack->miss_type = mnl_attr_get_u32(attr);
			break;
		}
	}
}

static int read_done(const struct nlmsghdr *nlh, struct pf_nlack *ack)
{
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	read_tlvs(nlh, sizeof(err), ack);
	ack->error = err < 0 ? kernel_errno(err) : 0;
	return 0;
}

int pf_nlack_read(const struct nlmsghdr *nlh, struct pf_nlack *ack)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	memset(ack, 0, sizeof(*ack));
	if (nlh->nlmsg_type == NLMSG_DONE)
		return read_done(nlh, ack);
	if (nlh->nlmsg_len < NLMSG_HDRLEN || mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return ack->error = -EBADMSG;
	/* Unless capped, the request is echoed whole before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += NLMSG_ALIGN((size_t)e->msg.nlmsg_len - NLMSG_HDRLEN);
	read_tlvs(nlh, off, ack);
	ack->error = e->error ? kernel_errno(e->error) : 0;
	return 0;
}
