#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fallback-guest.sh ROOT: inside a test VM, the DaemonSet's init container on
# a node whose DKMS build is in ROOT (a root with pmtufix-dkms installed):
# its command, taken from deploy/kubernetes/daemonset.yaml, runs with ROOT's
# /lib/modules where the pod mounts the node's. Then the CLI's own backend
# choice (what the agent container gets: no --backend) runs the seed scenario
# of test-nft.sh with strict rp_filter. Twice: with the module available
# (module backend), then with kernel.modules_disabled=1 (nft backend). TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
root=$1
cli=$root/usr/sbin/pmtufix
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }

init=$(python3 - "$top/deploy/kubernetes/daemonset.yaml" <<'PY'
import sys, yaml
ds = yaml.safe_load(open(sys.argv[1]))
c = ds["spec"]["template"]["spec"]["initContainers"][0]
cmd = c["command"] + c.get("args", [])
assert cmd[:2] == ["/bin/sh", "-c"], cmd
print(cmd[2])
PY
) || { notok "the init container's command in daemonset.yaml"; echo "1..$n"; exit 1; }
mount --bind "$root/lib/modules" /lib/modules

# $1 = backend the CLI must choose, $2 = what the init step must have said
case_() {
	local want=$1 said=$2 out show
	out=$(/bin/sh -c "$init" 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && grep -q "$said" <<<"$out"; then
		ok "init step ($want): exit 0, \"$(grep -m1 "$said" <<<"$out")\""
	else
		notok "init step ($want): exit $rc:"; sed 's/^/#   /' <<<"$out"
	fi
	show=$("$cli" show 2>&1)
	if grep -qE "^backend: $want( |$)" <<<"$show"; then
		ok "the CLI's own choice is the $want backend"
	else
		notok "the CLI chose: $(head -n 1 <<<"$show") (want $want)"
	fi
	out=$(BACKEND=$want PMTUFIX_CLI=$cli "$top/selftests/test-nft.sh" -t "nft_rescue" 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && ! grep -q '^not ok' <<<"$out"; then
		ok "seed scenario, rp_filter=1, $want backend: $(grep -c '^ok' <<<"$out") checks pass"
	else
		notok "seed scenario with the $want backend (exit $rc)"; sed 's/^/#   /' <<<"$out"
	fi
}

[ -d /sys/module/pmtufix ] && rmmod pmtufix
case_ module "module loaded"
rmmod pmtufix || notok "rmmod pmtufix"
# A node that disables module loading has loaded what it runs at boot: the
# nft backend's modules (nf_tables, fib, ct, sets), autoloaded here by one
# install and removal of its table in a scratch namespace.
ip netns add warm && ip -n warm link add name pfw0 type veth peer name pfw1 &&
	ip -n warm link set pfw0 up && ip -n warm addr add 192.0.2.1/24 dev pfw0 &&
	ip -n warm route add default via 192.0.2.2 &&
	"$cli" -n warm -b nft set rescue on >/dev/null && "$cli" -n warm -b nft mss add 198.51.100.0/24 1400 >/dev/null &&
	"$cli" -n warm -b nft down >/dev/null || notok "the nft backend in a scratch namespace"
ip netns del warm
sysctl -qw kernel.modules_disabled=1
case_ nft "cannot load the module"
[ ! -d /sys/module/pmtufix ] && ok "no module loaded with modules_disabled=1" || notok "pmtufix loaded despite modules_disabled=1"
echo "1..$n"
[ "$fail" = 0 ]
