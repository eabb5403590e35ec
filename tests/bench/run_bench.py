#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmarks our server against the seed's (Twisted), ncat --broker and the epoll yardstick; over TLS against haproxy.

Builds nothing: give it a build directory with app/spread-server, tests/bench/spread-bench and
tests/bench/epoll-relay. Every measurement gets a freshly started server on a free
127.0.0.1 port (the memory mode one per client count); the modes run REPS times,
round-robin across the servers within each repetition; the table shows medians and, in
parentheses, the ratio to the yardstick, with issue 11's targets for our server.

    python3 tests/bench/run_bench.py build              # the full run (about 45 minutes, 30 of them the soak)
    python3 tests/bench/run_bench.py build --modes ingest,memory,fanout,churn   # without the soak (about 15)
    python3 tests/bench/run_bench.py build --modes soak # the 10-minute, 500-client soak alone, 3 servers (about 30)
    python3 tests/bench/run_bench.py build --quick      # small sizes, a few minutes
    python3 tests/bench/run_bench.py build --modes fanout,churn --servers ours,yardstick
    python3 tests/bench/run_bench.py build --modes tls  # the TLS modes, ours and haproxy + yardstick (about 6)
    python3 tests/bench/run_bench.py build --modes tls --quick --reps 1                  # a try-out (about 2)

The memory mode connects N receivers (and a sender), sends 10 lines one by one (each once
every receiver has the one before, checked in order), and reports the server's RSS per
client idle and after that traffic, and what it keeps once every client has left; at
1,000, 5,000 and 10,000 clients (ncat only up to 1,000: its select() loop). The soak
samples the server's RSS every second; the table gives it at the end of the first minute
(of the first tenth of a shorter run), the highest after that, and the end: "flat" when
that highest is at most 1 MiB or 5 %, whichever is more, above the first minute's.

The TLS modes (issue 12; --modes tls is all four, not in the default run) are the same loads
over TLS, the certificate verified by spread-bench against a CA made at run time (ECDSA
P-256, openssl(1), in a temporary folder): tls-ingest (idle clients all handshaken),
tls-memory (RSS per client after the handshake and after the broadcasts; and 5,000 silent
connections that never send a byte, held and after the server dropped them at its 10 s
handshake deadline), tls-handshake (full, then resumed: every connection offers one first
connection's session, and SSL_session_reused counts what was resumed), tls-fanout. Their
table is a second one, against haproxy (nbthread 1, mode tcp, tests/bench/haproxy.cfg.in)
terminating TLS in front of the yardstick: its CPU and RSS are both processes'.

The framing mode (issue 14; --modes framing, not in the default run) is the fan-out on our
server twice, in line framing and with --framing length:2 (spread-bench sends each 64-byte
unit as a 2-byte length and a 62-byte body, and frames what it receives), in a third table
whose ratios are to line framing (target 1.1x):

    python3 tests/bench/run_bench.py build --modes framing --servers ours   # about 2 minutes

Progress and every spread-bench result line go to stderr; the Markdown table (for the
README) goes to stdout, and to --out FILE. Exit code 1 if any run lost, duplicated or
reordered a line, or failed; 0 otherwise.
"""

import argparse
import datetime
import os
import platform
import re
import resource
import select
import shlex
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED_SERVER = ROOT / "tests" / "interop" / "spread_server.py"

HAPROXY_CONFIG = Path(__file__).resolve().parent / "haproxy.cfg.in"

PLAIN_MODES = ["ingest", "memory", "fanout", "churn", "soak"]
TLS_MODES = ["tls-ingest", "tls-memory", "tls-handshake", "tls-fanout"]
# Issue 14: fan-out of length:2 frames (ours-length) against the same of lines (ours), one run.
FRAMING_MODES = ["framing"]
# Issue 15: ingest with the ten regex rules of rules10.json loaded (ours-rules) against none (ours), one run.
RULES_MODES = ["rules"]
RULES_FILE = Path(__file__).resolve().parent / "rules10.json"
# Issue 16: fan-out with --capture on (ours-capture) against without (ours), one run.
CAPTURE_MODES = ["capture"]
MODES = PLAIN_MODES + TLS_MODES + FRAMING_MODES + RULES_MODES + CAPTURE_MODES
SERVERS = ["ours", "seed", "ncat", "yardstick", "haproxy"]
TITLES = {
    "ours": "ours",
    "ours-length": "ours, --framing length:2",
    "ours-rules": "ours, --rules rules10.json",
    "ours-capture": "ours, --capture",
    "seed": "Twisted (seed)",
    "ncat": "ncat --broker",
    "yardstick": "epoll yardstick",
    "haproxy": "haproxy + yardstick",
}
NCAT_MAX_CONNECTIONS = 1000   # ncat's broker uses select(): it aborts at descriptor 1024
HAPROXY_SPARE_FDS = 100       # haproxy's own descriptors besides two a client (front and back)

FULL = dict(idle="0,2000,10000", rate=1500, duration=10, memory_clients="1000,5000,10000", broadcasts=10,
            receivers=50, lines=20000, saturated_passes=5, paced_rate=2000, cycles=10000, concurrency=50,
            soak_minutes=10.0, soak_clients=500, soak_flood=5000, soak_flood_every=10.0,
            tls_memory_clients="1000,5000", tls_silent=5000, tls_cycles=2000, rules_idle="0,2000")
QUICK = dict(idle="0,500", rate=1500, duration=3, memory_clients="200,1000", broadcasts=10,
             receivers=10, lines=2000, saturated_passes=1, paced_rate=1000, cycles=1000, concurrency=50,
             soak_minutes=0.15, soak_clients=20, soak_flood=1000, soak_flood_every=3.0,
             tls_memory_clients="200,1000", tls_silent=1000, tls_cycles=300, rules_idle="0,500")

# Issue 11's targets for our server, the yardstick = 1.00.
TARGET_MEMORY = 1.3          # RSS per client after the broadcasts
TARGET_KEPT_FRACTION = 0.10  # RSS after every client left: within 10 % of the start ...
TARGET_KEPT_KIB = 4096       # ... or 4 MiB, whichever is larger
TARGET_FANOUT_CPU = 1.1      # saturated and paced
TARGET_FANOUT_P50 = 1.5
TARGET_CHURN = 1.2
TARGET_INGEST = 1.3          # with the most idle clients
TARGET_INGEST_FLAT = 1.2     # ours with N idle / ours with none
SOAK_FLAT_KIB = 1024         # soak: the highest RSS after the first minute at most this ...
SOAK_FLAT_FRACTION = 0.05    # ... or this much above the first minute's, whichever is more

# Issue 12's targets for our server over TLS.
TARGET_TLS_INGEST_FLAT = 1.5    # ours with the most idle TLS clients / ours with none
TARGET_TLS_CLIENT_BYTES = 8192  # RSS per idle TLS client, after the handshake and after the broadcasts
TARGET_SILENT_BYTES = 1024      # RSS per silent pre-handshake connection
# Handshakes/s and TLS fan-out CPU per delivery: no worse than haproxy + yardstick.

# Issue 14's target: fan-out of length:2 frames, CPU per delivery against line framing.
TARGET_FRAMING_CPU = 1.1
# Issue 15's target: ingest CPU per message with ten regex rules, against none.
TARGET_RULES_CPU = 1.3
# Issue 16's target: fan-out CPU per delivery with --capture on, against off (server and writer thread).
TARGET_CAPTURE_CPU = 1.3


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def nofile_limit():
    """The hard open-file limit: what every server (haproxy too) can raise itself to."""
    return resource.getrlimit(resource.RLIMIT_NOFILE)[1]


def raise_nofile():
    """Our open-file limit up to the hard limit; every child started after this inherits it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    """True once something listens on 127.0.0.1:port (from /proc/net/tcp)."""
    want = "0100007F:%04X" % port
    try:
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[1] == want and fields[3] == "0A":
                    return True
    except OSError:
        pass
    return False


def twisted_python():
    """An interpreter that has Twisted (python3-twisted is Debian's /usr/bin/python3), or None."""
    candidates = [sys.executable, "/usr/bin/python3", shutil.which("python3")]
    for exe in dict.fromkeys(c for c in candidates if c):
        try:
            if subprocess.run([exe, "-c", "import twisted.internet"], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30).returncode == 0:
                return exe
        except (OSError, subprocess.TimeoutExpired):
            pass
    return None


class TlsFiles:
    """A throwaway CA and a server certificate it signed (ECDSA P-256, for localhost and 127.0.0.1), made by openssl."""

    def __init__(self, folder):
        folder = Path(folder)
        self.ca = folder / "ca.pem"
        self.cert = folder / "server.pem"
        self.key = folder / "server.key"
        self.combined = folder / "server-combined.pem"   # haproxy's "crt": the certificate and its key
        ca_key = folder / "ca.key"
        csr = folder / "server.csr"
        extensions = folder / "server.ext"
        extensions.write_text("subjectAltName = DNS:localhost, IP:127.0.0.1\n"
                              "basicConstraints = critical, CA:FALSE\n"
                              "keyUsage = critical, digitalSignature\n"
                              "extendedKeyUsage = serverAuth\n")
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-noenc"]
        for argv in (["req", "-x509"] + ec + ["-keyout", ca_key, "-out", self.ca, "-days", "2",
                                              "-subj", "/CN=spread-bench throwaway CA",
                                              "-addext", "basicConstraints=critical,CA:TRUE",
                                              "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
                     ["req", "-new"] + ec + ["-keyout", self.key, "-out", csr, "-subj", "/CN=localhost"],
                     ["x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", ca_key, "-set_serial", "1", "-days", "2",
                      "-extfile", extensions, "-out", self.cert]):
            done = subprocess.run(["openssl"] + [str(a) for a in argv], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
            if done.returncode != 0:
                raise RuntimeError("openssl %s failed: %s" % (argv[0], done.stdout.strip()[-300:]))
        self.combined.write_text(self.cert.read_text() + self.key.read_text())
        ca_key.unlink()   # nothing is signed after this

    @staticmethod
    def missing():
        """Why TLS files cannot be made here, or None."""
        return None if shutil.which("openssl") else "the openssl command is not installed (apt-get install openssl)"


def openssl_floor(build):
    """tests/bench/openssl_floor.cpp's row: the heap OpenSSL itself holds per idle TLS server session."""
    argv = [str(build / "tests" / "bench" / "openssl-floor"), str(Server.tls.cert), str(Server.tls.key), "200"]
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        log("openssl-floor did not run: %s" % e)
        return []
    rows = parse_results(done.stdout)
    if done.returncode != 0 or not rows:
        log("openssl-floor failed: %s" % done.stdout.strip()[-300:])
        return []
    log("    " + done.stdout.strip())
    return rows


def haproxy_binary():
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")
                                            if os.access(p, os.X_OK)), None)


def haproxy_version():
    exe = haproxy_binary()
    try:
        out = subprocess.run([exe, "-v"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=10).stdout if exe else ""
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    match = re.search(r"version (\S+)", out)
    return match.group(1) if match else "unknown"


def drain(pipe):
    """Sends the rest of a server's output to /dev/null, in the kernel where it can."""
    fd = pipe.fileno()
    with open(os.devnull, "wb") as null:
        try:
            while True:
                if hasattr(os, "splice"):
                    n = os.splice(fd, null.fileno(), 1 << 20)
                else:
                    n = len(os.read(fd, 1 << 16))
                if n == 0:
                    break
        except OSError:
            pass
    pipe.close()


class Server:
    """One server process on a free port; stop() always kills it."""

    live = []

    ours_args = []   # --ours-args: appended to our server's command line
    tls = None       # TlsFiles, for the tls- modes

    def __init__(self, kind, build, mode, log_dir, seed_python):
        self.kind = kind
        self.build = build
        self.mode = mode
        self.log_dir = log_dir
        self.seed_python = seed_python
        self.proc = None
        self.backend = None   # haproxy's: the yardstick behind it
        self.port = None
        self.stderr_path = None

    @property
    def welcome(self):
        return self.kind not in ("ncat", "ours-length")   # text is no frame: a length-framed server greets no one

    @property
    def pids(self):
        """The server's processes, the one clients connect to first."""
        return [self.proc.pid] + ([self.backend.proc.pid] if self.backend else [])

    def argv(self, port):
        relay_off = self.mode in ("ingest", "tls-ingest", "rules")
        if self.kind in ("ours", "ours-length", "ours-rules", "ours-capture"):
            argv = [str(self.build / "app" / "spread-server"), "--headless", "--port", "0",
                    "--bind", "127.0.0.1", "--max-clients", "1000000"]
            if self.kind == "ours-length":
                argv += ["--framing", "length:2"]
            if self.kind == "ours-rules":
                argv += ["--rules", str(RULES_FILE)]
            if self.kind == "ours-capture":
                argv += ["--capture", str(self.capture_path), "--capture-max-bytes", "64G"]
            if self.mode.startswith("tls-"):
                argv += ["--tls-cert", str(Server.tls.cert), "--tls-key", str(Server.tls.key)]
            return argv + (["--no-relay"] if relay_off else []) + Server.ours_args
        if self.kind == "haproxy":
            return [haproxy_binary(), "-f", str(self.config_path), "-db"]
        if self.kind == "seed":
            return [self.seed_python, "-u", str(SEED_SERVER), "--port", "0"]
        if self.kind == "ncat":
            return ["ncat", "--broker", "-l", "127.0.0.1", str(port), "--max-conns", "1000000"]
        argv = [str(self.build / "tests" / "bench" / "epoll-relay"), "--port", "0"]
        return argv + (["--no-relay"] if relay_off else [])

    @property
    def capture_path(self):
        return self.log_dir / ("capture-%s-%d.pcapng" % (self.mode, os.getpid()))

    @property
    def config_path(self):
        return self.log_dir / ("haproxy-%s-%d.cfg" % (self.mode, os.getpid()))

    def start(self):
        if self.kind == "haproxy":
            # The yardstick first, on a port of its own; haproxy in front, on a free port (as ncat).
            self.backend = Server("yardstick", self.build, self.mode, self.log_dir, self.seed_python)
            self.backend.start()
        for attempt in range(5):
            port = free_port() if self.kind in ("ncat", "haproxy") else 0
            if self.kind == "haproxy":
                template = string.Template(HAPROXY_CONFIG.read_text())
                self.config_path.write_text(template.substitute(
                    port=port, crt=str(Server.tls.combined), backend_port=self.backend.port))
            self.stderr_path = self.log_dir / ("%s-%s-%d.stderr" % (self.kind, self.mode, os.getpid()))
            with open(self.stderr_path, "wb") as err:
                self.proc = subprocess.Popen(
                    self.argv(port), stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL if self.kind in ("ncat", "haproxy") else subprocess.PIPE,
                    stderr=err, start_new_session=True)   # inherits our raised open-file limit
            if self not in Server.live:
                Server.live.append(self)
            if self.kind in ("ncat", "haproxy"):
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and self.proc.poll() is None and not listening(port):
                    time.sleep(0.02)
                if self.proc.poll() is None and listening(port):
                    self.port = port
                    return
                self.stop(backend=False)
                continue   # the port was taken in between: another one
            line = self.first_line(15)
            match = re.search(r"(\d+)\s*$", line or "")
            if match and self.proc.poll() is None:
                self.port = int(match.group(1))
                threading.Thread(target=drain, args=(self.proc.stdout,), daemon=True).start()
                return
            self.stop()
            raise RuntimeError("%s did not start: %r %s" % (self.kind, line, self.stderr_tail()))
        tail = self.stderr_tail()
        self.stop()
        raise RuntimeError("%s did not start on a free port: %s" % (self.kind, tail))

    def first_line(self, timeout):
        fd = self.proc.stdout.fileno()
        data = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in data and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                chunk = os.read(fd, 1)   # a byte at a time: the rest stays for drain()
                if not chunk:
                    break
                data += chunk
        return data.decode("utf-8", "replace").strip()

    def stderr_tail(self):
        try:
            return self.stderr_path.read_text(errors="replace")[-500:]
        except OSError:
            return ""

    def stop(self, backend=True):
        if backend and self.backend is not None:
            self.backend.stop()
            self.backend = None
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self in Server.live:
            Server.live.remove(self)
        self.proc = None

    @classmethod
    def stop_all(cls):
        for server in list(cls.live):
            try:
                server.stop()
            except Exception:   # noqa: BLE001 - at exit, kill what can be killed
                if server.proc is not None:
                    server.proc.kill()


def applies(mode, kind, clients=None):
    """Which server runs which mode (at @clients, for the memory mode; "memory-traffic" its lines), and why not."""
    if mode == "framing":
        return None if kind in ("ours", "ours-length") else "the framing mode weighs our server against itself"
    if mode == "rules":
        return None if kind in ("ours", "ours-rules") else "the rules mode weighs our server against itself"
    if kind == "ours-length":
        return "the framing mode's row"
    if kind == "ours-rules":
        return "the rules mode's row"
    if mode == "capture":
        return None if kind in ("ours", "ours-capture") else "the capture mode weighs our server against itself"
    if kind == "ours-capture":
        return "the capture mode's row"
    if mode.startswith("tls-"):
        if kind == "seed":
            return "the seed's server has no TLS"
        if kind == "ncat":
            return ("not run over TLS: ncat --broker --ssl exists, but its select() loop holds at most %s "
                    "clients; haproxy is the operator's row" % fmt(NCAT_MAX_CONNECTIONS, 0))
        if kind == "yardstick":
            return "the yardstick has no TLS: it is the backend of the haproxy row"
        if kind == "haproxy" and clients is not None and 2 * clients + HAPROXY_SPARE_FDS > nofile_limit():
            return ("haproxy holds two descriptors a client (front and back): %s clients are over the open-file "
                    "limit of %s" % (fmt(clients, 0), fmt(nofile_limit(), 0)))
        return None
    if kind == "haproxy":
        return "haproxy is the TLS modes' row"
    if mode == "ingest" and kind == "ncat":
        return "ncat --broker cannot turn its relay off"
    if mode in ("fanout", "soak", "memory-traffic") and kind == "seed":
        return "the seed's server does not relay"
    if mode.startswith("memory") and kind == "ncat" and clients is not None and clients > NCAT_MAX_CONNECTIONS:
        return "ncat --broker's select() loop holds at most %d clients" % NCAT_MAX_CONNECTIONS
    return None


def memory_sizes(size, key="memory_clients"):
    return sorted(int(n) for n in str(size[key]).split(","))


def idle_steps(size):
    return sorted(int(n) for n in str(size["idle"]).split(","))


def bench_runs(mode, kind, size):
    """spread-bench's arguments for @mode on @kind: one list per freshly started server."""
    if mode == "tls-ingest":
        idle = [n for n in idle_steps(size) if not applies(mode, kind, n)]
        return [["--idle", ",".join(str(n) for n in idle), "--rate", str(size["rate"]),
                 "--duration", str(size["duration"])]] if idle else []
    if mode == "tls-memory":
        return [["--clients", str(n), "--broadcasts", str(size["broadcasts"])]
                for n in memory_sizes(size, "tls_memory_clients") if not applies(mode, kind, n)] + [
                    ["--clients", str(size["tls_silent"]), "--silent"]]
    if mode == "tls-handshake":
        return [["--cycles", str(size["tls_cycles"]), "--concurrency", str(size["concurrency"])]]
    if mode == "tls-fanout":
        return [["--receivers", str(size["receivers"]), "--lines", str(size["lines"]),
                 "--rate", ",".join(["0"] * size["saturated_passes"])]]
    if mode == "ingest":
        return [["--idle", size["idle"], "--rate", str(size["rate"]), "--duration", str(size["duration"])]]
    if mode == "rules":
        return [["--idle", size["rules_idle"], "--rate", str(size["rate"]), "--duration", str(size["duration"])]]
    if mode == "memory":
        # The seed's server relays nothing: only its idle and after-leave figures.
        broadcasts = 0 if applies("memory-traffic", kind) else size["broadcasts"]
        return [["--clients", str(n), "--broadcasts", str(broadcasts)]
                for n in memory_sizes(size) if not applies(mode, kind, n)]
    if mode in ("fanout", "framing", "capture"):
        return [["--receivers", str(size["receivers"]), "--lines", str(size["lines"]),
                 # A saturated pass is over in well under a second of server CPU, so it is run
                 # several times (fresh connections each) and the table takes the median pass.
                 "--rate", ",".join(["0"] * size["saturated_passes"] + [str(size["paced_rate"])])]]
    if mode == "churn":
        return [["--cycles", str(size["cycles"]), "--concurrency", str(size["concurrency"])]]
    return [["--clients", str(size["soak_clients"]), "--minutes", str(size["soak_minutes"]),
             "--flood-lines", str(size["soak_flood"]), "--flood-every", str(size["soak_flood_every"])]]


def parse_results(text):
    rows = []
    for line in text.splitlines():
        if line.startswith("mode="):
            rows.append(dict(pair.split("=", 1) for pair in line.split() if "=" in pair))
    return rows


def run_one(build, mode, kind, extra_args, log_dir, seed_python, timeout):
    """Starts a fresh @kind server, runs spread-bench MODE on it with @extra_args, stops it; the result rows."""
    server = Server(kind, build, mode, log_dir, seed_python)
    try:
        server.start()
        bench_mode = {"framing": "fanout", "rules": "ingest", "capture": "fanout"}.get(mode, mode)
        argv = [str(build / "tests" / "bench" / "spread-bench"), bench_mode, "--host", "127.0.0.1", "--port", str(server.port),
                "--pid", ",".join(str(pid) for pid in server.pids), "--server", kind, "--no-table"]
        if kind == "ours-length":
            argv += ["--framing", "length:2"]
        if not server.welcome:
            argv.append("--no-welcome")
        if mode.startswith("tls-"):
            argv += ["--tls-ca", str(Server.tls.ca)]   # and the name: localhost, spread-bench's default
        argv += extra_args
        bench = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
        try:
            out, _ = bench.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            bench.kill()
            out, _ = bench.communicate()
            out += "\nmode=%s server=%s status=fail error=timeout\n" % (mode, kind)
        finally:
            if bench.poll() is None:
                bench.kill()
                bench.wait()
        for line in out.splitlines():
            if line.strip():
                log("    " + line)
        rows = parse_results(out)
        if not rows:
            rows = [{"mode": mode, "server": kind, "status": "fail", "error": "no_result(exit_%s)" % bench.returncode}]
        if bench.returncode not in (0, 1):
            for row in rows:
                row["status"] = "fail"
        return rows
    except RuntimeError as error:
        log("    %s" % error)
        return [{"mode": mode, "server": kind, "status": "fail", "error": str(error)}]
    finally:
        server.stop()
        if kind == "ours-capture":
            try:   # hundreds of MB a run: the figure is the CPU, not the file
                server.capture_path.unlink()
            except OSError:
                pass


# ---- the table -------------------------------------------------------------

def num(row, key):
    try:
        value = float(row.get(key, "nan"))
    except ValueError:
        return None
    return None if value != value else value


def median_of(rows, key):
    """The median of @key over @rows; @key may be a tuple of keys, the first one present wins."""
    for k in (key if isinstance(key, tuple) else (key,)):
        values = [v for v in (num(r, k) for r in rows) if v is not None]
        if values:
            return statistics.median(values)
    return None


def cpu_key(unit):
    """CPU per unit: from the process's CPU clock (exact) where spread-bench had it, else from /proc/PID/stat."""
    return ("cpu_clock_us_per_" + unit, "cpu_us_per_" + unit)


def fmt(value, digits):
    if value is None:
        return "–"
    if digits == 0:
        return "{:,.0f}".format(value)
    return "{:,.{}f}".format(value, digits)


def ratio(value, base):
    if value is None or base is None or base == 0:
        return None
    return value / base


def cell(value, digits, base=None, show_ratio=True):
    text = fmt(value, digits)
    r = ratio(value, base) if show_ratio else None
    if r is None:
        return text
    return "%s (%s×)" % (text, "%.2f" % r if r >= 0.01 else "%.1g" % r)   # 0.003×, not 0.00×


class Table:
    def __init__(self, servers, results, base="yardstick"):
        self.servers = servers
        self.results = results   # (mode, kind) -> list of rows over the repetitions
        self.base = base         # the column the ratios are to
        self.lines = []

    def rows(self, mode, kind, **match):
        out = []
        for row in self.results.get((mode, kind), []):
            if all(row.get(k) == v for k, v in match.items()):
                out.append(row)
        return out

    def add(self, label, mode, key, digits, match=None, target="", clients=None, show_ratio=True, why_not=None):
        """One row: the median of @key for each server over the rows that @match; @clients: the memory mode's N;
        @why_not: the mode applies() is asked about, if not @mode."""
        match = match or {}
        medians = {k: median_of(self.rows(mode, k, **match), key) for k in self.servers}
        base = medians.get(self.base)
        cells = []
        for kind in self.servers:
            skip = applies(why_not or mode, kind, clients)
            if skip and medians[kind] is None:
                cells.append("n/a")
            else:
                cells.append(cell(medians[kind], digits, base, show_ratio and kind != self.base))
        self.lines.append("| %s | %s | %s |" % (label, " | ".join(cells), target))
        return medians

    def add_text(self, label, texts, target=""):
        self.lines.append("| %s | %s | %s |" % (label, " | ".join(texts), target))


def verdict(ok):
    return "met" if ok else "**not met**"


def build_table(servers, results, size, reps, build_type, quick):
    t = Table(servers, results)
    header = "| measure | " + " | ".join(TITLES[k] for k in servers) + " | target (issue 11), ours |"
    t.lines.append(header)
    t.lines.append("|" + "---|" * (len(servers) + 2))

    def ran(mode):
        return any(m == mode for (m, _) in results)

    # Ingest: CPU per message at each N; at the most idle clients against the yardstick,
    # and at each N against ours with none (flat in N).
    idle = sorted(int(n) for n in size["idle"].split(","))
    ours0 = None
    for n in idle if ran("ingest") else []:
        match = {"idle": str(n)}
        target = target_ratio(results, "ingest", cpu_key("msg"), TARGET_INGEST, match) if n == idle[-1] else ""
        medians = t.add("ingest, %s idle: CPU µs/message" % fmt(n, 0), "ingest", cpu_key("msg"), 2, match, target)
        ours = medians.get("ours")
        if n == idle[0]:
            ours0 = ours
        elif ours is not None and ours0:
            r = ours / ours0
            t.add_text("ingest, ours %s idle / ours %s idle" % (fmt(n, 0), fmt(idle[0], 0)),
                       ["%.2f×" % r if k == "ours" else "" for k in servers],
                       "≤ %.1f×: %s" % (TARGET_INGEST_FLAT, verdict(r <= TARGET_INGEST_FLAT)))

    # Memory: per client after the broadcasts (the target), idle, and what stays after all left.
    if ran("memory"):
        sizes = memory_sizes(size)
        for n in sizes:
            match = {"clients": str(n)}
            t.add("memory after %d broadcasts: bytes per client (%s clients)" % (size["broadcasts"], fmt(n, 0)),
                  "memory", "bytes_per_client", 0, match,
                  target_ratio(results, "memory", "bytes_per_client", TARGET_MEMORY, match), clients=n,
                  why_not="memory-traffic")
        for n in sizes:
            t.add("memory idle: bytes per client (%s clients)" % fmt(n, 0), "memory", "bytes_per_client_idle", 0,
                  {"clients": str(n)}, clients=n)
        for n in sizes:
            match = {"clients": str(n)}
            rows = t.rows("memory", "ours", **match)
            target = ""
            if rows:
                kept = median_of(rows, "kept_kib")
                start = median_of(rows, "rss_before_kib")
                if kept is not None and start is not None:
                    target = "within 10%% or 4 MiB of the start: %s" % verdict(
                        kept <= max(TARGET_KEPT_FRACTION * start, TARGET_KEPT_KIB))
            t.add("memory after all left: KiB kept (%s clients)" % fmt(n, 0), "memory", "kept_kib", 0, match,
                  target, clients=n, show_ratio=False)
        held = []
        for kind in servers:
            rows = t.rows("memory", kind)
            if not rows:
                held.append("–")
                continue
            texts = []
            for n in sizes:
                rs = t.rows("memory", kind, clients=str(n))
                if rs:
                    fewest = min(int(num(r, "held") or 0) for r in rs)
                    got = [int(num(r, "received_all") or 0) for r in rs if r.get("broadcasts", "0") != "0"]
                    texts.append("%s/%s%s" % (fmt(fewest, 0), fmt(n, 0),
                                              " (all %d: %s)" % (size["broadcasts"], fmt(min(got), 0)) if got else ""))
            held.append(", ".join(texts))
        ours_rows = t.rows("memory", "ours")
        t.add_text("memory: clients held (fewest) (received all broadcasts)", held,
                   "all held, every line to every client, in order: %s" % verdict(
                       all(r.get("status") == "ok" for r in ours_rows)) if ours_rows else "")

    # Fan-out.
    if ran("fanout"):
        sat = {"pace": "saturated"}
        paced = {"pace": "%s/s" % size["paced_rate"]}
        what = "%d receivers, %s lines" % (size["receivers"], fmt(size["lines"], 0))
        t.add("fan-out saturated (%s): CPU µs/delivery" % what, "fanout", cpu_key("delivery"), 4, sat,
              target_ratio(results, "fanout", cpu_key("delivery"), TARGET_FANOUT_CPU, sat))
        t.add("fan-out saturated: deliveries/s", "fanout", "delivered_per_s", 0, sat)
        t.add("fan-out saturated: p50 latency ms", "fanout", "p50_ms", 2, sat,
              target_ratio(results, "fanout", "p50_ms", TARGET_FANOUT_P50, sat))
        t.add("fan-out saturated: p99 latency ms", "fanout", "p99_ms", 2, sat)
        t.add("fan-out paced %s/s: CPU µs/delivery" % fmt(size["paced_rate"], 0), "fanout", cpu_key("delivery"), 3,
              paced, target_ratio(results, "fanout", cpu_key("delivery"), TARGET_FANOUT_CPU, paced))
        t.add("fan-out paced: p50 latency ms", "fanout", "p50_ms", 3, paced)
        t.add("fan-out paced: p99 latency ms", "fanout", "p99_ms", 3, paced)

    # Churn.
    if ran("churn"):
        t.add("churn (%s cycles, %d at once): CPU µs/cycle" % (fmt(size["cycles"], 0), size["concurrency"]),
              "churn", cpu_key("cycle"), 1, target=target_ratio(results, "churn", cpu_key("cycle"), TARGET_CHURN))
        t.add("churn: cycles/s", "churn", "cycles_per_s", 0)

    # Soak: RSS over time, from the last soak of each server.
    if ran("soak"):
        texts, series = [], []
        settle = None
        target = ""
        for kind in servers:
            rows = t.rows("soak", kind)
            if not rows:
                texts.append("n/a" if applies("soak", kind) else "–")
                series.append(texts[-1])
                continue
            r = rows[-1]
            settle = settle or num(r, "settle_s")
            texts.append("%s → %s (max %s)" % (r.get("rss_settle_kib", "?"), r.get("rss_end_kib", "?"),
                                             r.get("rss_max_after_settle_kib", "?")))
            series.append(r.get("rss_series_kib", "?").replace(",", ", "))
            if kind == "ours":
                at, top = num(r, "rss_settle_kib"), num(r, "rss_max_after_settle_kib")
                if at is not None and top is not None:
                    target = "flat after %s (max ≤ +1 MiB or +5%%, whichever is more): %s" % (
                        soak_mark(settle), verdict(top <= at + max(SOAK_FLAT_KIB, SOAK_FLAT_FRACTION * at)))
        mark = soak_mark(settle)
        t.add_text("soak %s min, %d clients: RSS KiB at %s → end (max after %s)" % (
            fmt(size["soak_minutes"], 2).rstrip("0").rstrip("."), size["soak_clients"], mark, mark), texts, target)
        t.add_text("soak: RSS KiB every %s, then the end" % mark, series)
        t.add("soak: lines delivered", "soak", "delivered", 0)

    # Correctness over every run.
    texts = []
    all_ok = True
    for kind in servers:
        rows = [r for (mode, k), rs in results.items() if k == kind and mode in PLAIN_MODES for r in rs]
        if not rows:
            texts.append("–")
            continue
        lost = sum(int(num(r, "lost") or 0) for r in rows)
        reordered = sum(int(num(r, "reordered") or 0) for r in rows)
        failed = sum(1 for r in rows if r.get("status") != "ok")
        all_ok = all_ok and failed == 0
        texts.append("%d lost, %d reordered, %d failed runs" % (lost, reordered, failed))
    t.add_text("all runs: lost, reordered, failed", texts, "nothing lost or reordered")

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = ["### Benchmark%s" % (" (quick sizes)" if quick else ""), "",
            "%s; %d CPUs (nproc), %s; Linux %s; build type %s; `tests/bench/run_bench.py%s`: medians of %d "
            "interleaved runs, each on a freshly started server; in parentheses the ratio to the epoll "
            "yardstick. Server CPU: user+system time of the whole process, from its CPU-time clock (the utime+stime of "
            "/proc/PID/stat without the 10 ms tick); ingest at %s lines/s for %s s with relay off "
            "(`--no-relay`); memory: N receivers and one sender on a fresh server for each N, %d lines sent one "
            "by one (each once every receiver had the one before, all checked in order), the RSS settled (the "
            "same for 1 s) before connecting, idle, after those lines and after every client left, per client "
            "the growth over the start divided by N; saturated fan-out: %d passes in each run, fresh "
            "connections each, the median over all passes; soak: the RSS sampled every second.%s" % (
                now, os.cpu_count() or 0, cpu, platform.release(), build_type, " --quick" if quick else "", reps,
                fmt(size["rate"], 0), size["duration"], size["broadcasts"], size["saturated_passes"],
                " Our server ran with `%s`." % " ".join(Server.ours_args) if Server.ours_args else ""),
            ""]
    return "\n".join(head + t.lines) + "\n", all_ok


def build_tls_table(servers, results, size, reps, build_type, quick):
    """Issue 12's table: the tls- modes, ours against haproxy + yardstick (the ratios' base)."""
    t = Table(servers, results, base="haproxy")
    t.lines.append("| measure | " + " | ".join(TITLES[k] for k in servers) + " | target (issue 12), ours |")
    t.lines.append("|" + "---|" * (len(servers) + 2))

    def ran(mode):
        return any(m == mode for (m, _) in results)

    def med(mode, kind, key, match):
        return median_of(t.rows(mode, kind, **match), key)

    def vs_haproxy(mode, key, match, higher_is_better=False):
        ours, theirs = med(mode, "ours", key, match), med(mode, "haproxy", key, match)
        text = "no worse than haproxy + yardstick"
        if ours is None or theirs is None:
            return text
        return "%s: %s" % (text, verdict(ours >= theirs if higher_is_better else ours <= theirs))

    def at_most(mode, key, match, limit, unit):
        ours = med(mode, "ours", key, match)
        text = "≤ %s" % unit
        return text if ours is None else "%s: %s" % (text, verdict(ours <= limit))

    # Ingest over TLS: CPU per message with N idle TLS clients, and ours against ours with none.
    idle = idle_steps(size)
    if ran("tls-ingest"):
        ours0 = None
        for n in idle:
            match = {"idle": str(n)}
            medians = t.add("TLS ingest, %s idle: CPU µs/message" % fmt(n, 0), "tls-ingest", cpu_key("msg"), 2,
                            match, clients=n)
            ours = medians.get("ours")
            if n == idle[0]:
                ours0 = ours
            elif ours is not None and ours0:
                r = ours / ours0
                target = "≤ %.1f×: %s" % (TARGET_TLS_INGEST_FLAT, verdict(r <= TARGET_TLS_INGEST_FLAT)) \
                    if n == idle[-1] else ""
                t.add_text("TLS ingest, ours %s idle / ours %s idle" % (fmt(n, 0), fmt(idle[0], 0)),
                           ["%.2f×" % r if k == "ours" else "" for k in servers], target)
            elif n == idle[-1]:
                t.add_text("TLS ingest, ours %s idle / ours %s idle" % (fmt(n, 0), fmt(idle[0], 0)),
                           ["–" if k == "ours" else "" for k in servers], "≤ %.1f×" % TARGET_TLS_INGEST_FLAT)

    # Memory over TLS: per client after the handshake (idle) and after the broadcasts; then the silent ones.
    if ran("tls-memory"):
        sizes = memory_sizes(size, "tls_memory_clients")
        limit = "8 KB (%s bytes)" % fmt(TARGET_TLS_CLIENT_BYTES, 0)
        for n in sizes:
            match = {"clients": str(n), "silent": None}
            t.add("TLS memory idle after the handshake: bytes per client (%s clients)" % fmt(n, 0), "tls-memory",
                  "bytes_per_client_idle", 0, match,
                  at_most("tls-memory", "bytes_per_client_idle", match, TARGET_TLS_CLIENT_BYTES, limit), clients=n)
        for n in sizes:
            match = {"clients": str(n), "silent": None}
            t.add("TLS memory after %d broadcasts: bytes per client (%s clients)" % (size["broadcasts"], fmt(n, 0)),
                  "tls-memory", "bytes_per_client", 0, match,
                  at_most("tls-memory", "bytes_per_client", match, TARGET_TLS_CLIENT_BYTES, limit), clients=n)
        for n in sizes:
            t.add("TLS memory after all left: KiB kept (%s clients)" % fmt(n, 0), "tls-memory", "kept_kib", 0,
                  {"clients": str(n), "silent": None}, clients=n, show_ratio=False)
        held = []
        for kind in servers:
            texts = []
            for n in sizes:
                rs = t.rows("tls-memory", kind, clients=str(n), silent=None)
                if rs:
                    texts.append("%s/%s (all %d: %s)" % (
                        fmt(min(int(num(r, "held") or 0) for r in rs), 0), fmt(n, 0), size["broadcasts"],
                        fmt(min(int(num(r, "received_all") or 0) for r in rs), 0)))
            held.append(", ".join(texts) if texts else "n/a" if applies("tls-memory", kind) else "–")
        floor = results.get(("openssl-floor", "ours"), [])
        if floor:
            t.add_text("OpenSSL %s's own heap per idle TLS server session after its handshake and 10 writes "
                       "(`openssl-floor`, counted)" % floor[0].get("openssl", "?"),
                       [fmt(num(floor[0], "after_10_writes_bytes"), 0) if k == "ours" else "" for k in servers],
                       "the floor of any server that keeps an OpenSSL session per client (SSL_new alone: %s)"
                       % fmt(num(floor[0], "ssl_new_bytes"), 0))
        ours_rows = t.rows("tls-memory", "ours", silent=None)
        t.add_text("TLS memory: clients held (fewest) (received all broadcasts)", held,
                   "all held, every line to every client, in order: %s" % verdict(
                       all(r.get("status") == "ok" for r in ours_rows)) if ours_rows else "")
        silent = {"silent": "1"}
        n = size["tls_silent"]
        t.add("silent pre-handshake connections (%s, never a byte): bytes per connection held" % fmt(n, 0),
              "tls-memory", "bytes_per_connection", 0, silent,
              at_most("tls-memory", "bytes_per_connection", silent, TARGET_SILENT_BYTES,
                      "1 KB (%s bytes)" % fmt(TARGET_SILENT_BYTES, 0)), clients=n)
        rows = t.rows("tls-memory", "ours", **silent)
        target = "within 10% or 4 MiB of the start"
        kept, start = median_of(rows, "kept_kib"), median_of(rows, "rss_before_kib")
        if kept is not None and start is not None:
            target += ": " + verdict(kept <= max(TARGET_KEPT_FRACTION * start, TARGET_KEPT_KIB))
        t.add("silent: KiB kept after the server dropped them", "tls-memory", "kept_kib", 0, silent, target,
              clients=n, show_ratio=False)
        texts = []
        for kind in servers:
            rs = t.rows("tls-memory", kind, **silent)
            if not rs:
                texts.append("n/a" if applies("tls-memory", kind, n) else "–")
                continue
            texts.append("%s/%s, %s–%s s" % (
                fmt(min(int(num(r, "dropped") or 0) for r in rs), 0), fmt(n, 0),
                fmt(median_of(rs, "first_drop_s"), 1), fmt(median_of(rs, "last_drop_s"), 1)))
        t.add_text("silent: dropped (fewest), first–last after the first connect", texts,
                   "all dropped, at the 10 s handshake deadline")

    # Handshakes: full, then resumed; per second and server CPU per handshake.
    if ran("tls-handshake"):
        what = "%s cycles, %d at once" % (fmt(size["tls_cycles"], 0), size["concurrency"])
        for name in ("full", "resumed"):
            match = {"pass": name}
            t.add("TLS handshakes/s, %s (%s)" % (name, what) if name == "full" else "TLS handshakes/s, resumed",
                  "tls-handshake", "handshakes_per_s", 0, match,
                  vs_haproxy("tls-handshake", "handshakes_per_s", match, higher_is_better=True))
            t.add("TLS handshakes, %s: server CPU µs/handshake" % name, "tls-handshake", cpu_key("handshake"), 1,
                  match)
        texts = []
        for kind in servers:
            rs = t.rows("tls-handshake", kind, **{"pass": "resumed"})
            if not rs:
                texts.append("n/a" if applies("tls-handshake", kind) else "–")
                continue
            texts.append("%s/%s" % (fmt(min(int(num(r, "resumed") or 0) for r in rs), 0), fmt(size["tls_cycles"], 0)))
        t.add_text("TLS handshakes, resumed: actually resumed (fewest)", texts)

    # Saturated fan-out over TLS.
    if ran("tls-fanout"):
        sat = {"pace": "saturated"}
        what = "%d receivers, %s lines" % (size["receivers"], fmt(size["lines"], 0))
        t.add("TLS fan-out saturated (%s): CPU µs/delivery" % what, "tls-fanout", cpu_key("delivery"), 4, sat,
              vs_haproxy("tls-fanout", cpu_key("delivery"), sat))
        t.add("TLS fan-out saturated: deliveries/s", "tls-fanout", "delivered_per_s", 0, sat)
        t.add("TLS fan-out saturated: p50 latency ms", "tls-fanout", "p50_ms", 2, sat)
        t.add("TLS fan-out saturated: p99 latency ms", "tls-fanout", "p99_ms", 2, sat)

    texts = []
    all_ok = True
    for kind in servers:
        rows = [r for (mode, k), rs in results.items() if k == kind and mode in TLS_MODES for r in rs]
        if not rows:
            texts.append("n/a" if applies("tls-ingest", kind) else "–")
            continue
        lost = sum(int(num(r, "lost") or 0) for r in rows)
        reordered = sum(int(num(r, "reordered") or 0) for r in rows)
        failed = sum(1 for r in rows if r.get("status") != "ok")
        all_ok = all_ok and failed == 0
        texts.append("%d lost, %d reordered, %d failed runs" % (lost, reordered, failed))
    t.add_text("all TLS runs: lost, reordered, failed", texts, "nothing lost or reordered")

    versions = sorted({"%s %s" % (r.get("tls_version", "?"), r.get("cipher", "?"))
                       for (mode, _), rs in results.items() if mode == "tls-handshake" for r in rs
                       if r.get("tls_version")})
    skipped = ["%s: %s" % (TITLES[k], applies("tls-ingest", k)) for k in servers if applies("tls-ingest", k)]
    if "haproxy" in servers and applies("tls-ingest", "haproxy", idle[-1]):
        skipped.append("haproxy + yardstick at %s idle: %s" % (fmt(idle[-1], 0), applies("tls-ingest", "haproxy", idle[-1])))
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = ["### TLS benchmark (issue 12)%s" % (" (quick sizes)" if quick else ""), "",
            "%s; %d CPUs (nproc); Linux %s; build type %s; `tests/bench/run_bench.py%s`: medians of %d interleaved "
            "runs, each on a freshly started server; in parentheses the ratio to haproxy + yardstick: haproxy %s "
            "with `nbthread 1` (our server is one thread), mode tcp, `bind ... ssl crt`, `timeout client 10s` (the "
            "handshake: as our server's 10 s deadline) and `timeout tunnel 1h` (`tests/bench/haproxy.cfg.in`), "
            "relaying to the epoll yardstick; its CPU and RSS are haproxy's and the yardstick's added. A throwaway "
            "ECDSA P-256 CA and server certificate made with openssl at run time; spread-bench verifies the "
            "certificate (CA and name) on every full handshake; negotiated: %s. Server CPU as in the plain table; "
            "ingest at %s lines/s for %s s with relay off, every idle client handshaken; memory: N TLS receivers "
            "and a sender, %d lines sent one by one; silent: TCP connections that never send a byte, the RSS "
            "while the server holds them and once it has dropped them all; handshakes: connect, handshake, "
            "welcome, close, %d at once, on the same 2 CPUs as the client side's own crypto; resumed: every "
            "connection offers the session (TLS 1.3 ticket) of one first connection, and the row below counts "
            "how many the server resumed (SSL_session_reused); saturated fan-out: %d passes a run, the median. "
            "n/a: %s.%s" % (
                now, os.cpu_count() or 0, platform.release(), build_type, " --quick" if quick else "", reps,
                haproxy_version(), ", ".join(versions) or "see the handshake rows", fmt(size["rate"], 0),
                size["duration"], size["broadcasts"], size["concurrency"], size["saturated_passes"],
                "; ".join(skipped) or "none",
                " Our server ran with `%s`." % " ".join(Server.ours_args) if Server.ours_args else ""),
            ""]
    return "\n".join(head + t.lines) + "\n", all_ok


def soak_mark(settle_s):
    """The soak's settling time as the table says it: "1 min", or seconds for a short run."""
    if settle_s is None or settle_s >= 60:
        return "1 min"
    return "%s s" % fmt(settle_s, 1).rstrip("0").rstrip(".")


def target_ratio(results, mode, key, limit, match=None):
    match = match or {}

    def med(kind):
        rows = [r for r in results.get((mode, kind), []) if all(r.get(k) == v for k, v in match.items())]
        return median_of(rows, key)

    ours, yard = med("ours"), med("yardstick")
    if ours is None or yard is None or yard == 0:
        return "≤ %.1f× yardstick" % limit
    return "≤ %.1f× yardstick: %s" % (limit, verdict(ours / yard <= limit))


def build_framing_table(results, size, reps, build_type, quick):
    """Issue 14's table: fan-out of length:2 frames against the same of lines, both ours."""
    servers = ["ours", "ours-length"]
    t = Table(servers, results, base="ours")
    t.lines.append("| measure (fan-out, 64-byte units) | " + " | ".join(TITLES[k] for k in servers) + " | target (issue 14) |")
    t.lines.append("|" + "---|" * (len(servers) + 2))
    sat = {"pace": "saturated"}
    paced = {"pace": "%s/s" % size["paced_rate"]}
    ok = True

    def target(key, match):
        nonlocal ok
        line = median_of(t.rows("framing", "ours", **match), key)
        length = median_of(t.rows("framing", "ours-length", **match), key)
        if line is None or length is None or line == 0:
            ok = False
            return "≤ %.1f× line framing" % TARGET_FRAMING_CPU
        met = length / line <= TARGET_FRAMING_CPU
        ok = ok and met
        return "≤ %.1f× line framing: %s" % (TARGET_FRAMING_CPU, verdict(met))

    what = "%d receivers, %s frames" % (size["receivers"], fmt(size["lines"], 0))
    t.add("saturated (%s): CPU µs/delivery" % what, "framing", cpu_key("delivery"), 4, sat,
          target(cpu_key("delivery"), sat))
    t.add("saturated: deliveries/s", "framing", "delivered_per_s", 0, sat)
    t.add("saturated: p50 latency ms", "framing", "p50_ms", 2, sat)
    t.add("paced %s/s: CPU µs/delivery" % fmt(size["paced_rate"], 0), "framing", cpu_key("delivery"), 3, paced,
          target(cpu_key("delivery"), paced))
    t.add("paced: p50 latency ms", "framing", "p50_ms", 3, paced)
    statuses = [r.get("status") for k in servers for r in t.rows("framing", k)]
    if any(s != "ok" for s in statuses):
        ok = False
        t.add_text("runs", ["%d ok of %d" % (sum(1 for r in t.rows("framing", k) if r.get("status") == "ok"),
                                            len(t.rows("framing", k))) for k in servers], "every run ok: **not met**")
    t.lines.append("")
    t.lines.append("%s build, %d repetitions%s, medians; ratios to line framing in the same run." % (
        build_type, reps, " (--quick)" if quick else ""))
    return "\n".join(t.lines) + "\n", ok


def build_rules_table(results, size, reps, build_type, quick):
    """Issue 15's table: ingest with ten regex rules loaded against none, both ours."""
    servers = ["ours", "ours-rules"]
    t = Table(servers, results, base="ours")
    t.lines.append("| measure (ingest, %s msg/s) | " % fmt(size["rate"], 0) + " | ".join(TITLES[k] for k in servers)
                   + " | target (issue 15) |")
    t.lines.append("|" + "---|" * (len(servers) + 2))
    ok = True
    for n in sorted(int(x) for x in str(size["rules_idle"]).split(",")):
        match = {"idle": str(n)}
        none = median_of(t.rows("rules", "ours", **match), cpu_key("msg"))
        ten = median_of(t.rows("rules", "ours-rules", **match), cpu_key("msg"))
        met = none is not None and ten is not None and none > 0 and ten / none <= TARGET_RULES_CPU
        ok = ok and met
        t.add("%s idle: CPU µs/message" % fmt(n, 0), "rules", cpu_key("msg"), 2, match,
              "≤ %.1f× no rules: %s" % (TARGET_RULES_CPU, verdict(met)))
    statuses = [r.get("status") for k in servers for r in t.rows("rules", k)]
    if any(s != "ok" for s in statuses):
        ok = False
        t.add_text("runs", ["%d ok of %d" % (sum(1 for r in t.rows("rules", k) if r.get("status") == "ok"),
                                            len(t.rows("rules", k))) for k in servers], "every run ok: **not met**")
    t.lines.append("")
    t.lines.append("%s build, %d repetitions%s, medians; ratios to no rules in the same run. No line of the load "
                   "matches a rule: each message is tried against all ten." % (build_type, reps,
                                                                                " (--quick)" if quick else ""))
    return "\n".join(t.lines) + "\n", ok


def build_capture_table(results, size, reps, build_type, quick):
    """Issue 16's table: fan-out with --capture on against off, both ours (CPU of both threads)."""
    servers = ["ours", "ours-capture"]
    t = Table(servers, results, base="ours")
    t.lines.append("| measure (fan-out, 64-byte lines) | " + " | ".join(TITLES[k] for k in servers) + " | target (issue 16) |")
    t.lines.append("|" + "---|" * (len(servers) + 2))
    ok = True

    def target(key, match):
        nonlocal ok
        off = median_of(t.rows("capture", "ours", **match), key)
        on = median_of(t.rows("capture", "ours-capture", **match), key)
        met = off is not None and on is not None and off > 0 and on / off <= TARGET_CAPTURE_CPU
        ok = ok and met
        return "≤ %.1f× without: %s" % (TARGET_CAPTURE_CPU, verdict(met))

    sat = {"pace": "saturated"}
    paced = {"pace": "%s/s" % size["paced_rate"]}
    what = "%d receivers, %s lines" % (size["receivers"], fmt(size["lines"], 0))
    t.add("saturated (%s): CPU µs/delivery" % what, "capture", cpu_key("delivery"), 4, sat, target(cpu_key("delivery"), sat))
    t.add("saturated: p50 latency ms", "capture", "p50_ms", 2, sat)
    t.add("paced %s/s: CPU µs/delivery" % fmt(size["paced_rate"], 0), "capture", cpu_key("delivery"), 3, paced,
          target(cpu_key("delivery"), paced))
    t.add("paced: p50 latency ms", "capture", "p50_ms", 3, paced)
    statuses = [r.get("status") for k in servers for r in t.rows("capture", k)]
    if any(s != "ok" for s in statuses):
        ok = False
        t.add_text("runs", ["%d ok of %d" % (sum(1 for r in t.rows("capture", k) if r.get("status") == "ok"),
                                            len(t.rows("capture", k))) for k in servers], "every run ok: **not met**")
    t.lines.append("")
    t.lines.append("%s build, %d repetitions%s, medians; ratios to no capture in the same run; the capture's CPU is the "
                   "server's and its writer thread's." % (build_type, reps, " (--quick)" if quick else ""))
    return "\n".join(t.lines) + "\n", ok


def build_type_of(build):
    try:
        text = (build / "CMakeCache.txt").read_text(errors="replace")
        match = re.search(r"^CMAKE_BUILD_TYPE:STRING=(.*)$", text, re.M)
        return match.group(1) or "(none)" if match else "unknown"
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("build", nargs="?", default=str(ROOT / "build"), help="build directory (default: build)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a try-out")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--modes", default=",".join(PLAIN_MODES),
                        help="comma list of %s, or tls for the four tls- modes (default: %s)" % (
                            ",".join(MODES), ",".join(PLAIN_MODES)))
    parser.add_argument("--servers", default=",".join(SERVERS),
                        help="comma list of %s (default: all)" % ",".join(SERVERS))
    parser.add_argument("--soak-reps", type=int, default=1, help="repetitions of the soak (default 1)")
    parser.add_argument("--out", help="also write the Markdown table to this file")
    parser.add_argument("--ours-args", default="",
                        help="more options for our server, e.g. --ours-args=--quiet (the environment, e.g. TZ, "
                             "is passed on to every server as it is)")
    parser.add_argument("--log-dir", help="keep the servers' stderr here (default: a temporary folder)")
    for key, value in FULL.items():
        parser.add_argument("--" + key.replace("_", "-"), type=type(value), default=None,
                            help="default %s (--quick: %s)" % (value, QUICK[key]))
    args = parser.parse_args()

    size = dict(QUICK if args.quick else FULL)
    for key in FULL:
        if getattr(args, key) is not None:
            size[key] = getattr(args, key)
    modes = []
    for m in args.modes.split(","):
        for mode in (TLS_MODES if m == "tls" else [m] if m else []):
            if mode not in modes:
                modes.append(mode)
    servers = [s for s in args.servers.split(",") if s]
    bad = [m for m in modes if m not in MODES] + [s for s in servers if s not in SERVERS]
    if "framing" in modes and "ours" in servers:
        servers.append("ours-length")   # the framing mode's second column
    if "rules" in modes and "ours" in servers:
        servers.append("ours-rules")    # the rules mode's second column
    if "capture" in modes and "ours" in servers:
        servers.append("ours-capture")  # the capture mode's second column
    if bad or args.reps < 1:
        parser.error("unknown mode or server: %s" % ", ".join(bad) if bad else "--reps must be at least 1")

    Server.ours_args = shlex.split(args.ours_args)
    build = Path(args.build).resolve()
    needed = [build / "app" / "spread-server", build / "tests" / "bench" / "spread-bench", build / "tests" / "bench" / "epoll-relay"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        parser.error("not built: %s (cmake --build %s)" % (", ".join(missing), build))

    seed_python = None
    if "seed" in servers:
        seed_python = twisted_python() if SEED_SERVER.exists() else None
        if seed_python is None:
            log("skipping the seed's server: %s" % (
                "no Python with Twisted (apt-get install python3-twisted)" if SEED_SERVER.exists()
                else "%s is not there" % SEED_SERVER))
            servers.remove("seed")
    if "ncat" in servers and shutil.which("ncat") is None:
        log("skipping ncat: not installed (apt-get install ncat)")
        servers.remove("ncat")
    tls_modes = [m for m in modes if m in TLS_MODES]
    if tls_modes and TlsFiles.missing():
        parser.error("the TLS modes need certificates: %s" % TlsFiles.missing())
    if tls_modes and "haproxy" in servers and haproxy_binary() is None:
        log("skipping haproxy: not installed (apt-get install haproxy)")
        servers.remove("haproxy")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    raise_nofile()
    log("open-file limit for the servers and spread-bench: %d (was %d)" % (hard, soft))
    build_type = build_type_of(build)
    if build_type not in ("Release", "RelWithDebInfo", "MinSizeRel"):
        log("warning: %s is a %s build; the figures of a benchmark want Release" % (build, build_type))

    def on_signal(signum, _frame):
        Server.stop_all()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    timeout = 600 if args.quick else 3600
    temp = None
    if args.log_dir:
        log_dir = Path(args.log_dir)
        log_dir.mkdir(parents=True, exist_ok=True)
    else:
        temp = tempfile.TemporaryDirectory(prefix="spread-bench-")
        log_dir = Path(temp.name)

    results = {}
    started = time.monotonic()
    tls_temp = None
    try:
        if tls_modes:
            tls_temp = tempfile.TemporaryDirectory(prefix="spread-bench-tls-")
            Server.tls = TlsFiles(tls_temp.name)
            log("TLS: a throwaway CA and server certificate (ECDSA P-256) in %s" % tls_temp.name)
        plan = []
        for rep in range(args.reps):
            order = servers[rep % len(servers):] + servers[:rep % len(servers)]   # rotate who goes first
            for mode in modes:
                if mode == "soak" and rep >= args.soak_reps:
                    continue
                for kind in order:
                    plan.append((rep, mode, kind))
        for rep, mode, kind in plan:
            why = applies(mode, kind)
            if why:
                if rep == 0:
                    log("[%s %s] skipped: %s" % (mode, kind, why))
                continue
            for extra in bench_runs(mode, kind, size):
                log("[rep %d/%d] %s on %s %s(%.0f s so far)" % (
                    rep + 1, args.reps, mode, kind,
                    " ".join(extra[:3 if "--silent" in extra else 2]) + " " if mode in ("memory", "tls-memory") else "",
                    time.monotonic() - started))
                rows = run_one(build, mode, kind, extra, log_dir, seed_python, timeout)
                for row in rows:
                    row["rep"] = str(rep)
                results.setdefault((mode, kind), []).extend(rows)
        if "tls-memory" in modes:
            results[("openssl-floor", "ours")] = openssl_floor(build)
    finally:
        Server.stop_all()
        if temp is not None:
            temp.cleanup()
        if tls_temp is not None:
            tls_temp.cleanup()

    plain_servers = [k for k in servers if k not in ("haproxy", "ours-length", "ours-rules", "ours-capture")]
    tls_servers = [k for k in servers if k in ("ours", "seed", "ncat", "haproxy")]
    table, all_ok = "", True
    if any(m in PLAIN_MODES for m in modes):
        table, all_ok = build_table(plain_servers, results, size, args.reps, build_type, args.quick)
    if tls_modes:
        tls_table, tls_ok = build_tls_table(tls_servers, results, size, args.reps, build_type, args.quick)
        table += ("\n" if table else "") + tls_table
        all_ok = all_ok and tls_ok
    if "framing" in modes:
        framing_table, framing_ok = build_framing_table(results, size, args.reps, build_type, args.quick)
        table += ("\n" if table else "") + framing_table
        all_ok = all_ok and framing_ok
    if "rules" in modes:
        rules_table, rules_ok = build_rules_table(results, size, args.reps, build_type, args.quick)
        table += ("\n" if table else "") + rules_table
        all_ok = all_ok and rules_ok
    if "capture" in modes:
        capture_table, capture_ok = build_capture_table(results, size, args.reps, build_type, args.quick)
        table += ("\n" if table else "") + capture_table
        all_ok = all_ok and capture_ok
    sys.stdout.write(table)
    sys.stdout.flush()
    if args.out:
        Path(args.out).write_text(table)
    log("done in %.0f s" % (time.monotonic() - started))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
