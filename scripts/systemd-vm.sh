#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# systemd-vm.sh ROOT RELEASE CONF: boots kernel RELEASE on a disk made from
# ROOT (a Debian 12 root with the packages installed, scripts/check-dkms.sh)
# with systemd as PID 1 and the agent's file CONF as /etc/pmtufix/pmtufix.conf,
# as a node boots: systemd-modules-load loads the DKMS-built module, then
# pmtufix.service starts the agent. A oneshot unit after multi-user.target
# checks that the unit is active, the module is loaded and the file is applied
# (TAP on the console), then powers off. ROOT itself is not changed.
# deploy/systemd/relay.conf is installed as a drop-in, as the README says to
# with a relay line, and CONF must have one for 198.51.100.0/24: the check
# wants the relay running under the unit's sandbox.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$1 rel=$2 conf=$3
work=$(mktemp -d "$here/../build/sdvm.XXXXXX")
trap 'rm -rf "$work"' EXIT
for t in mkfs.ext4 qemu-system-x86_64; do
	command -v "$t" >/dev/null || { echo "systemd-vm: $t is missing (make deps)" >&2; exit 2; }
done

# What the image has beyond ROOT: the file, and the check.
mkdir -p "$work/add/etc/pmtufix" "$work/add/etc/systemd/system/multi-user.target.wants"
cp "$conf" "$work/add/etc/pmtufix/pmtufix.conf"
cat >"$work/add/etc/systemd/system/pmtufix-check.service" <<'UNIT'
[Unit]
Description=pmtufix boot check
After=multi-user.target pmtufix.service
[Service]
Type=oneshot
StandardOutput=journal+console
TimeoutStartSec=240
ExecStart=/usr/local/sbin/pmtufix-check
# The journal forwards to the console asynchronously: let it catch up.
ExecStartPost=/bin/sleep 2
ExecStartPost=/bin/systemctl --no-block poweroff
UNIT
ln -s ../pmtufix-check.service "$work/add/etc/systemd/system/multi-user.target.wants/pmtufix-check.service"
# The relay's drop-in, as the README says to install it with a relay line.
mkdir -p "$work/add/etc/systemd/system/pmtufix.service.d"
cp "$here/../deploy/systemd/relay.conf" "$work/add/etc/systemd/system/pmtufix.service.d/relay.conf"
mkdir -p "$work/add/usr/local/sbin"
cat >"$work/add/usr/local/sbin/pmtufix-check" <<'CHECK'
#!/bin/bash
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
echo "PMTUFIX-SD-BEGIN $(uname -r)"
state=$(timeout 20 systemctl is-system-running)
ok "systemd reached multi-user (system: $state)"
if systemctl -q is-active pmtufix.service; then
	ok "pmtufix.service is active ($(systemctl show -P MainPID pmtufix.service) as $(ps -o user= -p "$(systemctl show -P MainPID pmtufix.service)"))"
else
	notok "pmtufix.service is $(systemctl is-active pmtufix.service)"
	journalctl -b -u pmtufix.service --no-pager | tail -n 20 | sed 's/^/#   /'
fi
systemctl -q is-active systemd-modules-load.service && ok "systemd-modules-load.service is active" ||
	notok "systemd-modules-load.service: $(systemctl is-active systemd-modules-load.service)"
if [ -d /sys/module/pmtufix ] && modinfo -n pmtufix | grep -q updates/dkms; then
	ok "module pmtufix loaded, from $(modinfo -n pmtufix)"
else
	notok "module pmtufix not loaded (or not the DKMS build: $(modinfo -n pmtufix 2>&1))"
fi
# The file's MSS rule and log setting are what the kernel has.
show=$(pmtufix show 2>&1)
rules=$(pmtufix mss show 2>&1)
if grep -qE '^backend: module( |$)' <<<"$show" && grep -q '^log: all' <<<"$show" &&
   grep -q '10.10.20.0/24.*1400' <<<"$rules"; then
	ok "the agent applied /etc/pmtufix/pmtufix.conf with the module backend"
else
	notok "/etc/pmtufix/pmtufix.conf not applied:"; printf '%s\n%s\n' "$show" "$rules" | sed 's/^/#   /'
fi
# The file's relay line: the agent made its TUN device inside the sandbox
# (the drop-in) and gave it to the module.
relay=$(pmtufix relay show 2>&1)
idx=$(cat /sys/class/net/pmtufix0/ifindex 2>/dev/null)
if [ -n "$idx" ] && grep -q '198.51.100.0/24' <<<"$relay" &&
   grep -q "^device: ifindex $idx " <<<"$relay"; then
	ok "the relay runs under the unit's sandbox: pmtufix0 is the module's relay device"
else
	notok "the relay does not run under the sandbox:"
	{ echo "$relay"; journalctl -b -u pmtufix.service --no-pager | grep -i relay; } | sed 's/^/#   /'
fi
# No curl in the root: bash's /dev/tcp speaks enough HTTP.
body=$(timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9883; printf "GET /healthz HTTP/1.0\r\n\r\n" >&3; cat <&3' 2>&1 | tr -d '\r' | tail -n 1)
[ "$body" = ok ] && ok "GET /healthz: ok" || notok "GET /healthz: '$body'"
timeout 60 systemctl reload pmtufix.service && systemctl -q is-active pmtufix.service &&
	ok "systemctl reload pmtufix: still active" || notok "systemctl reload pmtufix"
echo "1..$n"
echo "PMTUFIX-SD-EXIT=$fail" | tee /dev/console
CHECK
chmod +x "$work/add/usr/local/sbin/pmtufix-check"

size=$(( $(du -sm "$root" | cut -f1) * 13 / 10 + 256 ))
img=$work/root.img
truncate -s "${size}M" "$img"
mkfs.ext4 -q -F -d "$root" "$img"
# debugfs cannot overwrite: the additions go in by a second pass of mkfs'
# populate over a merged copy would cost a second full copy; use debugfs.
{
	echo "rm /etc/pmtufix/pmtufix.conf"
	(cd "$work/add" && find . -mindepth 1 -type d | sed 's|^\.|mkdir |')
	(cd "$work/add" && find . -type f | while read -r f; do echo "write $work/add/${f#./} ${f#.}"; done)
	(cd "$work/add" && find . -type l | while read -r f; do echo "symlink ${f#.} $(readlink "$f")"; done)
	echo "sif /usr/local/sbin/pmtufix-check mode 0100755"
} | debugfs -w "$img" >"$work/debugfs.log" 2>&1

console=$work/console.log
timeout --kill-after=10 480 qemu-system-x86_64 -accel tcg,thread=multi -cpu max -machine q35 -smp 2 -m 1024 \
	-kernel "/boot/vmlinuz-$rel" -initrd "/boot/initrd.img-$rel" \
	-append "root=/dev/vda rw console=ttyS0 quiet loglevel=1 no_timer_check panic=-1 systemd.show_status=0" \
	-drive "file=$img,format=raw,if=virtio" -net none \
	-display none -vga none -monitor none -no-reboot \
	-chardev stdio,id=con,signal=off -serial chardev:con </dev/null 2>&1 | tr -d '\r' >"$console" || true
# Lines of the check, through the journal: "[time] pmtufix-check[pid]: ok 1 - ...".
sed -n 's/^.*pmtufix-check\[[0-9]*\]: //p' "$console" | grep -v PMTUFIX-SD- || true
rc=$(sed -n 's/.*PMTUFIX-SD-EXIT=\([0-9]*\).*/\1/p' "$console" | tail -n 1)
if [ -z "$rc" ]; then
	echo "systemd-vm: no result from the guest; console tail:" >&2
	tail -n 40 "$console" >&2
	exit 125
fi
[ "$rc" = 0 ]
