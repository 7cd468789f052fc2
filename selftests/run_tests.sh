#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh [TEST...] - run selftests the way the kernel's kselftest runner
# does, without a kernel tree. Default: every test-*.sh here.
#
# Output is TAP 13: each test's own output indented with "# ", then
# "ok N selftests: pmtufix: TEST" ("# SKIP" for exit 4, "not ok" otherwise),
# a "# Totals:" line and a final "N passed, N failed" line.
# Each test gets the timeout of ./settings (timeout=SECONDS; KSFT_TIMEOUT
# overrides). C tests (not *.sh) are looked up in $OUTPUT, then here.
# Exit status: 0 if none failed, 1 otherwise.

dir=${BASH_SOURCE[0]%/*}
[[ $dir == "${BASH_SOURCE[0]}" ]] && dir=.
cd "$dir" || exit 1

timeout=45
if [[ -r settings ]]; then
	while IFS='=' read -r k v; do
		[[ $k == timeout ]] && timeout=$v
	done <settings
fi
timeout=${KSFT_TIMEOUT:-$timeout}

tests=("$@")
if ((${#tests[@]} == 0)); then
	tests=(test-*.sh)
fi

echo "TAP version 13"
echo "1..${#tests[@]}"
n=0 pass=0 fail=0 skip=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	path=./$t
	if [[ $t != *.sh && -n $OUTPUT && -x $OUTPUT/$t ]]; then
		path=$OUTPUT/$t
	fi
	echo "# selftests: pmtufix: $t"
	if [[ ! -x $path && ! -r $path ]]; then
		echo "# $t: not found"
		rc=1
	else
		if [[ $path == *.sh ]]; then
			cmd=(bash "$path")
		else
			cmd=("$path")
		fi
		timeout -k 10 "$timeout" "${cmd[@]}" 2>&1 </dev/null |
		while IFS= read -r line; do
			printf '# %s\n' "$line"
		done
		rc=${PIPESTATUS[0]}
	fi
	case $rc in
	0)
		pass=$((pass + 1))
		echo "ok $n selftests: pmtufix: $t"
		;;
	4)
		skip=$((skip + 1))
		echo "ok $n selftests: pmtufix: $t # SKIP"
		;;
	124)
		fail=$((fail + 1))
		echo "not ok $n selftests: pmtufix: $t # TIMEOUT $timeout seconds"
		;;
	*)
		fail=$((fail + 1))
		echo "not ok $n selftests: pmtufix: $t # exit=$rc"
		;;
	esac
done
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
echo "$pass passed, $fail failed"
((fail == 0))
