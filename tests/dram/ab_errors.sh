#!/bin/sh
# ab_errors.sh SRCDIR WORKDIR - bench/dram/ab.sh refuses bad command lines
# (and a build tree that does not build) with exit 2 and a message naming
# what is wrong, before running anything.
set -u
SRC="$1"; W="$2"
rm -rf "$W"; mkdir -p "$W/empty" "$W/b/bench/dram"; cd "$W" || exit 1
for x in bench_dram dram_cmdlogs; do printf '#!/bin/sh\nexit 0\n' > "b/bench/dram/$x"; chmod +x "b/bench/dram/$x"; done
fails=0
check() { # description want-text command...
  what=$1 want=$2; shift 2
  bash "$SRC/bench/dram/ab.sh" "$@" >out.txt 2>err.txt; rc=$?
  if [ "$rc" -eq 2 ] && grep -qF -- "$want" err.txt; then echo "ok: $what"
  else echo "FAIL: $what: exit $rc, stderr:"; cat err.txt; fails=$((fails + 1)); fi
}
check "no arguments: the usage" "OLD_BUILD NEW_BUILD [RUNS] [random|sequential]"
check "a build without the binaries" "$W/empty/bench/dram/bench_dram: not built (make bench_dram in $W/empty)" "$W/empty" "$W/b"
check "a relative build directory: named from the current one" "$W/empty/bench/dram/bench_dram: not built (make bench_dram in $W/empty)" empty b
check "an unknown mode" "mode 'randum': expected random or sequential" "$W/b" "$W/b" 3 randum
mkdir -p broken && echo "CMAKE_HOME_DIRECTORY:INTERNAL=$W/nowhere" > broken/CMakeCache.txt
check "a CMake tree that does not build" "ab.sh: building $W/broken failed (see $W/broken/ab_build.log)" "$W/broken" "$W/b"
exit $fails
