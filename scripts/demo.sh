#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sets everything up (scripts/setup.sh), then runs the main job: the server window and a
# client window connected to it. Without a display, the same pair runs in the console.
# Extra arguments go to the client (for example --interval 1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
PORT=${PORT:-8007}

wait_for_port() {
    # Look at the listening sockets rather than connect: a probe would show in the server's log.
    for _ in $(seq 50); do
        [ -n "$(ss -Hltn "sport = :$PORT" 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    echo "demo: the server did not start listening on port $PORT" >&2
    return 1
}

MODE=()
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "demo: no display here, so the server and the client run in the console (--headless)."
    MODE=(--headless)
fi

build/app/spread-server "${MODE[@]}" --port "$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
wait_for_port
build/app/echo-client "${MODE[@]}" --port "$PORT" "$@"
