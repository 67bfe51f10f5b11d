#!/usr/bin/env python3
"""API under load, as issue 3's "done when" asks:
1. a netlens holding 1,000,000 flows and 100,000 hosts (a generated capture: 100,000 hosts with
   10 flows each) answers a sorted page of 50 hosts or flows: time per request;
2. packet processing while a UI polls every second: netlens reads the benchmark capture with
   and without a poller (hosts and flows pages sorted by bytes, every second) and the two
   packet rates are compared.
Prints figures; asserts nothing.
usage: api-bench.py NETLENS [BIG_PCAP]"""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_pcap(path, hosts=100_000, flows_per_host=10):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        n = 0
        for h in range(hosts):
            src = bytes([10, (h >> 16) & 255, (h >> 8) & 255, h & 255])
            for k in range(flows_per_host):
                payload = b"x" * ((h * 7 + k) % 64)
                udp = struct.pack("!HHHH", 20000 + k, 53000, 8 + len(payload), 0) + payload
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src, bytes([192, 0, 2, 1])) + udp
                f.write(struct.pack("<IIII", 1_700_000_000 + n // 100_000, n % 100_000, len(ip), len(ip)) + ip)
                n += 1


def get(url):
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as r:
        r.read()
    return time.perf_counter() - t0


def main():
    netlens = sys.argv[1]
    big = sys.argv[2] if len(sys.argv) > 2 else "/tmp/netlens-bench/big.pcap"
    tmp = tempfile.mkdtemp(prefix="netlens-api-bench-")
    pcap = os.path.join(tmp, "million.pcap")
    write_pcap(pcap)
    port = free_port()
    proc = subprocess.Popen([netlens, "-q", "-i", pcap, "-m", "10.0.0.0/8", "--max-num-flows", "1100000",
                             "--max-num-hosts", "200000", "-w", f"127.0.0.1:{port}", "--disable-login"])
    base = f"http://127.0.0.1:{port}/api/v1/interfaces/0"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/interfaces", timeout=5) as r:
                    if b'"active_flows":1000000' in r.read():
                        break
            except OSError:
                pass
            time.sleep(0.5)
        print("netlens holds 1,000,000 flows and 100,001 hosts")
        for what in ["hosts?sort=bytes", "hosts?sort=ip&order=asc", "flows?sort=bytes", "flows?sort=packets",
                     "flows?sort=throughput"]:
            times = sorted(get(f"{base}/{what}&per_page=50") for _ in range(7))
            print(f"  page of 50 {what:28s} median {times[3] * 1000:6.1f} ms  max {times[-1] * 1000:6.1f} ms")
    finally:
        proc.kill()
        proc.wait()

    if not os.path.exists(big):
        print(f"{big} missing: build it with ../shared/tools/make-big-pcap to measure packet rates under polling")
        return

    def rate(poll):
        port = free_port()
        cmd = ["taskset", "-c", "1", netlens, "-q", "-i", big, "--shutdown-when-done", "--max-num-flows", "1000000",
               "--max-num-hosts", "1000000", "-w", f"127.0.0.1:{port}", "--disable-login"]
        stop = threading.Event()
        polls = []

        def poller():
            while not stop.is_set():
                for what in ["hosts?sort=bytes&per_page=50", "flows?sort=bytes&per_page=50"]:
                    try:
                        polls.append(get(f"http://127.0.0.1:{port}/api/v1/interfaces/0/{what}"))
                    except OSError:
                        pass
                stop.wait(1.0)
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd)
        th = threading.Thread(target=poller)
        if poll:
            th.start()
        p.wait()
        elapsed = time.perf_counter() - t0
        stop.set()
        if poll:
            th.join()
        return elapsed, polls

    rate(False)  # warm the page cache
    quiet = min(rate(False)[0] for _ in range(2))
    polled = []
    for _ in range(2):
        e, polls = rate(True)
        polled.append((e, polls))
    busy = min(e for e, _ in polled)
    all_polls = sorted(t for _, ps in polled for t in ps)
    print(f"benchmark capture on one core: {quiet:.2f} s without polling, {busy:.2f} s with a poller every second "
          f"({(busy / quiet - 1) * 100:+.1f}%)")
    if all_polls:
        print(f"  polled pages during the run: {len(all_polls)}, median {all_polls[len(all_polls) // 2] * 1000:.1f} ms, "
              f"max {all_polls[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
