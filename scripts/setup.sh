#!/usr/bin/env bash
# Installs every Debian package regenesis needs (idempotent; apt-get update runs first whenever
# something is missing) and builds the project into build/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev libopenblas0-pthread
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
  libpcre2-dev libutf8proc-dev libsqlite3-dev libxxhash-dev
  libcurl4-openssl-dev libcpp-httplib-dev libcairo2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev  # libFuzzer + sanitizer runtimes: scripts/fuzz_replay.sh
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

# fp32 matrix products need OpenBLAS behind libblas.so.3 (the reference BLAS is ~30x slower).
if command -v update-alternatives >/dev/null && [ "$(id -u)" -eq 0 ]; then
  blas=$(update-alternatives --list libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep openblas | head -n1 || true)
  [ -n "$blas" ] && update-alternatives --set libblas.so.3-x86_64-linux-gnu "$blas" >/dev/null
fi

build_type=${REGENESIS_BUILD_TYPE:-Release}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type"
cmake --build build -j "$(nproc)"
