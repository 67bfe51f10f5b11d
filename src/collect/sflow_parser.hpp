#pragma once
// sFlow version 5 datagram decoding (sflow.org's "sFlow Version 5" specification, XDR encoded):
// the datagram header (IPv4 or IPv6 agent address), flow samples and expanded flow samples
// with their raw packet header records (the sampled packet's first bytes, to be decoded like a
// captured frame), and counter samples with generic interface counters. Other sample and record
// formats are skipped by their length and counted. No state, no allocation beyond the output
// vectors; every read is bounds-checked.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "collect/collector_stats.hpp"
#include "core/ip_address.hpp"

namespace netlens {

// One sampled packet: its header bytes point into the datagram.
struct SflowPacketSample {
  const uint8_t* header = nullptr;
  uint32_t header_length = 0;
  uint32_t header_protocol = 0;  // 1 Ethernet, 11 IPv4, 12 IPv6 (others are skipped)
  uint32_t frame_length = 0;     // the original packet's length (layer 2: with the FCS)
  uint32_t stripped = 0;         // bytes removed before the header was taken (e.g. the FCS)
  uint32_t sampling_rate = 1;    // one packet in sampling_rate was sampled
  uint32_t source_id = 0;        // type << 24 | index (the data source: an interface, a VLAN)
  uint32_t input_if = 0, output_if = 0;
  // The pcap link type of the header (1 Ethernet, 228 IPv4, 229 IPv6).
  int linkType() const { return header_protocol == 1 ? 1 : header_protocol == 11 ? 228 : 229; }
  // The packet's length as a capture would show it (without what was stripped).
  uint32_t packetLength() const {
    const uint32_t len = frame_length > stripped ? frame_length - stripped : 0;
    return len > header_length ? len : header_length;
  }
};

struct SflowParseResult {
  uint32_t version = 0;  // 5, or 0 when unreadable / unsupported
  IpAddress agent;
  uint32_t sub_agent = 0;
  uint32_t sequence = 0;
  uint32_t uptime_ms = 0;
  uint32_t flow_samples = 0;     // flow samples read (each may hold a packet header)
  uint32_t packet_samples = 0;   // sampled headers appended to the output
  uint32_t counter_samples = 0;  // counter samples read
  uint32_t interface_counters = 0;  // generic interface counter records appended
  uint32_t skipped = 0;          // samples and records of formats not read (skipped by length)
  uint32_t malformed = 0;
  const char* error = nullptr;   // the first malformation's short reason
  bool ok() const { return malformed == 0; }
};

// Appends the datagram's sampled headers to `packets` and its generic interface counters to
// `counters` (with agent and if_index set, last_seen left to the caller). A malformation stops
// the datagram where it is found: what was read before it is kept.
SflowParseResult parseSflow(const uint8_t* data, size_t len, std::vector<SflowPacketSample>& packets,
                            std::vector<AgentInterfaceCounters>& counters);

}  // namespace netlens
