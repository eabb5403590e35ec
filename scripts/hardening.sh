#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The hardening pass that CI runs after the test suite:
#  1. the whole suite built with AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/);
#  2. the libFuzzer targets built with clang (build-fuzz/), each run for FUZZ_SECONDS
#     (default 30) from the seed corpus in tests/fuzz/corpus; any crash fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null   # the packages of the normal build

need=()
for p in clang libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

echo "== sanitizers: ASan + UBSan =="
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSPREAD_SANITIZE=ON -DSPREAD_NATS=ON >/dev/null
cmake --build build-asan --parallel "$(nproc)"
export QT_QPA_PLATFORM=offscreen
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
# memcheck runs valgrind, which cannot run on top of ASan; the benchmark smoke test is about counts.
ctest --test-dir build-asan --output-on-failure --timeout 900 -LE memcheck -E bench_smoke

echo "== fuzzing: libFuzzer, ${FUZZ_SECONDS:-30} s per target =="
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPREAD_FUZZ=ON >/dev/null
cmake --build build-fuzz --parallel "$(nproc)"
for target in fuzz_lineframer fuzz_delimiterframer fuzz_fixedframer fuzz_lengthframer fuzz_idleframer fuzz_server \
              fuzz_template fuzz_rules; do
    corpus=$(mktemp -d)
    log=$(mktemp)
    if ! build-fuzz/tests/fuzz/$target -max_total_time="${FUZZ_SECONDS:-30}" -print_final_stats=1 \
            "$corpus" "tests/fuzz/corpus/${target#fuzz_}" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "$target: FAILED (the crashing input is above and in crash-* here)"
        exit 1
    fi
    echo "$target: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions, no crash"
    rm -rf "$corpus" "$log"
done
echo "hardening: all passed"
