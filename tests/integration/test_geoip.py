#!/usr/bin/env python3
"""Geolocation, AS numbers and MAC vendors against independent answers:
- public addresses of corpus captures get the country and AS number that Debian's
  `mmdblookup` (mmdb-bin) reads from the installed databases (data/geoip/db, made by
  scripts/install-geoip.sh);
- both database layouts are read: small files in MaxMind's layout and in ip-location-db's flat
  layout, written here with Debian's libmaxmind-db-writer-perl, give their hosts what they say;
- MAC vendors of local hosts are the most specific IEEE block of /usr/share/ieee-data's listings
  (parsed here);
- AS and country entities (dump and REST API) total exactly what their hosts and flows do."""
import csv
import glob
import json
import os
import subprocess
import time
import urllib.request

import nltest
from nltest import Failure, Skip, check, check_eq

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DB_DIR = os.path.join(REPO, "data", "geoip", "db")
CAPTURES = ["1kxun.pcap", "instagram.pcap", "anydesk-2.pcap", "teams.pcap"]


def is_public(ip):
    if ":" in ip:
        return not (ip.startswith("fe80") or ip.startswith("ff") or ip.startswith("fd") or ip.startswith("fc") or ip == "::")
    a = [int(x) for x in ip.split(".")]
    return not (a[0] in (0, 10, 127) or a[0] >= 224 or (a[0] == 172 and 16 <= a[1] < 32) or (a[0] == 192 and a[1] == 168)
                or (a[0] == 169 and a[1] == 254) or (a[0] == 100 and 64 <= a[1] < 128))


def mmdblookup(path, ip, *keys):
    """One value from mmdblookup's output, or None when the address or the key is not there."""
    p = subprocess.run(["mmdblookup", "--file", path, "--ip", ip, *keys], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=30)
    out = p.stdout.strip()
    if p.returncode != 0 or not out or "Could not find" in out or "No data was found" in p.stderr:
        return None
    value = out.split("<")[0].strip()
    return value[1:-1] if value.startswith('"') else value


def expected_geo(files, ip):
    """Country and AS of an address the way a reader of these files in name order sees it: the
    first file that has a field gives it (mmdblookup, keys of either layout)."""
    country = asn = None
    for f in files:
        if country is None:
            c = mmdblookup(f, ip, "country_code") or mmdblookup(f, ip, "country", "iso_code")
            if c and len(c) == 2 and c.isalpha() and c.upper() != "ZZ":
                country = c.upper()
        if asn is None:
            a = mmdblookup(f, ip, "autonomous_system_number")
            if a and int(a) > 0:
                asn = int(a)
    return country, asn


def write_mmdb(tmp, name, ip_version, records, types):
    """records: [(network CIDR, dict)] -> a .mmdb written with MaxMind::DB::Writer."""
    spec = os.path.join(tmp, name + ".json")
    with open(spec, "w") as fh:
        json.dump({"records": records, "types": types, "ip_version": ip_version, "type": name}, fh)
    out = os.path.join(tmp, name + ".mmdb")
    script = r'''
use strict; use warnings; use JSON::PP; use MaxMind::DB::Writer::Tree;
local $/; open(my $fh, "<", $ARGV[0]) or die; my $s = decode_json(<$fh>);
my %types = %{$s->{types}};
my $t = MaxMind::DB::Writer::Tree->new(ip_version => $s->{ip_version}, record_size => 24,
  database_type => $s->{type}, languages => ["en"], description => {en => "netlens test"},
  map_key_type_callback => sub { $types{$_[0]} // "utf8_string" }, remove_reserved_networks => 0);
for my $r (@{$s->{records}}) { $t->insert_network($r->[0], $r->[1]); }
open(my $o, ">:raw", $ARGV[1]) or die; $t->write_tree($o); close $o;
'''
    p = subprocess.run(["perl", "-e", script, spec, out], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise Failure(f"cannot write {out}: {p.stderr.strip()}")
    return out


def ieee_vendors():
    blocks = {}
    for name in ("oui.csv", "mam.csv", "oui36.csv", "iab.csv"):
        path = os.path.join("/usr/share/ieee-data", name)
        if not os.path.exists(path):
            continue
        with open(path, newline="", encoding="utf-8", errors="replace") as fh:
            for row in csv.reader(fh):
                if len(row) < 3 or row[0] == "Registry":
                    continue
                hexa = row[1].strip().upper()
                if len(hexa) in (6, 7, 9) and all(c in "0123456789ABCDEF" for c in hexa) and row[2].strip():
                    blocks.setdefault(hexa, row[2].strip())
    return blocks


def vendor_of(blocks, mac):
    h = mac.replace(":", "").upper()
    for n in (9, 7, 6):
        if h[:n] in blocks:
            return blocks[h[:n]]
    return None


def entity_totals(doc, key):
    """What the AS/country entities must hold, from the dump's hosts and flows."""
    by_ip = {(h["ip"], h["vlan"]): h for h in doc["hosts"]}
    app_names = {a["id"]: a["name"] for a in doc["applications"]}
    t = {}
    for h in doc["hosts"]:
        k = h.get(key)
        if k is None:
            continue
        e = t.setdefault(k, {"hosts": 0, "sent": 0, "received": 0, "flows": 0, "apps": {}})
        e["hosts"] += 1
        e["sent"] += h["sent"]["bytes"]
        e["received"] += h["received"]["bytes"]
    for f in doc["flows"]:
        ends = {by_ip.get((f["client_ip"], f["vlan"]), {}).get(key), by_ip.get((f["server_ip"], f["vlan"]), {}).get(key)} - {None}
        for k in ends:
            t[k]["flows"] += 1
            if f["detection_final"]:
                name = app_names[f["app_id"]]
                t[k]["apps"][name] = t[k]["apps"].get(name, 0) + f["cli2srv_bytes"] + f["srv2cli_bytes"]
    return t


def entity_view(e):
    return {"hosts": e["hosts"], "sent": e["sent"]["bytes"], "received": e["received"]["bytes"], "flows": e["flows"],
            "apps": {a["name"]: a["bytes"] for a in e["applications"]}}


def body(args, tmp):
    files = sorted(glob.glob(os.path.join(DB_DIR, "*.mmdb")))
    if not files:
        raise Skip(f"no database in {DB_DIR}: run scripts/install-geoip.sh")
    if subprocess.run(["sh", "-c", "command -v mmdblookup && perl -MMaxMind::DB::Writer::Tree -e 1"],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        raise Skip("mmdb-bin or libmaxmind-db-writer-perl is missing (scripts/install-deps.sh test)")

    print("installed databases: country and AS of public addresses as mmdblookup reads them")
    docs = {}
    for name in CAPTURES:
        docs[name] = nltest.netlens_file(args, os.path.join(args.pcaps, name), os.path.join(tmp, name + ".json"),
                                         "-m", "192.168.0.0/16,10.0.0.0/8,172.16.0.0/12")
    public = []
    for name, doc in docs.items():
        for h in doc["hosts"]:
            if is_public(h["ip"]) and h["ip"] not in [p[1]["ip"] for p in public]:
                public.append((name, h))
    check(len(public) >= 30, f"the captures have public addresses ({len(public)})")
    sample = public[:: max(1, len(public) // 40)][:40]
    located = with_asn = 0
    for name, h in sample:
        country, asn = expected_geo(files, h["ip"])
        got = (h.get("country"), h.get("asn"))
        if got != (country, asn):
            raise Failure(f"{name}: {h['ip']}: netlens says country/AS {got}, mmdblookup {(country, asn)}")
        located += country is not None
        with_asn += asn is not None
        if country is not None:
            check("latitude" in h and "longitude" in h, f"{h['ip']} has coordinates")
    check(located >= len(sample) * 3 // 4, f"{located} of {len(sample)} sampled public addresses have the country mmdblookup gives")
    check(with_asn >= len(sample) * 3 // 4, f"{with_asn} of {len(sample)} have the AS number mmdblookup gives")
    google = [h for _, h in public if h["ip"] == "8.8.8.8"]
    if google:
        check_eq((google[0].get("asn"), google[0].get("as_name")), (15169, "Google LLC"), "8.8.8.8 (1kxun.pcap)")
    for h in docs["1kxun.pcap"]["hosts"]:
        if not is_public(h["ip"]):
            check("country" not in h and "asn" not in h, f"private {h['ip']} has no geolocation")
            break

    print("both layouts: MaxMind's and the flat one, files written here")
    doc = docs["1kxun.pcap"]
    ips = [h["ip"] for h in doc["hosts"] if is_public(h["ip"]) and ":" not in h["ip"]][:2]
    check(len(ips) == 2, "two public IPv4 hosts in 1kxun.pcap")
    mm_dir = os.path.join(tmp, "layouts")
    os.mkdir(mm_dir)
    write_mmdb(mm_dir, "a-maxmind-city", 6, [[ips[0] + "/32", {
        "country": {"iso_code": "NO", "names": {"en": "Norway (test)"}},
        "city": {"names": {"en": "Testby"}},
        "location": {"latitude": 60.5, "longitude": 7.25}}]],
        {"country": "map", "names": "map", "city": "map", "location": "map", "latitude": "double", "longitude": "double"})
    write_mmdb(mm_dir, "b-maxmind-asn", 6, [[ips[0] + "/32", {"autonomous_system_number": 64500, "autonomous_system_organization": "Test AS One"}]],
               {"autonomous_system_number": "uint32"})
    write_mmdb(mm_dir, "c-flat-city", 4, [[ips[1] + "/32", {"country_code": "CL", "city": "Flatville", "latitude": -33.5, "longitude": -70.75}]],
               {"latitude": "float", "longitude": "float"})
    d2 = nltest.netlens_file(args, os.path.join(args.pcaps, "1kxun.pcap"), os.path.join(tmp, "layouts.json"), "--geoip-dir", mm_dir)
    hosts = {h["ip"]: h for h in d2["hosts"]}
    pick = lambda h: {k: h.get(k) for k in ("country", "city", "latitude", "longitude", "asn", "as_name")}
    check_eq(pick(hosts[ips[0]]), {"country": "NO", "city": "Testby", "latitude": 60.5, "longitude": 7.25, "asn": 64500, "as_name": "Test AS One"},
             f"{ips[0]} from the MaxMind-layout files")
    check_eq(pick(hosts[ips[1]]), {"country": "CL", "city": "Flatville", "latitude": -33.5, "longitude": -70.75, "asn": None, "as_name": None},
             f"{ips[1]} from the flat-layout file")
    others = [h["ip"] for h in d2["hosts"] if h["ip"] not in ips and ("country" in h or "asn" in h)]
    check_eq(others, [], "no other host is located")
    check_eq([(c["country"], c.get("name")) for c in sorted(d2["countries"], key=lambda c: c["country"])],
             [("CL", None), ("NO", "Norway (test)")], "country entities (names from MaxMind's layout only)")
    check_eq(d2["interface"]["geolocation"]["lookups"], len(d2["hosts"]), "one lookup per host created")

    print("MAC vendors of local hosts from the IEEE listings")
    blocks = ieee_vendors()
    check(len(blocks) > 30000, f"IEEE listings read here ({len(blocks)} blocks)")
    seen = 0
    for name, doc in docs.items():
        for h in doc["hosts"]:
            if not h["local"] or "mac" not in h:
                continue
            seen += 1
            if h.get("mac_vendor") != vendor_of(blocks, h["mac"]):
                raise Failure(f"{name}: {h['ip']} {h['mac']}: netlens says {h.get('mac_vendor')!r}, the listing {vendor_of(blocks, h['mac'])!r}")
    check(seen >= 5, f"{seen} local hosts with a MAC address have the listing's vendor")
    named = sum(1 for doc in docs.values() for h in doc["hosts"] if h.get("mac_vendor"))
    check(named >= 3, f"{named} have a vendor")

    print("AS and country entities total what their hosts and flows do")
    for name, doc in docs.items():
        for key, list_key, id_key in (("asn", "asns", "asn"), ("country", "countries", "country")):
            want = entity_totals(doc, key)
            got = {e[id_key]: entity_view(e) for e in doc[list_key]}
            for k, e in want.items():
                e["apps"] = {a: b for a, b in e["apps"].items()}
            if got != want:
                diff = {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
                raise Failure(f"{name}: {list_key} differ from their hosts: {nltest.short(diff, 800)}")
            print(f"  ok: {name}: {len(got)} {list_key} equal their hosts' totals")

    # Hosts that leave the tables (short idle timeouts) and come back: their entities keep what
    # they did, so their traffic is that of the run where nothing expires. (Flows and
    # applications differ: a flow that expires and goes on is a new flow, maybe undetected.)
    print("AS and country entities keep the traffic of hosts that expire")
    for name in CAPTURES[:2]:
        expiring = nltest.netlens_file(args, os.path.join(args.pcaps, name), os.path.join(tmp, name + ".expiring.json"),
                                       "-m", "192.168.0.0/16,10.0.0.0/8,172.16.0.0/12", "--flow-idle-timeout", "1",
                                       "--local-host-idle-timeout", "1", "--remote-host-idle-timeout", "1")
        check(expiring["interface"]["hosts"]["expired"] > 10,
              f"{name}: hosts expire ({expiring['interface']['hosts']['expired']})")
        for list_key, id_key in (("asns", "asn"), ("countries", "country")):
            def lasting(doc):
                return {e[id_key]: (e["sent"], e["received"]) for e in doc[list_key]}
            check_eq(lasting(expiring), lasting(docs[name]), f"{name}: {list_key}' traffic")
            check(sum(e["hosts"] for e in expiring[list_key]) < sum(e["hosts"] for e in docs[name][list_key]),
                  f"{name}: {list_key} count only the hosts still in the tables")

    print("REST API: /asns, /countries and the hosts drill-down")
    port = free_port()
    proc = nltest.start([args.netlens, "-q", "-i", os.path.join(args.pcaps, "1kxun.pcap"), "-m", "192.168.0.0/16",
                         "-w", f"127.0.0.1:{port}", "--disable-login", "-d", os.path.join(tmp, "data")])
    try:
        get = lambda p: json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1{p}", timeout=10))
        deadline = time.monotonic() + 15
        last = None
        while True:
            try:
                n = get("/interfaces")[0].get("packets")
                if n and n == last:
                    break
                last = n
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise Failure("the API did not answer")
            time.sleep(0.2)
        dump = docs["1kxun.pcap"]
        asns = get("/interfaces/0/asns?per_page=1000&sort=name&order=asc")
        check_eq(asns["total"], len(dump["asns"]), "/asns total")
        check_eq(sorted(a["asn"] for a in asns["asns"]), sorted(a["asn"] for a in dump["asns"]), "/asns lists the dump's ASes")
        by_bytes = get("/interfaces/0/asns?per_page=3")
        check_eq([a["bytes"] for a in by_bytes["asns"]], sorted((a["bytes"] for a in dump["asns"]), reverse=True)[:3], "/asns sorted by traffic, paged")
        hosts = get("/interfaces/0/hosts?per_page=1000")["hosts"]
        for a in asns["asns"]:
            mine = get(f"/interfaces/0/hosts?asn={a['asn']}&per_page=1000")["hosts"]
            check(len(mine) == a["hosts"] and all(h["asn"] == a["asn"] for h in mine)
                  and sum(h["sent"]["bytes"] for h in mine) == a["sent"]["bytes"]
                  and sum(h["received"]["bytes"] for h in mine) == a["received"]["bytes"],
                  f"AS{a['asn']}: {a['hosts']} hosts and their traffic (hosts?asn=)")
        countries = get("/interfaces/0/countries?per_page=1000")["countries"]
        for c in countries:
            mine = [h for h in hosts if h.get("country") == c["country"]]
            check(len(mine) == c["hosts"] and sum(h["sent"]["bytes"] + h["received"]["bytes"] for h in mine) == c["bytes"],
                  f"{c['country']}: {c['hosts']} hosts and their traffic")
            check_eq(get(f"/interfaces/0/hosts?country={c['country'].lower()}&per_page=1")["total"], c["hosts"], f"hosts?country={c['country'].lower()}")
        one = get(f"/interfaces/0/asns/AS{asns['asns'][0]['asn']}")
        check_eq(one, asns["asns"][0], "/asns/{asn}")
        check_eq(get(f"/interfaces/0/countries/{countries[0]['country']}"), countries[0], "/countries/{code}")
        for bad in ("/interfaces/0/asns/xyz", "/interfaces/0/countries/ABC", "/interfaces/0/hosts?country=X", "/interfaces/0/asns?sort=nope"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1{bad}", timeout=10)
                raise Failure(f"GET {bad} answered 200")
            except urllib.error.HTTPError as e:
                check_eq(e.code, 400, f"GET {bad}")
        gm = get("/interfaces/0/geomap")
        check(gm["hosts_located"] == sum(1 for h in hosts if "latitude" in h) and len(gm["hosts"]) > 0, "/geomap: the located hosts")
        check_eq(gm["flows"], [], "/geomap: no flow between two located hosts in this capture")
        gh = get("/interfaces/0/geomap?home=-33.9,18.4&flows=5000&hosts=5000")
        at_home = [h for h in gh["hosts"] if h.get("at_home")]
        check(at_home and all(h["local"] and (h["latitude"], h["longitude"]) == (-33.9, 18.4) for h in at_home),
              f"/geomap?home=: {len(at_home)} local hosts without a location drawn at home")
        local_ips = {h["ip"] for h in hosts if h["local"]}
        located_ips = {h["ip"] for h in hosts if "latitude" in h}
        want = sum(1 for f in get("/interfaces/0/flows?per_page=1000")["flows"]
                   if {f["client_ip"], f["server_ip"]} <= (local_ips | located_ips) and f["client_ip"] != f["server_ip"])
        check_eq(len(gh["flows"]), want, "/geomap?home=: flows whose two ends are placed")
    finally:
        nltest.stop(proc)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    nltest.main(body, __doc__)
