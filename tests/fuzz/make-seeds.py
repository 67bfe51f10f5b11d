#!/usr/bin/env python3
"""Writes a seed corpus for fuzz_decoder from capture files (pcap or pcapng).

Each seed is one captured frame behind the selector byte fuzz_decoder reads: the index of the
frame's link type in kLinkTypes (decoder_fuzz_input.hpp). Frames of link types the decoder
does not support are skipped. The frames taken from a capture are spread over all of it, so
that a capture starting with a handshake or ARP also gives its later kinds of packets.

usage: make-seeds.py OUT_DIR CAPTURE... [--per-file N] [--max-len BYTES]
"""
import argparse
import hashlib
import os
import struct
import sys

# File link type (LINKTYPE_*) -> index in kLinkTypes (decoder_fuzz_input.hpp); keep in step.
SELECTOR = {
    1: 0,     # Ethernet
    0: 1,     # BSD loopback
    9: 2,     # PPP
    101: 3,   # LINKTYPE_RAW (DLT_RAW 12 on Linux)
    12: 3,
    14: 4,    # DLT_RAW on OpenBSD
    50: 5,    # PPP in HDLC-like framing
    104: 6,   # Cisco HDLC
    108: 7,   # OpenBSD loopback
    113: 8,   # Linux cooked v1
    228: 9,   # raw IPv4
    229: 10,  # raw IPv6
    276: 11,  # Linux cooked v2
}


def classic_pcap(data):
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        return
    (linktype,) = struct.unpack_from(endian + "I", data, 20)
    off = 24
    while off + 16 <= len(data):
        incl_len = struct.unpack_from(endian + "I", data, off + 8)[0]
        off += 16
        if off + incl_len > len(data):
            return
        yield linktype & 0x0FFFFFFF, data[off:off + incl_len]
        off += incl_len


def pcapng(data):
    endian = "<"
    interfaces = []
    off = 0
    while off + 12 <= len(data):
        block_type = struct.unpack_from(endian + "I", data, off)[0]
        if block_type == 0x0A0D0D0A:  # section header: byte order and a new interface list
            endian = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []
        block_len = struct.unpack_from(endian + "I", data, off + 4)[0]
        if block_len < 12 or off + block_len > len(data):
            return
        body = data[off + 8:off + block_len - 4]
        if block_type == 1 and len(body) >= 2:  # interface description
            interfaces.append(struct.unpack_from(endian + "H", body, 0)[0])
        elif block_type == 6 and len(body) >= 20:  # enhanced packet
            iface, _, _, caplen, _ = struct.unpack_from(endian + "IIIII", body, 0)
            if iface < len(interfaces):
                yield interfaces[iface], body[20:20 + caplen]
        elif block_type == 3 and len(body) >= 4 and interfaces:  # simple packet
            orig_len = struct.unpack_from(endian + "I", body, 0)[0]
            yield interfaces[0], body[4:4 + orig_len]
        off += block_len


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return pcapng(data)
    return classic_pcap(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("captures", nargs="+")
    parser.add_argument("--per-file", type=int, default=16, help="frames taken from each capture")
    parser.add_argument("--max-len", type=int, default=2048, help="longest seed, selector included")
    args = parser.parse_args()

    os.makedirs(args.out_dir, exist_ok=True)
    written = 0
    for path in args.captures:
        try:
            usable = [(lt, f) for lt, f in frames(path) if lt in SELECTOR]
        except (OSError, struct.error) as e:
            print(f"make-seeds: skipping {path}: {e}", file=sys.stderr)
            continue
        step = max(1, len(usable) // max(1, args.per_file))
        for linktype, frame in usable[::step][:args.per_file]:
            seed = bytes([SELECTOR[linktype]]) + frame[:args.max_len - 1]
            with open(os.path.join(args.out_dir, hashlib.sha1(seed).hexdigest()), "wb") as out:
                out.write(seed)
            written += 1
    print(f"make-seeds: {written} seeds from {len(args.captures)} captures in {args.out_dir}")


if __name__ == "__main__":
    main()
