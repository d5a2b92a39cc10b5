#!/usr/bin/env bash
# build.sh - the optimised build of setup.sh and test.sh, sourced by both.
# Profile-guided (GCC): the C code is built instrumented, trained on the
# DRAM model's command-log runs (bench/dram/dram_cmdlogs: 7 presets,
# mixed reads and writes, not the benchmark) and the default system, then
# built again from that profile. Random DRAM reads run ~5 % faster than a
# plain -O2 build (docs/dram.md); results are the same. With another
# compiler CMake ignores AX_PGO and both builds are plain.

# Build the whole tree into directory $1 with $2 jobs.
ax_build_release() {
  local dir=$1 jobs=$2 root=$PWD
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAX_PGO=GEN -DAX_BENCH=ON >/dev/null
  cmake --build "$dir" -j"$jobs" --target dram_cmdlogs axsim
  rm -rf "$dir/pgo"
  local t ok=0
  t=$(mktemp -d)
  mkdir "$t/logs"
  (cd "$t" && "$root/$dir/bench/dram/dram_cmdlogs" "$t/logs" >/dev/null &&
     "$root/$dir/axsim" run "$root/configs/default.cfg" -o "$t/default.h5" >/dev/null) || ok=1
  rm -rf "$t"
  if [ $ok -ne 0 ]; then echo "axsim: the training run of the profile-guided build failed" >&2; return 1; fi
  cmake -S . -B "$dir" -DAX_PGO=USE >/dev/null
  cmake --build "$dir" -j"$jobs"
}
