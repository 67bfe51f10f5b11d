#!/usr/bin/env python3
"""Host names and OS learned from traffic, against expectations computed independently with
tshark from the same corpus captures: DNS answers (A/AAAA name the address after the queried
name, PTR answers name the reverse name's address), TLS SNI and HTTP Host (the server's names),
NetBIOS name service records and DHCP host names (the client's own name)."""
import ipaddress
import os
import shutil

import nltest
from nltest import Failure, Skip, check, check_eq


def tshark(pcap, display_filter, *fields):
    cmd = ["tshark", "-n", "-r", pcap, "-Y", display_filter, "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=|"]
    for f in fields:
        cmd += ["-e", f]
    p = nltest.run(cmd, timeout=60)
    if p.returncode != 0:
        raise Failure(f"tshark failed on {pcap}: {p.stderr.strip()[:300]}")
    rows = []
    for line in p.stdout.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(fields) - len(cols))
        rows.append([c.split("|") if c else [] for c in cols])
    return rows


def norm(ip):
    return str(ipaddress.ip_address(ip))


def reverse_address(name):
    name = name.lower()
    if name.endswith(".in-addr.arpa"):
        parts = name[: -len(".in-addr.arpa")].split(".")
        if len(parts) == 4:
            return ".".join(reversed(parts))
    if name.endswith(".ip6.arpa"):
        nibbles = name[: -len(".ip6.arpa")].split(".")
        if len(nibbles) == 32:
            h = "".join(reversed(nibbles))
            return norm(":".join(h[i:i + 4] for i in range(0, 32, 4)))
    return None


def printable(s):
    return s and all(0x21 <= ord(c) < 0x7F for c in s)


def expected_dns(pcap):
    """address -> the name of the last DNS answer that named it (in capture order)."""
    names = {}
    rows = tshark(pcap, "udp.srcport == 53 && dns.flags.response == 1 && dns.flags.opcode == 0",
                  "dns.qry.name", "dns.qry.type", "dns.a", "dns.aaaa", "dns.ptr.domain_name", "dns.resp.name")
    for qname, qtype, a, aaaa, ptr, resp in rows:
        q = qname[0] if qname else ""
        if qtype and qtype[0] == "12":
            addr = reverse_address(q)
            good = [p for p in ptr if printable(p)]
            if addr and good and all(reverse_address(r) in (None, addr) for r in resp):
                names[norm(addr)] = good[-1]
            continue
        if not printable(q):
            continue  # netlens then names after each record's owner: not compared here
        for addr in a + aaaa:
            names[norm(addr)] = q
    return names


def expected_servers(pcap, display_filter, fields):
    """server address -> every name clients asked it for (SNI or Host)."""
    out = {}
    for dst4, dst6, *names in tshark(pcap, display_filter, "ip.dst", "ipv6.dst", *fields):
        dst = (dst4 or dst6)
        name = next((n for n in names if n), None)
        if not dst or not name:
            continue
        host = name[0]
        if fields == ("http.host",) and host.count(":") == 1:
            host = host.split(":")[0]
        out.setdefault(norm(dst[-1]), set()).add(host)
    return out


def hosts_by_ip(doc):
    return {norm(h["ip"]): h for h in doc["hosts"] if h["vlan"] == 0}


def body(args, tmp):
    if not shutil.which("tshark"):
        raise Skip("tshark is not installed")
    pcaps = args.pcaps

    # DNS answers, in captures full of them (CNAME chains, AAAA, odd names).
    dns_total = 0
    for name in ["dns_ambiguous_names.pcap", "iphone.pcap", "dns-tunnel-iodine.pcap", "dns_exfiltration.pcap",
                 "dns_long_domainname.pcap", "dns-invalid-chars.pcap", "teams.pcap", "1kxun.pcap",
                 "alexa-app.pcapng", "viber.pcap", "wechat.pcap", "nintendo.pcap"]:
        pcap = os.path.join(pcaps, name)
        expected = expected_dns(pcap)
        doc = nltest.netlens_file(args, pcap, os.path.join(tmp, name + ".json"))
        hosts = hosts_by_ip(doc)
        got = {ip: h["names"]["dns"] for ip, h in hosts.items() if "dns" in h.get("names", {})}
        # Every address that became a host and that DNS named carries the name of the last
        # answer; no host carries a DNS name that no answer gave it.
        want = {ip: n for ip, n in expected.items() if ip in hosts}
        check_eq(got, want, f"{name}: DNS names of hosts ({len(want)} named by answers)")
        check(doc["interface"]["names"]["dns_responses"] > 0 or not expected, f"{name}: DNS responses counted")
        dns_total += len(want)
    check(dns_total >= 50, f"DNS named {dns_total} hosts over the captures")

    # TLS SNI and HTTP Host: the server host carries a name a client asked it for.
    sni_total = http_total = 0
    for name in ["iphone.pcap", "tls_esni_sni_both.pcap", "facebook.pcap", "http_ipv6.pcap", "aimini-http.pcap",
                 "instagram.pcap", "youtube_quic.pcap", "log4j-webapp-exploit.pcap", "exe_download.pcap"]:
        pcap = os.path.join(pcaps, name)
        doc = nltest.netlens_file(args, pcap, os.path.join(tmp, name + ".json"))
        hosts = hosts_by_ip(doc)
        # TLS and QUIC (IETF QUIC's Initial and Google QUIC's CHLO, both readable by tshark).
        for source, flt, fields in [("tls_sni", "tls.handshake.type == 1 || gquic.tag.sni",
                                     ("tls.handshake.extensions_server_name", "gquic.tag.sni")),
                                    ("http_host", "http.request && tcp", ("http.host",))]:
            expected = expected_servers(pcap, flt, fields)
            got = {ip: h["names"][source] for ip, h in hosts.items() if source in h.get("names", {})}
            wrong = {ip: n for ip, n in got.items() if n not in expected.get(ip, set())}
            check(not wrong, f"{name}: every {source} name was asked of that server", f"not asked: {wrong}")
            if source == "tls_sni":
                sni_total += len(got)
            else:
                http_total += len(got)
            # The servers tshark saw asked by name, and netlens named (nDPI decides; QUIC is
            # encrypted for tshark, so only the TLS ones count here).
            missing = [ip for ip in expected if ip in hosts and ip not in got]
            check(len(missing) <= len(expected) // 4, f"{name}: {source}: at most a quarter of the "
                  f"{len(expected)} named servers unnamed", f"unnamed: {missing}")
    check(sni_total >= 10 and http_total >= 5, f"TLS SNI named {sni_total} servers, HTTP Host {http_total}")

    # NetBIOS name service: unique workstation/server names name their address.
    pcap = os.path.join(pcaps, "netbios.pcap")
    expected = {}
    for addr, nbname, group in tshark(pcap, "nbns.addr", "nbns.addr", "nbns.name", "nbns.nb_flags.group"):
        for a, n, g in zip(addr, nbname, group):
            base, _, rest = n.partition("<")
            suffix = rest[:2]
            if g in ("0", "False") and suffix in ("00", "20"):
                expected[norm(a)] = base.rstrip()
    doc = nltest.netlens_file(args, pcap, os.path.join(tmp, "netbios.json"))
    got = {ip: h["names"]["netbios"] for ip, h in hosts_by_ip(doc).items() if "netbios" in h.get("names", {})}
    check(len(expected) >= 2, f"tshark finds NetBIOS names: {expected}")
    check_eq(got, expected, "netbios.pcap: NetBIOS names")

    # DHCP: the client's host name names the address it asks for or is given; its request list
    # (1,121,3,6,15,119,252: no LDAP, no NetBIOS) says iOS, as its name suggests.
    pcap = os.path.join(pcaps, "iphone.pcap")
    expected = {}
    for req, your, hostname in tshark(pcap, "dhcp.option.hostname || dhcp.option.dhcp == 5",
                                      "dhcp.option.requested_ip_address", "dhcp.ip.your", "dhcp.option.hostname"):
        if hostname and req:
            expected[norm(req[0])] = hostname[0]
    doc = nltest.load_dump(os.path.join(tmp, "iphone.pcap.json"))
    hosts = hosts_by_ip(doc)
    got = {ip: h["names"]["dhcp"] for ip, h in hosts.items() if "dhcp" in h.get("names", {})}
    check_eq(got, expected, "iphone.pcap: DHCP host names")
    phone = hosts[next(iter(expected))]
    check_eq((phone.get("os"), phone.get("os_source")), ("iOS", "dhcp_fingerprint"), "iphone.pcap: the phone's OS")
    check_eq(phone["name"], expected[next(iter(expected))], "the DHCP name is the one shown")

    # -n none: nothing is decoded from DNS, mDNS, NetBIOS or DHCP.
    doc = nltest.netlens_file(args, os.path.join(pcaps, "iphone.pcap"), os.path.join(tmp, "none.json"), "-n", "none")
    sources = {s for h in doc["hosts"] for s in h.get("names", {})}
    check(not sources & {"dns", "mdns", "netbios", "dhcp"}, "-n none: no name decoded from DNS/mDNS/NetBIOS/DHCP",
          str(sources))

    # A capture of malformed DHCP: counted, no name, no crash.
    doc = nltest.netlens_file(args, os.path.join(pcaps, "dhcp-fuzz.pcapng"), os.path.join(tmp, "fuzz.json"))
    check(doc["interface"]["names"]["malformed"] >= 1, "dhcp-fuzz.pcapng: malformed DHCP counted")


if __name__ == "__main__":
    nltest.main(body, __doc__)
