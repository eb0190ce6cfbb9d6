#!/usr/bin/env bash
# setup.sh - install everything convoysim needs on Debian 12, as root.
#
# Idempotent: packages already installed are not fetched again, and apt-get
# is not touched at all when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ninja-build     # compiler and build
  libgsl-dev libconfig-dev libcmocka-dev                # libraries
  libomp-dev clang libclang-rt-14-dev                   # TSan/Archer, fuzzing
  gnuplot-nox                                           # plots (pngcairo)
  openmpi-bin libopenmpi-dev                            # the MPI build (-DCONVOYSIM_MPI=ON)
  valgrind                                              # memcheck in CI (scripts/valgrind.sh)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: missing packages: ${missing[*]}" >&2
  echo "setup.sh: run as root (or install them with apt-get) and try again" >&2
  exit 1
fi

echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
