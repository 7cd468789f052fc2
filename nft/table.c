// SPDX-License-Identifier: GPL-2.0
/*
 * The table as a whole: created with every object the rest expects, its
 * settings (chain "config") and uplinks replaced in one transaction,
 * deleted in one.
 */

#include <stdio.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "batch.h"
#include "mssmap.h"
#include "readback.h"
#include "rescue.h"
#include "table.h"

static void put_skeleton(struct batch *bt)
{
	put_table(bt);
	for (int i = 0; i < PFNFT_C_MAX; i++)
		put_counter(bt, pfnft_counter_names[i]);
	put_set(bt, "uplinks", 0, TYPE_IFNAME, IF_NAMESIZE, 0);
	put_mss(bt);
}

static void put_uplinks(struct batch *bt, const struct pf_config *c, const bool *svm_changed)
{
	struct nftnl_set *s;
	struct nlmsghdr *nlh;

	flush_set(bt, "uplinks");
	if (!c->n_uplinks)
		return;
	s = set_named("uplinks");
	for (unsigned int i = 0; i < c->n_uplinks; i++) {
		struct nftnl_set_elem *e = nftnl_set_elem_alloc();
		char key[IF_NAMESIZE] = { 0 };

		strncpy(key, c->uplinks[i], sizeof(key) - 1);
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, sizeof(key));
		if (svm_changed && svm_changed[i]) {
			struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);

			/* What `pmtufix down` puts back. */
			nftnl_udata_put_strz(ud, NFTNL_UDATA_SET_ELEM_COMMENT, "src_valid_mark was 0");
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(ud),
					   nftnl_udata_buf_len(ud));
			nftnl_udata_buf_free(ud);
		}
		nftnl_set_elem_add(s, e);
	}
	nlh = batch_msg(bt, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	batch_next(bt);
	nftnl_set_free(s);
}

int pfnft_table_apply(struct pfnft *h, bool exists, const struct pf_config *conf,
		      const bool *svm_changed, uint32_t floor_eff)
{
	struct pfnft_table_state ts;
	char comment[256];
	struct batch bt;
	int err;

	err = pfnft_conf_format(conf, comment, sizeof(comment));
	if (err)
		return err;
	memset(&ts, 0, sizeof(ts));
	if (exists) {
		err = pfnft_table_read(h, &ts);
		if (err)
			return err;
	}
	err = batch_start(h, &bt);
	if (err)
		return err;
	if (!ts.exists)
		put_skeleton(&bt);
	/* Replace what carries settings; the counters and MSS maps stay. */
	if (ts.has_rescue) {
		del_chain(&bt, "rescue");
		del_chain(&bt, "frag_needed");
	}
	if (ts.has_config)
		del_chain(&bt, "config");
	put_chain(&bt, "config", -1, comment);
	put_uplinks(&bt, conf, svm_changed);
	if (conf->rescue)
		put_rescue(&bt, conf, floor_eff);
	err = batch_commit(&bt);
	if (err)
		return pfnft_fail(h, err, "cannot update table inet %s", PFNFT_TABLE);
	return 0;
}

int pfnft_table_delete(struct pfnft *h)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	struct batch bt;
	int err;

	err = batch_start(h, &bt);
	if (err) {
		nftnl_table_free(t);
		return err;
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, PFNFT_FAMILY);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, PFNFT_TABLE);
	nlh = batch_msg(&bt, NFT_MSG_DELTABLE, 0);
	nftnl_table_nlmsg_build_payload(nlh, t);
	batch_next(&bt);
	nftnl_table_free(t);
	return batch_commit(&bt);
}
