#!/usr/bin/env python3
"""netlens's own NetFlow v9 and IPFIX export, read back by a real collector (nfdump's nfcapd).

netlens reads a corpus capture and exports its flows to nfcapd on the loopback; nfdump's
records, summed per (source, destination) address pair, must equal the capture's own packets
and bytes per pair (tshark: frame.cap_len, the bytes netlens counts) and netlens's dump. With
--netflow-export-round-robin and two collectors, each flow goes to one of them and together
they hold everything.
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
    p = T.run(["nfdump", "-R", d, "-q", "-N", "-o", "fmt:%sa,%da,%pkt,%byt"])
    if p.returncode != 0:
        raise T.Failure(f"nfdump: {p.stderr.strip()}")
    out = collections.Counter()
    for line in p.stdout.splitlines():
        parts = [x.strip() for x in line.split(",")]
        if len(parts) != 4:
            continue
        k = (parts[0], parts[1])
        pk, by = out.get(k, (0, 0))
        out[k] = (pk + int(parts[2]), by + int(parts[3]))
    return dict(out)


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
    out = os.path.join(tmp, f"{tag}.json")
    p = T.run([args.netlens, "-i", os.path.join(args.pcaps, PCAP), "--shutdown-when-done", "--dump-json", out, *export])
    if p.returncode != 0:
        raise T.Failure(f"netlens exited {p.returncode}: {p.stderr.strip()}")
    end = [l for l in p.stderr.splitlines() if "(end): netflow_export:" in l]
    T.check(end and " dropped_queue_full=0 " in end[-1] and " send_errors=0 " in end[-1], f"{tag}: every flow sent", end)
    return T.load_dump(out)


def body(args, tmp):
    for tool in ("nfcapd", "nfdump", "tshark"):
        if not shutil.which(tool):
            raise T.Skip(f"{tool} is not installed")
    capture = capture_pairs(os.path.join(args.pcaps, PCAP))
    for version in ("v9", "ipfix"):
        nf, port, d = start_nfcapd(tmp, version)
        try:
            doc = run_netlens(args, tmp, version, "--netflow-export", f"{version}@127.0.0.1:{port}")
            time.sleep(0.5)
        finally:
            stop_nfcapd(nf)
        got = nfdump_pairs(d)
        T.check_eq(dump_pairs(doc), capture, f"{version}: netlens's flows per address pair equal the capture's")
        T.check_eq(got, capture, f"{version}: nfdump's records per address pair equal the capture's")

    # Round-robin over two collectors: disjoint shares that add up to everything.
    (a, pa, da), (b, pb, db) = start_nfcapd(tmp, "rr-a"), start_nfcapd(tmp, "rr-b")
    try:
        run_netlens(args, tmp, "rr", "--netflow-export", f"ipfix@127.0.0.1:{pa},127.0.0.1:{pb}", "--netflow-export-round-robin")
        time.sleep(0.5)
    finally:
        stop_nfcapd(a)
        stop_nfcapd(b)
    ga, gb = nfdump_pairs(da), nfdump_pairs(db)
    T.check(ga and gb, "round-robin: both collectors got flows", f"{len(ga)} and {len(gb)} pairs")
    total = collections.Counter()
    for g in (ga, gb):
        for k, v in g.items():
            total[k] = tuple(x + y for x, y in zip(total.get(k, (0, 0)), v))
    T.check_eq(dict(total), capture, "round-robin: both collectors together hold the capture's traffic")


if __name__ == "__main__":
    T.main(body, __doc__)
