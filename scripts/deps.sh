#!/usr/bin/env bash
# deps.sh - install what axsim needs from Debian's packages, if missing.
# Sourced by setup.sh and test.sh; safe to run again (installs nothing
# when everything is there).
set -euo pipefail

AX_PACKAGES=(
  build-essential cmake pkg-config
  libsystemc-dev        # SystemC 2.3 (the SystemC shim)
  libconfig-dev         # system config files
  libhdf5-dev hdf5-tools  # results files, h5ls / h5dump
  libcmocka-dev         # unit tests
  libinih-dev zlib1g-dev  # DRAMsim3 .ini files, gzip traces
  libopenmpi-dev openmpi-bin  # sweeps across machines
  python3 python3-h5py python3-numpy python3-pandas python3-matplotlib  # analysis/
  python3-onnx          # workloads/onnx: ONNX models as traces
  python3-sklearn       # workloads/digits: retraining the fault-campaign models (tests use the committed export)
)

ax_install_deps() {
  local missing=()
  for p in "${AX_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "axsim: installing ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
