#!/bin/bash
# ab.sh - compare two builds of the DRAM model: same commands, and speed.
#
#   bench/dram/ab.sh OLD_BUILD NEW_BUILD [RUNS] [random|sequential]
#
# OLD_BUILD and NEW_BUILD are CMake build directories. First both are
# built (bench_dram, dram_cmdlogs) and the source revision of each printed
# (git describe --dirty): a binary older than its sources measures other
# code than the tree says. Then the exactness gate: both trees'
# dram_cmdlogs logs (28 runs, commands and statistics) must be
# byte-identical, with the AVX-512 pass and with the plain one
# (AXSIM_DRAM_NO_SIMD=1). Then bench_dram 1M requests, the two
# binaries run alternately RUNS times (default 9) pinned to one core: the
# best and median requests per second of each, and the median (with the
# quartiles) of new / old over each adjacent pair. On a shared VM the
# machine's speed changes in phases of a minute or more (seen: a third
# slower); the pair ratio cancels them where best and median cannot. A
# claim below ~5 % needs 15 pairs or more.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '4,18p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
old=$1 new=$2 runs=${3:-9} mode=${4:-random}
case $old in /*) ;; *) old=$PWD/$old ;; esac # the runs happen in a scratch directory
case $new in /*) ;; *) new=$PWD/$new ;; esac
case $mode in random|sequential) ;; *) echo "ab.sh: mode '$mode': expected random or sequential" >&2; exit 2 ;; esac
for side in old new; do
  b=${!side}
  if [ -f "$b/CMakeCache.txt" ]; then # a CMake tree: rebuild what runs, say which source it is
    cmake --build "$b" --target bench_dram dram_cmdlogs > "$b/ab_build.log" 2>&1 ||
      { echo "ab.sh: building $b failed (see $b/ab_build.log)" >&2; exit 2; }
    src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$b/CMakeCache.txt")
    echo "$side: $b, source $src at $(git -C "$src" describe --always --dirty 2>/dev/null || echo '(not a git tree)')"
  fi
  for x in bench_dram dram_cmdlogs; do
    [ -x "$b/bench/dram/$x" ] || { echo "ab.sh: $b/bench/dram/$x: not built (make $x in $b)" >&2; exit 2; }
  done
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
core=$(( $(nproc) > 1 ? 1 : 0 ))

for simd in vector plain; do
  for side in old new; do
    b=${!side}
    mkdir -p "$tmp/$simd-$side"
    if [ $simd = plain ]; then export AXSIM_DRAM_NO_SIMD=1; fi
    (cd "$tmp" && "$b/bench/dram/dram_cmdlogs" "$tmp/$simd-$side" > /dev/null)
  done
  if diff -rq "$tmp/$simd-old" "$tmp/$simd-new" > /dev/null; then
    echo "commands ($simd pass): identical in all $(ls "$tmp/$simd-old" | wc -l) logs"
  else
    echo "commands ($simd pass): DIFFER" >&2
    diff -rq "$tmp/$simd-old" "$tmp/$simd-new" >&2 || true
    exit 1
  fi
done
unset AXSIM_DRAM_NO_SIMD

for i in $(seq "$runs"); do
  for side in old new; do
    b=${!side}
    (cd "$tmp" && taskset -c $core "$b/bench/dram/bench_dram" 1000000 "$mode") |
      sed -n "s/.*requests_per_s=\([0-9.]*\)M.*/$side $i \1/p"
  done
done > "$tmp/runs.txt"
sort -k1,1 -k3,3n "$tmp/runs.txt" |
  awk -v mode="$mode" '{v[$1] = v[$1] " " $3; n[$1]++}
       END {for (k in v) {split(substr(v[k], 2), a, " ");
              printf "%s %s: best %s median %s M req/s (%d runs)\n", mode, k, a[n[k]], a[int((n[k] + 1) / 2)], n[k]}}' |
  sort -r
awk '{x[$2, $1] = $3} END {for (i = 1; x[i, "old"] != ""; i++) if (x[i, "new"] != "") printf "%.4f\n", x[i, "new"] / x[i, "old"]}' \
  "$tmp/runs.txt" | sort -n |
  awk -v mode="$mode" '{r[NR] = $1}
       END {if (NR) printf "%s new / old, adjacent pairs: median %.3f (quartiles %.3f %.3f, %d pairs)\n", mode,
                           r[int((NR + 1) / 2)], r[int((NR + 3) / 4)], r[int((3 * NR + 3) / 4)], NR}'
