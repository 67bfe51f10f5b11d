#!/usr/bin/env python3
"""-B BPF filter: `-B udp` on a capture mixing TCP, UDP, ICMP and ARP keeps only the UDP packets
(as many as tshark counts, and exactly the UDP flows of the unfiltered run, with the same
applications and counts), on every interface; an invalid filter is refused with a clear message."""
import os
import shutil
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
import nltest  # noqa: E402
from nltest import check, check_eq

CAPTURE = "wa_voice.pcap"


def tshark_count(pcap, display_filter):
    if not shutil.which("tshark"):
        raise nltest.Skip("tshark is not installed")
    p = nltest.run(["tshark", "-n", "-r", pcap, "-Y", display_filter, "-T", "fields", "-e", "frame.len"])
    if p.returncode != 0:
        raise nltest.Failure(f"tshark: {p.stderr.strip()}")
    return len(p.stdout.split())


def body(args, tmp):
    pcap = os.path.join(args.pcaps, CAPTURE)
    full = nltest.netlens_file(args, pcap, os.path.join(tmp, "all.json"))
    protos = {f["l4_proto"] for f in full["flows"]}
    check({6, 17} <= protos, f"{CAPTURE} mixes TCP and UDP flows ({sorted(protos)})")
    # tshark's "udp" also matches the UDP header quoted inside ICMP errors; BPF's does not.
    want = tshark_count(pcap, "udp && !icmp && !icmpv6")
    print(f"{CAPTURE}: {full['interface']['packets']} packets, {want} UDP packets (tshark)")

    udp = nltest.netlens_file(args, pcap, os.path.join(tmp, "udp.json"), "-B", "udp")
    check_eq(udp["interface"]["packets"], want, "-B udp: as many packets as tshark's UDP packets")
    check(udp["interface"]["packets"] < full["interface"]["packets"], "-B udp counts fewer packets than no filter")
    check_eq(sorted({f["l4_proto"] for f in udp["flows"]}), [17], "-B udp: only UDP flows")
    check_eq(udp["interface"]["non_ip"]["arp"]["packets"], 0, "-B udp: no ARP")
    check_eq(nltest.flow_rows(udp), [r for r in nltest.flow_rows(full) if r[0] == 17],
             "-B udp: exactly the UDP flows of the unfiltered run, same applications and counts")
    check_eq(nltest.flow_sums(udp)[0], want, "-B udp: the flows hold every filtered packet")

    # The filter applies to every interface.
    out = os.path.join(tmp, "two.json")
    p = nltest.run([args.netlens, "-q", "-B", "tcp", "-i", pcap, "-i", pcap, "--shutdown-when-done", "--dump-json", out])
    check_eq(p.returncode, 0, "-B tcp with two interfaces exits 0")
    want_tcp = tshark_count(pcap, "tcp && !icmp && !icmpv6")
    doc = nltest.load_dump(out)
    check_eq([d["interface"]["packets"] for d in doc["interfaces"]], [want_tcp, want_tcp],
             "-B tcp applies to both interfaces (tshark's TCP count on each)")

    for bad in ("udp and", "port 99999", "nosuchkeyword"):
        out = os.path.join(tmp, "bad.json")
        p = nltest.run([args.netlens, "-q", "-B", bad, "-i", pcap, "--shutdown-when-done", "--dump-json", out])
        nltest.no_crash(p, f"-B '{bad}'")
        check("invalid BPF filter" in p.stderr and bad in p.stderr,
              f"-B '{bad}': the error names the filter ({p.stderr.strip()[:160]})")


if __name__ == "__main__":
    nltest.main(body, __doc__)
