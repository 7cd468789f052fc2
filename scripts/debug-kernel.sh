#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh build|dir|release|key|config
#
# The debug kernel of `make check`: Debian's linux-source-6.12 configured as
# x86_64_defconfig + kvm_guest.config + selftests/config (modules made
# built-in) + selftests/vm/debug.config (KASAN, UBSAN, lockdep, kmemleak, ...).
#   build    build it unless the cache already holds it; prints its build dir
#   dir      the build dir of the current key, if built (else exit 1)
#   release  its kernel release (e.g. 6.12.118-pmtufix-debug), if built
#   key      the cache key: source package version + hash of the config inputs
#   config   write the .config of the current key and verify it, no build
#
# Everything lives outside the checkout, in $PMTUFIX_CACHE (default
# /var/cache/pmtufix, or ~/.cache/pmtufix when that is not writable):
#   debug-kernel/src-<version>/   the extracted source, once per version
#   debug-kernel/<key>/           the O= build: bzImage, Module.symvers,
#                                 modules_prepare output (KDIR for the
#                                 module) and modroot/ (modules.builtin)
#   debug-kernel/ccache/          the compiler cache shared by all keys
# A build dir is complete when it holds .pmtufix-done; a fresh clone with the
# same key takes it as is. A new key (new source package, a changed config
# fragment or config recipe) rebuilds, fast where ccache hits. JOBS (default
# the CPU count) sets make -j; NICE (default 5) is added to its nice level.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

SERIES=6.12
LOCALVERSION=-pmtufix-debug
srcpkg=linux-source-$SERIES
tarball=/usr/src/linux-source-$SERIES.tar.xz
fragments=("$top/selftests/config" "$top/selftests/vm/debug.config")	# the key hashes them

die() { echo "debug-kernel: $*" >&2; exit 1; }
say() { echo "debug-kernel: $*" >&2; }

cache_root() {
	local c=${PMTUFIX_CACHE:-/var/cache/pmtufix}
	if ! mkdir -p "$c" 2>/dev/null || [ ! -w "$c" ]; then
		c=${XDG_CACHE_HOME:-$HOME/.cache}/pmtufix
		mkdir -p "$c"
	fi
	echo "$c/debug-kernel"
}

src_version() {
	dpkg-query -W -f='${Version}' "$srcpkg" 2>/dev/null ||
		die "$srcpkg is not installed (make deps)"
}

# The .config recipe. Its text (without comments, via declare -f) is part of
# the cache key, so changing it rebuilds.
make_config() {	# $1 = source dir, $2 = build dir
	local src=$1 b=$2 merged=$2/.pmtufix-fragment keep
	make -s -C "$src" O="$b" x86_64_defconfig >/dev/null
	# selftests/config's modules become built-ins: nothing to install in
	# the guest. Only our own fragments are verified (kvm_guest.config
	# names other architectures' options).
	sed -e 's/=m$/=y/' "$top/selftests/config" >"$merged"
	cat "$top/selftests/vm/debug.config" >>"$merged"
	echo "CONFIG_LOCALVERSION=\"$LOCALVERSION\"" >>"$merged"
	(cd "$b" && "$src/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" \
		"$src/kernel/configs/kvm_guest.config" "$merged") >"$b/.pmtufix-merge.log" 2>&1 ||
		{ cat "$b/.pmtufix-merge.log" >&2; die "merge_config failed"; }
	make -s -C "$src" O="$b" olddefconfig >>"$b/.pmtufix-merge.log" 2>&1
	# defconfig's own few modules (NF_LOG_IPV4, ...) too; only what
	# debug.config asks as a module (a test's deliberate leak) stays one.
	keep=$(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=m$/\1/p' "$top/selftests/vm/debug.config" | paste -sd'|')
	sed -i -E "/^(${keep:-NONE})=/!s/=m$/=y/" "$b/.config"
	make -s -C "$src" O="$b" olddefconfig >>"$b/.pmtufix-merge.log" 2>&1
	! grep -E '=m$' "$b/.config" | grep -vE "^(${keep:-NONE})=" >&2 ||
		die "options still modular after olddefconfig"
	verify_config "$src" "$b/.config" "$merged"
}

# olddefconfig silently drops what has unmet dependencies: every line of the
# fragments must be in the result as written. A symbol this kernel does not
# have at all (e.g. NFT_EXTHDR, built into nf_tables since 6.x) only warns.
verify_config() {	# $1 = source dir, $2 = .config, $3 = merged fragment
	local src=$1 cfg=$2 frag=$3 line sym want have missing=0 known
	known=$(mktemp)
	grep -rhoE --include='Kconfig*' '^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+' "$src" |
		awk '{ print "CONFIG_" $2 }' | sort -u >"$known"
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) sym=${line%%=*} want=$line ;;
		"# CONFIG_"*" is not set") sym=${line#\# } sym=${sym%% *} want="" ;;
		*) continue ;;
		esac
		if ! grep -qx "$sym" "$known"; then
			say "note: $sym is not an option of this kernel (ignored)"
			continue
		fi
		have=$(grep -E "^$sym=" "$cfg" || true)
		if [ "$have" != "$want" ]; then
			say "MISSING: wanted '${want:-$sym unset}', .config has '${have:-$sym unset}'"
			missing=$((missing + 1))
		fi
	done <"$frag"
	rm -f "$known"
	[ "$missing" -eq 0 ] || die "$missing config options did not survive olddefconfig (unmet dependencies?): fix selftests/vm/debug.config"
}

cache_key() {
	local v
	v=$(src_version)
	{
		echo "$v $LOCALVERSION"
		declare -f make_config verify_config
		cat "${fragments[@]}"
	} | sha256sum | cut -c1-12 | sed "s/^/$v-/; s/[^A-Za-z0-9.+_-]/_/g"
}

extract_source() {	# prints the source dir
	local root=$1 v src
	v=$(src_version)
	src=$root/src-$v
	if [ ! -e "$src/.pmtufix-done" ]; then
		[ -f "$tarball" ] || die "$tarball is missing (make deps)"
		say "extracting $tarball"
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		tar -xf "$tarball" -C "$src.tmp" --strip-components=1
		touch "$src.tmp/.pmtufix-done"
		mv "$src.tmp" "$src"
	fi
	echo "$src"
}

kmake() {	# make in the build dir, through ccache, reproducibly
	local src=$1 b=$2 root
	root=$(dirname "$b")
	shift 2
	# Fixed build stamps and a base dir make objects cache hits across keys.
	CCACHE_DIR=$root/ccache CCACHE_BASEDIR=$root CCACHE_MAXSIZE=8G \
	CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime \
	KBUILD_BUILD_TIMESTAMP="$(src_version)" KBUILD_BUILD_USER=pmtufix KBUILD_BUILD_HOST=pmtufix \
		nice -n "${NICE:-5}" make -C "$src" O="$b" CC="ccache gcc" HOSTCC="ccache gcc" "$@"
}

# Keeps the two newest build dirs only (each is a few GiB), and the sources
# they were built from (an O= build dir refers to its source tree).
prune() {	# $1 = cache root, $2 = the dir in use
	local d v
	# shellcheck disable=SC2012
	ls -1dt "$1"/*-pmtufix-done 2>/dev/null | tail -n +3 | while read -r d; do
		d=${d%-pmtufix-done}
		[ "$d" = "$2" ] || { say "pruning $d"; rm -rf "$d" "$d-pmtufix-done"; }
	done
	for d in "$1"/src-*; do
		[ -d "$d" ] || continue
		v=${d##*/src-}
		v=${v//[^A-Za-z0-9.+_-]/_}
		compgen -G "$1/$v-*" >/dev/null || { say "pruning $d"; rm -rf "$d"; }
	done
}

build() {
	local root key b src t0 rel
	root=$(cache_root)
	mkdir -p "$root"
	key=$(cache_key)
	b=$root/$key
	# One build at a time per machine: CI and a developer may share the cache.
	exec 9>"$root/lock"
	flock 9
	if [ -e "$b/.pmtufix-done" ]; then
		say "cache hit: $b ($(cat "$b/.pmtufix-release"))"
		echo "$b"
		return 0
	fi
	command -v ccache >/dev/null || die "ccache is not installed (make deps)"
	t0=$EPOCHSECONDS
	src=$(extract_source "$root")
	mkdir -p "$b"
	make_config "$src" "$b"
	say "building in $b (make -j${JOBS:-$(nproc)}; log in $b/.pmtufix-build.log)"
	if ! kmake "$src" "$b" -j"${JOBS:-$(nproc)}" all >"$b/.pmtufix-build.log" 2>&1; then
		tail -n 40 "$b/.pmtufix-build.log" >&2
		die "kernel build failed (log: $b/.pmtufix-build.log)"
	fi
	# modules.builtin and friends, for modprobe of a built-in in the guest.
	rm -rf "$b/modroot"
	kmake "$src" "$b" INSTALL_MOD_PATH="$b/modroot" INSTALL_MOD_STRIP=1 modules_install \
		>>"$b/.pmtufix-build.log" 2>&1 || die "modules_install failed (log: $b/.pmtufix-build.log)"
	[ -s "$b/arch/x86/boot/bzImage" ] && [ -e "$b/Module.symvers" ] ||
		die "build left no bzImage or Module.symvers in $b"
	rel=$(cat "$b/include/config/kernel.release")
	echo "$rel" >"$b/.pmtufix-release"
	touch "$b/.pmtufix-done" "$b-pmtufix-done"
	say "built $rel in $((EPOCHSECONDS - t0)) s; ccache: $(CCACHE_DIR=$root/ccache ccache -s 2>/dev/null | grep -iE '^ *hits' | head -1 | tr -s ' ')"
	prune "$root" "$b"
	echo "$b"
}

built_dir() {
	local b
	b=$(cache_root)/$(cache_key)
	[ -e "$b/.pmtufix-done" ] || die "not built for key $(cache_key): run $0 build"
	echo "$b"
}

case "${1:-}" in
build) build ;;
dir) built_dir ;;
release) cat "$(built_dir)/.pmtufix-release" ;;
key) cache_key ;;
config)
	root=$(cache_root) && mkdir -p "$root"
	b=$root/$(cache_key)
	mkdir -p "$b"
	make_config "$(extract_source "$root")" "$b"
	say "config ok: $b/.config" ;;
*) sed -n '4,10s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
