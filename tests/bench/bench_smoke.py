#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""CI smoke pass of spread-bench against our server: correctness only, never speed.

    bench_smoke.py BUILD_DIR

Starts build/app/spread-server on a free 127.0.0.1 port (a fresh one for each check),
runs spread-bench fanout (5 receivers, 2,000 lines, saturated), churn (200 cycles), a
15 s soak (50 receivers, churn and floods) and memory (200 receivers, 10 lines sent one
by one, then every client leaves), and fails if anything was lost, duplicated, reordered
or dropped, a client missed a line, the server kept a descriptor after every client left,
or a run failed. The memory check's RSS figures are printed, never judged. Then over TLS
(issue 12; skipped, saying why, without the openssl command to make a throwaway CA): fan-out
to 5 TLS receivers (500 lines) and 20 full and 20 resumed handshakes, every one completed
and the resumed ones resumed. The server is always stopped at the end.
"""

import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_bench  # noqa: E402  (next to this file)

CHECKS = [
    ("fanout", ["--receivers", "5", "--lines", "2000", "--rate", "0"]),
    ("churn", ["--cycles", "200"]),
    # A short soak: 50 receivers for 15 s with churn and floods, sequence-checked.
    ("soak", ["--clients", "50", "--duration", "15", "--flood-lines", "1000", "--flood-every", "5"]),
    # Memory after traffic, for correctness: 10 lines one by one to 200 clients, all in order, all leave.
    ("memory", ["--clients", "200", "--broadcasts", "10"]),
    # Fan-out of length:2 frames (issue 14), against our server with --framing length:2.
    ("framing", ["--receivers", "5", "--lines", "2000", "--rate", "0"]),
]
KINDS = {"framing": "ours-length"}

# Over TLS, against a CA made for the run: every line to every TLS receiver; every handshake
# done, the second pass's resumed with the first connection's session.
TLS_CHECKS = [
    ("tls-fanout", ["--receivers", "5", "--lines", "500", "--rate", "0"]),
    ("tls-handshake", ["--cycles", "20", "--concurrency", "5"]),
]


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: bench_smoke.py BUILD_DIR\n")
        return 2
    build = Path(sys.argv[1]).resolve()
    run_bench.raise_nofile()
    passed = failed = 0
    checks = list(CHECKS)
    no_tls = run_bench.TlsFiles.missing()
    if no_tls:
        print("SKIP: %s: %s" % (", ".join(mode for mode, _ in TLS_CHECKS), no_tls))
    else:
        checks += TLS_CHECKS
    with tempfile.TemporaryDirectory(prefix="bench-smoke-") as log_dir:
        if not no_tls:
            run_bench.Server.tls = run_bench.TlsFiles(log_dir)
        for mode, args in checks:
            try:
                rows = run_bench.run_one(build, mode, KINDS.get(mode, "ours"), args, Path(log_dir), None, timeout=120)
            finally:
                run_bench.Server.stop_all()
            ok = bool(rows) and all(r.get("status") == "ok" for r in rows)
            if mode in ("fanout", "soak", "tls-fanout", "framing"):
                ok = ok and all(r.get("lost") == "0" and r.get("reordered") == "0" and r.get("duplicated") == "0"
                                and r.get("corrupt") == "0" for r in rows)
            if mode == "memory":
                # spread-bench checked the order and the descriptors left; this is every client having all.
                ok = ok and all(r.get("received_all") == r.get("clients") and r.get("corrupt") == "0" for r in rows)
            if mode == "tls-handshake":
                passes = {r.get("pass"): r for r in rows}
                ok = ok and set(passes) == {"full", "resumed"} and all(
                    r.get("done") == r.get("cycles") for r in rows) and passes["full"].get("resumed") == "0" \
                    and passes["resumed"].get("resumed") == passes["resumed"].get("cycles")
            print("%s: %s" % ("PASS" if ok else "FAIL", mode))
            passed += ok
            failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
