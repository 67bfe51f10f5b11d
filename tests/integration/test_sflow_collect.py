#!/usr/bin/env python3
"""sFlow v5 collection. No sFlow generator exists in Debian, so the test builds the datagrams itself
from the sFlow version 5 specification (XDR: big-endian 32-bit words, opaque data padded to 4):
every frame of a corpus capture becomes a flow sample with a raw packet header record, with a
counter sample (generic interface counters) in each datagram. tshark decodes the same datagrams
and must read back what the test meant to send.

Two agents, two netlens interfaces (-i sflow://127.0.0.1:P and -i sflow://[::1]:Q):
- agent 192.0.2.1 samples every packet (rate 1) with its whole frame: netlens must find exactly
  the flows, hosts and applications it finds reading the capture file itself;
- agent 2001:db8::2 samples with rate 10 and 128-byte headers (what agents send by default): per
  host pair, packets and bytes are 10 x the capture's (frame length from the record, not the
  truncated header), and nDPI still names the DNS flows.
Then bad input (truncated, garbage, sFlow v4, unknown sample/record formats and header
protocols) is counted in the senders' statistics and netlens keeps running; /metrics (linted by
promtool) gives the collector's and every agent's figures as the API does."""
import collections
import os
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
import nltest  # noqa: E402
from nltest import check, check_eq  # noqa: E402
import flowpeers  # noqa: E402
from flowpeers import Api  # noqa: E402

CAPTURE = "1kxun.pcap"  # HTTP, DNS, NetBIOS, SSDP, ... over IPv4 and IPv6 (Ethernet)


# ---- sFlow v5, from the specification ------------------------------------------------------

def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def tlv(fmt, body):
    body = pad4(body)
    return struct.pack(">II", fmt, len(body)) + body


def raw_header(frame, keep, protocol=1):
    """Raw packet header flow record (format 1): Ethernet frame, original length with the 4-byte
    FCS the agent stripped."""
    header = frame[:keep]
    return tlv(1, struct.pack(">IIII", protocol, len(frame) + 4, 4, len(header)) + header)


def flow_sample(seq, rate, records, input_if=1, output_if=2):
    return tlv(1, struct.pack(">IIIIIIII", seq, input_if, rate, seq * rate, 0, input_if, output_if, len(records))
               + b"".join(records))


def generic_counters(if_index, in_octets, out_octets, in_pkts, out_pkts):
    return tlv(1, struct.pack(">IIQII", if_index, 6, 1_000_000_000, 1, 3)
               + struct.pack(">QIIIIII", in_octets, in_pkts, 1, 2, 0, 0, 0)
               + struct.pack(">QIIIIII", out_octets, out_pkts, 3, 4, 0, 0, 0))


def counter_sample(seq, records, source=1):
    return tlv(2, struct.pack(">III", seq, source, len(records)) + b"".join(records))


def datagram(agent, sub_agent, seq, samples, uptime=1000):
    if ":" in agent:
        addr = struct.pack(">I", 2) + socket.inet_pton(socket.AF_INET6, agent)
    else:
        addr = struct.pack(">I", 1) + socket.inet_aton(agent)
    return struct.pack(">I", 5) + addr + struct.pack(">IIII", sub_agent, seq, uptime, len(samples)) + b"".join(samples)


def read_pcap(path):
    with open(path, "rb") as fh:
        data = fh.read()
    e = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    frames, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        frames.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return frames


class Agent:
    """Turns frames into datagrams of `per` flow samples and one counter sample each; remembers
    what it put in them for the tshark cross-check."""

    def __init__(self, address, rate, keep, per=10):
        self.address, self.rate, self.keep, self.per = address, rate, keep, per
        self.datagrams, self.meant = [], []
        self.in_octets = {1: 0, 2: 0}

    def build(self, frames):
        for i in range(0, len(frames), self.per):
            chunk = frames[i:i + self.per]
            seq = len(self.datagrams) + 1
            samples = [flow_sample(i + j + 1, self.rate, [raw_header(f, self.keep)]) for j, f in enumerate(chunk)]
            for f in chunk:
                self.in_octets[1] += len(f)
            self.in_octets[2] += 1000
            samples.append(counter_sample(seq, [generic_counters(1, self.in_octets[1], 7, seq, seq),
                                                generic_counters(2, self.in_octets[2], 9, seq, seq)]))
            self.datagrams.append(datagram(self.address, 0, seq, samples))
            self.meant.append({"seq": seq, "samples": len(samples), "rates": [self.rate] * len(chunk),
                               "frame_lengths": [len(f) + 4 for f in chunk],
                               "header_lengths": [min(len(f), self.keep) for f in chunk],
                               "headers": [f[:self.keep].hex() for f in chunk],
                               "in_octets": [self.in_octets[1], self.in_octets[2]]})


def write_udp_pcap(path, datagrams, port=6343):
    """The datagrams as Ethernet/IPv4/UDP frames to port 6343, for tshark."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i, d in enumerate(datagrams):
        udp = struct.pack(">HHHH", 40000, port, 8 + len(d), 0) + d
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                         socket.inet_aton("127.0.0.1"), socket.inet_aton("127.0.0.1")) + udp
        frame = b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip
        out.append(struct.pack("<IIII", 1_700_000_000 + i, 0, len(frame), len(frame)) + frame)
    with open(path, "wb") as fh:
        fh.write(b"".join(out))


def tshark_check(tmp, agent):
    """tshark's sFlow dissector reads back, datagram by datagram, what the agent meant to send."""
    path = os.path.join(tmp, f"sflow-{agent.rate}.pcap")
    write_udp_pcap(path, agent.datagrams)
    fields = ["sflow_245.version", "sflow_245.agent", "sflow_245.agent.v6", "sflow_245.sequence_number",
              "sflow_245.numsamples", "sflow.flow_sample.sampling_rate", "sflow_245.header.frame_length",
              "sflow_245.header.sampled_header_length", "sflow_245.header", "sflow_245.ifinoct"]
    cmd = ["tshark", "-r", path, "-d", "udp.port==6343,sflow", "-T", "fields", "-E", "separator=|"]
    for f in fields:
        cmd += ["-e", f]
    p = nltest.run(cmd, timeout=60)
    if p.returncode != 0:
        raise nltest.Failure(f"tshark: {p.stderr.strip()}")
    lines = p.stdout.splitlines()
    check_eq(len(lines), len(agent.datagrams), f"tshark reads {len(agent.datagrams)} sFlow datagrams")
    decoded = []
    for line in lines:
        v = line.split("|")
        ints = lambda s: [int(x) for x in s.split(",")] if s else []  # noqa: E731
        decoded.append({"version": int(v[0]), "agent": v[1] or v[2], "seq": ints(v[3])[0],
                        "samples": int(v[4]), "rates": ints(v[5]), "frame_lengths": ints(v[6]),
                        "header_lengths": ints(v[7]), "in_octets": ints(v[9]),
                        # tshark shows the header with its XDR padding
                        "headers": [h.replace(":", "")[:2 * n] for h, n in zip(v[8].split(","), ints(v[7]))]})
    want = [dict(m, version=5, agent=agent.address) for m in agent.meant]
    check_eq(decoded, want, "tshark decodes every datagram, sample, header and counter as built")


def capture_pairs_scaled(pcap, rate):
    """Per unordered host pair: rate x packets and rate x frame bytes (tshark's decoding)."""
    p = nltest.run(["tshark", "-r", pcap, "-T", "fields", "-E", "occurrence=f", "-e", "frame.len", "-e", "ip.src",
                    "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst"], timeout=60)
    d = collections.defaultdict(lambda: [0, 0])
    for line in p.stdout.splitlines():
        f = line.split("\t")
        k = tuple(sorted([f[1], f[2]])) if f[1] else tuple(sorted([f[3], f[4]])) if len(f) > 4 and f[3] else None
        if k:
            d[k][0] += rate
            d[k][1] += rate * int(f[0])
    return {k: tuple(v) for k, v in d.items()}


def send(datagrams, port, host="127.0.0.1", source=None):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if source:
        s.bind((source, 0))
    for d in datagrams:
        s.sendto(d, (host, port))
    s.close()


def hosts_of(doc):
    return sorted((h["ip"], h["sent"]["packets"], h["sent"]["bytes"], h["received"]["packets"], h["received"]["bytes"])
                  for h in doc["hosts"])


def body(args, tmp):
    flowpeers.require("tshark")
    flowpeers.require("editcap")
    pcap = os.path.join(args.pcaps, CAPTURE)
    classic = os.path.join(tmp, "classic.pcap")  # the corpus file is pcapng: its frames as pcap
    p = nltest.run(["editcap", "-F", "pcap", pcap, classic])
    check_eq(p.returncode, 0, f"editcap converts {CAPTURE} ({p.stderr.strip()})")
    frames = read_pcap(classic)
    check_eq(len(frames), nltest.capinfos(pcap)[0], f"{len(frames)} frames read from {CAPTURE}")
    full = Agent("192.0.2.1", 1, 65535)
    sampled = Agent("2001:db8::2", 10, 128)
    full.build(frames)
    sampled.build(frames)
    tshark_check(tmp, full)
    tshark_check(tmp, sampled)

    reference = nltest.netlens_file(args, pcap, os.path.join(tmp, "file.json"))
    print(f"{CAPTURE} read as a file: {len(reference['flows'])} flows, {len(reference['hosts'])} hosts")

    port_a = flowpeers.free_udp_port()
    port_b = flowpeers.free_udp_port(socket.AF_INET6, "::1")
    web = flowpeers.free_tcp_port()
    dump = os.path.join(tmp, "sflow.json")
    netlens = nltest.start([args.netlens, "-q", "-w", f"127.0.0.1:{web}", "--disable-login", "-d", tmp,
                            "--dump-json", dump, "-i", f"sflow://127.0.0.1:{port_a}", "-i", f"sflow://[::1]:{port_b}"])
    try:
        api = Api(web)
        api.wait_up()
        send(full.datagrams, port_a)
        send(sampled.datagrams, port_b, "::1")
        api.wait_datagrams(0, len(full.datagrams))
        api.wait_datagrams(1, len(sampled.datagrams))

        # Bad input to interface 0 from 127.0.0.3 and from agent 192.0.2.99.
        good = full.datagrams[0]
        unknown = datagram("192.0.2.99", 0, 1, [
            tlv((9 << 12) | 1, b"\1" * 16),                                        # another enterprise's sample
            flow_sample(1, 1, [tlv(1234, b"\2" * 8), raw_header(frames[0], 64, protocol=2)]),  # unknown record, token bus
        ])
        v4 = struct.pack(">I", 4) + good[4:]
        send([good[:10], bytes(range(97)), v4], port_a, source="127.0.0.3")
        send([unknown], port_a, source="127.0.0.3")
        api.wait_datagrams(0, len(full.datagrams) + 4)
        coll = api.get("/api/v1/interfaces/0/exporters")["collector"]
        check_eq(coll["kind"], "sflow", "the exporters route names an sFlow collector")
        spec = api.get("/api/v1/openapi.json")
        nltest.check_documented(spec, "Collector", coll, "the sFlow collector")
        nltest.check_documented(spec, "Peer", coll["peers"][0], "an sFlow agent")
        nltest.check_documented(spec, "AgentInterface", coll["interfaces"][0], "an agent interface")
        check(netlens.poll() is None, "netlens keeps running after bad input")
        samples = nltest.scrape(api.base)
        name = api.get("/api/v1/interfaces/0")["interface"]["name"]
        nltest.check_collector_metrics(samples, name, coll, "sFlow")
        agent = {"interface": name, "kind": "sflow"}
        check_eq([nltest.sample(samples, "netlens_collector_peer_malformed_total", peer="127.0.0.3", **agent),
                  nltest.sample(samples, "netlens_collector_peer_skipped_records_total", peer="192.0.2.99", **agent),
                  nltest.sample(samples, "netlens_collector_peer_counters_samples_total", peer="192.0.2.1", **agent)],
                 [3.0, 3.0, float(len(full.datagrams))],
                 "/metrics: the bad datagrams, the skipped records and agent 1's counter samples")
    finally:
        rc, _, _, err = nltest.stop(netlens)
    check_eq(rc, 0, "netlens exits 0 on SIGTERM")
    doc = nltest.load_dump(dump)
    a, b = doc["interfaces"]

    # Agent 1: rate 1, whole frames: what netlens finds reading the file.
    check_eq(nltest.flow_rows(a), nltest.flow_rows(reference), "full samples: the flows of the capture file")
    check_eq(hosts_of(a), hosts_of(reference), "full samples: the hosts of the capture file")
    check_eq(nltest.apps(a), nltest.apps(reference), "full samples: the applications of the capture file")
    coll_a = a["interface"]["collector"]
    agents = {e["address"]: e for e in coll_a["peers"]}
    e = agents["192.0.2.1"]
    check_eq((e["messages"], e["flows"], e["packets"], e["bytes"], e["counter_samples"]),
             (len(full.datagrams), len(frames), len(frames), sum(len(f) for f in frames), len(full.datagrams)),
             "agent 1: datagrams, flow samples, packets, bytes, counter samples")
    check_eq((e["lost_messages"], e["malformed"], e["skipped_records"]), (0, 0, 0), "agent 1: nothing lost or bad")
    ifaces = {(i["agent"], i["if_index"]): i for i in coll_a["interfaces"]}
    check_eq(sorted(ifaces), [("192.0.2.1", 1), ("192.0.2.1", 2)], "agent 1: its two interfaces' counters")
    check_eq((ifaces[("192.0.2.1", 1)]["in"]["octets"], ifaces[("192.0.2.1", 2)]["in"]["octets"]),
             (full.in_octets[1], full.in_octets[2]), "agent 1: the latest counter values")
    check_eq(ifaces[("192.0.2.1", 1)]["if_speed"], 1_000_000_000, "agent 1: interface speed")

    # Agent 2: rate 10, 128-byte headers.
    want = capture_pairs_scaled(pcap, 10)
    got = flowpeers.dump_pairs(b)
    check_eq(got, want, "rate 10, 128-byte headers: per host pair 10x the capture's packets and frame bytes")
    check_eq(b["interface"]["decode_errors"], a["interface"]["decode_errors"], "truncated headers are no decode errors")
    dns = [f for f in b["flows"] if f["l4_proto"] == 17 and 53 in (f["client_port"], f["server_port"])]
    check(dns and all(f["app"].startswith("DNS") for f in dns), f"nDPI names the sampled DNS flows ({len(dns)})")
    ref_apps = {k: v for k, v in nltest.apps(reference).items()}
    got_apps = nltest.apps(b)
    check_eq(sum(v[0] for v in got_apps.values()), 10 * sum(v[0] for v in ref_apps.values()),
             "every sampled packet is in an application, scaled")
    check_eq(set(got_apps) & {"DNS", "HTTP", "NetBIOS", "SSDP"}, set(ref_apps) & {"DNS", "HTTP", "NetBIOS", "SSDP"},
             "the applications found from 128-byte headers")
    e2 = {x["address"]: x for x in b["interface"]["collector"]["peers"]}["2001:db8::2"]
    check_eq((e2["packets"], e2["bytes"]), (10 * len(frames), 10 * sum(len(f) for f in frames)),
             "agent 2: packets and bytes scaled by the sampling rate")
    check_eq(b["interface"]["collector"]["listen"], f"[::1]:{port_b}", "agent 2 reached netlens over IPv6")

    # Bad input.
    bad = agents.get("127.0.0.3")
    check(bad is not None, "unreadable datagrams are counted under their sender's address")
    check_eq((bad["messages"], bad["malformed"]), (3, 3), "truncated, garbage and sFlow v4: malformed")
    check(bad.get("last_error"), f"the last malformation is named ({bad.get('last_error')})")
    odd = agents.get("192.0.2.99")
    check(odd is not None, "the agent with unknown formats is known by its address")
    check_eq((odd["messages"], odd["skipped_records"], odd["malformed"], odd["flows"]), (1, 3, 0, 1),
             "unknown sample format, record format and header protocol: skipped and counted")
    check_eq(coll_a["malformed"], 3, "collector-wide malformed datagrams")
    check_eq((coll_a["messages"], coll_a["flows"]), (len(full.datagrams) + 4, len(frames) + 1),
             "collector-wide datagrams and flow samples (agent 1's, and the odd agent's one)")


if __name__ == "__main__":
    nltest.main(body, __doc__)
