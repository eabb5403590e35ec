#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Writes docs/screenshots/{server,client}-{en,zh_CN}.png: the server window and a
# client window (with a second client and a raw device connected) after a short
# scripted session, in English and in Simplified Chinese, under Xvfb;
# framing-{en,zh_CN}.png: a Modbus TCP server (--framing length:2,offset=4) with
# a master polling a PLC; rules-{en,zh_CN}.png: the README's example rules in the
# Rules tab, answering a PING, tagging an alarm, hiding a password and kicking a
# bad device; then cluster-{en,zh_CN}.png: the server window joined to a NATS domain with a
# second server (needs a build with NATS and nats-server installed; skipped,
# with a message, otherwise).
# Builds nothing: build first (scripts/setup.sh or cmake --build build).
# Usage: scripts/screenshots.sh [BUILD_DIR]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DRIVER="$BUILD/tests/spread-screenshots"
OUT=docs/screenshots
if [ ! -x "$DRIVER" ]; then
    echo "screenshots: $DRIVER not found; build with tests on first" >&2
    exit 1
fi
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run missing (apt install xvfb xauth)" >&2; exit 1; }
mkdir -p "$OUT"

shoot() {   # shoot SUFFIX LANG LANGUAGE
    echo "screenshots: $1"
    env LANG="$2" LANGUAGE="$3" LC_ALL= QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=1 \
        xvfb-run -a -s "-screen 0 1600x1000x24 -dpi 96" "$DRIVER" "$OUT" "$1"
}
shoot en en_US.UTF-8 en
shoot zh_CN zh_CN.UTF-8 zh_CN

# Smaller files (ImageMagick, when present): 128 colours without dithering
# keep flat UI colours and text crisp, at a quarter of the size.
if command -v convert >/dev/null; then
    for png in "$OUT"/*.png; do
        convert "$png" -strip +dither -colors 128 -define png:compression-level=9 "$png"
    done
fi
ls -l "$OUT"
