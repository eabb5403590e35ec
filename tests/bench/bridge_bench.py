#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Delivered messages per second across two servers bridged over NATS, against one server.

Builds nothing: give it a build directory with app/spread-server (built with NATS) and
tests/bench/spread-bench; nats-server must be installed. Each repetition measures, in turn:

  one server   spread-bench fanout: one sender and --receivers receivers on one server
  bridged      the same load, the sender on server A, the receivers on server B, A and B
               joined in one domain on one local nats-server (spread-bench --receivers-port)

Every run gets fresh servers on free 127.0.0.1 ports. Prints every spread-bench result line
to stderr and a Markdown table of medians to stdout.

    python3 tests/bench/bridge_bench.py build-nats-release
    python3 tests/bench/bridge_bench.py build-nats-release --reps 3 --rates 0,5000
"""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError("timed out waiting for " + what)


class Process:
    """A program whose output is collected into a file, killed at the end."""

    def __init__(self, args, workdir):
        self.args = args
        self.out_path = tempfile.mktemp(dir=workdir, suffix=".log")
        self.out = open(self.out_path, "wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=self.out, stderr=subprocess.STDOUT)

    def text(self):
        with open(self.out_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


def start_nats(workdir):
    nats = shutil.which("nats-server") or "/usr/sbin/nats-server"
    ports_dir = tempfile.mkdtemp(dir=workdir)
    p = Process([nats, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", ports_dir], workdir)

    def url():
        for path in glob.glob(os.path.join(ports_dir, "*.ports")):
            try:
                with open(path) as f:
                    return json.load(f)["nats"][0]
            except (ValueError, KeyError, IndexError):
                return None
        return None

    return p, wait_for(url, 10, "nats-server's ports file")


def start_server(build, workdir, extra):
    p = Process([os.path.join(build, "app", "spread-server"), "--headless", "--quiet", "--bind", "127.0.0.1",
                 "--port", "0"] + extra, workdir)

    def port():
        m = re.search(r"listening on \S+ port (\d+)", p.text())
        return int(m.group(1)) if m else None

    return p, wait_for(port, 10, "spread-server's port")


def run_bench(build, args, port, pid, label, receivers_port=None, rate=0):
    cmd = [os.path.join(build, "tests", "bench", "spread-bench"), "fanout", "--port", str(port), "--pid", str(pid),
           "--server", label, "--receivers", str(args.receivers), "--lines", str(args.lines),
           "--rate", str(rate), "--no-table"]
    if receivers_port:
        cmd += ["--receivers-port", str(receivers_port)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    line = next((l for l in out.stdout.splitlines() if l.startswith("mode=")), "")
    log(line or out.stdout + out.stderr)
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("--receivers", type=int, default=50)
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rates", default="0", help="comma list of lines/s; 0 saturated (default 0)")
    args = ap.parse_args()
    rates = [float(r) for r in args.rates.split(",")]

    workdir = tempfile.mkdtemp(prefix="bridge-bench-")
    nats, url = start_nats(workdir)
    log("nats-server at " + url)
    results = {}   # (setup, rate) -> list of result dicts
    failed = False
    try:
        for rep in range(args.reps):
            for rate in rates:
                one, port = start_server(args.build, workdir, [])
                try:
                    r = run_bench(args.build, args, port, one.proc.pid, "one-server", rate=rate)
                finally:
                    one.stop()
                results.setdefault(("one server", rate), []).append(r)

                domain = "bench%d" % rep
                a, port_a = start_server(args.build, workdir, ["--nats", url, "--domain", domain, "--server-id", "a"])
                b, port_b = start_server(args.build, workdir, ["--nats", url, "--domain", domain, "--server-id", "b"])
                try:
                    wait_for(lambda: "cluster: b joined" in a.text() and "cluster: a joined" in b.text(), 15,
                             "the two servers to see each other")
                    r = run_bench(args.build, args, port_a, b.proc.pid, "bridged", receivers_port=port_b, rate=rate)
                finally:
                    a.stop()
                    b.stop()
                results.setdefault(("bridged", rate), []).append(r)
        for rs in results.values():
            failed = failed or any(r.get("status") != "ok" for r in rs)
    finally:
        nats.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    def median(rs, key):
        values = [float(r[key]) for r in rs if key in r]
        return statistics.median(values) if values else float("nan")

    print("%s, %s, %d cores, %d receivers, %d lines of 64 bytes, median of %d\n" % (
        datetime.date.today().isoformat(), platform.node(), os.cpu_count(), args.receivers, args.lines, args.reps))
    print("| setup | pace | delivered/s | latency p50 ms | latency p99 ms | lost |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for (setup, rate), rs in results.items():
        print("| %s | %s | %.0f | %.2f | %.2f | %d |" % (
            setup, "saturated" if rate == 0 else "%.0f/s" % rate, median(rs, "delivered_per_s"),
            median(rs, "p50_ms"), median(rs, "p99_ms"),
            sum(int(r.get("lost", "0")) for r in rs)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
