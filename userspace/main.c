// SPDX-License-Identifier: GPL-2.0
/* pmtufix: configure the pmtufix kernel module over generic netlink. */

#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
	return pf_main(argc, argv, stdout, stderr);
}
