#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# regen.sh [--check]
#
# Generates kmod/uapi/pmtufix.h from Documentation/netlink/pmtufix.yaml with
# the kernel's own YAML netlink generator (tools/net/ynl/ynl-gen-c.py), taken
# from Debian's linux-source package: YNL_SRC, default
# /usr/src/linux-source-6.12.tar.xz. The output depends on the generator's
# version, so every run uses that one tarball; its generator is extracted
# once into build/ynl/.
#
# PYTHON: the interpreter (default python3; needs python3-yaml and
# python3-jsonschema).
#
# --check: regenerate into build/ and compare with the committed file (TAP);
# fails if they differ, i.e. if the header was edited by hand or the spec
# changed without `make regen`. Exits 4 (skip) without the tarball.
#
# Only the header is generated: the kernel's policy and ops tables stay in
# kmod/netlink.c (why: the comment at the top of the spec).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

check=0
case ${1:-} in
--check) check=1 ;;
"") ;;
*) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

src=${YNL_SRC:-/usr/src/linux-source-6.12.tar.xz}
spec=Documentation/netlink/pmtufix.yaml
out=kmod/uapi/pmtufix.h

if [ ! -r "$src" ]; then
	if [ "$check" = 1 ]; then
		echo "1..0 # SKIP no $src (Debian: linux-source-6.12, make deps)"
		exit 4
	fi
	echo "regen: no $src: install linux-source-6.12 (make deps) or set YNL_SRC" >&2
	exit 1
fi

# The generator and the schema it validates the spec against, extracted
# once per tarball (a new package version is a new cache).
pkg=$(basename "$src" .tar.xz)
ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || stat -c %s-%Y "$src")
gen=$top/build/ynl/$pkg-$ver
if [ ! -f "$gen/tools/net/ynl/ynl-gen-c.py" ]; then
	rm -rf "$gen.tmp" && mkdir -p "$gen.tmp"
	tar -xf "$src" -C "$gen.tmp" --strip-components=1 \
		"$pkg/tools/net/ynl/ynl-gen-c.py" "$pkg/tools/net/ynl/lib" \
		"$pkg/Documentation/netlink/genetlink-legacy.yaml"
	rm -rf "$gen" && mv "$gen.tmp" "$gen"
fi

# ynl-gen-c.py looks for the schema two levels above the spec and names the
# spec relative to the nearest directory holding MAINTAINERS: a small tree
# in which the spec sits where it sits in this one.
tree=$top/build/ynl/tree
rm -rf "$tree"
mkdir -p "$tree/Documentation/netlink"
: >"$tree/MAINTAINERS"
cp "$gen/Documentation/netlink/genetlink-legacy.yaml" "$tree/Documentation/"
cp "$spec" "$tree/$spec"

if [ "$check" = 0 ]; then
	"${PYTHON:-python3}" "$gen/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
		--spec "$tree/$spec" -o "$out"
	echo "regen: $out from $spec ($(basename "$src"))"
	exit 0
fi

echo "TAP version 13"
echo "1..1"
new=$top/build/ynl/pmtufix.h
rm -f "$new"
if ! "${PYTHON:-python3}" "$gen/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
	--spec "$tree/$spec" -o "$new" >"$top/build/ynl/gen.log" 2>&1; then
	echo "not ok 1 - $out is generated from $spec"
	sed 's/^/#   /' "$top/build/ynl/gen.log"
	exit 1
fi
if diff -u --label "$out (committed)" --label "$out (make regen)" "$out" "$new" >"$top/build/ynl/diff.log"; then
	echo "ok 1 - $out is what make regen generates from $spec"
	exit 0
fi
echo "not ok 1 - $out is what make regen generates from $spec (edited by hand, or run make regen)"
sed 's/^/#   /' "$top/build/ynl/diff.log"
exit 1
