#!/usr/bin/env python3
"""Compare netlens's per-application totals with nDPI's reference reader.

  compare_apps.py NDPI_RESULTS NETLENS_JSON [--summary FILE]

NDPI_RESULTS is the file written by `ndpiReader -t -i FILE -w NDPI_RESULTS`: after the
"Confidence ..." lines comes one line per application, name<TAB>packets<TAB>bytes<TAB>flows.
NETLENS_JSON is netlens's --dump-json document; its "applications" array holds objects with
name, packets, bytes and flows. Applications with zero packets and zero flows are ignored on
both sides.

Prints "applications: match (N applications)" or "applications: DIFFER (...)" followed by one
line per differing application (ndpiReader's and netlens's packets/bytes/flows, "-" when the
application is missing on one side). When they differ it also checks the one known cause of
flow-count differences on re-addressed captures: ndpiReader merges IPv6 flows whose addresses
agree in their low 64 bits (it folds each IPv6 address into 32 bits), so it says how many of
netlens's flows fold that way and what still differs once they are folded.
With --summary FILE it also writes the comparison and a few totals (packets given to nDPI,
flows, hosts) as one JSON object to FILE (run-bench.sh reads it).
Exit status: 0 when they match, 1 when they differ, 2 on unreadable input.
"""
import collections
import ipaddress
import json
import sys


def ndpi_apps(path):
    """The per-application block of an ndpiReader -w results file."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().splitlines()
    i = 0
    while i < len(lines) and not lines[i].startswith("Confidence"):
        i += 1
    while i < len(lines) and lines[i].startswith("Confidence"):
        i += 1
    apps = {}
    for line in lines[i:]:
        if not line.strip():
            if apps:
                break
            continue
        parts = line.split("\t")
        if len(parts) != 4 or parts[0].startswith(" "):
            break
        try:
            apps[parts[0].strip()] = tuple(int(p) for p in parts[1:])
        except ValueError:
            break
    return {k: v for k, v in apps.items() if v[0] or v[2]}


def ndpi_dpi_packets(path):
    """Sum of the "DPI Packets (TCP/UDP/other)" lines of a results file (None if absent)."""
    total, seen = 0, False
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("DPI Packets"):
                try:
                    total += int(line.split(":", 1)[1].split()[0])
                    seen = True
                except (IndexError, ValueError):
                    pass
    return total if seen else None


def netlens_apps(doc):
    apps = {}
    for a in doc.get("applications", []):
        v = (int(a.get("packets", 0)), int(a.get("bytes", 0)), int(a.get("flows", 0)))
        if not (v[0] or v[2]):
            continue
        name = str(a.get("name", ""))
        if name in apps:  # never expected; add up rather than lose traffic
            old = apps[name]
            v = tuple(x + y for x, y in zip(old, v))
        apps[name] = v
    return apps


def fold_v6(ip):
    """ndpiReader's 32-bit stand-in for an IPv6 address: the sum of its last two 32-bit words
    (reader_util.c, get_ndpi_flow_info6), in network byte order as the reader adds them."""
    b = ipaddress.ip_address(ip).packed
    lo = lambda i: int.from_bytes(b[i:i + 4], "little")  # the reader adds raw (big-endian) words
    return (lo(8) + lo(12)) & 0xFFFFFFFF


def ipv6_folded_flows(doc):
    """Per application, how many of netlens's flows ndpiReader would not see as flows of their
    own: ndpiReader keys IPv6 flows by folded addresses (fold_v6) and ports, so IPv6 flows that
    differ only in the upper 64 bits of their addresses are one flow to it (credited to the
    application of the first one). Returns (Counter by application name, total)."""
    names = {int(a["id"]): a["name"] for a in doc.get("applications", []) if "id" in a}
    groups = {}
    for f in doc.get("flows", []):
        if int(f.get("ip_version", 4)) != 6:
            continue
        try:
            a = (fold_v6(str(f["client_ip"]).strip("[]")), int(f["client_port"]))
            b = (fold_v6(str(f["server_ip"]).strip("[]")), int(f["server_port"]))
        except (KeyError, ValueError):
            continue
        key = (int(f.get("vlan", 0)), int(f["l4_proto"]), frozenset((a, b)))
        app = int(f.get("app_id") or 0) or int(f.get("master_id") or 0)
        groups.setdefault(key, []).append((float(f.get("first_seen", 0)), app))
    folded = collections.Counter()
    for members in groups.values():
        members.sort()
        for _, app in members[1:]:
            folded[names.get(app, str(app))] += 1
    return folded, sum(folded.values())


def compare(exp, act):
    diffs = []
    for name in sorted(set(exp) | set(act), key=str.lower):
        e, a = exp.get(name), act.get(name)
        if e != a:
            diffs.append({"name": name, "ndpiReader": list(e) if e else None, "netlens": list(a) if a else None})
    return diffs


def main(argv):
    args, summary = [], None
    rest = argv[1:]
    while rest:
        a = rest.pop(0)
        if a == "--summary" and rest:
            summary = rest.pop(0)
        elif a.startswith("--"):
            args = []
            break
        else:
            args.append(a)
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    try:
        exp = ndpi_apps(args[0])
        with open(args[1], encoding="utf-8") as fh:
            doc = json.load(fh)
        act = netlens_apps(doc)
    except (OSError, ValueError) as e:
        print(f"compare_apps: {e}", file=sys.stderr)
        return 2
    diffs = compare(exp, act)
    iface = doc.get("interface", {})
    # When they differ, check the one known cause: ndpiReader's IPv6 flow key (see
    # ipv6_folded_flows). Compare again with netlens's flows folded the same way.
    folded, n_folded, diffs_folded = collections.Counter(), 0, diffs
    if diffs:
        folded, n_folded = ipv6_folded_flows(doc)
        if n_folded:
            adj = {k: (v[0], v[1], v[2] - folded.get(k, 0)) for k, v in act.items()}
            diffs_folded = compare(exp, {k: v for k, v in adj.items() if v[0] or v[2]})
    del doc
    if summary:
        with open(summary, "w", encoding="utf-8") as fh:
            json.dump({
                "match": not diffs and bool(exp),
                "apps_ndpiReader": len(exp),
                "apps_netlens": len(act),
                "diffs": diffs,
                "ipv6_folded_flows": n_folded,
                "diffs_after_ipv6_folding": diffs_folded,
                "ndpi_dpi_packets": ndpi_dpi_packets(args[0]),
                "ndpi_flows": sum(v[2] for v in exp.values()),
                "ndpi_packets": sum(v[0] for v in exp.values()),
                "netlens_inspected_packets": iface.get("inspected_packets"),
                "netlens_packets": iface.get("packets"),
                "netlens_flows": iface.get("flows", {}).get("created"),
                "netlens_hosts": iface.get("hosts", {}).get("created"),
                "netlens_app_flows": sum(v[2] for v in act.values()),
            }, fh)
    if not exp:
        print(f"applications: no per-application block found in {args[0]}")
        return 2
    fmt = lambda v: "-" if v is None else "/".join(str(x) for x in v)
    if not diffs:
        print(f"applications: match ({len(exp)} applications)")
        return 0
    print(f"applications: DIFFER ({len(diffs)} of {len(set(exp) | set(act))} applications;"
          " ndpiReader vs netlens packets/bytes/flows)")
    for d in diffs:
        print(f"  {d['name']}: ndpiReader {fmt(d['ndpiReader'])}  netlens {fmt(d['netlens'])}")
    if n_folded:
        print(f"  note: ndpiReader keys an IPv6 flow by a 32-bit fold of each address (sum of its last two"
              f" 32-bit words), so IPv6 flows that differ only in the upper 64 bits are one flow to it;"
              f" {n_folded} of netlens's flows fold into others that way")
        if not diffs_folded:
            print("  with that folding applied to netlens's flows: applications match")
        else:
            print(f"  with that folding applied to netlens's flows: {len(diffs_folded)} still differ:")
            for d in diffs_folded:
                print(f"    {d['name']}: ndpiReader {fmt(d['ndpiReader'])}  netlens {fmt(d['netlens'])}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
