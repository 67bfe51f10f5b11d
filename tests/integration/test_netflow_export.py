#!/usr/bin/env python3
"""netlens's own NetFlow v9 and IPFIX export, read back by a real collector (nfdump's nfcapd).

netlens reads a corpus capture and exports its flows to nfcapd on the loopback; nfdump's
records, summed per (source, destination) address pair, must equal the capture's own packets
and bytes per pair (tshark: frame.cap_len, the bytes netlens counts) and netlens's dump, and the
exporter's own statistics (the dump's interface.export) must tell exactly what nfdump received.
With --netflow-export-round-robin and two collectors, each flow goes to one of them and together
they hold everything. Two running netlens, one exporting IPFIX to the other, tell in /metrics
(linted by promtool) what their APIs tell, and the collector's count of datagrams and records is
what the exporter's says it sent.
"""
import collections
import os
import shutil
import signal
import time

import nltest as T

PCAP = "waze.pcap"


def start_nfcapd(tmp, tag):
    port = T.free_port()
    d = os.path.join(tmp, f"nf-{tag}")
    os.makedirs(d)
    proc = T.start(["nfcapd", "-b", "127.0.0.1", "-p", str(port), "-w", d, "-t", "60", "-P", os.path.join(tmp, f"nfcapd-{tag}.pid")])
    time.sleep(0.5)
    if proc.poll() is not None:
        raise T.Failure(f"nfcapd did not start: {proc.communicate()[1]}")
    return proc, port, d


def stop_nfcapd(proc):
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)


def nfdump_pairs(d):
    """nfdump's records in d, summed per address pair, and how many records there are."""
    p = T.run(["nfdump", "-R", d, "-q", "-N", "-o", "fmt:%sa,%da,%pkt,%byt"])
    if p.returncode != 0:
        raise T.Failure(f"nfdump: {p.stderr.strip()}")
    out = collections.Counter()
    records = 0
    for line in p.stdout.splitlines():
        parts = [x.strip() for x in line.split(",")]
        if len(parts) != 4:
            continue
        records += 1
        k = (parts[0], parts[1])
        pk, by = out.get(k, (0, 0))
        out[k] = (pk + int(parts[2]), by + int(parts[3]))
    return dict(out), records


def capture_pairs(pcap):
    p = T.run(["tshark", "-r", pcap, "-T", "fields", "-E", "separator=,", "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src",
               "-e", "ipv6.dst", "-e", "frame.cap_len", "-Y", "ip or ipv6"])
    if p.returncode != 0:
        raise T.Failure(f"tshark: {p.stderr.strip()}")
    out = {}
    for line in p.stdout.splitlines():
        s4, d4, s6, d6, length = (line.split(",") + [""] * 5)[:5]
        k = (s4, d4) if s4 else (s6, d6)
        pk, by = out.get(k, (0, 0))
        out[k] = (pk + 1, by + int(length))
    return out


def dump_pairs(doc):
    out = {}
    for f in doc["flows"]:
        for src, dst, pk, by in ((f["client_ip"], f["server_ip"], f["cli2srv_packets"], f["cli2srv_bytes"]),
                                 (f["server_ip"], f["client_ip"], f["srv2cli_packets"], f["srv2cli_bytes"])):
            if pk:
                a, b = out.get((src, dst), (0, 0))
                out[(src, dst)] = (a + pk, b + by)
    return out


def run_netlens(args, tmp, tag, *export):
    """netlens exporting the capture; returns its dump and its exporter's statistics (the dump is
    written once the exporters have sent everything)."""
    out = os.path.join(tmp, f"{tag}.json")
    p = T.run([args.netlens, "-i", os.path.join(args.pcaps, PCAP), "--shutdown-when-done", "--dump-json", out, *export])
    if p.returncode != 0:
        raise T.Failure(f"netlens exited {p.returncode}: {p.stderr.strip()}")
    doc = T.load_dump(out)
    exports = doc["interface"]["export"]
    T.check_eq([e["kind"] for e in exports], ["netflow"], f"{tag}: one exporter in the dump")
    e = exports[0]
    T.check(e["flows"] > 0, f"{tag}: flows handed to the exporter", str(e))
    T.check_eq((e["flows_sent"], e["dropped_queue_full"], e["send_errors"], e["queued"]), (e["flows"], 0, 0, 0),
               f"{tag}: every flow sent")
    end = [l for l in p.stderr.splitlines() if "(end): export netflow " in l]
    T.check(end and f" flows_sent={e['flows_sent']} records_sent={e['records_sent']} messages={e['messages']} " in end[-1],
            f"{tag}: the last status line says the same", end)
    return doc, e


def exporter_and_collector_metrics(args, tmp):
    """Two running netlens: A reads the capture and exports IPFIX to B (-i netflow://). A's
    exporter figures in its /metrics equal its API's, B's collector figures in its /metrics its
    API's, and B's series of A (its peer) counts the datagrams and records A's series say it sent."""
    nf_port, web_a, web_b = T.free_port(), T.free_port(), T.free_port()
    common = ["-q", "--disable-login", "--status-interval", "0"]
    b = T.start([args.netlens, *common, "-i", f"netflow://127.0.0.1:{nf_port}", "-w", f"127.0.0.1:{web_b}", "-d",
                 os.path.join(tmp, "data-b")])
    a = None
    try:
        T.wait_running(b)
        a = T.start([args.netlens, *common, "-i", os.path.join(args.pcaps, PCAP), "-w", f"127.0.0.1:{web_a}", "-d",
                     os.path.join(tmp, "data-a"), "--netflow-export", f"ipfix@127.0.0.1:{nf_port}", "--export-interval", "1"])
        base_a, base_b = f"http://127.0.0.1:{web_a}", f"http://127.0.0.1:{web_b}"

        def delivered():
            # The capture read to its end (nothing more to export) and B holding what A sent.
            e = T.http("GET", base_a + "/api/v1/interfaces/0")[0]["interface"]["export"][0]
            c = T.http("GET", base_b + "/api/v1/interfaces/0/exporters")[0]["collector"]
            return e["flows_sent"] > 0 and e["queued"] == 0 and c["messages"] == e["messages"]
        T.wait_for("A has exported the capture's ended flows and B received them", delivered, timeout=30)
        samples_a, iface_a = T.scrape_steady(base_a)
        samples_b, iface_b = T.scrape_steady(base_b)
        T.check_eq(len(iface_a["export"]), 1, "A: one exporter")
        T.check_export_metrics(samples_a, iface_a["name"], iface_a["export"][0], "A")
        T.check_collector_metrics(samples_b, iface_b["name"], iface_b["collector"], "B")
        exporter = {"interface": iface_a["name"], "kind": "netflow", "destination": f"127.0.0.1:{nf_port}"}
        peer = {"interface": iface_b["name"], "kind": "netflow", "peer": "127.0.0.1"}
        received = [T.sample(samples_b, f"netlens_collector_peer_{f}_total", **peer) for f in ("messages", "flows", "malformed")]
        sent = [T.sample(samples_a, f"netlens_export_{f}_total", **exporter) for f in ("messages", "records_sent")]
        T.check_eq(received, sent + [0.0], "/metrics: B received every datagram and record A's exporter sent, none malformed")
    finally:
        for p in (a, b):
            if p:
                T.kill_quietly(p)


def body(args, tmp):
    for tool in ("nfcapd", "nfdump", "tshark"):
        if not shutil.which(tool):
            raise T.Skip(f"{tool} is not installed")
    capture = capture_pairs(os.path.join(args.pcaps, PCAP))
    for version in ("v9", "ipfix"):
        nf, port, d = start_nfcapd(tmp, version)
        try:
            doc, e = run_netlens(args, tmp, version, "--netflow-export", f"{version}@127.0.0.1:{port}")
            time.sleep(0.5)
        finally:
            stop_nfcapd(nf)
        got, records = nfdump_pairs(d)
        T.check_eq(dump_pairs(doc), capture, f"{version}: netlens's flows per address pair equal the capture's")
        T.check_eq(got, capture, f"{version}: nfdump's records per address pair equal the capture's")
        T.check_eq((e["kind"], e["version"], e["destinations"]), ("netflow", 9 if version == "v9" else 10, [f"127.0.0.1:{port}"]),
                   f"{version}: the exporter describes itself")
        T.check_eq(e["records_sent"], records, f"{version}: the exporter's records_sent equal nfdump's records")

    # Round-robin over two collectors: disjoint shares that add up to everything.
    (a, pa, da), (b, pb, db) = start_nfcapd(tmp, "rr-a"), start_nfcapd(tmp, "rr-b")
    try:
        _, e = run_netlens(args, tmp, "rr", "--netflow-export", f"ipfix@127.0.0.1:{pa},127.0.0.1:{pb}",
                           "--netflow-export-round-robin")
        time.sleep(0.5)
    finally:
        stop_nfcapd(a)
        stop_nfcapd(b)
    (ga, ra), (gb, rb) = nfdump_pairs(da), nfdump_pairs(db)
    T.check_eq((e["round_robin"], e["destinations"]), (True, [f"127.0.0.1:{pa}", f"127.0.0.1:{pb}"]),
               "round-robin: the exporter describes itself")
    T.check_eq(e["records_sent"], ra + rb, "round-robin: the exporter's records_sent equal both nfdumps' records")
    T.check(ga and gb, "round-robin: both collectors got flows", f"{len(ga)} and {len(gb)} pairs")
    total = collections.Counter()
    for g in (ga, gb):
        for k, v in g.items():
            total[k] = tuple(x + y for x, y in zip(total.get(k, (0, 0)), v))
    T.check_eq(dict(total), capture, "round-robin: both collectors together hold the capture's traffic")

    print("/metrics of an exporter and of its collector:")
    exporter_and_collector_metrics(args, tmp)


if __name__ == "__main__":
    T.main(body, __doc__)
