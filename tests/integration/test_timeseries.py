#!/usr/bin/env python3
"""Time series and host activity maps against a real netlens replaying a corpus capture
(tor.pcap: 616 s of packet time, local host 192.168.1.252), files in a temporary data directory:
the 1-second interface byte series sums exactly to the capture's bytes (capinfos), and so do the
1-minute, 1-hour and 1-day tiers (files start and end on whole rows of the coarsest tier); the
local host's series equal its totals from the API; application series equal the application
totals; the activity bitmap holds exactly the seconds in which the host had packets (computed
here from tshark's reading of the capture); replaying into the same directory adds nothing;
bad requests get 400/404."""
import json
import math
import os
import shutil
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import nltest
from nltest import Failure, Skip, check, check_eq

PCAP = "tor.pcap"
LOCAL_NET = "192.168.1.0/24"
HOST = "192.168.1.252"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, expect=200):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            status, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    if status != expect:
        raise Failure(f"GET {path}: expected HTTP {expect}, got {status}: {body[:300]!r}")
    return json.loads(body)


def series(port, entity, metric, **kw):
    q = urllib.parse.urlencode({"entity": entity, "metric": metric, **kw})
    return get(port, f"/api/v1/timeseries?{q}")


def expected_activity(pcap, host):
    """Seconds (engine clock: packet time never runs backwards) in which host sent or received an
    IP packet that belongs to a flow (non-first fragments do not)."""
    if not shutil.which("tshark"):
        raise Skip("tshark is not installed")
    p = nltest.run(["tshark", "-r", pcap, "-T", "fields", "-E", "separator=,", "-e", "frame.time_epoch",
                    "-e", "ip.src", "-e", "ip.dst", "-e", "ip.frag_offset"], timeout=60)
    if p.returncode != 0:
        raise Failure(f"tshark: {p.stderr.strip()}")
    clock, seconds = Decimal(0), set()
    for line in p.stdout.splitlines():
        ts, src, dst, frag = (line.split(",") + ["", "", ""])[:4]
        clock = max(clock, Decimal(ts))
        if host in (src, dst) and frag in ("", "0"):
            seconds.add(int(math.floor(clock)))
    return seconds


def start(args, pcap, data, port, *extra):
    return nltest.start([args.netlens, "-q", "-i", pcap, "-m", LOCAL_NET, "-w", f"127.0.0.1:{port}",
                         "--disable-login", "-d", data, *extra])


def wait_written(port, want_bytes, timeout=30):
    """Waits until the writer has written the whole capture (the 1-second series is complete)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            st = get(port, "/api/v1/timeseries/status")
            if st["writer"]["idle"] and st["queue"]["samples"] == 0:
                d = series(port, "interface:0", "bytes", resolution=1)
                d = series(port, "interface:0", "bytes", resolution=1, **{"from": d["data_end"] - 3600, "to": d["data_end"]})
                last = d["summary"]["total"]
                if last == want_bytes:
                    return st
        except (OSError, Failure):
            pass
        time.sleep(0.2)
    raise Failure(f"the 1-second byte series did not reach the capture's {want_bytes} bytes (last: {last})")


def body(args, tmp):
    pcap = os.path.join(args.pcaps, PCAP)
    packets, total_bytes = nltest.capinfos(pcap)
    data = os.path.join(tmp, "data")
    port = free_port()
    proc = start(args, pcap, data, port)
    try:
        st = wait_written(port, total_bytes)
        check_eq(st["writer"]["errors"], 0, "the writer had no error")
        check_eq(st["queue"]["dropped_samples"], 0, "nothing was dropped")
        print(f"  writer: {st['writer']['rrd_updates']} RRD updates in {st['writer']['rrd_update_calls']} calls, "
              f"{st['interfaces'][0]['bytes_on_disk']} bytes on disk")

        iface = get(port, "/api/v1/interfaces/0")["interface"]
        # Every tier of the interface's byte and packet series holds the whole capture.
        end = series(port, "interface:0", "bytes")["data_end"]
        wide = {"from": end - 20 * 86400, "to": end + 2 * 86400}
        one = series(port, "interface:0", "bytes", resolution=1, **wide)
        check_eq(one["step"], 60, "a range longer than the raw tier's day is read at 1 minute")
        huge = series(port, "interface:0", "bytes", resolution=1, **{"from": 1, "to": 2**32 - 1})
        check(len(huge["points"]) <= 20001, "a huge range gets a bounded number of points", len(huge["points"]))
        ranged = None
        for res in (1, 60, 3600, 86400):
            d = series(port, "interface:0", "bytes", resolution=res, **({"from": end - 700, "to": end}
                                                                          if res == 1 else wide))
            check_eq(d["step"], res, f"bytes read at {res} s")
            check_eq(d["summary"]["total"], total_bytes, f"the {res}-second byte series sums to the capture's bytes")
            p = series(port, "interface:0", "packets", resolution=res, **({"from": end - 700, "to": end}
                                                                            if res == 1 else wide))
            check_eq(p["summary"]["total"], packets, f"the {res}-second packet series sums to the capture's packets")
            if res == 1:
                ranged = d
        pts = [v for _, v in ranged["points"] if v is not None]
        s = ranged["summary"]
        check_eq(s["max"]["value"], max(pts), "the summary's maximum is the largest point")
        check(any(t == s["max"]["time"] and v == max(pts) for t, v in ranged["points"]), "the maximum's time is its point's")
        check_eq(s["p95"], sorted(pts)[math.ceil(0.95 * len(pts)) - 1], "the 95th percentile (nearest rank)")
        check_eq(iface["bytes"], total_bytes, "the API's interface bytes are the capture's")

        # The local host's series equal its totals.
        h = get(port, f"/api/v1/interfaces/0/hosts/{HOST}")["host"]
        for metric, want in (("bytes_sent", h["sent"]["bytes"]), ("bytes_rcvd", h["received"]["bytes"]),
                             ("bytes", h["sent"]["bytes"] + h["received"]["bytes"]),
                             ("packets", h["sent"]["packets"] + h["received"]["packets"])):
            for res in (300, 3600, 86400):
                d = series(port, f"host:0/{HOST}", metric, resolution=res, **wide)
                check_eq(d["summary"]["total"], want, f"host {metric} at {res} s equals the API's total")
        for app in h["applications"]:
            want = app["sent"]["bytes"] + app["received"]["bytes"]
            d = series(port, f"host:0/{HOST}", "app:" + app["name"], resolution=300, **wide)
            check_eq(d["summary"]["total"], want, f"host application {app['name']} equals the API's")
        metrics = get(port, f"/api/v1/timeseries?entity=host:0/{HOST}")["metrics"]
        check("bytes" in metrics and "flows" in metrics, "the host's series are listed", metrics)

        # Applications and L4 protocols of the interface, one by one and stacked.
        apps = get(port, "/api/v1/interfaces/0/applications")
        apps = apps.get("applications", apps) if isinstance(apps, dict) else apps
        stacked = series(port, "interface:0", "app:*", top=100, **wide)
        by_name = {x["metric"][4:]: x["summary"]["total"] for x in stacked["series"]}
        for a in apps:
            if a["bytes"]:
                check_eq(by_name.get(a["name"]), a["bytes"], f"application {a['name']} series equals its total")
                d = series(port, f"app:0/{a['name']}", "bytes", **wide)
                check_eq(d["summary"]["total"], a["bytes"], f"entity app:0/{a['name']} equals its total")
        l4 = series(port, "interface:0", "l4:*", top=100, **wide)
        check_eq(sum(x["summary"]["total"] for x in l4["series"]), iface["ipv4"]["bytes"] + iface["ipv6"]["bytes"],
                 "the L4 series add up to the IP bytes")
        flows = series(port, "interface:0", "flows", resolution=60, **wide)
        check_eq(flows["kind"], "gauge", "flows is a gauge")
        check(flows["summary"]["total"] is None and flows["summary"]["max"]["value"] > 0, "a gauge has no total, a maximum")

        # Activity: exactly the seconds in which the host had packets.
        want = expected_activity(pcap, HOST)
        lo, hi = min(want), max(want)
        act = get(port, f"/api/v1/interfaces/0/activity?hosts={HOST}&from={lo - 10}&to={hi + 10}")
        got = set()
        for start_s, n in act["hosts"][0]["runs"]:
            got.update(range(start_s, start_s + n))
        check_eq(len(got), len(want), "as many active seconds as tshark finds")
        check(got == want, "the activity bitmap has exactly the seconds with packets",
              f"only expected {sorted(want - got)[:5]}, only got {sorted(got - want)[:5]}")
        check_eq(act["hosts"][0]["active_seconds"], len(want), "active_seconds counts them")
        every = get(port, f"/api/v1/interfaces/0/activity?from={lo}&to={hi}")
        check(any(x["ip"] == HOST for x in every["hosts"]), "the host is among all hosts' activity")

        # Bad requests.
        get(port, "/api/v1/timeseries?entity=interface:9&metric=bytes", 404)
        get(port, "/api/v1/timeseries?entity=nope&metric=bytes", 404)
        get(port, "/api/v1/timeseries?metric=bytes", 400)
        get(port, "/api/v1/timeseries?entity=interface:0&metric=bogus", 404)
        get(port, "/api/v1/timeseries?entity=interface:0&metric=bytes&from=x", 400)
        get(port, "/api/v1/timeseries?entity=host:0/not-an-ip&metric=bytes", 404)
        get(port, "/api/v1/interfaces/0/activity?hosts=nope", 400)
        get(port, "/api/v1/interfaces/0/activity?from=10&to=5", 400)
        check(proc.poll() is None, "netlens still runs after bad requests")
    finally:
        rc, _, _, err = nltest.stop(proc, within=20)
    check_eq(rc, 0, "netlens exits cleanly")
    check(any(f.endswith(".act") for f in os.listdir(os.path.join(data, "timeseries", os.listdir(os.path.join(data, "timeseries"))[0], "activity"))),
          "the activity map is on disk after the stop")

    # The same capture again into the same directory: nothing is counted twice.
    port = free_port()
    proc = start(args, pcap, data, port)
    try:
        deadline = time.monotonic() + 30
        st = {"writer": {"skipped_past": 0}}
        while time.monotonic() < deadline:
            try:
                st = get(port, "/api/v1/timeseries/status")
                if st["writer"]["skipped_past"] > 0 and st["writer"]["idle"] and st["queue"]["samples"] == 0:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        check(st["writer"]["skipped_past"] > 0, "updates older than the files' are skipped and counted", st["writer"])
        end = series(port, "interface:0", "bytes")["data_end"]
        d = series(port, "interface:0", "bytes", resolution=60, **{"from": end - 86400, "to": end + 86400})
        check_eq(d["summary"]["total"], total_bytes, "a replay into the same directory adds nothing")
    finally:
        nltest.stop(proc)

    # Without time series the routes say so.
    port = free_port()
    proc = start(args, pcap, data, port, "--no-timeseries")
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                get(port, "/api/v1/timeseries?entity=interface:0&metric=bytes", 404)
                break
            except (OSError, Failure):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        nltest.stop(proc)


if __name__ == "__main__":
    nltest.main(body, __doc__)
