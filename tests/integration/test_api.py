#!/usr/bin/env python3
"""The REST API v1 against a real netlens serving a corpus capture on 127.0.0.1 (free port):
totals equal the capture's (the same run's --dump-json), paging and sorting happen on the
server and return the right rows (also with 100,000 hosts), bad parameters get 400 with a JSON
error, unknown things 404, large answers are gzip-compressed, and the OpenAPI document lists
every route."""
import json
import os
import re
import struct
import time

import nltest
from nltest import Failure, check, check_eq, free_port, http


class Api:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path, expect=200, headers=None):
        return http("GET", self.base + path, headers=headers, expect=expect)

    def wait(self, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                doc, _ = self.get("/api/v1/interfaces")
                if doc and doc[0].get("packets"):
                    return doc
            except (OSError, Failure):
                pass
            time.sleep(0.1)
        raise Failure("the API did not answer")


def serve(args, pcap, port, *extra):
    proc = nltest.start([args.netlens, "-q", "-i", pcap, "-w", f"127.0.0.1:{port}", "--disable-login", *extra])
    return proc


def all_pages(api, path, key, per_page):
    rows, page = [], 1
    while True:
        doc, _ = api.get(f"{path}{'&' if '?' in path else '?'}page={page}&per_page={per_page}")
        rows += doc[key]
        if len(doc[key]) < per_page:
            return doc["total"], rows
        page += 1


def corpus_checks(args, tmp):
    pcap = os.path.join(args.pcaps, "1kxun.pcap")
    ref = nltest.netlens_file(args, pcap, os.path.join(tmp, "ref.json"), "-m", "192.168.0.0/16")
    port = free_port()
    proc = serve(args, pcap, port, "-m", "192.168.0.0/16")
    try:
        api = Api(port)
        ifaces = api.wait()
        check_eq(len(ifaces), 1, "one interface listed")
        check_eq((ifaces[0]["packets"], ifaces[0]["bytes"]),
                 (ref["interface"]["packets"], ref["interface"]["bytes"]), "interface totals equal the capture's")
        one, _ = api.get("/api/v1/interfaces/0")
        check_eq({a["name"]: (a["packets"], a["bytes"], a["flows"]) for a in one["applications"]},
                 {a["name"]: (a["packets"], a["bytes"], a["flows"]) for a in ref["applications"]},
                 "applications equal the dump's")
        check_eq(one["interface"]["decode_errors"], ref["interface"]["decode_errors"], "decode errors as in the dump")

        # Hosts: every page together is the whole set, sorted by the server.
        total, hosts = all_pages(api, "/api/v1/interfaces/0/hosts?sort=bytes&order=desc", "hosts", 7)
        check_eq(total, len(ref["hosts"]), "hosts total")
        check_eq(sorted(h["ip"] for h in hosts), sorted(h["ip"] for h in ref["hosts"]), "pages cover every host once")
        volumes = [h["sent"]["bytes"] + h["received"]["bytes"] for h in hosts]
        check_eq(volumes, sorted(volumes, reverse=True), "hosts sorted by bytes, descending, across pages")
        local, _ = api.get("/api/v1/interfaces/0/hosts?filter=local&per_page=1000")
        check_eq(local["total"], sum(1 for h in ref["hosts"] if h["local"]), "filter=local counts local hosts")
        check(all(h["local"] for h in local["hosts"]), "filter=local returns only local hosts")
        some = ref["hosts"][0]["ip"]
        found, _ = api.get(f"/api/v1/interfaces/0/hosts?q={some}&per_page=1000")
        check(any(h["ip"] == some for h in found["hosts"]), f"search finds {some}")
        check(all(some in h["ip"] for h in found["hosts"]), "search returns only matching addresses")

        # One host: its statistics equal the dump's, with its flows.
        top = max(ref["hosts"], key=lambda h: h["sent"]["bytes"] + h["received"]["bytes"])
        host, _ = api.get(f"/api/v1/interfaces/0/hosts/{top['ip']}")
        check_eq((host["host"]["sent"], host["host"]["received"]), (top["sent"], top["received"]),
                 "one host's traffic equals the dump's")
        mine = [f for f in ref["flows"] if top["ip"] in (f["client_ip"], f["server_ip"])]
        check_eq(len(host["flows"]), len(mine), "one host lists its flows")
        alone, _ = api.get(f"/api/v1/interfaces/0/hosts/{top['ip']}?flows=0")
        check_eq((alone["host"]["sent"], alone["flows"]), (top["sent"], []), "?flows=0 gives the host alone")

        # Flows: paging, sorting and filters.
        total, flows = all_pages(api, "/api/v1/interfaces/0/flows?sort=packets&order=asc", "flows", 25)
        check_eq(total, len(ref["flows"]), "flows total")
        pk = [f["cli2srv_packets"] + f["srv2cli_packets"] for f in flows]
        check_eq(pk, sorted(pk), "flows sorted by packets, ascending, across pages")
        check_eq(len({f["id"] for f in flows}), total, "every flow once, each with its id")
        udp, _ = api.get("/api/v1/interfaces/0/flows?l4=udp&per_page=1000")
        check_eq(udp["total"], sum(1 for f in ref["flows"] if f["l4_proto"] == 17), "l4=udp filter")
        http, _ = api.get("/api/v1/interfaces/0/flows?app=HTTP&per_page=1000")
        check_eq(http["total"], sum(1 for f in ref["flows"] if f["app"] == "HTTP" or f["app"].startswith("HTTP.")
                                    or f["app"].endswith(".HTTP")), "app=HTTP filter")
        p80, _ = api.get("/api/v1/interfaces/0/flows?port=80&per_page=1000")
        check_eq(p80["total"], sum(1 for f in ref["flows"] if 80 in (f["client_port"], f["server_port"])), "port=80 filter")
        one_flow, _ = api.get(f"/api/v1/interfaces/0/flows/{flows[-1]['id']}")
        check_eq(one_flow["id"], flows[-1]["id"], "one flow by id")

        l4, _ = api.get("/api/v1/interfaces/0/l4protocols")
        check_eq({p["proto"]: p["packets"] for p in l4}, {p["proto"]: p["packets"] for p in ref["interface"]["l4_protocols"]},
                 "L4 protocol totals")
        talk, _ = api.get("/api/v1/interfaces/0/top_talkers?n=3")
        check_eq([h["ip"] for h in talk["hosts"]], [h["ip"] for h in hosts[:3]], "top talkers are the biggest hosts")
        status, _ = api.get("/api/v1/status")
        check(status["resident_memory_bytes"] > 0 and status["uptime"] >= 0, "status reports memory and uptime")
        # The packet thread's CPU time: some, and no more than the whole process has used.
        with open(f"/proc/{proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        process_cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        thread_cpu = status["interfaces"][0]["packet_thread_cpu"]
        check(0 < thread_cpu <= process_cpu + 0.02,
              f"status: the packet thread used {thread_cpu} s CPU, the process {process_cpu} s", status)

        # Bad requests: 400 with a JSON message saying what is wrong; unknown things: 404.
        for path, word in [("/api/v1/interfaces/0/hosts?sort=colour", "colour"),
                           ("/api/v1/interfaces/0/hosts?per_page=0", "per_page"),
                           ("/api/v1/interfaces/0/hosts?page=x", "page"),
                           ("/api/v1/interfaces/0/hosts?order=up", "order"),
                           ("/api/v1/interfaces/0/hosts?filter=alien", "filter"),
                           ("/api/v1/interfaces/0/flows?l4=bogus", "bogus"),
                           ("/api/v1/interfaces/0/flows?host=not-an-ip", "not-an-ip"),
                           ("/api/v1/interfaces/0/flows?port=70000", "port"),
                           ("/api/v1/interfaces/0/hosts/999.1.1.1", "999.1.1.1"),
                           ("/api/v1/interfaces/0/flows/abc", "abc")]:
            err, _ = api.get(path, expect=400)
            check(word in err["error"], f"400 for {path} names the problem", err)
        for path in ["/api/v1/interfaces/7", "/api/v1/interfaces/0/hosts/10.99.99.99", "/api/v1/interfaces/0/flows/999999",
                     "/api/v1/nowhere"]:
            api.get(path, expect=404)
        print(f"  ok: 404 for unknown interface, host, flow and route")

        # Compression and the API description.
        _, hdrs = api.get("/api/v1/interfaces/0/flows?per_page=500", headers={"Accept-Encoding": "gzip"})
        check_eq(hdrs.get("Content-Encoding"), "gzip", "large JSON is gzip-compressed when asked")
        spec, _ = api.get("/api/v1/openapi.json")
        for route in ["/api/v1/interfaces/{id}/hosts", "/api/v1/interfaces/{id}/flows", "/api/v1/status"]:
            check(route in spec["paths"], f"OpenAPI lists {route}")
        refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(spec)))
        check_eq(sorted(refs - set(spec["components"]["schemas"])), [], f"OpenAPI: every $ref names a schema ({sorted(refs)})")
        nltest.check_documented(spec, "InterfaceDetail", one, "GET /api/v1/interfaces/0")
        check_eq(one["interface"]["export"], [], "a capture without exporters: an empty export list")
        check("collector" not in one["interface"], "a capture has no collector")
        check(proc.poll() is None, "netlens still running after bad requests")
    finally:
        nltest.kill_quietly(proc)


def write_many_hosts_pcap(path, n):
    """n UDP packets, each from a different source address in 10.0.0.0/8 to one server."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))  # raw IP
        for i in range(n):
            src = bytes([10, (i >> 16) & 255, (i >> 8) & 255, i & 255])
            payload = b"x" * (i % 50)
            udp = struct.pack("!HHHH", 10000 + i % 50000, 5000, 8 + len(payload), 0) + payload
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src, bytes([192, 0, 2, 1])) + udp
            f.write(struct.pack("<IIII", 1_700_000_000 + i // 1000, i % 1000, len(ip), len(ip)) + ip)


def many_hosts(args, tmp):
    n = 100_000
    pcap = os.path.join(tmp, "many.pcap")
    write_many_hosts_pcap(pcap, n)
    port = free_port()
    proc = serve(args, pcap, port, "-m", "10.0.0.0/8", "--max-num-hosts", "200000", "--max-num-flows", "200000")
    try:
        api = Api(port)
        api.wait(timeout=30)
        deadline = time.monotonic() + 30
        while True:
            first, _ = api.get("/api/v1/interfaces/0/hosts?per_page=100&sort=bytes&order=desc")
            if first["total"] == n + 1 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        check_eq(first["total"], n + 1, "100,001 hosts")
        # The largest senders have the longest payloads (49 bytes): 2,000 hosts of 97 bytes each.
        check(all(h["sent"]["bytes"] == 20 + 8 + 49 for h in first["hosts"][1:]), "first page: the biggest senders")
        check_eq(first["hosts"][0]["ip"], "192.0.2.1", "the server, which received everything, first")
        t0 = time.monotonic()
        last, _ = api.get(f"/api/v1/interfaces/0/hosts?per_page=100&page={(n + 1 + 99) // 100}&sort=ip&order=asc")
        took = time.monotonic() - t0
        check_eq(len(last["hosts"]), (n + 1) % 100 or 100, "the last page has the remainder")
        check_eq(last["hosts"][-1]["ip"], "192.0.2.1", "sorted by address: the server is last")
        print(f"  info: one sorted page of 100,001 hosts in {took * 1000:.0f} ms")
        mid, _ = api.get("/api/v1/interfaces/0/hosts?per_page=10&page=5000&sort=ip&order=asc")
        check_eq(mid["hosts"][0]["ip"], "10.0.195.70",
                 "page 5000 sorted by address starts at the 49,991st address")
    finally:
        nltest.kill_quietly(proc)


def body(args, tmp):
    corpus_checks(args, tmp)
    many_hosts(args, tmp)


if __name__ == "__main__":
    nltest.main(body, __doc__)
