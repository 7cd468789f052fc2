#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: the seed's scenario in a VM, before and after. KVER picks the kernel.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kver=${KVER:-$(scripts/kernels.sh default)}
mkdir -p build
echo "building pmtufix for $kver ..."
make -s --no-print-directory module KVER="$kver" >build/demo.log 2>&1 || { cat build/demo.log; exit 1; }
make -s --no-print-directory cli >>build/demo.log 2>&1 || { cat build/demo.log; exit 1; }
:
make -s --no-print-directory -C selftests certs >>build/demo.log 2>&1 || { cat build/demo.log; exit 1; }
color=0
[ -t 1 ] && color=1
echo "booting Linux $kver under qemu (software emulation: about a minute) ..."
exec selftests/vm/run.sh -k "$kver" -t 600 -- env PMTUFIX_COLOR=$color scripts/demo-guest.sh
