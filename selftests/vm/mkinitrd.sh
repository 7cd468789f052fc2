#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mkinitrd.sh RELEASE OUT [MODDIR]: a tiny busybox initramfs that mounts the
# host's root file system (virtiofs, read-only) under a tmpfs overlay and hands
# over to the guest init named on the kernel command line. MODDIR (default
# /lib/modules/RELEASE) ends in lib/modules/RELEASE: the debug kernel's is in
# its build dir and lists everything as built in.
set -euo pipefail
rel=$1 out=$2 moddir=${3:-/lib/modules/$1}
[ -d "$moddir" ] || { echo "mkinitrd: no modules for $rel" >&2; exit 1; }
case $moddir in
*/lib/modules/"$rel") modbase=${moddir%/lib/modules/"$rel"} ;;
*) echo "mkinitrd: $moddir does not end in lib/modules/$rel" >&2; exit 1 ;;
esac
bb=$(command -v busybox) || { echo "mkinitrd: busybox-static is not installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,mnt/lower,mnt/rw,newroot,lib/modules}
cp "$bb" "$work/bin/busybox"
for app in sh mount umount mkdir insmod switch_root echo cat sleep poweroff; do
	ln -s busybox "$work/bin/$app"
done

# What the guest needs before it can see the host's root; built in on some
# kernels (6.12 cloud, debug), modules on others (6.1 cloud).
wanted=(virtio_pci virtiofs overlay)
declare -A seen=()
order=()
resolve() {	# depth first, dependencies before the module itself
	local name=$1 path dep
	path=$(modinfo -b "${modbase:-/}" -k "$rel" -n "$name" 2>/dev/null) || return 0
	case "$path" in (*builtin*|"") return 0 ;; esac
	[ -n "${seen[$path]:-}" ] && return 0
	seen[$path]=1
	for dep in $(modinfo -b "${modbase:-/}" -k "$rel" -F depends "$name" | tr ',' ' '); do
		resolve "$dep"
	done
	order+=("$path")
}
for m in "${wanted[@]}"; do resolve "$m"; done

: >"$work/lib/modules/load"
for path in "${order[@]}"; do
	base=$(basename "$path")
	case "$base" in
	(*.ko.xz) xz -dc "$path" >"$work/lib/modules/${base%.xz}"; base=${base%.xz} ;;
	(*.ko.zst) zstd -qdc "$path" >"$work/lib/modules/${base%.zst}"; base=${base%.zst} ;;
	(*) cp "$path" "$work/lib/modules/$base" ;;
	esac
	echo "$base" >>"$work/lib/modules/load"
done

cat >"$work/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in $(cat /lib/modules/load); do insmod /lib/modules/$m; done
fail() { echo "PMTUFIX-VM-INIT-FAILED: $*"; echo o >/proc/sysrq-trigger; sleep 5; }
mount -t virtiofs -o ro hostroot /mnt/lower || fail "virtiofs"
mount -t tmpfs -o mode=0755 rw /mnt/rw || fail "tmpfs"
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work overlay /newroot || fail "overlay"
umount /proc /sys
exec switch_root /newroot "$pmtufix_init"
INIT
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
