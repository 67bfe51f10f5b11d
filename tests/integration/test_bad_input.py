#!/usr/bin/env python3
"""Bad input: sources that do not exist or are not captures, and bad option values, are refused
with a clear message and a non-zero exit (no crash); a capture cut in the middle of a record is
read up to the cut: exit 0, the complete records are counted (as a record-by-record reading of the
file counts them) and netlens says the file ended early."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
import nltest  # noqa: E402
from nltest import check, check_eq

PCAP = "wa_voice.pcap"
PCAPNG = "alexa-app.pcapng"


def refused(args, argv, what, *needles):
    p = nltest.run([args.netlens] + argv, timeout=30)
    nltest.no_crash(p, what)
    msg = p.stderr.strip()
    check(msg and all(n.lower() in msg.lower() for n in needles), f"{what}: the message says {needles}", msg[:200])
    print(f"      ({msg.splitlines()[0][:150]})")
    return p


def truncated(args, tmp):
    src = os.path.join(args.pcaps, PCAP)
    data = open(src, "rb").read()
    recs = nltest.pcap_records(src)
    k = len(recs) // 2
    off, caplen = recs[k]
    cases = [("in the middle of a record's data", off + 16 + caplen // 2, k),
             ("in the middle of a record header", off + 7, k),
             ("right after the file header", 24, 0),
             ("one byte short of the end", len(data) - 1, len(recs) - 1)]
    for what, cut, complete in cases:
        path = os.path.join(tmp, f"cut-{cut}.pcap")
        with open(path, "wb") as fh:
            fh.write(data[:cut])
        want = (complete, sum(c for _, c in recs[:complete]))
        out = os.path.join(tmp, f"cut-{cut}.json")
        p = nltest.run([args.netlens, "-q", "-i", path, "--shutdown-when-done", "--dump-json", out])
        check_eq(p.returncode, 0, f"cut {what}: exit code 0")
        doc = nltest.load_dump(out)
        check_eq((doc["interface"]["packets"], doc["interface"]["bytes"]), want,
                 f"cut {what}: the {complete} complete records are counted")
        check_eq(nltest.flow_sums(doc)[0] + sum(v["packets"] for v in doc["interface"]["non_ip"].values()),
                 complete, f"cut {what}: flows and non-IP counters hold every packet read")
        if cut != len(data) and cut != 24:
            check("ends early" in p.stderr or "truncated" in p.stderr,
                  f"cut {what}: netlens says the file ended early", p.stderr.strip()[:200])
        else:
            check(p.stderr.strip() == "", f"cut {what}: nothing to complain about", p.stderr.strip()[:200])

    # pcapng cut short: netlens reads what tshark reads.
    src = os.path.join(args.pcaps, PCAPNG)
    data = open(src, "rb").read()
    path = os.path.join(tmp, "cut.pcapng")
    with open(path, "wb") as fh:
        fh.write(data[:len(data) // 2 + 3])
    p = nltest.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.cap_len"])
    lens = [int(x) for x in p.stdout.split()]
    out = os.path.join(tmp, "cut-ng.json")
    p = nltest.run([args.netlens, "-q", "-i", path, "--shutdown-when-done", "--dump-json", out])
    check_eq(p.returncode, 0, "pcapng cut in the middle: exit code 0")
    doc = nltest.load_dump(out)
    check_eq((doc["interface"]["packets"], doc["interface"]["bytes"]), (len(lens), sum(lens)),
             "pcapng cut in the middle: the packets tshark reads are counted")
    check(0 < len(lens) < nltest.capinfos(src)[0], "the cut pcapng holds part of the capture")


def body(args, tmp):
    pcap = os.path.join(args.pcaps, PCAP)
    out = os.path.join(tmp, "x.json")
    text = os.path.join(tmp, "notes.txt")
    with open(text, "w") as fh:
        fh.write("this is not a capture\n" * 20)
    empty = os.path.join(tmp, "empty.pcap")
    open(empty, "w").close()
    common = ["--shutdown-when-done", "--dump-json", out]

    print("sources")
    refused(args, ["-i", os.path.join(tmp, "missing.pcap")] + common, "a missing file", "missing.pcap", "no such")
    refused(args, ["-i", "nlnodev0"] + common, "a missing device", "nlnodev0", "no such")
    refused(args, ["-i", text] + common, "a text file", "notes.txt", "format")
    refused(args, ["-i", empty] + common, "an empty file", "empty.pcap")
    refused(args, ["-i", tmp] + common, "a directory", tmp)
    refused(args, ["-i", pcap, "-i", os.path.join(tmp, "missing.pcap")] + common,
            "a good file and a missing one", "missing.pcap")
    refused(args, ["--shutdown-when-done"], "no -i at all", "no packet source")
    refused(args, ["-i", pcap, "--shutdown-when-done", "--dump-json", os.path.join(tmp, "nodir", "x.json")],
            "--dump-json into a missing directory", "nodir", "cannot create")

    left = sorted(f for f in os.listdir(tmp) if f.startswith("x.json"))
    check_eq(left, [], "no dump (or partial dump) file is left after a failed start")

    print("option values")
    for argv, what, needles in (
            (["-m", "10.0.0.0/99"], "-m 10.0.0.0/99", ("-m", "10.0.0.0/99")),
            (["-m", "192.168.1.0/24,notanet"], "-m with a bad second network", ("notanet",)),
            (["-m", "fd00::/129"], "-m fd00::/129", ("fd00::/129",)),
            (["--max-num-flows", "5"], "--max-num-flows 5", ("--max-num-flows",)),
            (["--max-num-flows", "many"], "--max-num-flows many", ("--max-num-flows",)),
            (["--max-num-hosts", "0"], "--max-num-hosts 0", ("--max-num-hosts",)),
            (["--flow-idle-timeout", "-1"], "--flow-idle-timeout -1", ("--flow-idle-timeout",)),
            (["--tcp-closed-timeout", "soon"], "--tcp-closed-timeout soon", ("--tcp-closed-timeout",)),
            (["--max-tcp-dpi-packets", "0"], "--max-tcp-dpi-packets 0", ("--max-tcp-dpi-packets",)),
            (["--ndpi-protocols", os.path.join(tmp, "none.txt")], "--ndpi-protocols of a missing file", ("none.txt",)),
            (["-U", "nlnosuchuser"], "-U of a missing user", ("nlnosuchuser",)),
            (["--no-such-option"], "an unknown option", ("--no-such-option",))):
        if os.path.exists(out):
            os.remove(out)
        refused(args, argv + ["-i", pcap] + common, what, *needles)
        check(not os.path.exists(out), f"{what}: no dump file left")

    print("truncated captures")
    truncated(args, tmp)


if __name__ == "__main__":
    nltest.main(body, __doc__)
