#!/usr/bin/env bash
# setup.sh - the first of the README's two commands: install dependencies,
# build axsim, and run the bundled default system (configs/default.cfg).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
. scripts/build.sh
ax_install_deps
ax_build_release build "$(nproc)"
mkdir -p out
./build/axsim run configs/default.cfg -o out/default.h5
echo "axsim: built in ./build; results of the default system in out/default.h5"
echo "axsim: try  ./build/axsim report out/default.h5  or  ./build/axsim --help"
