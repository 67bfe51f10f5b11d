#!/usr/bin/env python3
"""Expiry and bounds on a capture file. --flow-idle-timeout 1 turns idle expiry on for a file:
flows expire (interface.flows.expired > 0), the expired ones are streamed into the dump, so it
still holds every packet of every flow with unchanged totals. --max-num-flows 16 on a capture of
129 flows evicts flows (interface.flows.evicted > 0), yet the dump still lists every flow's
traffic: per flow key, per application and in total, the packets and bytes of the unbounded run."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
import nltest  # noqa: E402
from nltest import check, check_eq

CAPTURE = "1kxun.pcap"


def app_traffic(doc):
    return nltest.apps(doc, with_flows=False)


def app_flows(doc):
    return {a: v[2] for a, v in nltest.apps(doc).items()}


def peak_alive(doc):
    """Most flow records whose [first_seen, last_seen] overlap (ends before starts at one instant)."""
    events = sorted([(f["first_seen"], 1) for f in doc["flows"]] + [(f["last_seen"], -1) for f in doc["flows"]])
    alive = peak = 0
    for _, step in events:
        alive += step
        peak = max(peak, alive)
    return peak


def common_checks(doc, ref, what):
    check_eq(len(doc["flows"]), doc["interface"]["flows"]["created"], f"{what}: the dump lists every flow created")
    check(len(doc["flows"]) > len(ref["flows"]), f"{what}: flows were split ({len(doc['flows'])} records "
                                                 f"for {len(ref['flows'])} flows)")
    check_eq(nltest.totals(doc), nltest.totals(ref), f"{what}: interface totals unchanged")
    check_eq(nltest.flow_sums(doc), nltest.flow_sums(ref), f"{what}: the flows' packets and bytes add up as without it")
    check_eq(nltest.flow_traffic_by_key(doc), nltest.flow_traffic_by_key(ref),
             f"{what}: per flow key, packets and bytes equal the run without it")
    check_eq(app_traffic(doc), app_traffic(ref), f"{what}: per application packets and bytes unchanged")
    more = {a: (n, app_flows(ref).get(a)) for a, n in app_flows(doc).items() if n < app_flows(ref).get(a, 0)}
    check_eq(more, {}, f"{what}: no application lost flows")


def body(args, tmp):
    pcap = os.path.join(args.pcaps, CAPTURE)
    ref = nltest.netlens_file(args, pcap, os.path.join(tmp, "ref.json"))
    want = nltest.capinfos(pcap)
    check_eq((ref["interface"]["packets"], ref["interface"]["bytes"]), want, f"{CAPTURE}: totals equal capinfos'")
    rf = ref["interface"]["flows"]
    check_eq((rf["expired"], rf["evicted"], len(ref["flows"])), (0, 0, rf["created"]),
             f"{CAPTURE} without options: nothing expires in a file, {rf['created']} flows")

    print("--flow-idle-timeout 1")
    doc = nltest.netlens_file(args, pcap, os.path.join(tmp, "idle.json"), "--flow-idle-timeout", "1")
    f = doc["interface"]["flows"]
    check(f["expired"] > 0, f"flows expired ({f['expired']})")
    check_eq(f["evicted"], 0, "nothing evicted")
    common_checks(doc, ref, "--flow-idle-timeout 1")
    # A flow is split only after being idle for the timeout: between two records of one key
    # there is at least 1 s without packets.
    spans = {}
    for fl in doc["flows"]:
        key = (fl["l4_proto"], fl["vlan"]) + tuple(sorted([(fl["client_ip"], fl["client_port"]),
                                                           (fl["server_ip"], fl["server_port"])]))
        spans.setdefault(key, []).append((fl["first_seen"], fl["last_seen"]))
    gaps = [b[0] - a[1] for v in spans.values() for a, b in zip(sorted(v), sorted(v)[1:])]
    check(gaps and min(gaps) >= 1.0 - 1e-6, f"records of one flow are separated by >= 1 s of silence "
                                            f"({len(gaps)} splits, shortest gap {min(gaps, default=0):.3f} s)")

    print("--max-num-flows 16")
    doc = nltest.netlens_file(args, pcap, os.path.join(tmp, "bound.json"), "--max-num-flows", "16")
    f = doc["interface"]["flows"]
    check(f["evicted"] > 0, f"flows evicted ({f['evicted']})")
    check_eq(f["expired"], 0, "nothing expired (no timeout given)")
    common_checks(doc, ref, "--max-num-flows 16")
    # Flows whose packet spans overlap were in the table together: never more than 16 at once.
    peak, ref_peak = peak_alive(doc), peak_alive(ref)
    check(ref_peak > 16, f"without the bound, more than 16 flows are alive at once ({ref_peak})")
    check(peak <= 16, f"with it, never more than 16 flows alive at once (peak {peak})")


if __name__ == "__main__":
    nltest.main(body, __doc__)
