"""Shared helpers of netlens's integration tests (Python 3 standard library only).

Every test script takes --netlens BIN and --shared DIR, prints what it checks, and exits 0 when
everything holds, 1 on the first failed check (the message says what differed), or 77 when the
test cannot run here (SKIP_RETURN_CODE in ctest).
"""
import argparse
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def parse_args(description, extra=None):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--netlens", required=True, help="the netlens binary")
    ap.add_argument("--shared", required=True, help="the shared folder (pcaps/, tools/)")
    if extra:
        extra(ap)
    args = ap.parse_args()
    args.netlens = os.path.abspath(args.netlens)
    args.pcaps = os.path.join(os.path.abspath(args.shared), "pcaps")
    if not os.access(args.netlens, os.X_OK):
        print(f"netlens binary not found: {args.netlens}")
        sys.exit(1)
    return args


def main(body, description):
    """Runs body(args, tmpdir); turns Failure/Skip into exit codes and prints the timing."""
    args = parse_args(description)
    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="netlens-integ-")
    os.chmod(tmp, 0o755)
    # netlens's default data directory (time series) inside the test's own directory.
    os.environ.setdefault("NETLENS_DATA_DIR", os.path.join(tmp, "netlens-data"))
    try:
        body(args, tmp)
    except Skip as e:
        print(f"SKIP: {e}")
        sys.exit(SKIP)
    except Failure as e:
        print(f"FAIL: {e}")
        print(f"(kept {tmp} for inspection)")
        sys.exit(1)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"PASS ({time.monotonic() - start:.1f} s)")
    sys.exit(0)


def check(cond, what, detail=""):
    if not cond:
        raise Failure(what + (f": {detail}" if detail else ""))
    print(f"  ok: {what}")


def check_eq(actual, expected, what):
    if actual != expected:
        raise Failure(f"{what}: expected {short(expected)}, got {short(actual)}{diff_hint(actual, expected)}")
    print(f"  ok: {what} ({short(actual, 80)})")


def check_documented(spec, schema, obj, what):
    """Every field of obj (a JSON object of the API) is a property of the OpenAPI document's
    component schema `schema`."""
    props = spec["components"]["schemas"][schema]["properties"]
    check_eq(sorted(set(obj) - set(props)), [], f"{what}: every field is in the OpenAPI schema {schema}")


def short(v, limit=400):
    s = repr(v)
    return s if len(s) <= limit else s[:limit] + "..."


def diff_hint(actual, expected):
    if isinstance(actual, dict) and isinstance(expected, dict):
        keys = sorted(set(actual) | set(expected), key=str)
        d = [f"{k}: expected {expected.get(k)} got {actual.get(k)}" for k in keys if actual.get(k) != expected.get(k)]
        return "\n    differences: " + "\n    ".join(d[:20])
    if isinstance(actual, list) and isinstance(expected, list):
        a, e = set(map(repr, actual)), set(map(repr, expected))
        return ("\n    only expected: " + "\n      ".join(sorted(e - a)[:10]) +
                "\n    only actual:   " + "\n      ".join(sorted(a - e)[:10]))
    return ""


# ---------------------------------------------------------------------------------------------
# Running netlens

def run(cmd, timeout=60, **kw):
    """Runs a command to completion; returns CompletedProcess with text output."""
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=timeout, **kw)
    except subprocess.TimeoutExpired as e:
        raise Failure(f"timed out after {timeout} s: {' '.join(cmd)}") from e


def netlens_file(args, pcap, out, *extra, timeout=60):
    """netlens on a capture file with --shutdown-when-done; returns the parsed dump."""
    cmd = [args.netlens, "-q", "-i", pcap, "--shutdown-when-done", "--dump-json", out, *extra]
    p = run(cmd, timeout=timeout)
    if p.returncode != 0:
        raise Failure(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return load_dump(out)


def load_dump(path):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as e:
        raise Failure(f"{path} is not a complete JSON document: {e}") from e


def no_crash(p, what):
    """A clean failure: non-zero exit, not killed by a signal, no abort message."""
    bad = ("terminate called", "Segmentation fault", "AddressSanitizer", "runtime error:", "Aborted")
    check(p.returncode > 0, f"{what}: exits with an error code (got {p.returncode})")
    check(not any(b in p.stderr for b in bad), f"{what}: no crash report on stderr", p.stderr[-500:])


def start(cmd, **kw):
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def threads_of(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def wait_running(proc, timeout=15):
    """Waits until netlens has opened its sources and started its packet thread(s): the packet
    threads start only after every source is open (and privileges are dropped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise Failure(f"netlens exited early ({proc.returncode}): {err.strip()}")
        if threads_of(proc.pid) >= 2:
            time.sleep(0.2)
            return
        time.sleep(0.02)
    raise Failure("netlens did not start its packet thread")


def stop(proc, sig=signal.SIGTERM, within=5.0):
    """Sends sig and waits; returns (returncode, seconds, stdout, stderr)."""
    t0 = time.monotonic()
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise Failure(f"netlens did not exit within {within} s of {signal.Signals(sig).name}; stderr: {err[-500:]}")
    return proc.returncode, time.monotonic() - t0, out, err


def kill_quietly(proc):
    if proc and proc.poll() is None:
        proc.kill()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


# ---------------------------------------------------------------------------------------------
# Summaries of a dump, for comparisons

def flow_rows(doc):
    """Every flow as a comparable tuple, sorted (a multiset)."""
    rows = []
    for f in doc["flows"]:
        rows.append((f["l4_proto"], f["vlan"], f["client_ip"], f["client_port"], f["server_ip"], f["server_port"],
                     f["app"], f["cli2srv_packets"], f["cli2srv_bytes"], f["srv2cli_packets"], f["srv2cli_bytes"]))
    return sorted(rows)


def flow_traffic_by_key(doc):
    """Packets and bytes per unordered flow key, summed over every record of that key."""
    out = {}
    for f in doc["flows"]:
        a, b = (f["client_ip"], f["client_port"]), (f["server_ip"], f["server_port"])
        key = (f["l4_proto"], f["vlan"]) + tuple(sorted([a, b]))
        pk, by = out.get(key, (0, 0))
        out[key] = (pk + f["cli2srv_packets"] + f["srv2cli_packets"], by + f["cli2srv_bytes"] + f["srv2cli_bytes"])
    return out


def apps(doc, with_flows=True):
    return {a["name"]: (a["packets"], a["bytes"], a["flows"]) if with_flows else (a["packets"], a["bytes"])
            for a in doc["applications"] if a["packets"] or a["flows"]}


def totals(doc):
    i = doc["interface"]
    return {"packets": i["packets"], "bytes": i["bytes"], "ipv4": i["ipv4"], "ipv6": i["ipv6"],
            "non_ip": i["non_ip"], "decode_errors": i["decode_errors"]}


def flow_sums(doc):
    pk = sum(f["cli2srv_packets"] + f["srv2cli_packets"] for f in doc["flows"])
    by = sum(f["cli2srv_bytes"] + f["srv2cli_bytes"] for f in doc["flows"])
    return pk, by


def capinfos(path):
    """(packets, bytes of captured data) of a capture according to Wireshark's capinfos."""
    if not shutil.which("capinfos"):
        raise Skip("capinfos (package tshark/wireshark-common) is not installed")
    p = run(["capinfos", "-T", "-M", "-r", "-c", "-d", path])
    if p.returncode != 0:
        raise Failure(f"capinfos {path}: {p.stderr.strip()}")
    cols = p.stdout.strip().split("\t")
    return int(cols[1]), int(cols[2])


# ---------------------------------------------------------------------------------------------
# Classic pcap files, read and cut by hand

def pcap_records(path):
    """[(offset, caplen)] of every complete record of a classic pcap file, and the header size."""
    with open(path, "rb") as fh:
        data = fh.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise Failure(f"{path} is not a classic pcap file")
    off, recs = 24, []
    while off + 16 <= len(data):
        caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        if off + 16 + caplen > len(data):
            break
        recs.append((off, caplen))
        off += 16 + caplen
    return recs


# ---------------------------------------------------------------------------------------------
# Network namespaces

def ip(*a, check_rc=True, ns=None):
    cmd = ["ip"] + (["-n", ns] if ns else []) + list(a)
    p = run(cmd, timeout=20)
    if check_rc and p.returncode != 0:
        raise Failure(f"{' '.join(cmd)}: {p.stderr.strip()}")
    return p


def require_netns():
    if os.geteuid() != 0:
        raise Skip("not root: network namespaces and live capture need root")
    if not shutil.which("ip"):
        raise Skip("the ip command (iproute2) is missing")
    probe = f"nlprobe{os.getpid()}"
    p = run(["ip", "netns", "add", probe], timeout=20)
    if p.returncode != 0:
        raise Skip(f"'ip netns add' is not permitted here: {p.stderr.strip()}")
    run(["ip", "netns", "del", probe], timeout=20)


class VethPair:
    """Two fresh namespaces A and B joined by a veth pair (va in A, vb in B), IPv6 off, MTU
    raised, links up, addresses from 192.0.2.0/24. Removed again by close()."""

    def __init__(self, tag, mtu=9000):
        pid = os.getpid()
        self.ns_a, self.ns_b = f"nl{tag}A{pid}", f"nl{tag}B{pid}"
        self.va, self.vb = f"nl{tag}a{pid}"[:15], f"nl{tag}b{pid}"[:15]
        self.created = []
        try:
            for ns in (self.ns_a, self.ns_b):
                ip("netns", "add", ns)
                self.created.append(ns)
            ip("link", "add", self.va, "netns", self.ns_a, "type", "veth", "peer", "name", self.vb, "netns", self.ns_b)
            for ns, dev, addr in ((self.ns_a, self.va, "192.0.2.1/24"), (self.ns_b, self.vb, "192.0.2.2/24")):
                self.sysctl(ns, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
                            f"net.ipv6.conf.{dev}.disable_ipv6=1")
                ip("link", "set", dev, "mtu", str(mtu), ns=ns)
                ip("addr", "add", addr, "dev", dev, ns=ns)
                ip("link", "set", "lo", "up", ns=ns)
                ip("link", "set", dev, "up", ns=ns)
        except Exception:
            self.close()
            raise

    @staticmethod
    def sysctl(ns, *settings):
        p = run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", *settings], timeout=20)
        if p.returncode != 0:
            raise Failure(f"sysctl in {ns}: {p.stderr.strip()}")

    def exec_cmd(self, ns, cmd):
        return ["ip", "netns", "exec", ns] + list(cmd)

    def counter(self, ns, dev, name):
        p = run(self.exec_cmd(ns, ["cat", f"/sys/class/net/{dev}/statistics/{name}"]), timeout=20)
        return int(p.stdout.strip() or 0)

    def close(self):
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], timeout=20)
        self.created = []
        # Deleting a namespace destroys its veth end, and so the pair; make sure of it.
        for dev in (self.va, self.vb):
            if run(["ip", "link", "show", dev], timeout=20).returncode == 0:
                run(["ip", "link", "del", dev], timeout=20)


def isolated_ns(tag):
    """A fresh namespace with only lo (up, IPv6 off): capturing on its lo sees only what the test
    sends there. Returns the name; delete with `ip netns del`."""
    ns = f"nl{tag}{os.getpid()}"
    ip("netns", "add", ns)
    try:
        VethPair.sysctl(ns, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
        ip("link", "set", "lo", "up", ns=ns)
    except Exception:
        run(["ip", "netns", "del", ns], timeout=20)
        raise
    return ns


UDP_SENDER = r"""
import socket, sys, time
port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); rx.bind(("127.0.0.1", port))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); tx.bind(("127.0.0.1", port + 1))
for i in range(count):
    tx.sendto(bytes(size), ("127.0.0.1", port))
    rx.recv(65536)
"""


def send_udp_in_ns(ns, port, count, size):
    """Sends count UDP datagrams of size bytes 127.0.0.1:port+1 -> 127.0.0.1:port inside ns.
    Each is one frame on lo of 14 + 20 + 8 + size bytes."""
    p = run(["ip", "netns", "exec", ns, sys.executable, "-c", UDP_SENDER, str(port), str(count), str(size)])
    if p.returncode != 0:
        raise Failure(f"UDP sender in {ns} failed: {p.stderr.strip()}")
    return count, count * (14 + 20 + 8 + size)


def udp_flow(doc, port):
    for f in doc["flows"]:
        if f["l4_proto"] == 17 and {f["client_port"], f["server_port"]} == {port, port + 1}:
            return f
    return None


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, expect=200):
    """One HTTP request; returns (decoded JSON or raw bytes, headers). Fails on another status."""
    import gzip
    import urllib.error
    import urllib.request
    h = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=h, method=method)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            status, text, hdrs = r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        status, text, hdrs = e.code, e.read(), e.headers
    if hdrs.get("Content-Encoding") == "gzip":
        text = gzip.decompress(text)
    if status != expect:
        raise Failure(f"{method} {url}: expected HTTP {expect}, got {status}: {text[:300]!r}")
    if "json" in (hdrs.get("Content-Type") or ""):
        return (json.loads(text) if text else None), hdrs
    return text, hdrs


def wait_for(what, probe, timeout=20, interval=0.2):
    """Calls probe() until it returns something true (exceptions count as not yet)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            v = probe()
            if v:
                return v
        except (OSError, Failure) as e:
            last = e
        time.sleep(interval)
    raise Failure(f"{what}: not within {timeout} s" + (f" ({last})" if last else ""))


def basic(user, password):
    """An HTTP Basic Authorization header."""
    import base64
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


# ---------------------------------------------------------------------------------------------
# /metrics (Prometheus's text exposition)

def parse_exposition(text):
    """{(name, frozenset(labels)): value}, checking the format's rules on the way."""
    samples, families = {}, set()
    line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
    label_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name = line.split()[2]
            if name in families:
                raise Failure(f"family {name} declared twice")
            families.add(name)
            continue
        if line.startswith("#") or not line:
            continue
        m = line_re.match(line)
        if not m:
            raise Failure(f"not a sample line: {line!r}")
        key = (m.group(1), frozenset(label_re.findall(m.group(3) or "")))
        if key in samples:
            raise Failure(f"the same series twice: {line!r}")
        samples[key] = float(m.group(4))
    return samples


def promtool_check(text, what="/metrics"):
    """`promtool check metrics` must accept the exposition without a word. Returns False (and
    says so) when promtool is not installed."""
    if not shutil.which("promtool"):
        print(f"  note: promtool is not installed, {what} not linted")
        return False
    lint = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    check(lint.returncode == 0 and not lint.stdout.strip() and not lint.stderr.strip(),
          f"promtool check metrics accepts {what}", lint.stdout + lint.stderr)
    return True


def scrape(base, headers=None):
    """GET base/metrics, linted by promtool (when installed); returns the parsed samples."""
    text, hdrs = http("GET", base + "/metrics", headers=headers)
    check(hdrs["Content-Type"].startswith("text/plain; version=0.0.4"), "exposition content type", hdrs["Content-Type"])
    text = text.decode()
    promtool_check(text, f"{base}/metrics")
    return parse_exposition(text)


def scrape_steady(base, iface=0, headers=None, timeout=20):
    """/metrics and the API's interface `iface` (its JSON `interface`) of one moment: the
    collector and exporter figures, read before and after the scrape, must not have moved
    meanwhile (an exporter may be sending); tries again until they hold still."""
    def figures():
        i = http("GET", f"{base}/api/v1/interfaces/{iface}", headers=headers)[0]["interface"]
        return i, (i.get("collector"), i["export"])

    def steady():
        before = figures()[1]
        samples = scrape(base, headers)
        after, now = figures()
        return (samples, after) if now == before else None
    return wait_for(f"{base}: /metrics while the collector and exporter figures hold still", steady, timeout=timeout)


def series(samples, name, **labels):
    """The samples of family `name` whose labels include `labels`: {other labels as a dict's
    sorted items: value}."""
    want = set(labels.items())
    return {tuple(sorted(set(ls) - want)): v for (n, ls), v in samples.items() if n == name and want <= ls}


def sample(samples, name, **labels):
    """The value of the one series of `name` with exactly these labels (Failure when absent)."""
    key = (name, frozenset(labels.items()))
    if key not in samples:
        raise Failure(f"/metrics has no {name}{labels}")
    return samples[key]


# The API's figures of a collector, its peers and an exporter, and their /metrics families:
# FIELD is netlens_collector_FIELD_total, netlens_collector_peer_FIELD_total or
# netlens_export_FIELD_total (but for METRIC_NAMES), a level (gauge) the same without _total; the
# ZMQ skip reasons are the `reason` label of netlens_collector_[peer_]skipped_messages_total.
ZMQ_REASONS = ("bad_header", "bad_json", "bad_compression", "too_large", "unsupported", "other_topics")
COLLECTOR_COUNTERS = ("messages", "bytes", "flows", "malformed", "peers_not_kept", "socket_drops", "flow_messages",
                      "lost_messages")
PEER_COUNTERS = ("messages", "flows", "packets", "bytes", "malformed", "lost_flows", "lost_messages", "sequence_resets",
                 "option_records", "templates_learned", "template_errors", "unknown_template_sets", "counter_samples",
                 "skipped_records")
METRIC_NAMES = {"counter_samples": "counters_samples"}  # promtool: no "_counter_" in a metric name
EXPORT_COUNTERS = ("flows", "flows_sent", "records_sent", "messages", "dropped_queue_full", "no_subscriber", "send_errors")


def check_figures(samples, obj, prefix, counters, levels, what, extra=None, **labels):
    """Every field of obj (an API object) that /metrics gives too (and `extra`: {field: (API
    value, /metrics family)}) equals its series with these labels."""
    figures = {f: (obj[f], prefix + METRIC_NAMES.get(f, f) + ("_total" if f in counters else ""))
               for f in counters + levels if f in obj}
    figures.update(extra or {})
    got = {f: sample(samples, family, **labels) for f, (_, family) in figures.items()}
    if "bad_json" in obj:  # ZMQ: the skip reasons
        for reason in ZMQ_REASONS:
            figures[reason] = (obj[reason], None)
            got[reason] = sample(samples, prefix + "skipped_messages_total", reason=reason, **labels)
    check_eq(got, {f: float(v) for f, (v, _) in figures.items()}, f"{what}: {len(figures)} figures in /metrics equal the API's")


def check_collector_metrics(samples, iface, collector, what):
    """Every figure of the API's collector (interface.collector) and of each of its peers equals
    its /metrics series (labels interface, kind, peer)."""
    labels = {"interface": iface, "kind": collector["kind"]}
    check_figures(samples, collector, "netlens_collector_", COLLECTOR_COUNTERS, ("receive_buffer_bytes",),
                  f"{what}: the collector", {"peers": (len(collector["peers"]), "netlens_collector_peers")}, **labels)
    for p in collector["peers"]:
        pl = dict(labels, peer=p["address"])
        check_figures(samples, p, "netlens_collector_peer_", PEER_COUNTERS, ("templates",), f"{what}: peer {p['address']}", **pl)
        seen = sample(samples, "netlens_collector_peer_last_seen_timestamp_seconds", **pl)
        check(abs(seen - p["last_seen"]) < 1e-5, f"{what}: peer {p['address']}: last_seen in /metrics", f"{seen} != {p['last_seen']}")
    check_eq(len(series(samples, "netlens_collector_peer_messages_total", **labels)), len(collector["peers"]),
             f"{what}: one series per peer")


def check_export_metrics(samples, iface, export, what):
    """Every counter of one of the API's exporters (interface.export) equals its /metrics series
    (labels interface, kind, destination)."""
    labels = {"interface": iface, "kind": export["kind"], "destination": ",".join(export["destinations"])}
    check_figures(samples, export, "netlens_export_", EXPORT_COUNTERS, ("queued", "subscribers"), f"{what}: the exporter", **labels)
