#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what SpreadSite needs on Debian 12 (only what is missing) and builds it in ./build.
# Usage: scripts/setup.sh [extra cmake arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
    g++ cmake ninja-build pkgconf valgrind libpcre2-dev libpcap-dev tshark
    qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
    python3 python3-twisted ncat openssl libssl-dev haproxy iproute2
    nats-server libnats-dev
    xvfb xauth imagemagick fonts-noto-cjk
)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The NATS bridge is part of what CI builds and tests: fail here if libnats-dev is missing.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPREAD_NATS=ON "$@"
cmake --build build --parallel "$(nproc)"
