#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sets everything up (scripts/setup.sh), then runs the main job: a server and a client talking to it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
PORT=${PORT:-8007}
build/app/spread-server --headless --port "$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
sleep 0.5
build/app/echo-client --headless --port "$PORT" "$@"
