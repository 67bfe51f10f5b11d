#!/usr/bin/env python3
"""Live capture for real: a corpus capture replayed with tcpreplay over a veth pair between two
network namespaces is counted by netlens capturing live on the far end exactly as netlens counts
the same capture read as a file: interface totals, per-application and per-flow packets and bytes.

The capture (iphone.pcap by default) holds only ordinary Ethernet frames (IPv4, IPv6, ARP,
EAPOL; no VLAN tags, none longer than 1514 bytes, no frame truncated by the snap length) and a
dozen applications. tcpreplay is pinned to one CPU so that the frames reach the receiving
namespace in the order of the file.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
import nltest  # noqa: E402
from nltest import check, check_eq

CAPTURE = "iphone.pcap"


def ensure_tcpreplay():
    if shutil.which("tcpreplay"):
        return
    print("tcpreplay missing: installing it with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    def install():
        return subprocess.run(["apt-get", "install", "-y", "-q", "tcpreplay"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    p = install()
    if p.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=300)
        p = install()
    if p.returncode != 0 or not shutil.which("tcpreplay"):
        raise nltest.Failure("tcpreplay is missing and could not be installed: " + p.stdout[-800:])


def body(args, tmp):
    nltest.require_netns()
    ensure_tcpreplay()
    pcap = os.path.join(args.pcaps, CAPTURE)
    want_packets, want_bytes = nltest.capinfos(pcap)
    print(f"{CAPTURE}: {want_packets} packets, {want_bytes} bytes (capinfos)")
    ref = nltest.netlens_file(args, pcap, os.path.join(tmp, "file.json"))
    check_eq((ref["interface"]["packets"], ref["interface"]["bytes"]), (want_packets, want_bytes),
             "netlens reading the file counts what capinfos counts")

    veth = nltest.VethPair("lc")
    proc = None
    try:
        out = os.path.join(tmp, "live.json")
        proc = nltest.start(veth.exec_cmd(veth.ns_b, [args.netlens, "-i", veth.vb, "--dump-json", out,
                                                      "--status-interval", "0"]))
        nltest.wait_running(proc)
        before = veth.counter(veth.ns_b, veth.vb, "rx_packets")
        check_eq(before, 0, f"nothing reached {veth.vb} before the replay")

        cmd = ["tcpreplay", "-q", "-i", veth.va, "--topspeed", pcap]
        if shutil.which("taskset"):
            cmd = ["taskset", "-c", str(min(os.sched_getaffinity(0)))] + cmd
        rp = nltest.run(veth.exec_cmd(veth.ns_a, cmd), timeout=60)
        check(rp.returncode == 0, "tcpreplay replayed the capture", rp.stderr.strip() + rp.stdout[-300:])

        # Wait until the receiving end has seen every frame, then give the capture ring time to
        # hand the last block over (libpcap's read timeout is 100 ms).
        deadline = time.monotonic() + 10
        while veth.counter(veth.ns_b, veth.vb, "rx_packets") < want_packets and time.monotonic() < deadline:
            time.sleep(0.05)
        check_eq(veth.counter(veth.ns_b, veth.vb, "rx_packets"), want_packets,
                 f"{veth.vb} received every replayed frame")
        check_eq(veth.counter(veth.ns_b, veth.vb, "rx_bytes"), want_bytes,
                 f"{veth.vb} received every replayed byte (nothing added or stripped)")
        time.sleep(1.0)
        check_eq(veth.counter(veth.ns_b, veth.vb, "tx_packets"), 0,
                 f"namespace B sent nothing on {veth.vb} (no pollution of the count)")

        rc, took, _, err = nltest.stop(proc, signal.SIGTERM)
        check_eq(rc, 0, f"netlens exits 0 on SIGTERM ({took:.2f} s)")
        live = nltest.load_dump(out)
    finally:
        nltest.kill_quietly(proc)
        veth.close()
    check(not os.path.exists(f"/var/run/netns/{veth.ns_a}") and not os.path.exists(f"/var/run/netns/{veth.ns_b}"),
          "the namespaces are gone")

    li = live["interface"]
    check_eq(li["name"], veth.vb, "the dump names the live device")
    check_eq(li["drops"], {"kernel": 0, "interface": 0, "engine": 0}, "no drops")
    check_eq((li["packets"], li["bytes"]), (want_packets, want_bytes), "live totals equal the replayed capture's")
    check_eq(nltest.totals(live), nltest.totals(ref), "live IPv4/IPv6/non-IP/decode-error totals equal the file run's")
    check_eq(nltest.apps(live), nltest.apps(ref), "live per-application packets, bytes and flows equal the file run's")
    check_eq(nltest.flow_traffic_by_key(live), nltest.flow_traffic_by_key(ref),
             "live per-flow packets and bytes equal the file run's")
    check_eq(nltest.flow_rows(live), nltest.flow_rows(ref),
             "live flows have the same client/server, application and per-direction counts as the file run's")


if __name__ == "__main__":
    nltest.main(body, __doc__)
