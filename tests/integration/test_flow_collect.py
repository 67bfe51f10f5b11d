#!/usr/bin/env python3
"""NetFlow v5, v9 and IPFIX collection with real peers over loopback.

softflowd replays a corpus capture and exports it as NetFlow v5, v9 and IPFIX; pmacctd (nfprobe
plugin) exports the same capture as v9 and IPFIX. Each export goes, through a UDP tee, both to
netlens (-i netflow://..., one interface per export, one of them listening on ::1) and to nfdump's
nfcapd, the reference collector. Per host pair, netlens's packets and IP-layer bytes must equal
the capture's (tshark's decoding; v5 carries IPv4 only) and what nfcapd stored; per-exporter
statistics must count every datagram and record with no loss. softflowd stamps replayed flows
with bogus times: the flows must still count, at the collector's wall time. Then bad input
(truncated datagrams, unknown template ids, garbage) from another exporter address is counted in
that exporter's statistics and skipped, and netlens keeps running. /metrics (linted by promtool)
gives every collector and exporter figure the API gives, and what the exporters sent."""
import os
import signal
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
import nltest  # noqa: E402
from nltest import check, check_eq  # noqa: E402
import flowpeers  # noqa: E402
from flowpeers import Tee, Nfcapd, Api  # noqa: E402

CAPTURE = "telegram.pcap"  # IPv4 and IPv6, no Ethernet padding (softflowd counts padding), no fragments

# (name, exporter, version, netlens listens on)
EXPORTS = [
    ("softflowd-v5", "softflowd", 5, "127.0.0.1"),
    ("softflowd-v9", "softflowd", 9, "127.0.0.1"),
    ("softflowd-ipfix", "softflowd", 10, "::1"),
    ("pmacctd-v9", "pmacctd", 9, "127.0.0.1"),
    ("pmacctd-ipfix", "pmacctd", 10, "127.0.0.1"),
]


def bad_input(port, source="127.0.0.2"):
    """Datagrams from `source`: a v9 template and a record (good), then a data set for a template
    never sent (x3), truncated datagrams (x2), garbage (x2). Returns what should be counted."""
    def v9(flowsets, seq):
        body = b"".join(flowsets)
        return struct.pack(">HHIIII", 9, len(flowsets), 1000, int(time.time()), seq, 77) + body

    def flowset(fid, body):
        return struct.pack(">HH", fid, 4 + len(body)) + body

    template = flowset(0, struct.pack(">HH", 300, 5) + struct.pack(">HHHHHHHHHH", 8, 4, 12, 4, 4, 1, 2, 4, 1, 4))
    record = flowset(300, socket.inet_aton("10.9.9.1") + socket.inet_aton("10.9.9.2") + struct.pack(">BII", 17, 3, 300)
                     + b"\0\0\0")  # padding to 4 bytes
    good = v9([template, record], 1)
    unknown = [v9([flowset(999, b"\x01" * 24)], 2 + i) for i in range(3)]
    truncated = [good[:30], v9([template, record], 5)[:-9] + b"\xff"]
    garbage = [b"\x00\x09\xde\xad", bytes(range(200))]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((source, 0))
    for d in [good] + unknown + truncated + garbage:
        s.sendto(d, ("127.0.0.1", port))
    s.close()
    return {"messages": 8, "flows": 1, "unknown_template_sets": 3, "malformed": 4}


def socket_drops(args, tmp):
    """While netlens is stopped (SIGSTOP), more NetFlow v5 than its socket buffer holds: the kernel's
    drops are counted as the interface's kernel drops and the collector's socket drops, and the
    exporter's sequence numbers say exactly how many flows were lost with them; /metrics says
    the same."""
    port, web = flowpeers.free_udp_port(), flowpeers.free_tcp_port()
    netlens = nltest.start([args.netlens, "-q", "-w", f"127.0.0.1:{web}", "--disable-login", "-d", tmp,
                            "-i", f"netflow://127.0.0.1:{port}"])
    sent = 0
    try:
        api = Api(web)
        api.wait_up()
        buffer = api.get("/api/v1/interfaces/0/exporters")["collector"]["receive_buffer_bytes"]
        per = 29  # 24 + 29 * 48 = 1416 bytes
        records = b"".join(socket.inet_aton("10.7.0.1") + socket.inet_aton("10.7.0.2") + bytes(4)
                           + struct.pack(">HHIIIIHHBBBBHHBBH", 1, 2, 1, 100, 0, 0, 1000 + i, 80, 0, 0, 17, 0, 0, 0, 0, 0, 0)
                           for i in range(per))
        count = 2 * buffer // 1416 + 10000  # well beyond what the buffer can hold
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        netlens.send_signal(signal.SIGSTOP)
        try:
            for n in range(count):
                hdr = struct.pack(">HHIIIIBBH", 5, per, 1000, int(time.time()), 0, n * per, 0, 0, 0)
                s.sendto(hdr + records, ("127.0.0.1", port))
                sent += 1
        finally:
            netlens.send_signal(signal.SIGCONT)

        def settled(total):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                c = api.get("/api/v1/interfaces/0/exporters")["collector"]
                if c["messages"] + c["socket_drops"] >= total:
                    return c
                time.sleep(0.2)
            raise nltest.Failure(f"the collector accounted for {c['messages'] + c['socket_drops']} of {total} datagrams")

        # What the buffer held is read; the kernel tells of drops with the next datagram queued
        # (SO_RXQ_OVFL), and that datagram's sequence number reveals the flows lost.
        last, stable = -1, 0
        while stable < 3:
            got = api.get("/api/v1/interfaces/0/exporters")["collector"]["messages"]
            stable = stable + 1 if got == last else 0
            last = got
            time.sleep(0.3)
        hdr = struct.pack(">HHIIIIBBH", 5, per, 1000, int(time.time()), 0, sent * per, 0, 0, 0)
        s.sendto(hdr + records, ("127.0.0.1", port))
        sent += 1
        s.close()
        c = settled(sent)
        deadline = time.monotonic() + 10
        while True:  # summaries are up to a second old
            iface = api.get("/api/v1/interfaces/0")["interface"]
            if iface["drops"]["kernel"] == c["socket_drops"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        samples = nltest.scrape(api.base)
        nltest.check_collector_metrics(samples, iface["name"], api.get("/api/v1/interfaces/0/exporters")["collector"],
                                       "socket drops")
        check_eq(nltest.sample(samples, "netlens_interface_drops_total", interface=iface["name"], kind="kernel"),
                 float(c["socket_drops"]), "/metrics: the socket drops are the interface's kernel drops")
    finally:
        nltest.stop(netlens)
    check(c["socket_drops"] > 0, f"the socket dropped datagrams while netlens was stopped ({c['socket_drops']} of {sent})")
    check_eq(c["messages"] + c["socket_drops"], sent, "received + dropped = sent")
    check_eq(iface["drops"]["kernel"], c["socket_drops"], "socket drops are the interface's kernel drops")
    e = c["peers"][0]
    check_eq(e["lost_flows"], c["socket_drops"] * per,
             "the exporter's sequence numbers count the dropped datagrams' flows as lost")
    check_eq(iface["packets"], c["messages"] * per, "every received record counts")
    check_eq(c["flows"], c["messages"] * per, "the collector's flow records: every received record")


def scraped_metrics(api, references, tees, want_bad):
    """/metrics while every export has been received: each collector's and its peers' figures
    equal the API's, and what each real exporter sent (datagrams through the tee, records nfcapd
    stored); the bad input's sender has its own series with the malformed datagrams counted."""
    samples = nltest.scrape(api.base)
    print("/metrics:")
    for i, (name, _, _, host) in enumerate(EXPORTS):
        iface = api.get(f"/api/v1/interfaces/{i}")["interface"]["name"]
        nltest.check_collector_metrics(samples, iface, api.get(f"/api/v1/interfaces/{i}/exporters")["collector"], name)
        peer = {"interface": iface, "kind": "netflow", "peer": "::1" if ":" in host else "127.0.0.1"}
        check_eq((nltest.sample(samples, "netlens_collector_peer_messages_total", **peer),
                  nltest.sample(samples, "netlens_collector_peer_flows_total", **peer)),
                 (float(tees[i].count), float(len(references[i]))),
                 f"{name}: the exporter's datagrams and flow records in /metrics: what it sent, what nfcapd stored")
    bad = {"interface": api.get("/api/v1/interfaces/1")["interface"]["name"], "kind": "netflow", "peer": "127.0.0.2"}
    check_eq({k: nltest.sample(samples, f"netlens_collector_peer_{k}_total", **bad) for k in want_bad},
             {k: float(v) for k, v in want_bad.items()}, "the bad input's sender in /metrics: its malformed datagrams counted")
    check_eq(nltest.sample(samples, "netlens_collector_malformed_total", interface=bad["interface"], kind="netflow"),
             float(want_bad["malformed"]), "collector-wide malformed datagrams in /metrics")


def body(args, tmp):
    flowpeers.require("softflowd", "softflowctl", "nfcapd", "nfdump", "pmacctd", "tshark")
    pcap = os.path.join(args.pcaps, CAPTURE)
    expected_all = flowpeers.capture_pairs(pcap)
    expected_v4 = flowpeers.capture_pairs(pcap, ipv4_only=True)
    check(any(":" in a for a, _ in expected_all) and len(expected_v4) > 10,
          f"{CAPTURE} has IPv4 and IPv6 host pairs ({len(expected_all)} pairs)")

    ports = [flowpeers.free_udp_port(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
             for _, _, _, host in EXPORTS]
    web = flowpeers.free_tcp_port()
    dump = os.path.join(tmp, "collect.json")
    cmd = [args.netlens, "-q", "-w", f"127.0.0.1:{web}", "--disable-login", "-d", tmp, "--dump-json", dump]
    for (name, _, _, host), port in zip(EXPORTS, ports):
        cmd += ["-i", f"netflow://[{host}]:{port}" if ":" in host else f"netflow://{host}:{port}"]
    started = time.time()
    netlens = nltest.start(cmd)
    nfcapds, tees = [], []
    try:
        api = Api(web)
        api.wait_up()
        running = []
        for (name, exporter, version, host), port in zip(EXPORTS, ports):
            ref = Nfcapd(tmp, name)
            nfcapds.append(ref)
            tee = Tee([(host, port), ("127.0.0.1", ref.port)])
            tees.append(tee)
            if exporter == "softflowd":
                running.append(("softflowd", flowpeers.softflowd_export(pcap, tee.port, version, tmp, name)))
            else:
                running.append(("pmacctd", flowpeers.pmacctd_export(pcap, tee.port, version, tmp, name)))
        for kind, r in running:
            if kind == "softflowd":
                log = flowpeers.softflowd_finish(*r)
                check("Flows exported" in log, "softflowd exported its flows", log[-300:])
            else:
                try:
                    r.wait(timeout=30)
                except Exception:
                    r.kill()
                    raise nltest.Failure("pmacctd did not finish within 30 s")
        time.sleep(0.3)  # the tees forward the last datagrams
        for t in tees:
            t.close()
        for i, t in enumerate(tees):
            check(t.count > 0, f"{EXPORTS[i][0]}: the exporter sent {t.count} datagrams")
            api.wait_datagrams(i, t.count)
        for ref in nfcapds:
            ref.stop()
        references = [ref.records() for ref in nfcapds]

        # Bad input to the v9 interface, from another exporter address.
        bad_port = ports[1]
        want_bad = bad_input(bad_port)
        api.wait_datagrams(1, tees[1].count + want_bad["messages"])
        iface = api.get("/api/v1/interfaces/1")
        check("collector" in iface["interface"], "the interface summary carries the collector's statistics")
        check(netlens.poll() is None, "netlens keeps running after bad input")
        scraped_metrics(api, references, tees, want_bad)
    finally:
        for t in tees:
            if t.thread.is_alive():
                t.close()
        for ref in nfcapds:
            try:
                ref.stop()
            except nltest.Failure:
                pass
        rc, _, _, err = nltest.stop(netlens)
    ended = time.time()
    check_eq(rc, 0, "netlens exits 0 on SIGTERM")
    doc = nltest.load_dump(dump)
    check_eq(len(doc["interfaces"]), len(EXPORTS), "one interface per export")

    for i, (name, exporter, version, host) in enumerate(EXPORTS):
        print(f"{name}:")
        part = doc["interfaces"][i]
        got = flowpeers.dump_pairs(part)
        got.pop(("10.9.9.1", "10.9.9.2"), None)  # the bad-input test's one good record (interface 1)
        want = expected_v4 if version == 5 else expected_all
        check_eq(got, want, f"{name}: packets and IP-layer bytes per host pair equal the capture's")
        ref_records = references[i]
        check_eq(got, flowpeers.pairs_of_records(ref_records), f"{name}: ... and equal what nfcapd received")
        coll = part["interface"]["collector"]
        check_eq(coll["kind"], "netflow", f"{name}: a NetFlow collector")
        exporters = {e["address"]: e for e in coll["peers"]}
        src = "::1" if ":" in host else "127.0.0.1"
        check(src in exporters, f"{name}: the exporter is {src}", str(list(exporters)))
        e = exporters[src]
        check_eq(e["versions"], [version], f"{name}: export version")
        check_eq(e["messages"], tees[i].count, f"{name}: every datagram counted")
        check_eq(e["flows"], len(ref_records), f"{name}: as many flow records as nfcapd stored")
        check_eq((e["packets"], e["bytes"]), (sum(v[0] for v in want.values()), sum(v[1] for v in want.values())),
                 f"{name}: the exporter's packets and bytes")
        check_eq((e["lost_flows"], e["lost_messages"], e["malformed"], e["unknown_template_sets"]),
                 (0, 0, 0, 0), f"{name}: nothing lost, malformed or unknown")
        if version != 5:
            check(e["templates"] >= 1, f"{name}: templates known ({e['templates']})")
        check_eq(coll["socket_drops"], 0, f"{name}: no socket drops")
        extra = 3 if i == 1 else 0  # the bad-input test's good record
        check_eq(part["interface"]["packets"], sum(v[0] for v in want.values()) + extra, f"{name}: interface packets")
        # The exporters' times are bogus (softflowd replays the capture's years-old times at its
        # own pace); the flows live on the collector's clock.
        times = [t for f in part["flows"] for t in (f["first_seen"], f["last_seen"])]
        check(all(started - 5 <= t <= ended + 5 for t in times), f"{name}: flow times on the collector's clock",
              f"{min(times)}..{max(times)} outside {started}..{ended}")
        apps = {a["name"]: a for a in part["applications"]}
        check_eq(sum(a["packets"] for a in apps.values()), part["interface"]["packets"],
                 f"{name}: every packet is in an application")
        dns = [f for f in part["flows"] if f["l4_proto"] == 17 and 53 in (f["client_port"], f["server_port"])]
        check(dns and all(f["app"].startswith("DNS") for f in dns), f"{name}: port 53 flows are DNS ({len(dns)})")

    coll = doc["interfaces"][1]["interface"]["collector"]
    bad = {e["address"]: e for e in coll["peers"]}.get("127.0.0.2")
    check(bad is not None, "the bad input's sender is an exporter of its own")
    check_eq({k: bad[k] for k in want_bad}, want_bad, "bad input counted in its exporter's statistics")
    check(bad.get("last_error"), f"the last malformation is named ({bad.get('last_error')})")
    check_eq(coll["malformed"], want_bad["malformed"], "collector-wide malformed datagrams")
    check_eq((coll["messages"], coll["flows"]), (sum(e["messages"] for e in coll["peers"]), sum(e["flows"] for e in coll["peers"])),
             "collector-wide datagrams and flow records: its exporters'")
    flows = [f for f in doc["interfaces"][1]["flows"] if f["client_ip"] == "10.9.9.1"]
    check_eq([(f["cli2srv_packets"], f["cli2srv_bytes"]) for f in flows], [(3, 300)],
             "the good record among the bad ones counts")

    print("socket drops:")
    socket_drops(args, tmp)


if __name__ == "__main__":
    nltest.main(body, __doc__)
