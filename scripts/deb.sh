#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deb.sh: the Debian packages pmtufix and pmtufix-dkms, built from a copy of
# the source tree in build/deb/src (the checkout itself stays untouched), then
# checked with lintian. The .deb files are left in build/deb/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
ver=${PMTUFIX_VERSION:-$(sed -n 's/^PMTUFIX_VERSION *:*= *//p' "$top/Makefile")}
for t in dpkg-buildpackage dh dh_dkms lintian; do
	command -v "$t" >/dev/null || { echo "deb: $t is missing: run 'make deps'" >&2; exit 1; }
done

src=$out/src/pmtufix-$ver
rm -rf "$out"
mkdir -p "$src"
# What the packages are built from, and nothing of build/ or a local state.
(cd "$top" && cp -a Makefile Kbuild dkms.conf COPYING LICENSES common kmod nft userspace \
	deploy debian "$src/")
mkdir -p "$src/scripts" && cp "$top/scripts/kernels.sh" "$src/scripts/"	# the Makefile names kernels
rm -rf "$src/userspace/fuzz/corpus"
(cd "$src" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2; echo "deb: dpkg-buildpackage failed (log: $out/build.log)" >&2; exit 1; }
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
# lintian's overrides are in debian/*.lintian-overrides, each with its reason.
lintian --fail-on error,warning --info "$out"/pmtufix_"$ver"_*.changes | tee "$out/lintian.log"
ls "$out"/*.deb
