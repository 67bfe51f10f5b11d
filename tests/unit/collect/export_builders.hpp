#pragma once
// Builders of NetFlow v5 (Cisco's format), v9 (RFC 3954) and IPFIX (RFC 7011) datagrams, byte by
// byte, for the collector's unit tests and the fuzz target's seeds.
#include <cstdint>
#include <utility>
#include <vector>

#include "packet_builder.hpp"

namespace netlens::test::flowexport {

inline void put8(Bytes& b, uint8_t v) { b.push_back(v); }
inline void putN(Bytes& b, uint64_t v, size_t width) {
  for (size_t i = width; i-- > 0;) b.push_back(uint8_t(v >> (8 * i)));
}
inline void putIp(Bytes& b, const char* text) {
  const IpAddress a = ip(text);
  b.insert(b.end(), a.data(), a.data() + a.size());
}

struct V5Flow {
  const char* src = "10.0.0.1";
  const char* dst = "10.0.0.2";
  uint16_t input = 1, output = 2;
  uint32_t packets = 10, bytes = 1000;
  uint32_t first_ms = 0, last_ms = 0;  // sysUptime of first / last packet
  uint16_t sport = 1234, dport = 80;
  uint8_t tcp_flags = 0x1b, proto = 6, tos = 0;
};

inline Bytes v5Datagram(const std::vector<V5Flow>& flows, uint32_t uptime_ms, uint32_t unix_secs,
                        uint32_t unix_nsecs = 0, uint16_t sampling = 0, uint8_t engine_type = 0,
                        uint8_t engine_id = 0, uint32_t flow_sequence = 7) {
  Bytes b;
  put16(b, 5);
  put16(b, uint16_t(flows.size()));
  put32(b, uptime_ms);
  put32(b, unix_secs);
  put32(b, unix_nsecs);
  put32(b, flow_sequence);
  put8(b, engine_type);
  put8(b, engine_id);
  put16(b, sampling);
  for (const V5Flow& f : flows) {
    putIp(b, f.src);
    putIp(b, f.dst);
    put32(b, 0);  // next hop
    put16(b, f.input);
    put16(b, f.output);
    put32(b, f.packets);
    put32(b, f.bytes);
    put32(b, f.first_ms);
    put32(b, f.last_ms);
    put16(b, f.sport);
    put16(b, f.dport);
    put8(b, 0);  // pad
    put8(b, f.tcp_flags);
    put8(b, f.proto);
    put8(b, f.tos);
    put16(b, 64512);  // src AS
    put16(b, 64513);  // dst AS
    put8(b, 24);      // src mask
    put8(b, 24);      // dst mask
    put16(b, 0);      // pad
  }
  return b;
}

// A (type, length) template field; enterprise != 0 makes an IPFIX enterprise-specific one.
struct Field {
  uint16_t type;
  uint16_t length;
  uint32_t enterprise = 0;
};

// A set (v9: flowset): id, length, body, padded to a multiple of 4 with zeros when asked.
inline Bytes set(uint16_t id, const Bytes& body, bool pad = false) {
  Bytes b;
  size_t length = 4 + body.size();
  const size_t padding = pad ? (4 - length % 4) % 4 : 0;
  put16(b, uint16_t(length + padding));
  b.insert(b.begin(), {uint8_t(id >> 8), uint8_t(id)});
  append(b, body);
  b.insert(b.end(), padding, 0);
  return b;
}

inline void putFields(Bytes& b, const std::vector<Field>& fields) {
  for (const Field& f : fields) {
    put16(b, uint16_t(f.enterprise != 0 ? (f.type | 0x8000) : f.type));
    put16(b, f.length);
    if (f.enterprise != 0) put32(b, f.enterprise);
  }
}

// A template record (v9 and IPFIX have the same layout).
inline Bytes templateRecord(uint16_t id, const std::vector<Field>& fields) {
  Bytes b;
  put16(b, id);
  put16(b, uint16_t(fields.size()));
  putFields(b, fields);
  return b;
}

// v9 options template record: scope and option lengths in bytes.
inline Bytes v9OptionsTemplateRecord(uint16_t id, const std::vector<Field>& scope,
                                     const std::vector<Field>& options) {
  Bytes b;
  put16(b, id);
  put16(b, uint16_t(scope.size() * 4));
  put16(b, uint16_t(options.size() * 4));
  putFields(b, scope);
  putFields(b, options);
  return b;
}

// IPFIX options template record: field count, scope field count, scope fields first.
inline Bytes ipfixOptionsTemplateRecord(uint16_t id, const std::vector<Field>& scope,
                                        const std::vector<Field>& options) {
  Bytes b;
  put16(b, id);
  put16(b, uint16_t(scope.size() + options.size()));
  put16(b, uint16_t(scope.size()));
  putFields(b, scope);
  putFields(b, options);
  return b;
}

inline Bytes v9Datagram(const std::vector<Bytes>& flowsets, uint32_t uptime_ms, uint32_t unix_secs,
                        uint32_t source_id, uint16_t count = 1, uint32_t sequence = 42) {
  Bytes b;
  put16(b, 9);
  put16(b, count);
  put32(b, uptime_ms);
  put32(b, unix_secs);
  put32(b, sequence);
  put32(b, source_id);
  for (const Bytes& s : flowsets) append(b, s);
  return b;
}

inline Bytes ipfixMessage(const std::vector<Bytes>& sets, uint32_t export_secs, uint32_t domain,
                          uint32_t sequence = 42) {
  Bytes b;
  put16(b, 10);
  put16(b, 0);  // length, below
  put32(b, export_secs);
  put32(b, sequence);
  put32(b, domain);
  for (const Bytes& s : sets) append(b, s);
  b[2] = uint8_t(b.size() >> 8);
  b[3] = uint8_t(b.size());
  return b;
}

// The usual IPv4 flow template and one record of it.
inline std::vector<Field> ipv4Template() {
  return {{8, 4},  {12, 4}, {7, 2},  {11, 2}, {4, 1},  {6, 1}, {5, 1},
          {1, 4},  {2, 4},  {22, 4}, {21, 4}, {10, 2}, {14, 2}, {58, 2}};
}
inline Bytes ipv4Record(const char* src, const char* dst, uint16_t sport, uint16_t dport,
                        uint8_t proto, uint32_t bytes, uint32_t packets, uint32_t first_ms,
                        uint32_t last_ms) {
  Bytes b;
  putIp(b, src);
  putIp(b, dst);
  put16(b, sport);
  put16(b, dport);
  put8(b, proto);
  put8(b, 0x12);  // SYN ACK
  put8(b, 0x28);  // tos
  put32(b, bytes);
  put32(b, packets);
  put32(b, first_ms);
  put32(b, last_ms);
  put16(b, 3);    // input
  put16(b, 4);    // output
  put16(b, 100);  // vlan
  return b;
}

}  // namespace netlens::test::flowexport
