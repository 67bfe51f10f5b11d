#!/usr/bin/env python3
"""/metrics in Prometheus's text format, scraped by a real Prometheus server (Debian's) that the
test starts on 127.0.0.1: the endpoint needs credentials like the API (an API token as a Bearer
credential here), promtool accepts the exposition, and the values Prometheus stores equal the
REST API's for the same capture (interface bytes and packets, every application's bytes, every
L4 protocol's packets, local network traffic)."""
import os
import shutil
import subprocess
import urllib.parse

import nltest
from nltest import Failure, Skip, check, check_eq, free_port, http, wait_for


def login_admin(base):
    _, hdrs = http("POST", base + "/api/v1/login", {"user": "admin", "password": "admin"})
    cookie = hdrs["Set-Cookie"].split(";")[0]
    me, _ = http("GET", base + "/api/v1/me", headers={"Cookie": cookie})
    changed, hdrs2 = http("POST", base + "/api/v1/me/password", {"old": "admin", "new": "metrics-pass-1"},
                          headers={"Cookie": cookie, "X-CSRF-Token": me["csrf_token"]})
    cookie = (hdrs2.get("Set-Cookie") or cookie).split(";")[0]
    tok, _ = http("POST", base + "/api/v1/me/tokens", {"label": "prometheus"},
                  headers={"Cookie": cookie, "X-CSRF-Token": changed["csrf_token"]}, expect=201)
    return tok["token"]


def body(args, tmp):
    for tool in ("prometheus", "promtool"):
        if not shutil.which(tool):
            raise Skip(f"{tool} is not installed (scripts/install-deps.sh test installs it)")
    pcap = os.path.join(args.pcaps, "1kxun.pcap")
    port, prom_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    proc = nltest.start([args.netlens, "-q", "-i", pcap, "-m", "192.168.0.0/16", "-w", f"127.0.0.1:{port}",
                         "-d", os.path.join(tmp, "data")])
    prom = None
    try:
        wait_for("netlens answers", lambda: http("GET", base + "/login.html")[0])
        http("GET", base + "/metrics", expect=401)
        print("  ok: /metrics without credentials: 401")
        token = login_admin(base)
        bearer = {"Authorization": "Bearer " + token}
        iface = wait_for("the capture is read", lambda: (lambda d: d if d[0]["packets"] else None)(
            http("GET", base + "/api/v1/interfaces", headers=bearer)[0]))[0]
        # The file has ended: the totals stay as they are from now on.
        wait_for("the capture is read to the end",
                 lambda: http("GET", base + "/api/v1/interfaces", headers=bearer)[0][0]["packets"] == iface["packets"]
                 and iface["packets"] > 0)
        samples = nltest.scrape(base, bearer)
        check_eq(sorted({n for n, _ in samples if n.startswith(("netlens_collector_", "netlens_export_"))}), [],
                 "a capture file's interface: no collector or exporter families")

        apps, _ = http("GET", base + "/api/v1/interfaces/0/applications", headers=bearer)
        l4, _ = http("GET", base + "/api/v1/interfaces/0/l4protocols", headers=bearer)
        nets, _ = http("GET", base + "/api/v1/interfaces/0/networks", headers=bearer)
        iface = http("GET", base + "/api/v1/interfaces/0", headers=bearer)[0]["interface"]
        name = iface["name"]
        ilabel = ("interface", name)
        check_eq(samples[("netlens_interface_bytes_total", frozenset([ilabel]))], float(iface["bytes"]),
                 "interface bytes in /metrics equal the API's")
        cpu_key = ("netlens_interface_packet_thread_cpu_seconds_total", frozenset([ilabel]))
        check(samples[cpu_key] > 0, "the packet thread's CPU time is in /metrics", samples[cpu_key])
        # (Its last figure is set once the file is over: the two agree from then on.)
        wait_for("packet thread CPU in /metrics equals the status API's",
                 lambda: nltest.scrape(base, bearer)[cpu_key]
                 == http("GET", base + "/api/v1/status", headers=bearer)[0]["interfaces"][0]["packet_thread_cpu"], timeout=5)
        check_eq({a["name"]: samples[("netlens_application_bytes_total",
                                      frozenset([ilabel, ("application", a["name"]), ("category", a["category"])]))]
                  for a in apps}, {a["name"]: float(a["bytes"]) for a in apps},
                 f"bytes of all {len(apps)} applications equal the API's")

        # A real Prometheus scrapes it with the token.
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
scrape_configs:
  - job_name: netlens
    metrics_path: /metrics
    authorization:
      type: Bearer
      credentials: {token}
    static_configs:
      - targets: ['127.0.0.1:{port}']
""")
        prom_log = open(os.path.join(tmp, "prometheus.log"), "w")
        prom = subprocess.Popen(["prometheus", f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/tsdb",
                                 f"--web.listen-address=127.0.0.1:{prom_port}"], stdout=prom_log, stderr=prom_log)

        def query(expr):
            doc, _ = http("GET", f"http://127.0.0.1:{prom_port}/api/v1/query?query=" + urllib.parse.quote(expr))
            return {frozenset(r["metric"].items()): float(r["value"][1]) for r in doc["data"]["result"]}

        def scraped():
            r = query('up{job="netlens"}')
            return r and list(r.values())[0] == 1.0 and query("netlens_interface_bytes_total")
        wait_for("Prometheus scrapes netlens", scraped, timeout=40, interval=0.5)
        print("  ok: Prometheus scrapes /metrics with the API token (up == 1)")

        def one(expr):
            r = query(expr)
            if len(r) != 1:
                raise Failure(f"{expr}: expected one series, got {r}")
            return list(r.values())[0]
        check_eq(one("netlens_interface_bytes_total"), float(iface["bytes"]), "Prometheus: interface bytes = API")
        check_eq(one("netlens_interface_packets_total"), float(iface["packets"]), "Prometheus: interface packets = API")
        got = {dict(k)["application"]: v for k, v in query("netlens_application_bytes_total").items()}
        check_eq(got, {a["name"]: float(a["bytes"]) for a in apps}, "Prometheus: every application's bytes = API")
        got = {dict(k)["l4"]: v for k, v in query("netlens_l4_packets_total").items()}
        check_eq(got, {p["name"]: float(p["packets"]) for p in l4}, "Prometheus: packets per L4 protocol = API")
        got = {(dict(k)["network"], dict(k)["direction"]): v for k, v in query("netlens_network_bytes_total").items()}
        want = {(n["network"], d): float(n[d]["bytes"]) for n in nets for d in ("ingress", "egress", "inner")}
        check_eq(got, want, "Prometheus: local network traffic = API")
        check(one("netlens_build_info") == 1.0, "netlens_build_info is 1")
    finally:
        if prom:
            prom.terminate()
            try:
                prom.wait(10)
            except subprocess.TimeoutExpired:
                prom.kill()
        nltest.stop(proc)


if __name__ == "__main__":
    nltest.main(body, __doc__)
