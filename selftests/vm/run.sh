#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [-k RELEASE] [-t SECONDS] [-m MIB] [-v] -- COMMAND [ARG...]
#
# Boots an installed Debian kernel, or the debug kernel of
# scripts/debug-kernel.sh when RELEASE is its release, under qemu (TCG: the
# host's KVM is not usable), with the host's root file system visible
# read-only under a tmpfs overlay, runs COMMAND as root in the current
# directory and exits with its exit code. Fails (exit 125) when the guest
# dies, times out, or its kernel log shows a report (splat.sh): WARNING, BUG
# (KASAN, KFENCE), Oops, UBSAN, lockdep, RCU stalls, refcount_t, ODEBUG, and
# the kmemleak scan each guest ends with. The console tail is shown on
# failure; -v shows the whole guest kernel log. -m defaults to 1024 MiB,
# 3072 on the debug kernel (KASAN).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

rel="" timeout=600 mem="" verbose=0
while getopts "k:t:m:vh" o; do
	case $o in
	k) rel=$OPTARG ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	v) verbose=1 ;;
	*) sed -n '4,16s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "run.sh: no command given" >&2; exit 2; }
[ -n "$rel" ] || rel=$("$top/scripts/kernels.sh" default)
# An installed kernel, or the debug kernel (all built in: its module dir holds
# only modules.builtin*, which the guest links into /lib/modules for modprobe).
kernel=/boot/vmlinuz-$rel moddir=/lib/modules/$rel debug=0
if [ ! -f "$kernel" ] && kdir=$("$top/scripts/debug-kernel.sh" dir 2>/dev/null) &&
   [ "$(cat "$kdir/.pmtufix-release")" = "$rel" ]; then
	kernel=$kdir/arch/x86/boot/bzImage moddir=$kdir/modroot/lib/modules/$rel debug=1
fi
[ -f "$kernel" ] || { echo "run.sh: kernel $rel is not installed (make deps) nor the debug kernel built (scripts/debug-kernel.sh build)" >&2; exit 2; }
[ -n "$mem" ] || mem=$((debug ? 3072 : 1024))
case "$PWD$top" in
*[[:space:]]*) echo "run.sh: the checkout path must not contain spaces" >&2; exit 2 ;;
esac

qemu=$(command -v qemu-system-x86_64) || { echo "run.sh: qemu-system-x86 is not installed (make deps)" >&2; exit 2; }
virtiofsd=/usr/lib/qemu/virtiofsd
[ -x "$virtiofsd" ] || { echo "run.sh: $virtiofsd is missing (make deps)" >&2; exit 2; }

initrd=$top/build/vm/$rel/initrd.gz
if [ ! -s "$initrd" ] || [ "$here/mkinitrd.sh" -nt "$initrd" ] || [ "$kernel" -nt "$initrd" ]; then
	mkdir -p "$(dirname "$initrd")"
	"$here/mkinitrd.sh" "$rel" "$initrd" "$moddir"
fi

# The guest reads its orders from here through the shared root.
mkdir -p "$top/build/vm"
run=$(mktemp -d "$top/build/vm/run.XXXXXX")
fspid=""
cleanup() {
	[ -n "$fspid" ] && kill "$fspid" 2>/dev/null && wait "$fspid" 2>/dev/null
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

printf '%q ' "$@" >"$run/cmd"; echo >>"$run/cmd"
pwd >"$run/cwd"
echo "$timeout" >"$run/timeout"

"$virtiofsd" --socket-path="$run/fs.sock" -o source=/,cache=always,sandbox=chroot \
	-o log_level=err >"$run/virtiofsd.log" 2>&1 &
fspid=$!
for _ in $(seq 100); do [ -S "$run/fs.sock" ] && break; sleep 0.05; done
[ -S "$run/fs.sock" ] || { echo "run.sh: virtiofsd did not start:" >&2; cat "$run/virtiofsd.log" >&2; exit 125; }

console=$run/console.log
rc_file=$run/rc
# The first console line carries BIOS escape codes and no newline: markers are
# matched anywhere in a line.
set +e
# Boot, the final kmemleak scans and the log take minutes more on the debug kernel.
# no_timer_check: on a busy host TCG can be too slow for the early IO-APIC
# timer check, which then panics ("IO-APIC + timer doesn't work!").
timeout --kill-after=10 $((timeout + (debug ? 360 : 120))) "$qemu" \
	-accel tcg,thread=multi -cpu max -machine q35 -smp 2 -m "$mem" \
	-object memory-backend-memfd,id=mem,size="${mem}M",share=on -numa node,memdev=mem \
	-chardev socket,id=fs0,path="$run/fs.sock" \
	-device vhost-user-fs-pci,chardev=fs0,tag=hostroot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 loglevel=1 no_timer_check panic=-1 oops=panic panic_on_warn=0 pmtufix_init=$here/guest-init.sh pmtufix_run=$run pmtufix_moddir=$moddir pmtufix_slow=$((debug ? 4 : 1))" \
	-display none -vga none -monitor none -no-reboot \
	-chardev stdio,id=con,signal=off -serial chardev:con \
	</dev/null 2>&1 | tr -d '\r' | tee "$console" | awk -v rcfile="$rc_file" '
		/PMTUFIX-VM-DMESG-BEGIN/ { body = 0; next }
		/PMTUFIX-VM-EXIT=/ { sub(/.*PMTUFIX-VM-EXIT=/, ""); print > rcfile; next }
		body { print; fflush() }
		/PMTUFIX-VM-BOOTED/ { body = 1 }'
qrc=${PIPESTATUS[0]}
set -e

if [ ! -s "$rc_file" ]; then
	echo "run.sh: the guest ($rel) died or timed out (qemu exit $qrc); console tail:" >&2
	tail -n 40 "$console" >&2
	exit 125
fi
rc=$(cat "$rc_file")

sed -n '/PMTUFIX-VM-DMESG-BEGIN/,/PMTUFIX-VM-DMESG-END/p' "$console" >"$run/dmesg"
[ "$verbose" = 1 ] && cat "$run/dmesg" >&2
if ! report=$("$here/splat.sh" "$run/dmesg"); then
	echo "run.sh: kernel $rel logged a splat:" >&2
	echo "$report" >&2
	exit 125
fi
exit "$rc"
