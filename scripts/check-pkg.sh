#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-pkg.sh: the packaging checks that need no VM (TAP): make deb builds
# lintian-clean packages, the unit they install passes `systemd-analyze verify`
# and keeps its `systemd-analyze security` exposure at or below 2.0, the
# deploy/ manifests (check-deploy.py), and `make image` where a container
# tool can build. Needs root (a private mount namespace for the verify).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
indent() { sed 's/^/#   /'; }
MAX_EXPOSURE=2.0

ver=$(sed -n 's/^PMTUFIX_VERSION *:*= *//p' Makefile)
if out=$(make -s --no-print-directory deb 2>&1); then
	ok "make deb: pmtufix and pmtufix-dkms $ver, lintian clean (build/deb)"
else
	notok "make deb (or lintian)"; echo "$out" | tail -n 30 | indent
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
deb=$(ls build/deb/pmtufix_"$ver"_*.deb 2>/dev/null | head -n 1)
if [ -n "$deb" ] && dpkg-deb -x "$deb" "$root"; then
	unit=$root/lib/systemd/system/pmtufix.service
	# verify wants the unit's programs and man page where they will be: the
	# package's are laid over /usr/sbin in a mount namespace of our own.
	if out=$(unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=$1/usr/sbin:/usr/sbin" /usr/sbin &&
		MANPATH=$1/usr/share/man systemd-analyze verify "$2"' sh "$root" "$unit" 2>&1) && [ -z "$out" ]; then
		ok "systemd-analyze verify pmtufix.service (as installed by the package)"
	else
		notok "systemd-analyze verify pmtufix.service"; echo "$out" | indent
	fi
	score=$(systemd-analyze security --offline=yes "$unit" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -n "$score" ] && awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }'; then
		ok "systemd-analyze security pmtufix.service: exposure $score (at most $MAX_EXPOSURE)"
	else
		notok "systemd-analyze security pmtufix.service: exposure '${score:-?}' above $MAX_EXPOSURE"
		systemd-analyze security --offline=yes "$unit" 2>&1 | grep '✗' | indent
	fi
else
	notok "the pmtufix package to check the unit in"
fi

# The command lines are checked against the CLI the package ships.
cli=$root/usr/sbin/pmtufix
[ -x "$cli" ] || cli=build/bin/pmtufix
out=$(scripts/check-deploy.py "$cli" 2>&1)
rc=$?
# Renumbered into this script's plan.
while IFS= read -r line; do
	case $line in
	"ok "*"# SKIP"*) t=${line#ok * - }; skip "${t%% # SKIP*}" "${t#* # SKIP }" ;;
	"ok "*) ok "${line#ok * - }" ;;
	"not ok "*) notok "${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	esac
done <<<"$out"
[ "$rc" = 0 ] || [ "$fail" -gt 0 ] || notok "check-deploy.py exited $rc"

# The packages were just built: the image from them (make image would build them again).
out=$(scripts/image.sh 2>&1)
rc=$?
if [ "$rc" = 0 ]; then
	ok "the container image: $(echo "$out" | tail -n 1)"
elif echo "$out" | grep -q 'neither podman nor docker'; then
	skip "the container image (make image)" "$(echo "$out" | grep 'neither podman' | sed 's/^image: //')"
else
	notok "the container image (make image)"; echo "$out" | tail -n 20 | indent
fi
echo "1..$n"
[ "$fail" = 0 ]
