#!/usr/bin/env python3
"""Split a perf profile of netlens into the stages of its pipeline.

  perf-breakdown.py PERF_DATA [--top N] [--ndpi-archive /usr/lib/x86_64-linux-gnu/libndpi.a]

PERF_DATA is a `perf record --call-graph dwarf` (or -g) recording of one netlens run (see
profile.sh beside this script). Every sample is put in one stage, from its call chain:

  1. phase frames anywhere in the chain decide first: the JSON dump (JsonDump::*), start-up
     (NetworkInterface/NdpiModule constructors, option parsing, the dynamic loader) and
     teardown (destructors after the run);
  2. otherwise the innermost frame that belongs to a stage names it: reading (libpcap,
     PcapSource), decoding (decodePacket), flow table (EntryTable<Flow>, FlowKey, createFlow),
     hosts (EntryTable<Host>, findOrCreateHost), nDPI (ndpi_*, every symbol of libndpi.a,
     libgcrypt, NdpiClassifier), host/application roll-up (rollUp, tick), per-packet
     accounting (processPacket, updateTcp: whatever the compiler inlined there, including
     the flow table lookup when it is inlined), packet loop (packetLoop);
  3. what is left is "other" (libc or kernel frames with no netlens caller in the chain).
Kernel time (page faults, read()) is charged to the stage that caused it.

Prints the share of samples of each stage (and nDPI's sub-parts), the share of the
end-of-capture finish() (flows finalised after the last packet), and the top self symbols.
"""
import collections
import re
import subprocess
import sys

PHASES = [
    ("JSON dump writing", re.compile(r"JsonDump::|netlens::write\w*Json|mergeDumps")),
    ("start-up", re.compile(r"NetworkInterface::NetworkInterface|NdpiModule::NdpiModule|"
                            r"NdpiClassifier::NdpiClassifier|parseOptions|_dl_start|dl_main|_dl_init|"
                            r"openPcapSource")),
    ("teardown", re.compile(r"NetworkInterface::~NetworkInterface|~NdpiModule|NdpiClassifier::~|"
                            r"__run_exit_handlers|~InterfaceRun|unique_ptr<netlens::NetworkInterface.*~")),
]
STAGES = [
    ("reading (libpcap)", re.compile(r"^pcap_|PcapSource::|^sf_|^pcap_next")),
    ("decoding", re.compile(r"decodePacket|Decoder::")),
    ("flow table (lookup/insert)", re.compile(r"EntryTable<netlens::Flow|FlowKey::|createFlow|evictOneFlow|"
                                              r"expireFlows|endFlow")),
    ("hosts (lookup/insert)", re.compile(r"EntryTable<netlens::Host|findOrCreateHost|HostKey|LocalHostStats|"
                                         r"evictOneHost|expireHosts|releaseHost|networkOf")),
    ("nDPI", None),  # decided by is_ndpi()
    ("host/application roll-up", re.compile(r"rollUp|NetworkInterface::tick|NetworkInterface::app\(")),
    ("per-packet accounting (processPacket)", re.compile(r"processPacket|updateTcp|advanceClock")),
    ("packet loop", re.compile(r"packetLoop")),
]
NDPI_PARTS = [
    ("detection: ndpi_detection_process_packet", re.compile(r"NdpiClassifier::process|ndpi_detection_process_packet")),
    ("extra dissection check", re.compile(r"NdpiClassifier::wantsMore|ndpi_extra_dissection_possible")),
    ("give up", re.compile(r"NdpiClassifier::giveUp|ndpi_detection_giveup")),
    ("details (FlowDetails)", re.compile(r"NdpiClassifier::details")),
    ("state alloc/free (begin/end)", re.compile(r"NdpiClassifier::begin|NdpiClassifier::end|ndpi_free_flow_data")),
]


def ndpi_symbols(archive):
    try:
        out = subprocess.run(["nm", "--defined-only", archive], capture_output=True, text=True).stdout
    except OSError:
        return set()
    return {line.split()[-1] for line in out.splitlines() if len(line.split()) == 3}


def samples(perf_data):
    """Yields call chains, innermost frame first, as lists of (symbol, dso)."""
    proc = subprocess.Popen(["perf", "script", "-i", perf_data, "-F", "comm,tid,ip,sym,dso"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            errors="replace")
    chain = []
    frame = re.compile(r"^\s+[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)\s*$")
    for line in proc.stdout:
        if not line.strip():
            if chain:
                yield chain
            chain = []
            continue
        m = frame.match(line)
        if m:
            sym = re.sub(r"\+0x[0-9a-f]+$", "", m.group(1))
            if sym == "(inlined)":
                continue
            chain.append((sym, m.group(2)))
    if chain:
        yield chain
    proc.wait()


def main(argv):
    args = argv[1:]
    top, archive = 25, "/usr/lib/x86_64-linux-gnu/libndpi.a"
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    if "--ndpi-archive" in args:
        i = args.index("--ndpi-archive")
        archive = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    ndpi_syms = ndpi_symbols(archive)

    def is_ndpi(sym, dso):
        base = sym.split("(")[0].split(".")[0]
        return (base in ndpi_syms or sym.startswith(("ndpi_", "NDPI_")) or "NdpiClassifier::" in sym
                or "libndpi" in dso or "libgcrypt" in dso)

    stage_n = collections.Counter()
    ndpi_n = collections.Counter()
    self_n = collections.Counter()
    finish_n = 0
    total = 0
    for chain in samples(args[0]):
        total += 1
        leaf_sym, leaf_dso = chain[0]
        self_n[(leaf_sym, leaf_dso.rsplit("/", 1)[-1])] += 1
        syms = [s for s, _ in chain]
        joined = "\n".join(syms)
        if re.search(r"NetworkInterface::finish\b|NetworkInterface::finish\(", joined) and "JsonDump" not in joined:
            finish_n += 1
        stage = None
        for name, rx in PHASES:
            if rx.search(joined):
                stage = name
                break
        if stage is None:
            for sym, dso in chain:
                if is_ndpi(sym, dso):
                    stage = "nDPI"
                    break
                for name, rx in STAGES:
                    if rx is not None and rx.search(sym):
                        stage = name
                        break
                if stage:
                    break
                if "libpcap" in dso:
                    stage = STAGES[0][0]
                    break
        stage = stage or "other (libc/kernel/loader without a netlens caller)"
        stage_n[stage] += 1
        if stage == "nDPI":
            part = "other nDPI (callers not resolved)"
            for name, rx in NDPI_PARTS:
                if rx.search(joined):
                    part = name
                    break
            ndpi_n[part] += 1

    if not total:
        print("perf-breakdown: no samples")
        return 1
    pct = lambda n: 100.0 * n / total
    print(f"{total} samples")
    print("stage                                          share")
    for name, n in stage_n.most_common():
        print(f"  {name:<44} {pct(n):5.1f}%")
        if name == "nDPI":
            for part, m in ndpi_n.most_common():
                print(f"    {part:<42} {pct(m):5.1f}%")
    print(f"  (of all samples, end-of-capture finish(): {pct(finish_n):.1f}%)")
    other = sum(n for name, n in stage_n.items() if name.startswith("other"))
    if other > 0.1 * total:
        print(f"  warning: {pct(other):.0f}% of the samples have call chains that stop in libc or the kernel:"
              " the dwarf unwinding failed (record with perf pinned, not through taskset, and"
              " --call-graph dwarf,16384)")
    print(f"top {top} self symbols")
    for (sym, dso), n in self_n.most_common(top):
        print(f"  {pct(n):5.1f}%  {sym[:90]}  [{dso}]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
