#!/usr/bin/env python3
"""Redis as netlens's store (-r HOST:PORT@DB), against a real redis-server started here: the
reverse resolver's names and the aliases are kept in Redis and still there after a netlens
restart (the DNS server gone by then); killing Redis mid-run does not stop netlens, which says
so in /api/v1/status and reconnects when Redis is back; a purged local host gets its state back
when it returns."""
import os
import shutil
import socket
import struct
import subprocess
import time

import nltest
from nltest import Failure, Skip, check, check_eq
from test_api import Api, free_port
from test_resolver import resolver_names, start_dnsmasq, free_udp_port


class Redis:
    def __init__(self, tmp, port=None):
        if not shutil.which("redis-server") or not shutil.which("redis-cli"):
            raise Skip("redis-server is not installed")
        self.port = port or free_port()
        self.dir = os.path.join(tmp, f"redis-{self.port}")
        os.makedirs(self.dir, exist_ok=True)
        conf = os.path.join(self.dir, "redis.conf")
        with open(conf, "w") as fh:
            fh.write(f'bind 127.0.0.1\nport {self.port}\nsave ""\nappendonly no\ndaemonize no\n'
                     f'dir {self.dir}\nlogfile {os.path.join(self.dir, "redis.log")}\n')
        self.proc = subprocess.Popen(["redis-server", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while self.cli("ping") != "PONG":
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise Failure("redis-server did not start")
            time.sleep(0.1)

    def cli(self, *a, db=0):
        p = subprocess.run(["redis-cli", "-p", str(self.port), "-n", str(db), *a], capture_output=True, text=True, timeout=10)
        return p.stdout.strip()

    def stop(self):
        if self.proc.poll() is None:
            self.cli("shutdown", "nosave")
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_for(what, fn, timeout=20):
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.2)
    raise Failure(f"timed out waiting for {what} (last: {value!r})")


def put_alias(api, ip, alias):
    import json
    import urllib.request
    req = urllib.request.Request(f"{api.base}/api/v1/hosts/{ip}/alias", data=json.dumps({"alias": alias}).encode(),
                                 headers={"Content-Type": "application/json"}, method="PUT")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def write_return_pcap(path):
    """10.9.0.5 talks at t=0..2, is silent until t=20, then talks again; 10.9.0.6 keeps the
    clock moving with a packet every second."""
    def frame(t, src, dst, sport, payload):
        udp = struct.pack("!HHHH", sport, 9999, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes(src), bytes(dst)) + udp
        return struct.pack("<IIII", 1_700_000_000 + int(t), int((t % 1) * 1e6), len(ip), len(ip)) + ip
    frames = []
    for t in range(0, 31):
        frames.append((t + 0.5, frame(t + 0.5, [10, 9, 0, 6], [192, 0, 2, 1], 4000, b"tick")))
        if t <= 2 or t >= 20:
            frames.append((t + 0.1, frame(t + 0.1, [10, 9, 0, 5], [192, 0, 2, 2], 5000 + t, b"x" * 100)))
    frames.sort()
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for _, fr in frames:
            f.write(fr)


def body(args, tmp):
    redis = Redis(tmp)
    db = 3
    spec = f"127.0.0.1:{redis.port}@{db}"
    pcap = os.path.join(args.pcaps, "1kxun.pcap")
    local_net = "192.168.0.0/16"
    ref = nltest.netlens_file(args, pcap, os.path.join(tmp, "ref.json"), "-m", local_net)
    local = sorted(h["ip"] for h in ref["hosts"] if h["local"])[:3]
    named = {ip: f"nl-redis-{i}.test.example" for i, ip in enumerate(local)}
    dns, dns_port = start_dnsmasq(tmp, named)
    procs = []
    try:
        port = free_port()
        proc = nltest.start([args.netlens, "-q", "-i", pcap, "-m", local_net, "-w", f"127.0.0.1:{port}", "--disable-login",
                             "-n", "local", "--dns-server", f"127.0.0.1:{dns_port}", "-r", spec])
        procs.append(proc)
        api = Api(port)
        api.wait()
        status, _ = api.get("/api/v1/status")
        check_eq((status["store"]["backend"], status["store"]["available"]), ("redis", True), "status: Redis in use")
        wait_for("the resolved names", lambda: resolver_names(api) == named)
        check(True, "names resolved through dnsmasq")
        put_alias(api, local[0], "router-alias")
        keys = wait_for("the keys in Redis", lambda: [k for k in redis.cli("--scan", "--pattern", "netlens:dns:*", db=db).split()
                                                        if k.split(":", 2)[2] in named] if True else None)
        check_eq(sorted(k.split(":", 2)[2] for k in keys), sorted(named), "Redis holds the resolved names (in the DB asked for)")
        check_eq(redis.cli("get", f"netlens:alias:{local[0]}@0", db=db), "router-alias", "Redis holds the alias")
        nltest.stop(proc)
        nltest.stop(dns)

        # A restart without any DNS server: the names come from Redis's cache, the alias too.
        silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        silent.bind(("127.0.0.1", 0))
        port = free_port()
        proc = nltest.start([args.netlens, "-q", "-i", pcap, "-m", local_net, "-w", f"127.0.0.1:{port}", "--disable-login",
                             "-n", "local", "--dns-server", f"127.0.0.1:{silent.getsockname()[1]}", "-r", spec])
        procs.append(proc)
        api = Api(port)
        api.wait()
        wait_for("the cached names", lambda: resolver_names(api) == named)
        check(True, "after a restart, the names come from Redis (no DNS server answers)")
        doc, _ = api.get(f"/api/v1/interfaces/0/hosts/{local[0]}?flows=0")
        check_eq(doc["host"].get("alias"), "router-alias", "after a restart, the alias comes from Redis")

        # Redis goes away: netlens goes on and says so; Redis comes back: netlens reconnects.
        redis.stop()
        status = wait_for("status without Redis", lambda: (lambda s: s if not s["store"]["available"] else None)(api.get("/api/v1/status")[0]))
        check_eq((status["store"]["backend"], status["store"]["available"]), ("redis", False), "status: Redis unavailable")
        check(proc.poll() is None, "netlens still runs without Redis")
        doc = put_alias(api, local[1], "while-away")
        check_eq((doc["alias"], doc["stored"]), ("while-away", False), "an alias set while Redis is away: kept in memory, not stored")
        api.get("/api/v1/interfaces/0/hosts?per_page=10")
        redis = Redis(tmp, redis.port)
        status = wait_for("status with Redis back", lambda: (lambda s: s if s["store"]["available"] else None)(api.get("/api/v1/status")[0]))
        check(status["store"]["reconnects"] >= 1, f"status: Redis back, reconnected ({status['store']['reconnects']})")
        nltest.stop(proc)
        silent.close()

        # Preferences go through Redis too: set on one netlens, found by another (its own,
        # fresh data directory) at start.
        from test_auth import Client, wait_up
        for i, data in enumerate(["prefs-a", "prefs-b"]):
            port = free_port()
            proc = nltest.start([args.netlens, "-q", "-i", pcap, "-w", f"127.0.0.1:{port}", "-d", os.path.join(tmp, data),
                                 "-r", spec])
            procs.append(proc)
            wait_up(port)
            admin = Client(port)
            admin.login("admin", "admin")
            admin.post("/api/v1/me/password", {"old": "admin", "new": "redis-pass-1"})
            admin.cookie = admin.csrf = None
            admin.login("admin", "redis-pass-1")
            if i == 0:
                admin.put("/api/v1/preferences/flow_idle_timeout", "77")
                check_eq(redis.cli("get", "netlens:pref:flow_idle_timeout", db=db), "77", "Redis holds the preference")
            else:
                prefs = admin.call("GET", "/api/v1/preferences")
                check_eq(prefs.get("flow_idle_timeout"), 77, "another netlens finds the preference in Redis")
            nltest.stop(proc)

        # A local host purged on idle time and coming back gets its earlier traffic back.
        ret = os.path.join(tmp, "return.pcap")
        write_return_pcap(ret)
        port = free_port()
        proc = nltest.start([args.netlens, "-q", "-i", ret, "-m", "10.9.0.0/16", "-w", f"127.0.0.1:{port}", "--disable-login",
                             "--local-host-idle-timeout", "3", "--flow-idle-timeout", "2", "-r", spec])
        procs.append(proc)
        api = Api(port)
        api.wait()
        iface = wait_for("a restored host", lambda: (lambda d: d if d["interface"]["names"]["hosts_restored"] >= 1 else None)(
            api.get("/api/v1/interfaces/0")[0]))
        check(iface["interface"]["hosts"]["expired"] >= 1, "the host was purged on idle time")
        doc, _ = api.get("/api/v1/interfaces/0/hosts/10.9.0.5?flows=0")
        h = doc["host"]
        check_eq(h["sent"]["packets"], 3 + 11, "the returned host counts its packets from before the purge (3) and after (11)")
        check_eq(int(h["first_seen"]), 1_700_000_000, "and its first seen time from before")
        nltest.stop(proc)
    finally:
        for p in procs:
            nltest.kill_quietly(p)
        nltest.kill_quietly(dns) if dns.poll() is None else None
        redis.stop()


if __name__ == "__main__":
    nltest.main(body, __doc__)
