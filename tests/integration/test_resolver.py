#!/usr/bin/env python3
"""Active reverse resolution (-n local / all) against a real DNS server, Debian's dnsmasq,
started on 127.0.0.1 with a hosts file that names some of the addresses of a corpus capture;
and a DNS server that never answers does not slow packet processing down."""
import os
import shutil
import socket
import time

import nltest
from nltest import Failure, Skip, check, check_eq
from test_api import Api, free_port


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port, ip):
    """True when a DNS server on 127.0.0.1:port answers a PTR query for ip."""
    qname = b"".join(bytes([len(p)]) + p.encode() for p in reversed(ip.split("."))) + b"\x07in-addr\x04arpa\x00"
    query = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + qname + b"\x00\x0c\x00\x01"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        s.sendto(query, ("127.0.0.1", port))
        try:
            return s.recv(2048)[:2] == b"\x12\x34"
        except OSError:
            return False


def start_dnsmasq(tmp, hosts):
    exe = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
    if not os.access(exe, os.X_OK):
        raise Skip("dnsmasq is not installed (package dnsmasq-base)")
    path = os.path.join(tmp, "hosts")
    with open(path, "w") as fh:
        for ip, name in hosts.items():
            fh.write(f"{ip} {name}\n")
    port = free_udp_port()
    proc = nltest.start([exe, "--no-daemon", "--no-resolv", "--no-hosts", f"--addn-hosts={path}",
                         "--listen-address=127.0.0.1", f"--port={port}", "--bind-interfaces", "--user=root",
                         f"--pid-file={os.path.join(tmp, 'dnsmasq.pid')}", "--log-facility=-"])
    # Ready when it answers a PTR query.
    deadline = time.monotonic() + 10
    while not answers(port, next(iter(hosts))):
        if proc.poll() is not None:
            raise Failure(f"dnsmasq exited: {proc.stderr.read()[:300]}")
        if time.monotonic() > deadline:
            raise Failure("dnsmasq does not answer")
        time.sleep(0.2)
    return proc, port


def resolver_names(api):
    doc, _ = api.get("/api/v1/interfaces/0/hosts?per_page=1000")
    return {h["ip"]: h["names"]["resolver"] for h in doc["hosts"] if "resolver" in h.get("names", {})}


def body(args, tmp):
    pcap = os.path.join(args.pcaps, "1kxun.pcap")
    local_net = "192.168.0.0/16"
    ref = nltest.netlens_file(args, pcap, os.path.join(tmp, "ref.json"), "-m", local_net)
    local = sorted(h["ip"] for h in ref["hosts"] if h["local"])[:3]
    remote = sorted(h["ip"] for h in ref["hosts"] if not h["local"] and ":" not in h["ip"])[:3]
    check(len(local) == 3 and len(remote) == 3, f"the capture has local {local} and remote {remote} hosts")
    named = {ip: f"nl-local-{i}.test.example" for i, ip in enumerate(local)}
    named.update({ip: f"nl-remote-{i}.test.example" for i, ip in enumerate(remote)})
    dns, dns_port = start_dnsmasq(tmp, named)
    try:
        for mode, want in [("local", {ip: named[ip] for ip in local}), ("all", named)]:
            port = free_port()
            proc = nltest.start([args.netlens, "-q", "-i", pcap, "-m", local_net, "-w", f"127.0.0.1:{port}",
                                 "--disable-login", "-n", mode, "--dns-server", f"127.0.0.1:{dns_port}"])
            try:
                api = Api(port)
                api.wait()
                got = {}
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    got = resolver_names(api)
                    if got == want:
                        break
                    time.sleep(0.3)
                check_eq(got, want, f"-n {mode}: names from the DNS server, on exactly the hosts it names")
                doc, _ = api.get(f"/api/v1/interfaces/0/hosts?q=test.example&per_page=100&sort=name&order=asc")
                check_eq([h["ip"] for h in doc["hosts"]], [ip for ip, _ in sorted(want.items(), key=lambda kv: kv[1])],
                         f"-n {mode}: the hosts search finds them by name, sorted by name")
                check(all(h["name_source"] == "resolver" or h["names"].get("resolver") for h in doc["hosts"]),
                      f"-n {mode}: the name's source is the resolver")
                iface, _ = api.get("/api/v1/interfaces/0")
                names = iface["interface"]["names"]
                check(names["resolve_requested"] >= len(want) and names["resolved"] >= len(want),
                      f"-n {mode}: asked {names['resolve_requested']}, named {names['resolved']}")
            finally:
                nltest.stop(proc)
    finally:
        nltest.stop(dns)

    # A DNS server that never answers: the same results, in about the same time.
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    silent.settimeout(0.2)
    try:
        t0 = time.monotonic()
        nltest.netlens_file(args, pcap, os.path.join(tmp, "ref2.json"), "-m", local_net)
        plain = time.monotonic() - t0
        t0 = time.monotonic()
        doc = nltest.netlens_file(args, pcap, os.path.join(tmp, "silent.json"), "-m", local_net, "-n", "all",
                                  "--dns-server", f"127.0.0.1:{silent.getsockname()[1]}")
        slow = time.monotonic() - t0
        queries = 0
        try:
            while True:
                silent.recv(2048)
                queries += 1
        except socket.timeout:
            pass
        check(queries > 0, f"netlens asked the silent server ({queries} queries)")
        check_eq(nltest.totals(doc), nltest.totals(ref), "the same totals with a silent DNS server")
        check_eq(len(doc["hosts"]), len(ref["hosts"]), "the same hosts with a silent DNS server")
        check(slow < plain + 2.0, f"a silent DNS server does not slow netlens down ({slow:.2f} s vs {plain:.2f} s)")
    finally:
        silent.close()


if __name__ == "__main__":
    nltest.main(body, __doc__)
