#!/usr/bin/env python3
"""-U: netlens drops root privileges once its sources and its dump file are open. With -U nobody
the packet threads run as nobody (uid and gid, read from /proc while it runs), and the dump is
still written into a directory only root can write to, with the same content as a run as root;
for one interface, for two (the merged document), and for a live capture."""
import os
import pwd
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
import nltest  # noqa: E402
from nltest import check, check_eq

CAPTURES = ["starcraft_battle.pcap", "wa_voice.pcap"]


def ids(pid):
    """(real, effective, saved, fs) uids and gids, and the supplementary groups, of every thread."""
    out = []
    for tid in sorted(os.listdir(f"/proc/{pid}/task")):
        fields = {}
        with open(f"/proc/{pid}/task/{tid}/status") as fh:
            for line in fh:
                k, _, v = line.partition(":")
                fields[k] = v.split()
        out.append((tuple(map(int, fields["Uid"])), tuple(map(int, fields["Gid"])), tuple(fields.get("Groups", []))))
    return out


def main_uids(pid):
    """(real, effective, saved, fs) uids of the process (its main thread)."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("Uid:"):
                return tuple(map(int, line.split()[1:5]))
    return None


def wait_dropped(proc, uids, what):
    """Threads started before the drop (web, writers, resolvers) exist before -U takes effect:
    waits for the drop itself (the process's ids); the caller then looks at every thread."""
    nltest.wait_for(f"{what}: the process runs as nobody",
                    lambda: main_uids(proc.pid) == uids if proc.poll() is None else True, timeout=10)


def run_as_nobody(args, tmp, srcs, out, nobody, what, live_ns=None):
    cmd = [args.netlens, "-q", "-U", "nobody", "--dump-json", out]
    for s in srcs:
        cmd += ["-i", s]
    if live_ns:
        cmd = ["ip", "netns", "exec", live_ns] + cmd
    proc = nltest.start(cmd)
    try:
        nltest.wait_running(proc)
        want_uid, want_gid = (nobody.pw_uid,) * 4, (nobody.pw_gid,) * 4
        wait_dropped(proc, want_uid, what)
        got = ids(proc.pid)
        check_eq({g[0] for g in got}, {want_uid}, f"{what}: every thread's real/effective/saved/fs uid is nobody's")
        check_eq({g[1] for g in got}, {want_gid}, f"{what}: every thread's gids are nobody's group")
        check("0" not in {x for g in got for x in g[2]}, f"{what}: no root supplementary group", repr(got))
        rc, took, _, err = nltest.stop(proc, signal.SIGTERM)
        check_eq(rc, 0, f"{what}: exits 0 on SIGTERM ({err.strip()[:200]})")
    finally:
        nltest.kill_quietly(proc)
    return nltest.load_dump(out)


def body(args, tmp):
    if os.geteuid() != 0:
        raise nltest.Skip("not root: -U needs root privileges to drop")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        raise nltest.Skip("there is no user nobody")
    locked = os.path.join(tmp, "root-only")
    os.mkdir(locked, 0o700)
    paths = [os.path.join(args.pcaps, n) for n in CAPTURES]
    refs = [nltest.netlens_file(args, p, os.path.join(tmp, n + ".json")) for n, p in zip(CAPTURES, paths)]

    # A file without --shutdown-when-done: netlens keeps running after the end of the file, so its
    # threads can be looked at.
    out = os.path.join(locked, "one.json")
    doc = run_as_nobody(args, tmp, paths[:1], out, nobody, "-U nobody, one file")
    check_eq(nltest.totals(doc), nltest.totals(refs[0]), "the dump in the root-only directory has the root run's totals")
    check_eq(nltest.flow_rows(doc), nltest.flow_rows(refs[0]), "and its flows")
    check_eq(os.stat(out).st_uid, 0, "the dump file was created by root (before dropping privileges)")

    out = os.path.join(locked, "two.json")
    doc = run_as_nobody(args, tmp, paths, out, nobody, "-U nobody, two files")
    check_eq(len(doc.get("interfaces", [])), 2, "the merged document has both interfaces")
    for part, ref, n in zip(doc["interfaces"], refs, CAPTURES):
        check_eq(nltest.flow_rows(part), nltest.flow_rows(ref), f"{n}: flows equal the root run's")
    check_eq(sorted(os.listdir(locked)), ["one.json", "two.json"], "no partial dump files left behind")

    # Live, on the loopback device of a namespace of its own, with known traffic.
    nltest.require_netns()
    ns = nltest.isolated_ns("us")
    try:
        out = os.path.join(locked, "live.json")
        cmd = ["ip", "netns", "exec", ns, args.netlens, "-q", "-U", "nobody", "-i", "lo", "--dump-json", out]
        proc = nltest.start(cmd)
        try:
            nltest.wait_running(proc)
            wait_dropped(proc, (nobody.pw_uid,) * 4, "-U nobody, live lo")
            got = ids(proc.pid)
            check_eq({g[0] for g in got}, {(nobody.pw_uid,) * 4}, "-U nobody, live lo: every thread runs as nobody")
            n, b = nltest.send_udp_in_ns(ns, 41000, 12, 200)
            time.sleep(0.5)
            rc, took, _, err = nltest.stop(proc, signal.SIGTERM)
            check_eq(rc, 0, f"-U nobody, live lo: exits 0 on SIGTERM ({err.strip()[:200]})")
        finally:
            nltest.kill_quietly(proc)
    finally:
        nltest.run(["ip", "netns", "del", ns])
    doc = nltest.load_dump(out)
    f = nltest.udp_flow(doc, 41000)
    check(f is not None, "-U nobody, live lo: the UDP flow is in the dump")
    check_eq((f["cli2srv_packets"] + f["srv2cli_packets"], f["cli2srv_bytes"] + f["srv2cli_bytes"]), (n, b),
             "-U nobody, live lo: the capture kept working after the privileges were dropped")


if __name__ == "__main__":
    nltest.main(body, __doc__)
