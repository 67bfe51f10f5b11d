#!/usr/bin/env python3
"""A ZMQ collector netlens against bad messages from a real ZeroMQ publisher (libzmq, in
netlens-zmq-send): malformed JSON, unknown header sizes and versions, bad zlib, TLV, huge
payloads and a zlib bomb are each counted under their own name and skipped, in the collector's
statistics (interface.collector, kind zmq) and in the probe's (GET .../exporters); the good
messages among them are all collected; /metrics says the same (linted by promtool); netlens
keeps running and stops cleanly."""
import json
import os
import struct
import zlib

import nltest as T

NEVER = "1000000000"


def header_v1(msg_id, version=2, topic=b"flow"):
    return topic.ljust(16, b"\0") + bytes([version, 0]) + b"\0\0" + struct.pack(">I", msg_id)


def header_v3(msg_id, flags, uncompressed=0):
    return b"flow".ljust(16, b"\0") + bytes([4, flags]) + b"\0\0" + struct.pack("<II", uncompressed, 0) + \
        struct.pack(">I", msg_id) + struct.pack("<I", 0)


def flow(i, nbytes):
    return {"8": f"10.9.0.{i}", "12": "198.51.100.1", "7": 40000 + i, "11": 443, "4": 6, "1": nbytes, "2": 2,
            "23": 2 * nbytes, "24": 3, "22": 1700000000, "21": 1700000001}


def body(args, tmp):
    sender = os.path.join(os.path.dirname(args.netlens), "netlens-zmq-send")
    if not os.access(sender, os.X_OK):
        raise T.Skip(f"{sender} is not built")
    ids = iter(range(1, 100))  # message ids in sending order: no gap may be reported
    first = header_v1(next(ids)) + b"\xff\xfe\xfd" + json.dumps([flow(1, 100), flow(2, 200), flow(3, 300)]).encode()
    bad = [
        ("bad_json", header_v1(next(ids)) + b"\xff\xfe\xfd" + b'[{"8":"10.9.9.9","12":'),
        ("bad_json", header_v1(next(ids)) + b"\xff\xfe\xfd" + b'{"8":"10.9.9.9"} and more'),
        ("bad_header", b"flow..." + b"\xff\xfe\xfd" + json.dumps(flow(9, 9)).encode()),
        ("bad_header", header_v1(0, version=9) + b"\xff\xfe\xfd" + json.dumps(flow(9, 9)).encode()),
        ("bad_header", b"flow-a-lone-frame"),
        ("bad_compression", header_v1(next(ids)) + b"\xff\xfe\xfd" + b"\0not a zlib stream"),
        ("unsupported", header_v1(next(ids), version=3) + b"\xff\xfe\xfd" + b"\x01\x02\x03"),
        ("too_large", header_v1(next(ids)) + b"\xff\xfe\xfd" + b"[" + b" " * (9 << 20) + b"]"),
        ("too_large", header_v3(next(ids), 0x04) + b"\xff\xfe\xfd" + zlib.compress(b"[" + b" " * (40 << 20) + b"]", 9)),
    ]
    # Not malformed: a topic netlens does not read (it starts with "flow", so the subscription takes it).
    other = [header_v1(next(ids), topic=b"flow-stats") + b"\xff\xfe\xfd" + b"{}"]
    good = [
        first,
        header_v1(next(ids)) + b"\xff\xfe\xfd" + b"\0" + zlib.compress(json.dumps([flow(4, 400), flow(5, 500)]).encode()),
        header_v3(next(ids), 0) + b"\xff\xfe\xfd" + json.dumps(flow(6, 600)).encode(),
    ]
    files = []
    for i, m in enumerate([good[0]] + [m for _, m in bad] + other + good[1:]):
        path = os.path.join(tmp, f"msg{i:02d}")
        with open(path, "wb") as fh:
            fh.write(m)
        files.append(path)

    port, http_port = T.free_port(), T.free_port()
    out = os.path.join(tmp, "collector.json")
    proc = T.start([args.netlens, "-i", f"tcp://127.0.0.1:{port}c", "-w", f"127.0.0.1:{http_port}", "--disable-login",
                    "-d", os.path.join(tmp, "data"), "--flow-idle-timeout", NEVER, "--remote-host-idle-timeout", NEVER,
                    "--local-host-idle-timeout", NEVER, "--dump-json", out, "--status-interval", "0"])
    try:
        T.wait_running(proc)
        p = T.run([sender, f"tcp://127.0.0.1:{port}", *files], timeout=60)
        T.check_eq(p.returncode, 0, f"the publisher delivered its {len(files)} messages ({p.stderr.strip()})")

        def counters():
            doc, _ = T.http("GET", f"http://127.0.0.1:{http_port}/api/v1/interfaces/0")
            c = doc.get("interface", doc).get("collector") or {}
            return c if c.get("messages") == len(files) else None
        c = T.wait_for("the collector has seen every message", counters)
        expected = {"kind": "zmq", "listen": f"tcp://127.0.0.1:{port}c", "messages": len(files), "flow_messages": len(good),
                    "flows": 6, "malformed": len(bad), "bad_json": 2, "bad_header": 3, "bad_compression": 1,
                    "unsupported": 1, "too_large": 2, "other_topics": 1, "lost_messages": 0, "peers_not_kept": 0}
        T.check_eq({k: c.get(k) for k in expected}, expected, "each bad message counted under its kind (interface.collector)")
        ex, _ = T.http("GET", f"http://127.0.0.1:{http_port}/api/v1/interfaces/0/exporters")
        T.check_eq({k: ex["collector"][k] for k in expected}, expected, "the same collector in GET .../exporters")
        probes = [(p["address"], p["messages"], p["flows"], p["packets"], p["bytes"], p["malformed"], p["bad_json"],
                   p["bad_header"], p["bad_compression"], p["unsupported"], p["too_large"], p["other_topics"],
                   p["lost_messages"], p["versions"]) for p in ex["collector"]["peers"]]
        T.check_eq(probes, [("127.0.0.1", len(files), 6, 6 * 5, 21 * 300, len(bad), 2, 3, 1, 1, 2, 1, 0, [2, 3, 4])],
                   "the probe's own statistics, by reason; versions of the headers it could read (GET .../exporters)")
        T.check(ex["collector"]["peers"][0].get("last_error"), "the probe's last error is named")
        samples = T.scrape(f"http://127.0.0.1:{http_port}")
        name = T.http("GET", f"http://127.0.0.1:{http_port}/api/v1/interfaces/0")[0]["interface"]["name"]
        T.check_collector_metrics(samples, name, ex["collector"], "ZMQ collector")
        def by_reason(family, **labels):
            return {dict(k)["reason"]: v for k, v in T.series(samples, family, interface=name, kind="zmq", **labels).items()}
        reasons = {r: float(expected[r]) for r in T.ZMQ_REASONS}
        T.check_eq(by_reason("netlens_collector_skipped_messages_total"), reasons,
                   "/metrics: each bad message counted under its reason")
        T.check_eq(by_reason("netlens_collector_peer_skipped_messages_total", peer="127.0.0.1"), reasons,
                   "/metrics: ... and under the probe's")
        T.check_eq(T.sample(samples, "netlens_collector_peer_malformed_total", interface=name, kind="zmq", peer="127.0.0.1"),
                   float(len(bad)), "/metrics: the probe's malformed messages, as many as the publisher sent")
        spec, _ = T.http("GET", f"http://127.0.0.1:{http_port}/api/v1/openapi.json")
        T.check_documented(spec, "Collector", ex["collector"], "the ZMQ collector")
        T.check_documented(spec, "Peer", ex["collector"]["peers"][0], "a ZMQ probe")
        T.check(proc.poll() is None, "netlens is still running")
        rc, _, _, err = T.stop(proc)
        T.check_eq(rc, 0, "netlens stops cleanly")
        T.check("AddressSanitizer" not in err and "runtime error" not in err, "no sanitizer report", err[-300:])
    finally:
        T.kill_quietly(proc)
    doc = T.load_dump(out)
    got = sorted((f["client_ip"], f["cli2srv_bytes"], f["srv2cli_bytes"]) for f in doc["flows"])
    T.check_eq(got, [(f"10.9.0.{i}", 100 * i, 200 * i) for i in range(1, 7)], "the good messages' flows, exactly")


if __name__ == "__main__":
    T.main(body, __doc__)
