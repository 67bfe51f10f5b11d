"""Helpers of the flow-collection tests: real exporters (softflowd, pmacctd), the reference
collector (nfcapd/nfdump), a UDP tee that hands one export to two collectors, the expected
traffic of a capture per host pair (tshark), and netlens's API."""
import collections
import csv
import io
import os
import select
import shutil
import signal
import socket
import subprocess
import threading
import time

import nltest
from nltest import Failure, Skip


def free_udp_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require(*tools):
    for t in tools:
        if not shutil.which(t):
            raise Skip(f"{t} is not installed (scripts/install-deps.sh installs it)")


class Tee:
    """Receives UDP datagrams on 127.0.0.1:port and sends each one on to every destination
    ((host, port) pairs; an IPv6 host is sent to over IPv6). Counts what it forwarded."""

    def __init__(self, destinations):
        self.rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rx.bind(("127.0.0.1", 0))
        self.port = self.rx.getsockname()[1]
        self.out = []
        for host, port in destinations:
            fam = socket.AF_INET6 if ":" in host else socket.AF_INET
            self.out.append((socket.socket(fam, socket.SOCK_DGRAM), (host, port)))
        self.count = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            r, _, _ = select.select([self.rx], [], [], 0.05)
            if not r:
                continue
            data = self.rx.recv(65535)
            for s, dest in self.out:
                s.sendto(data, dest)
            self.count += 1

    def close(self):
        self.stop.set()
        self.thread.join()
        self.rx.close()
        for s, _ in self.out:
            s.close()


class Nfcapd:
    """nfdump's collector, the reference: nfcapd on 127.0.0.1:port writing into its own dir."""

    def __init__(self, tmp, name):
        self.dir = os.path.join(tmp, f"nfcapd-{name}")
        os.makedirs(self.dir)
        self.pidfile = os.path.join(tmp, f"nfcapd-{name}.pid")
        self.port = free_udp_port()
        p = nltest.run(["nfcapd", "-D", "-b", "127.0.0.1", "-p", str(self.port), "-w", self.dir, "-t", "60",
                        "-P", self.pidfile], timeout=20)
        if p.returncode != 0:
            raise Failure(f"nfcapd did not start: {p.stderr.strip()}")
        deadline = time.monotonic() + 5
        while not os.path.exists(self.pidfile) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)

    def pid(self):
        try:
            with open(self.pidfile) as fh:
                return int(fh.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        raise Failure("nfcapd did not stop within 10 s")

    def records(self):
        """Every flow record nfcapd stored: (src, dst, packets, bytes) with both directions' counters."""
        p = nltest.run(["nfdump", "-R", self.dir, "-o", "csv"], timeout=30)
        if p.returncode != 0:
            raise Failure(f"nfdump: {p.stderr.strip()}")
        rows = list(csv.reader(io.StringIO(p.stdout)))
        if not rows:
            return []
        head = rows[0]
        out = []
        for r in rows[1:]:
            if len(r) < len(head):
                continue  # the summary lines at the end
            x = dict(zip(head, r))
            out.append((x["sa"], x["da"], int(x["ipkt"]) + int(x["opkt"]), int(x["ibyt"]) + int(x["obyt"])))
        return out


def pairs_of_records(records):
    d = collections.defaultdict(lambda: [0, 0])
    for sa, da, pk, by in records:
        k = tuple(sorted([sa, da]))
        d[k][0] += pk
        d[k][1] += by
    return {k: tuple(v) for k, v in d.items()}


def capture_pairs(pcap, ipv4_only=False):
    """Packets and IP-layer bytes (IPv4 total length, IPv6 40 + payload length) per unordered
    host pair, from tshark's decoding of the capture (the outer IP header of each frame)."""
    nltest_require_tshark()
    p = nltest.run(["tshark", "-r", pcap, "-T", "fields", "-E", "occurrence=f", "-e", "ip.src", "-e", "ip.dst",
                    "-e", "ip.len", "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "ipv6.plen"], timeout=60)
    if p.returncode != 0:
        raise Failure(f"tshark -r {pcap}: {p.stderr.strip()}")
    d = collections.defaultdict(lambda: [0, 0])
    for line in p.stdout.splitlines():
        f = line.split("\t")
        if len(f) < 6:
            continue
        if f[0]:
            k, by = tuple(sorted([f[0], f[1]])), int(f[2])
        elif f[3] and not ipv4_only:
            k, by = tuple(sorted([f[3], f[4]])), int(f[5]) + 40
        else:
            continue
        d[k][0] += 1
        d[k][1] += by
    return {k: tuple(v) for k, v in d.items()}


def nltest_require_tshark():
    require("tshark")


def dump_pairs(doc):
    """netlens's flows (from --dump-json) summed per unordered host pair."""
    d = collections.defaultdict(lambda: [0, 0])
    for f in doc["flows"]:
        k = tuple(sorted([f["client_ip"], f["server_ip"]]))
        d[k][0] += f["cli2srv_packets"] + f["srv2cli_packets"]
        d[k][1] += f["cli2srv_bytes"] + f["srv2cli_bytes"]
    return {k: tuple(v) for k, v in d.items()}


def softflowd_export(pcap, dest_port, version, tmp, tag, dest_host="127.0.0.1"):
    """softflowd replays pcap and exports to dest; it reads only once its control socket wakes it
    and does not exit at the end of the file, so: start, wake, shut down. Returns its log."""
    ctl = os.path.join(tmp, f"softflowd-{tag}.ctl")
    pid = os.path.join(tmp, f"softflowd-{tag}.pid")
    dest = f"[{dest_host}]:{dest_port}" if ":" in dest_host else f"{dest_host}:{dest_port}"
    proc = subprocess.Popen(["softflowd", "-r", pcap, "-n", dest, "-v", str(version), "-d", "-p", pid, "-c", ctl],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, ctl


def softflowd_finish(proc, ctl):
    deadline = time.monotonic() + 5
    while not os.path.exists(ctl) and time.monotonic() < deadline:
        time.sleep(0.05)
    nltest.run(["softflowctl", "-c", ctl, "statistics"], timeout=10)
    time.sleep(0.5)
    nltest.run(["softflowctl", "-c", ctl, "shutdown"], timeout=10)
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        raise Failure("softflowd did not exit after 'softflowctl shutdown'")
    return out


def pmacctd_export(pcap, dest_port, version, tmp, tag):
    """pmacctd reading pcap with the nfprobe plugin (v9 or IPFIX); it exits by itself once the
    file is read and every flow exported."""
    conf = os.path.join(tmp, f"pmacctd-{tag}.conf")
    with open(conf, "w") as fh:
        fh.write(f"daemonize: false\npcap_savefile: {pcap}\nplugins: nfprobe\n"
                 f"nfprobe_receiver: 127.0.0.1:{dest_port}\nnfprobe_version: {version}\n")
    return subprocess.Popen(["pmacctd", "-f", conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class Api:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path, expect=200):
        return nltest.http("GET", self.base + path, expect=expect)[0]

    def wait_up(self, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return self.get("/api/v1/interfaces")
            except (OSError, Failure):
                time.sleep(0.1)
        raise Failure("the API did not answer")

    def wait_datagrams(self, iface, want, timeout=15):
        """Waits until interface iface's collector counted `want` datagrams (its `messages`);
        returns the collector."""
        deadline = time.monotonic() + timeout
        got = None
        while time.monotonic() < deadline:
            got = self.get(f"/api/v1/interfaces/{iface}/exporters")["collector"]
            if got["messages"] >= want:
                return got
            time.sleep(0.1)
        raise Failure(f"interface {iface} received {got and got['messages']} datagrams, expected {want}")
