#!/usr/bin/env python3
"""Hierarchies of netlens instances over ZeroMQ (loopback only, real instances on both ends).

A leaf reads a corpus capture and exports its flows (--zmq-export); a root collects them
(-i tcp://...). The root's hosts and application totals must equal the leaf's, and what the
leaf's exporter says it sent (its dump's interface.export) what the root's collector says it
received (interface.collector, kind zmq, and its probe in GET .../exporters):
  1. the root subscribes to a leaf that publishes;
  2. two leaves merged into one root interface (-i tcp://a,tcp://b) add up, and with two -i
     they stay two interfaces, each equal to its leaf;
  3. collector mode (-i tcp://...:PORTc, the leaf connects with --zmq-probe-mode) with CURVE
     encryption: it round-trips with the root's public key, and a leaf without it gets nothing
     through (its flows are counted as published with no subscriber);
  4. a probe that collects NetFlow and re-exports it as ZMQ JSON: a leaf exports NetFlow v9 to
     a middle netlens (-i netflow://), which publishes to the root: the root's hosts equal the
     leaf's (NetFlow carries no application, so only traffic is compared); the middle's
     /metrics gives its collector's and exporter's figures as its API does.
"""
import collections
import os
import time

import nltest as T

PCAP_A = "1kxun.pcap"
PCAP_B = "waze.pcap"
# The root runs with its default timeouts: the captures' old times are not sane against its
# wall clock, so its flows are stamped with the time they arrive and nothing expires meanwhile.


def host_totals(doc):
    return {(h["ip"], h["vlan"]): (h["sent"]["packets"], h["sent"]["bytes"], h["received"]["packets"],
                                   h["received"]["bytes"]) for h in doc["hosts"]}


def summed(*dicts):
    out = collections.Counter()
    for d in dicts:
        for k, v in d.items():
            out[k] = tuple(a + b for a, b in zip(out.get(k, (0,) * len(v)), v))
    return dict(out)


def start_root(args, tmp, tag, spec, *extra):
    http_port = T.free_port()
    out = os.path.join(tmp, f"root-{tag}.json")
    cmd = [args.netlens, "-i", spec, "-w", f"127.0.0.1:{http_port}", "--disable-login", "-d", os.path.join(tmp, f"data-{tag}"),
           "-m", "192.168.0.0/16", "--dump-json", out, "--status-interval", "0", *extra]
    proc = T.start(cmd)
    T.wait_running(proc)
    T.wait_for("root web server", lambda: T.http("GET", f"http://127.0.0.1:{http_port}/api/v1/interfaces")[0])
    return proc, http_port, out


def collected(http_port, iface=0):
    doc, _ = T.http("GET", f"http://127.0.0.1:{http_port}/api/v1/interfaces/{iface}")
    return doc.get("interface", doc).get("collector") or {}


def only_export(doc, kind, what):
    """The one exporter of a dump (written once the exporters have sent everything)."""
    exports = doc["interface"]["export"]
    T.check_eq([e["kind"] for e in exports], [kind], f"{what}: one {kind} exporter")
    return exports[0]


def run_leaf(args, tmp, tag, pcap, *extra):
    out = os.path.join(tmp, f"leaf-{tag}.json")
    cmd = [args.netlens, "-i", os.path.join(args.pcaps, pcap), "--shutdown-when-done", "--dump-json", out,
           "-m", "192.168.0.0/16", *extra]
    p = T.run(cmd, timeout=60)
    if p.returncode != 0:
        raise T.Failure(f"leaf {tag} exited {p.returncode}: {p.stderr.strip()}")
    doc = T.load_dump(out)
    return doc, only_export(doc, "zmq", f"leaf {tag}")


def finish_root(proc, http_port, want_flows, out):
    T.wait_for(f"root has collected {want_flows} flow updates", lambda: collected(http_port).get("flows", 0) >= want_flows)
    time.sleep(0.3)
    stats = collected(http_port)
    T.check_eq(stats["kind"], "zmq", "root: a ZMQ collector")
    ex, _ = T.http("GET", f"http://127.0.0.1:{http_port}/api/v1/interfaces/0/exporters")
    T.check_eq([(p["address"], p["messages"], p["flows"]) for p in ex["collector"]["peers"]],
               [("127.0.0.1", stats["messages"], stats["flows"])], "root: the probe's statistics (GET .../exporters)")
    rc, _, _, err = T.stop(proc)
    T.check_eq(rc, 0, "root exits cleanly")
    return T.load_dump(out), stats


def compare(root, leaves, what):
    T.check_eq(T.apps(root), {k: v for k, v in summed(*[T.apps(l) for l in leaves]).items()}, f"{what}: application totals")
    T.check_eq(host_totals(root), summed(*[host_totals(l) for l in leaves]), f"{what}: hosts (packets and bytes each way)")
    rp, rb = T.flow_sums(root)
    lp = sum(T.flow_sums(l)[0] for l in leaves)
    lb = sum(T.flow_sums(l)[1] for l in leaves)
    T.check_eq((rp, rb), (lp, lb), f"{what}: flow packets and bytes")


def body(args, tmp):
    # 1. Subscribe to a publishing leaf.
    port = T.free_port()
    root, http_port, out = start_root(args, tmp, "sub", f"tcp://127.0.0.1:{port}")
    try:
        leaf, sent = run_leaf(args, tmp, "a", PCAP_A, "--zmq-export", f"tcp://127.0.0.1:{port}", "--zmq-export-wait", "15")
        T.check(sent["flows"] > 0 and sent["flows_sent"] == sent["flows"], "leaf: every flow update sent", str(sent))
        T.check_eq((sent["dropped_queue_full"], sent["no_subscriber"], sent["send_errors"], sent["queued"]), (0, 0, 0, 0),
                   "leaf: nothing dropped, a subscriber was there")
        T.check_eq((sent["destinations"], sent["connect"], sent["records_sent"]),
                   ([f"tcp://127.0.0.1:{port}"], False, sent["flows_sent"]), "leaf: the exporter describes itself")
        doc, stats = finish_root(root, http_port, sent["flows"], out)
    finally:
        T.kill_quietly(root)
    T.check_eq({k: stats[k] for k in ("malformed", "bad_header", "bad_json", "bad_compression", "lost_messages")},
               {"malformed": 0, "bad_header": 0, "bad_json": 0, "bad_compression": 0, "lost_messages": 0}, "root: clean messages")
    T.check_eq((stats["flows"], stats["messages"], stats["flow_messages"]), (sent["flows_sent"], sent["messages"], sent["messages"]),
               "root received every flow update and message the leaf's exporter sent")
    compare(doc, [leaf], "subscribe")

    # 2. Two leaves merged into one root interface.
    p1, p2 = T.free_port(), T.free_port()
    root, http_port, out = start_root(args, tmp, "merge", f"tcp://127.0.0.1:{p1},tcp://127.0.0.1:{p2}")
    try:
        leaf_a, sent_a = run_leaf(args, tmp, "ma", PCAP_A, "--zmq-export", f"tcp://127.0.0.1:{p1}", "--zmq-export-wait", "15")
        leaf_b, sent_b = run_leaf(args, tmp, "mb", PCAP_B, "--zmq-export", f"tcp://127.0.0.1:{p2}", "--zmq-export-wait", "15")
        doc, stats = finish_root(root, http_port, sent_a["flows"] + sent_b["flows"], out)
    finally:
        T.kill_quietly(root)
    T.check(len(doc.get("interfaces", [doc])) == 1, "two endpoints make one interface")
    compare(doc, [leaf_a, leaf_b], "two leaves merged")

    # 2b. The same two leaves with two -i on the root: two interfaces, each equal to its leaf.
    p1, p2 = T.free_port(), T.free_port()
    root, http_port, out = start_root(args, tmp, "apart", f"tcp://127.0.0.1:{p1}", "-i", f"tcp://127.0.0.1:{p2}")
    try:
        leaf_a, sent_a = run_leaf(args, tmp, "aa", PCAP_A, "--zmq-export", f"tcp://127.0.0.1:{p1}", "--zmq-export-wait", "15")
        leaf_b, sent_b = run_leaf(args, tmp, "ab", PCAP_B, "--zmq-export", f"tcp://127.0.0.1:{p2}", "--zmq-export-wait", "15")

        def both():
            return collected(http_port, 0).get("flows", 0) >= sent_a["flows"] and \
                collected(http_port, 1).get("flows", 0) >= sent_b["flows"]
        T.wait_for("both root interfaces have collected their leaf's flows", both)
        rc, _, _, _ = T.stop(root)
        T.check_eq(rc, 0, "root exits cleanly")
    finally:
        T.kill_quietly(root)
    docs = T.load_dump(out)["interfaces"]
    T.check_eq(len(docs), 2, "two -i make two interfaces")
    compare(docs[0], [leaf_a], "first of two interfaces")
    compare(docs[1], [leaf_b], "second of two interfaces")

    # 3. Collector mode with CURVE encryption.
    p = T.run([args.netlens, "--zmq-generate-keys"])
    keys = dict(line.split(": ", 1) for line in p.stdout.strip().splitlines())
    T.check(len(keys.get("public key", "")) == 40 and len(keys.get("secret key", "")) == 40, "netlens --zmq-generate-keys prints a key pair")
    key_file = os.path.join(tmp, "secret.key")
    with open(key_file, "w") as fh:
        fh.write(keys["secret key"] + "\n")
    port = T.free_port()
    root, http_port, out = start_root(args, tmp, "curve", f"tcp://127.0.0.1:{port}c", "--zmq-encryption-key", "@" + key_file)
    try:
        # Without the key: the CURVE handshake never completes, nothing arrives.
        _, plain = run_leaf(args, tmp, "plain", PCAP_B, "--zmq-export", f"tcp://127.0.0.1:{port}", "--zmq-probe-mode",
                            "--zmq-export-wait", "2")
        T.check_eq(plain["no_subscriber"], plain["flows"], "leaf without the key: every flow counted as published to no one")
        leaf, sent = run_leaf(args, tmp, "curve", PCAP_A, "--zmq-export", f"tcp://127.0.0.1:{port}", "--zmq-probe-mode",
                              "--zmq-export-encryption-key", keys["public key"], "--zmq-export-wait", "15")
        T.check_eq((sent["no_subscriber"], sent["connect"], sent["encrypted"]), (0, True, True),
                   "leaf with the key: connected, encrypted, the collector subscribed")
        doc, stats = finish_root(root, http_port, sent["flows"], out)
    finally:
        T.kill_quietly(root)
    T.check_eq((stats["flows"], stats["messages"]), (sent["flows_sent"], sent["messages"]),
               "root received only the encrypted leaf's flows and messages")
    compare(doc, [leaf], "collector mode with CURVE")

    # 4. NetFlow in, ZMQ JSON out: leaf --netflow-export-> middle --zmq-export-> root.
    pz, pn, http_mid = T.free_port(), T.free_port(), T.free_port()
    root, http_port, out = start_root(args, tmp, "nf", f"tcp://127.0.0.1:{pz}")
    mid_out = os.path.join(tmp, "mid.json")
    mid = T.start([args.netlens, "-i", f"netflow://127.0.0.1:{pn}", "--zmq-export", f"tcp://127.0.0.1:{pz}",
                   "-w", f"127.0.0.1:{http_mid}", "--disable-login", "-d", os.path.join(tmp, "data-mid"),
                   "--status-interval", "0", "--dump-json", mid_out])
    try:
        T.wait_running(mid)
        T.wait_for("middle web server", lambda: T.http("GET", f"http://127.0.0.1:{http_mid}/api/v1/interfaces")[0])
        leaf_out = os.path.join(tmp, "leaf-nf.json")
        p = T.run([args.netlens, "-i", os.path.join(args.pcaps, PCAP_B), "--shutdown-when-done", "--dump-json", leaf_out,
                   "-m", "192.168.0.0/16", "--netflow-export", f"v9@127.0.0.1:{pn}"])
        T.check_eq(p.returncode, 0, "leaf exported NetFlow v9")
        leaf = T.load_dump(leaf_out)
        leaf_nf = only_export(leaf, "netflow", "leaf")
        T.check_eq((leaf_nf["flows_sent"], leaf_nf["send_errors"]), (leaf_nf["flows"], 0), "leaf: every flow sent as NetFlow")
        want_bytes = T.flow_sums(leaf)[1]

        def mid_bytes():
            doc, _ = T.http("GET", f"http://127.0.0.1:{http_mid}/api/v1/interfaces/0")
            return doc.get("interface", doc)["bytes"] == want_bytes
        T.wait_for("the middle has collected the leaf's NetFlow", mid_bytes)
        mid_in = collected(http_mid)
        spec, _ = T.http("GET", f"http://127.0.0.1:{http_mid}/api/v1/openapi.json")
        mid_doc, _ = T.http("GET", f"http://127.0.0.1:{http_mid}/api/v1/interfaces/0")
        T.check_documented(spec, "Collector", mid_in, "middle: the NetFlow collector")
        T.check_documented(spec, "Peer", mid_in["peers"][0], "middle: a NetFlow exporter")
        T.check_documented(spec, "Export", mid_doc["interface"]["export"][0], "middle: the ZMQ exporter")
        T.check_documented(spec, "Export", leaf_nf, "leaf: the NetFlow exporter")
        T.check_eq((mid_in["kind"], mid_in["messages"], mid_in["flows"], mid_in["malformed"]),
                   ("netflow", leaf_nf["messages"], leaf_nf["records_sent"], 0),
                   "middle: its NetFlow collector received every datagram and record the leaf's exporter sent")
        samples, mid_iface = T.scrape_steady(f"http://127.0.0.1:{http_mid}")
        T.check_collector_metrics(samples, mid_iface["name"], mid_iface["collector"], "middle")
        T.check_export_metrics(samples, mid_iface["name"], mid_iface["export"][0], "middle")
        peer = {"interface": mid_iface["name"], "kind": "netflow", "peer": "127.0.0.1"}
        T.check_eq((T.sample(samples, "netlens_collector_peer_messages_total", **peer),
                    T.sample(samples, "netlens_collector_peer_flows_total", **peer)),
                   (float(leaf_nf["messages"]), float(leaf_nf["records_sent"])),
                   "middle's /metrics: the leaf's datagrams and records, as its exporter sent them")
        T.check_eq(T.sample(samples, "netlens_export_subscribers", interface=mid_iface["name"], kind="zmq",
                            destination=f"tcp://127.0.0.1:{pz}"), 1.0, "middle's /metrics: the root is subscribed")
        rc, _, _, err = T.stop(mid, within=10)  # its flows end and are published
        T.check_eq(rc, 0, "middle exits cleanly")
        mid_doc = T.load_dump(mid_out)
        sent = only_export(mid_doc, "zmq", "middle")
        T.check(sent["flows"] > 0 and sent["flows_sent"] == sent["flows"], "middle published every flow", str(sent))
        end = [l for l in err.splitlines() if "(end): export zmq " in l]
        T.check(end and f" flows={sent['flows']} flows_sent={sent['flows_sent']} " in end[-1],
                "middle: its last status line says the same", end)
        doc, stats = finish_root(root, http_port, sent["flows"], out)
    finally:
        T.kill_quietly(mid)
        T.kill_quietly(root)
    T.check_eq((stats["flows"], stats["messages"]), (sent["flows_sent"], sent["messages"]),
               "root received every flow and message the middle's exporter sent")
    T.check_eq(host_totals(doc), host_totals(leaf), "NetFlow re-exported as ZMQ: the root's hosts equal the leaf's")
    T.check_eq(T.flow_sums(doc), T.flow_sums(leaf), "NetFlow re-exported as ZMQ: flow packets and bytes")


if __name__ == "__main__":
    T.main(body, __doc__)
