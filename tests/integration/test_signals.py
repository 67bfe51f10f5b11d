#!/usr/bin/env python3
"""Signals. A live capture (on the loopback device of a namespace of its own, where the test sends a
known number of UDP datagrams) stopped with SIGINT or SIGTERM exits 0 within a few seconds and
writes a complete JSON document counting exactly those datagrams; SIGHUP reloads the nDPI files
and does not stop netlens; a capture file read without --shutdown-when-done stays on view after
its end and writes the same dump as with --shutdown-when-done when SIGTERM comes."""
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
import nltest  # noqa: E402
from nltest import check, check_eq

FILE_CAPTURE = "starcraft_battle.pcap"
PAYLOAD = 100
FRAME = 14 + 20 + 8 + PAYLOAD


def start_logged(cmd, log, **kw):
    fh = open(log, "w")
    try:
        return subprocess.Popen(cmd, stdout=fh, stderr=fh, **kw)
    finally:
        fh.close()


def read(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def stop_logged(proc, sig, log, within=5.0):
    t0 = time.monotonic()
    proc.send_signal(sig)
    try:
        proc.wait(timeout=within)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise nltest.Failure(f"netlens did not exit within {within} s of {signal.Signals(sig).name}: {read(log)[-400:]}")
    return proc.returncode, time.monotonic() - t0


def check_live_dump(out, port, packets, bytes_, what):
    doc = nltest.load_dump(out)
    check_eq(doc["interface"]["name"], "lo", f"{what}: the dump is complete and names lo")
    check_eq((doc["interface"]["packets"], doc["interface"]["bytes"]), (packets, bytes_),
             f"{what}: the interface counted exactly the datagrams sent")
    f = nltest.udp_flow(doc, port)
    check(f is not None, f"{what}: the UDP flow is in the dump")
    check_eq((f["cli2srv_packets"] + f["srv2cli_packets"], f["cli2srv_bytes"] + f["srv2cli_bytes"]),
             (packets, bytes_), f"{what}: the flow has every datagram")
    check_eq((f["client_port"], f["server_port"]), (port + 1, port), f"{what}: the sender is the client")
    return doc


def live_stop(args, tmp, ns, sig, port, ignore_sigint=False):
    name = signal.Signals(sig).name + (" (started with SIGINT ignored)" if ignore_sigint else "")
    print(f"live capture on lo stopped with {name}")
    out, log = os.path.join(tmp, f"live-{port}.json"), os.path.join(tmp, f"live-{port}.log")
    # A shell's background job starts with SIGINT ignored: netlens must still honour it.
    pre = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None
    proc = start_logged(["ip", "netns", "exec", ns, args.netlens, "-i", "lo", "--dump-json", out,
                         "--status-interval", "0"], log, preexec_fn=pre)
    try:
        nltest.wait_running(proc)
        n, b = nltest.send_udp_in_ns(ns, port, 25, PAYLOAD)
        time.sleep(0.5)
        rc, took = stop_logged(proc, sig, log)
        check_eq(rc, 0, f"{name}: exit code 0")
        check(took < 3, f"{name}: exited within 3 s ({took:.2f} s)")
    finally:
        nltest.kill_quietly(proc)
    check_live_dump(out, port, n, b, name)


def live_sighup(args, tmp, ns, port):
    print("live capture on lo: SIGHUP reloads the nDPI files and does not stop netlens")
    out, log = os.path.join(tmp, "hup.json"), os.path.join(tmp, "hup.log")
    ndpi = os.path.join(args.pcaps, "ndpi")
    proc = start_logged(["ip", "netns", "exec", ns, args.netlens, "-i", "lo", "--dump-json", out, "--status-interval",
                         "0", "--ndpi-protocols", os.path.join(ndpi, "protos.txt"),
                         "--ndpi-categories", os.path.join(ndpi, "categories.txt")], log)
    try:
        nltest.wait_running(proc)
        n1, b1 = nltest.send_udp_in_ns(ns, port, 10, PAYLOAD)
        proc.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        check(proc.poll() is None, "still running 1 s after SIGHUP", read(log)[-300:])
        proc.send_signal(signal.SIGHUP)
        n2, b2 = nltest.send_udp_in_ns(ns, port, 15, PAYLOAD)
        time.sleep(1.0)
        check(proc.poll() is None, "still running 1 s after a second SIGHUP (with traffic)", read(log)[-300:])
        rc, took = stop_logged(proc, signal.SIGTERM, log)
        check_eq(rc, 0, f"SIGTERM after SIGHUPs: exit code 0 ({took:.2f} s)")
    finally:
        nltest.kill_quietly(proc)
    check("SIGHUP" in read(log), "netlens said it reloads on SIGHUP", read(log)[-300:])
    doc = check_live_dump(out, port, n1 + n2, b1 + b2, "across SIGHUPs")
    check(doc["interface"]["ndpi_reloads"] >= 1, f"the nDPI files were reloaded ({doc['interface']['ndpi_reloads']})")


def file_stays(args, tmp):
    print(f"{FILE_CAPTURE} read without --shutdown-when-done")
    pcap = os.path.join(args.pcaps, FILE_CAPTURE)
    ref = nltest.netlens_file(args, pcap, os.path.join(tmp, "file-ref.json"))
    out, log = os.path.join(tmp, "file-stay.json"), os.path.join(tmp, "file-stay.log")
    proc = start_logged([args.netlens, "-i", pcap, "--dump-json", out, "--status-interval", "0"], log)
    try:
        deadline = time.monotonic() + 10
        while "end of capture" not in read(log) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        check("end of capture" in read(log), "netlens reports the end of the file", read(log)[-300:])
        time.sleep(1.0)
        check(proc.poll() is None, "still running 1 s after the end of the file")
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        check(proc.poll() is None, "still running after SIGHUP")
        rc, took = stop_logged(proc, signal.SIGTERM, log)
        check_eq(rc, 0, f"SIGTERM: exit code 0 ({took:.2f} s)")
        check(took < 3, f"exited within 3 s ({took:.2f} s)")
    finally:
        nltest.kill_quietly(proc)
    doc = nltest.load_dump(out)
    check_eq(nltest.totals(doc), nltest.totals(ref), "totals equal the --shutdown-when-done run's")
    check_eq(nltest.apps(doc), nltest.apps(ref), "applications equal the --shutdown-when-done run's")
    check_eq(nltest.flow_rows(doc), nltest.flow_rows(ref), "flows equal the --shutdown-when-done run's")


def body(args, tmp):
    file_stays(args, tmp)
    nltest.require_netns()
    ns = nltest.isolated_ns("sg")
    try:
        live_stop(args, tmp, ns, signal.SIGINT, 40000)
        live_stop(args, tmp, ns, signal.SIGTERM, 40010)
        live_stop(args, tmp, ns, signal.SIGINT, 40020, ignore_sigint=True)
        live_sighup(args, tmp, ns, 40030)
    finally:
        nltest.run(["ip", "netns", "del", ns])


if __name__ == "__main__":
    nltest.main(body, __doc__)
