#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh -d BUILDDIR [--smoke] TARGET...
#
# Runs the libFuzzer targets built in BUILDDIR (fuzz-TARGET) from the corpus
# kept in the tree, fuzz/corpus/TARGET/. One TAP line per target.
#   default   FUZZ_TIME seconds each (30), new corpus entries kept in
#             BUILDDIR/corpus/TARGET/ for the next run
#   --smoke   FUZZ_RUNS inputs each (20000), the tree's corpus only: the same
#             inputs every time, for `make check`
# FUZZ_SEED fixes libFuzzer's seed (default: random, printed; with --smoke, 1).
# A crash, leak, timeout or broken assertion saves its input under
# BUILDDIR/artifacts/TARGET/ and prints the seed and the command that
# replays it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

dir="" smoke=false targets=()
while [ $# -gt 0 ]; do
	case $1 in
	-d) dir=$2; shift 2 ;;
	--smoke) smoke=true; shift ;;
	-h|--help) sed -n '4,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) targets+=("$1"); shift ;;
	esac
done
if [ -z "$dir" ] || [ ${#targets[@]} -eq 0 ]; then
	echo "usage: $0 -d BUILDDIR [--smoke] TARGET..." >&2
	exit 2
fi

if $smoke; then
	seed=${FUZZ_SEED:-1}
else
	seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
fi
time=${FUZZ_TIME:-30}
runs=${FUZZ_RUNS:-20000}
echo "TAP version 13"
echo "1..${#targets[@]}"
echo "# seed $seed (FUZZ_SEED=$seed reproduces it)"

n=0 failed=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	bin=$dir/fuzz-$t
	art=$dir/artifacts/$t
	log=$dir/$t.log
	mkdir -p "$art"
	# The first directory takes the new inputs: never the tree's.
	if $smoke; then
		out=$dir/smoke/$t
		rm -rf "$out"
		limits=(-runs="$runs" -max_total_time=120)
	else
		out=$dir/corpus/$t
		limits=(-max_total_time="$time")
	fi
	mkdir -p "$out"
	dict=()
	[ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
	t0=$EPOCHREALTIME
	"$bin" -seed="$seed" "${limits[@]}" "${dict[@]}" -timeout=10 -max_len=8192 \
		-print_final_stats=1 -artifact_prefix="$art/" \
		"$out" "$here/corpus/$t" >"$log" 2>&1
	rc=$?
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	# libFuzzer says 0/s for a run under a second: then count ourselves.
	[ "${speed:-0}" -gt 0 ] 2>/dev/null ||
		speed=$(awk -v n="${execs:-0}" -v s="$secs" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }')
	if [ $rc -eq 0 ]; then
		echo "ok $n - fuzz $t: ${execs:-?} inputs in $secs s, ${speed}/s"
	else
		failed=$((failed + 1))
		echo "not ok $n - fuzz $t (seed $seed)"
		grep -E 'ERROR|FUZZ_ASSERT|runtime error|SUMMARY|Test unit written' "$log" |
			head -20 | sed 's/^/#   /'
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
		[ -n "$crash" ] && echo "#   replay: $bin $crash"
		echo "#   rerun:  FUZZ_SEED=$seed $0 -d $dir $($smoke && echo '--smoke ')$t"
		echo "#   log:    $log"
	fi
done
echo "# fuzz: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
