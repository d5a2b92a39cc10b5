#!/usr/bin/env bash
# test.sh - the second of the README's two commands: install dependencies
# if missing, build, and run the whole test suite twice: the optimised
# build setup.sh makes (profile-guided, scripts/build.sh; every test) and
# an AddressSanitizer + UndefinedBehaviorSanitizer build (every test not
# labelled `slow`).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
. scripts/build.sh
ax_install_deps
jobs="$(nproc)"

ax_build_release build "$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DAX_SANITIZE=ON -DAX_BENCH=OFF >/dev/null
cmake --build build-asan -j"$jobs"
supp="$PWD/scripts/lsan.supp"
(cd build-asan && LSAN_OPTIONS="suppressions=$supp" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
   ctest --output-on-failure -j"$jobs" -LE slow)
