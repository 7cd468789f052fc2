#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# image.sh: the container image of deploy/container/Containerfile, built from
# the packages in build/deb with podman or docker, whichever works here.
# Exits 3 (and says so) when neither can build.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ver=${PMTUFIX_VERSION:-$(sed -n 's/^PMTUFIX_VERSION *:*= *//p' "$top/Makefile")}
tool=""
for t in podman docker; do
	command -v "$t" >/dev/null || continue
	# A client without a daemon (docker) or without storage cannot build.
	if "$t" info >/dev/null 2>&1; then tool=$t; break; fi
	echo "image: $t is installed but '$t info' fails: cannot build with it" >&2
done
if [ -z "$tool" ]; then
	echo "image: neither podman nor docker can build images here (apt-get install podman)" >&2
	exit 3
fi
ls "$top"/build/deb/pmtufix_"$ver"_*.deb >/dev/null
"$tool" build -f "$top/deploy/container/Containerfile" -t "localhost/pmtufix:$ver" "$top/build/deb"
echo "image: localhost/pmtufix:$ver"
