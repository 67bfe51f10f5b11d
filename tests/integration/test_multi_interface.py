#!/usr/bin/env python3
"""Several interfaces at once: `-i A -i B` writes {"interfaces": [docA, docB]}, each document equal
to the one netlens writes for that capture alone (each interface is counted on its own)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
import nltest  # noqa: E402
from nltest import check, check_eq

CAPTURES = ["starcraft_battle.pcap", "wa_voice.pcap"]


def body(args, tmp):
    paths = [os.path.join(args.pcaps, n) for n in CAPTURES]
    singles = []
    for n, p in zip(CAPTURES, paths):
        singles.append(nltest.netlens_file(args, p, os.path.join(tmp, n + ".json")))
        print(f"{n}: {singles[-1]['interface']['packets']} packets alone")
    check(nltest.apps(singles[0]) != nltest.apps(singles[1]), "the two captures differ (the test can tell them apart)")

    out = os.path.join(tmp, "both.json")
    cmd = [args.netlens, "-q", "-i", paths[0], "-i", paths[1], "--shutdown-when-done", "--dump-json", out]
    p = nltest.run(cmd)
    check_eq(p.returncode, 0, f"netlens -i A -i B exits 0 ({p.stderr.strip()[:200]})")
    doc = nltest.load_dump(out)
    check_eq(sorted(doc.keys()), ["interfaces"], "the document has only 'interfaces'")
    check_eq(len(doc["interfaces"]), 2, "two interface documents")
    for i, (n, single) in enumerate(zip(CAPTURES, singles)):
        part = doc["interfaces"][i]
        check_eq(part["interface"]["name"], paths[i], f"interface {i} is {n}")
        want = nltest.capinfos(paths[i])
        check_eq((part["interface"]["packets"], part["interface"]["bytes"]), want, f"{n}: totals equal capinfos'")
        check_eq(nltest.apps(part), nltest.apps(single), f"{n}: applications equal the single-file run's")
        check_eq(nltest.flow_rows(part), nltest.flow_rows(single), f"{n}: flows equal the single-file run's")
        check_eq(part, single, f"{n}: the whole document equals the single-file run's")
    leftovers = [f for f in os.listdir(tmp) if ".part" in f]
    check_eq(leftovers, [], "no partial dump files are left behind")

    # The same file twice: two interfaces with identical, independent counts.
    out2 = os.path.join(tmp, "twice.json")
    p = nltest.run([args.netlens, "-q", "-i", paths[1], "-i", paths[1], "--shutdown-when-done", "--dump-json", out2])
    check_eq(p.returncode, 0, "netlens -i A -i A exits 0")
    doc2 = nltest.load_dump(out2)
    check_eq([nltest.flow_rows(d) for d in doc2["interfaces"]], [nltest.flow_rows(singles[1])] * 2,
             "the same capture on two interfaces: each has the single run's flows (no sharing)")


if __name__ == "__main__":
    nltest.main(body, __doc__)
