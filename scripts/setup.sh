#!/usr/bin/env bash
# setup.sh - the first of the README's two commands: install dependencies,
# build axsim, and run the bundled default system (configs/default.cfg).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
ax_install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
mkdir -p out
./build/axsim run configs/default.cfg -o out/default.h5
echo "axsim: built in ./build; results of the default system in out/default.h5"
echo "axsim: try  ./build/axsim report out/default.h5  or  ./build/axsim --help"
