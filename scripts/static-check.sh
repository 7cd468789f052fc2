#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# static-check.sh [-k RELEASE]...
#
# Static checks, one TAP line per tool and kernel:
#   sparse      the module, `make C=2` against each supported kernel's headers
#   checkpatch  kmod/ with the kernel's scripts/checkpatch.pl (--strict)
#   kernel-doc  kmod/'s doc comments with the kernel's scripts/kernel-doc
#               (-Wall), and one on every function a header declares
#   analyzer    the CLI and the nft backend under gcc -fanalyzer
#   scan-build  the same under clang's static analyzer
# Findings are printed as TAP comments. Objects go to build/static/, never
# next to the real build. Exits non-zero if any check failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

kernels=()
while [ $# -gt 0 ]; do
	case $1 in
	-k) kernels+=("$2"); shift 2 ;;
	-h|--help) sed -n '4,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "usage: $0 [-k RELEASE]..." >&2; exit 2 ;;
	esac
done
[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <(scripts/kernels.sh list)

out=$top/build/static
mkdir -p "$out"
version=$(sed -n 's/^PMTUFIX_VERSION *:*= *//p' Makefile)
n=0 failed=0
echo "TAP version 13"
echo "1..$((${#kernels[@]} + 4))"

# $1 = 0 if the check passed, $2 = its name, $3 = log of its findings.
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/#   /' "$3"
		failed=$((failed + 1))
	fi
}

# A tool that is not installed is a failure, not a skip: a green run must
# mean the check ran.
need() {	# $1 = command, $2 = Debian package, $3 = check name
	command -v "$1" >/dev/null && return 0
	echo "$3: $1 is missing (Debian package $2; make deps installs it)" >"$out/missing.log"
	result 1 "$3" "$out/missing.log"
	return 1
}

# --- sparse, per kernel ---------------------------------------------------
# The kernel's C=2 checks every file whether or not it is rebuilt; its
# CHECKFLAGS already carry -Wbitwise (endianness) and the address spaces
# (__user, __rcu, __percpu). Any line sparse or gcc prints is a finding.
sparse_one() {	# $1 = kernel release
	local k=$1 d=$out/sparse/$1 log=$out/sparse-$1.log
	if [ ! -d "/lib/modules/$k/build" ]; then
		echo "no headers for $k" >"$log"
		return 1
	fi
	mkdir -p "$d/kmod/uapi"
	ln -sf "$top/Kbuild" "$d/Kbuild"
	for f in kmod/*.c kmod/*.h kmod/uapi/*.h; do ln -sf "$top/$f" "$d/$f"; done
	find "$d" -xtype l -delete
	make -s -C "/lib/modules/$k/build" M="$d" C=2 CHECK=sparse W=1 \
		PMTUFIX_VERSION="$version" modules >"$log.raw" 2>&1
	local rc=$?
	# BTF needs vmlinux, which Debian's 6.1 headers lack: not a finding.
	grep -v -e '^Skipping BTF generation' "$log.raw" >"$log"
	[ $rc -eq 0 ] && [ ! -s "$log" ]
}

for k in "${kernels[@]}"; do
	if need sparse sparse "sparse on kmod/ for $k"; then
		sparse_one "$k"
		result $? "sparse on kmod/ for $k" "$out/sparse-$k.log"
	fi
done

# --- the kernel's own scripts -------------------------------------------------
# checkpatch and kernel-doc read source text only, so one run covers both
# kernels. They and checkpatch's two data files come out of Debian's
# linux-source tarball into build/, keyed by the package version, so that
# nothing here depends on an unpacked tree. Prints the script's path.
ksrc_files=(scripts/checkpatch.pl scripts/spelling.txt
	scripts/const_structs.checkpatch scripts/kernel-doc)
ksrc_get() {	# $1 = script, one of ksrc_files
	local tarballs=(/usr/src/linux-source-6.12.tar.*) tarball ver dir f
	tarball=${tarballs[0]}
	[ -f "$tarball" ] || return 1
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || stat -c %Y "$tarball")
	dir=$out/linux-source-$ver
	if [ ! -f "$dir/.complete" ]; then
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp" &&
		tar -xf "$tarball" -C "$dir.tmp" --strip-components=1 \
			"${ksrc_files[@]/#/linux-source-6.12/}" &&
		touch "$dir.tmp/.complete" &&
		rm -rf "$dir" && mv "$dir.tmp" "$dir" || return 1
	fi
	echo "$dir/$1"
}

# --- checkpatch -------------------------------------------------------------

# --no-tree: an out-of-tree module; --strict: the netdev rules, which also
# check alignment and spacing; --show-types, so that an ignore names what it
# ignores. Every file gets the same flags except for the ignores below.
checkpatch_run() {	# $1 = checkpatch.pl; findings on stdout
	local cp=$1 f
	local flags=(--no-tree --file --strict --terse --show-types --quiet --color=never)
	for f in kmod/*.c kmod/*.h kmod/uapi/*.h; do
		case $f in
		kmod/compat.h)
			# The one place where the module meets two kernel lines: its
			# version gates are the point of the file (LINUX_VERSION_CODE),
			# and "LINUX_VERSION_CODE < KERNEL_VERSION(...)" compares two
			# constants, so CONSTANT_COMPARISON has no right side to want.
			"$cp" "${flags[@]}" --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON "$f" ;;
		kmod/uapi/*.h)
			# UAPI headers put "#define X_MAX (__X_MAX - 1)" directly under
			# its enum, as linux/wireguard.h and many more do; a
			# blank line would part the two.
			"$cp" "${flags[@]}" --ignore LINE_SPACING "$f" ;;
		*)
			"$cp" "${flags[@]}" "$f" ;;
		esac
	done
}

name="checkpatch --strict on kmod/ (linux-source-6.12)"
if need perl perl "$name"; then
	log=$out/checkpatch.log
	if cp=$(ksrc_get scripts/checkpatch.pl); then
		# --terse still ends each file with a "total:" line; anything
		# else it prints is a finding (or a complaint of checkpatch's own).
		checkpatch_run "$cp" 2>&1 | grep -v '^total: ' >"$log"
		[ ! -s "$log" ]
		result $? "$name" "$log"
	else
		echo "cannot extract checkpatch.pl from /usr/src/linux-source-6.12.tar.*" \
			"(Debian package linux-source-6.12)" >"$log"
		result 1 "$name" "$log"
	fi
fi

# --- kernel-doc -------------------------------------------------------------
# The functions one file of kmod/ calls in another carry their contract
# (context, locks, return) in a kernel-doc comment above the definition, as
# in the kernel. -Wall: every parameter described, a Return: section for a
# value, a short description. kernel-doc warns about comments that exist;
# the second half finds the function a header declares but no comment
# describes (inline helpers in headers are not required to have one).
kerneldoc_missing() {	# $1 = kernel-doc; findings on stdout
	local kd=$1
	comm -23 \
		<(grep -hoE '^[a-z][^(#]*\bpmtufix_[a-z0-9_]+\(' kmod/*.h |
		  grep -v '^static' | grep -oE 'pmtufix_[a-z0-9_]+\($' |
		  tr -d '(' | sort -u) \
		<(perl "$kd" -rst kmod/*.c 2>/dev/null |
		  sed -n 's/^\.\. c:function:: .*\b\(pmtufix_[a-z0-9_]*\) (.*/\1/p' |
		  sort -u) |
		sed 's/$/(): declared in a header of kmod\/, but no kernel-doc comment in kmod\/*.c/'
}

name="kernel-doc -Wall on kmod/ (linux-source-6.12)"
if need perl perl "$name"; then
	log=$out/kernel-doc.log
	if kd=$(ksrc_get scripts/kernel-doc); then
		perl "$kd" -none -Wall kmod/*.c kmod/*.h >"$log" 2>&1
		kerneldoc_missing "$kd" >>"$log"
		[ ! -s "$log" ]
		result $? "$name" "$log"
	else
		echo "cannot extract kernel-doc from /usr/src/linux-source-6.12.tar.*" \
			"(Debian package linux-source-6.12)" >"$log"
		result 1 "$name" "$log"
	fi
fi

# --- the CLI and the nft backend --------------------------------------------
# gcc 12's -fanalyzer loses track of a pointer that realloc() stored through a
# struct pointer (st->v = v in stats.c's put(), m->v = v in nft/rtnl.c's
# keep()) and reports it as leaked on return: every -Wanalyzer-malloc-leak
# report here was of that shape. Leaks are still checked: by scan-build's
# unix.Malloc below, and by LeakSanitizer in `make fuzz`.
# Every other analyzer warning stays an error (-Werror is in the Makefile).
log=$out/analyzer.log
rm -rf "$out/analyzer"
make -s -k -C userspace BUILD="$out/analyzer" \
	CFLAGS="-O2 -g -fanalyzer -Wno-analyzer-malloc-leak" >"$log" 2>&1
result $? "gcc -fanalyzer on userspace/ and nft/" "$log"

if need scan-build clang-tools "scan-build on userspace/ and nft/"; then
	log=$out/scan-build.log
	rm -rf "$out/scan-build" "$out/scan-build-report"
	scan-build -o "$out/scan-build-report" --status-bugs \
		make -s -k -C userspace BUILD="$out/scan-build" CC=clang >"$log" 2>&1
	rc=$?
	grep -q 'No bugs found' "$log" || rc=1
	result $rc "scan-build on userspace/ and nft/" "$log"
fi

echo "# static checks: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
