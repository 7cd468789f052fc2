// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the pmtufix CLI; no kernel module needed. */

#include <stdio.h>

#include "tap.h"

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_parse();
	test_json();
	test_conffile();
	test_decode();
	test_cli();
	test_nft();
	test_backend();
	test_nlack();
	test_doctor();
	test_http();
	test_metrics();
	test_relay();
	test_sockdiag();
	test_nflog();
	return tap_done();
}
