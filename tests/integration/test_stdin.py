#!/usr/bin/env python3
"""A capture piped into netlens (-i -) gives the same totals, applications and flows as the same
capture read as a file, for a pcap and for a pcapng capture."""
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
import nltest  # noqa: E402
from nltest import check_eq

CAPTURES = ["starcraft_battle.pcap", "alexa-app.pcapng"]


def body(args, tmp):
    for name in CAPTURES:
        pcap = os.path.join(args.pcaps, name)
        want_packets, want_bytes = nltest.capinfos(pcap)
        print(f"{name}: {want_packets} packets, {want_bytes} bytes (capinfos)")
        ref = nltest.netlens_file(args, pcap, os.path.join(tmp, name + ".file.json"))
        out = os.path.join(tmp, name + ".stdin.json")
        cat = subprocess.Popen(["cat", pcap], stdout=subprocess.PIPE)
        try:
            p = subprocess.run([args.netlens, "-q", "-i", "-", "--shutdown-when-done", "--dump-json", out],
                               stdin=cat.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=60)
        finally:
            cat.stdout.close()
            cat.wait(timeout=10)
        check_eq(p.returncode, 0, f"cat {name} | netlens -i - exits 0 ({p.stderr.strip()[:200]})")
        doc = nltest.load_dump(out)
        check_eq(doc["interface"]["name"], "stdin", "the interface is called stdin")
        check_eq((doc["interface"]["packets"], doc["interface"]["bytes"]), (want_packets, want_bytes),
                 "stdin totals equal capinfos'")
        check_eq(nltest.totals(doc), nltest.totals(ref), "stdin totals equal the file run's")
        check_eq(nltest.apps(doc), nltest.apps(ref), "stdin applications equal the file run's")
        check_eq(nltest.flow_rows(doc), nltest.flow_rows(ref), "stdin flows equal the file run's")
        check_eq(len(doc["hosts"]), len(ref["hosts"]), "as many hosts as the file run")

    # A slow producer: the capture arrives in odd-sized pieces with pauses, records cut across
    # pieces; netlens must wait for the rest, not end early.
    name = CAPTURES[0]
    pcap = os.path.join(args.pcaps, name)
    ref = nltest.load_dump(os.path.join(tmp, name + ".file.json"))
    out = os.path.join(tmp, name + ".slow.json")
    proc = subprocess.Popen([args.netlens, "-q", "-i", "-", "--shutdown-when-done", "--dump-json", out],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        data = open(pcap, "rb").read()
        piece = len(data) // 5 + 7
        for i in range(0, len(data), piece):
            proc.stdin.write(data[i:i + piece])
            proc.stdin.flush()
            time.sleep(0.3)
        proc.stdin.close()
        proc.wait(timeout=30)
        err = proc.stderr.read()
    finally:
        nltest.kill_quietly(proc)
    check_eq(proc.returncode, 0, f"netlens -i - fed slowly in pieces exits 0 ({err.decode()[:200]})")
    doc = nltest.load_dump(out)
    check_eq(nltest.totals(doc), nltest.totals(ref), "slow stdin totals equal the file run's")
    check_eq(nltest.flow_rows(doc), nltest.flow_rows(ref), "slow stdin flows equal the file run's")


if __name__ == "__main__":
    nltest.main(body, __doc__)
