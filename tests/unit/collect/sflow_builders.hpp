#pragma once
// Builders of sFlow version 5 datagrams (sflow.org, "sFlow Version 5", XDR: big-endian 32-bit
// words, opaque data padded to a multiple of 4), byte by byte, for the unit tests and the fuzz
// target's seeds.
#include <cstdint>
#include <vector>

#include "packet_builder.hpp"

namespace netlens::test::sflow {

inline void put64(Bytes& b, uint64_t v) {
  put32(b, uint32_t(v >> 32));
  put32(b, uint32_t(v));
}

// A record or a sample: format, length, the body padded to 4 bytes.
inline Bytes tlv(uint32_t format, const Bytes& body) {
  Bytes b;
  put32(b, format);
  const size_t padded = (body.size() + 3) / 4 * 4;
  put32(b, uint32_t(padded));
  append(b, body);
  b.insert(b.end(), padded - body.size(), 0);
  return b;
}

// Raw packet header flow record (format 1). protocol: 1 Ethernet, 11 IPv4, 12 IPv6.
inline Bytes rawHeader(const Bytes& header, uint32_t frame_length, uint32_t stripped = 4, uint32_t protocol = 1) {
  Bytes b;
  put32(b, protocol);
  put32(b, frame_length);
  put32(b, stripped);
  put32(b, uint32_t(header.size()));
  append(b, header);
  return tlv(1, b);
}

// Flow sample (format 1).
inline Bytes flowSample(uint32_t sequence, uint32_t rate, const std::vector<Bytes>& records, uint32_t input = 3,
                        uint32_t output = 4, uint32_t source_id = 3) {
  Bytes b;
  put32(b, sequence);
  put32(b, source_id);
  put32(b, rate);
  put32(b, sequence * rate);  // sample pool
  put32(b, 0);                // drops
  put32(b, input);
  put32(b, output);
  put32(b, uint32_t(records.size()));
  for (const Bytes& r : records) append(b, r);
  return tlv(1, b);
}

// Expanded flow sample (format 3).
inline Bytes expandedFlowSample(uint32_t sequence, uint32_t rate, const std::vector<Bytes>& records,
                                uint32_t input = 70000, uint32_t output = 70001) {
  Bytes b;
  put32(b, sequence);
  put32(b, 0);      // source id type: ifIndex
  put32(b, input);  // source id index
  put32(b, rate);
  put32(b, sequence * rate);
  put32(b, 0);
  put32(b, 0);
  put32(b, input);
  put32(b, 0);
  put32(b, output);
  put32(b, uint32_t(records.size()));
  for (const Bytes& r : records) append(b, r);
  return tlv(3, b);
}

struct IfCounters {
  uint32_t index = 3, type = 6;
  uint64_t speed = 1'000'000'000;
  uint32_t direction = 1, status = 3;
  uint64_t in_octets = 123456789;
  uint32_t in_ucast = 1000, in_mcast = 10, in_bcast = 5, in_discards = 2, in_errors = 1, in_unknown = 0;
  uint64_t out_octets = 987654321;
  uint32_t out_ucast = 2000, out_mcast = 20, out_bcast = 6, out_discards = 3, out_errors = 4;
  uint32_t promiscuous = 0;
};

// Generic interface counters record (format 1, 88 bytes).
inline Bytes genericCounters(const IfCounters& c) {
  Bytes b;
  put32(b, c.index);
  put32(b, c.type);
  put64(b, c.speed);
  put32(b, c.direction);
  put32(b, c.status);
  put64(b, c.in_octets);
  for (uint32_t v : {c.in_ucast, c.in_mcast, c.in_bcast, c.in_discards, c.in_errors, c.in_unknown}) put32(b, v);
  put64(b, c.out_octets);
  for (uint32_t v : {c.out_ucast, c.out_mcast, c.out_bcast, c.out_discards, c.out_errors, c.promiscuous}) put32(b, v);
  return tlv(1, b);
}

// Counter sample (format 2).
inline Bytes counterSample(uint32_t sequence, const std::vector<Bytes>& records, uint32_t source_id = 3) {
  Bytes b;
  put32(b, sequence);
  put32(b, source_id);
  put32(b, uint32_t(records.size()));
  for (const Bytes& r : records) append(b, r);
  return tlv(2, b);
}

inline Bytes datagram(const char* agent, uint32_t sub_agent, uint32_t sequence, const std::vector<Bytes>& samples,
                      uint32_t uptime_ms = 123456) {
  Bytes b;
  put32(b, 5);
  const IpAddress a = ip(agent);
  put32(b, a.isV4() ? 1 : 2);
  b.insert(b.end(), a.data(), a.data() + a.size());
  put32(b, sub_agent);
  put32(b, sequence);
  put32(b, uptime_ms);
  put32(b, uint32_t(samples.size()));
  for (const Bytes& s : samples) append(b, s);
  return b;
}

}  // namespace netlens::test::sflow
