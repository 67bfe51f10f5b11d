#pragma once
// PacketBuilder: builds frames byte by byte for unit tests (link, IP, L4 and payload), with
// correct lengths, so each test states only what it is about.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/ip_address.hpp"

namespace netlens::test {

using Bytes = std::vector<uint8_t>;

inline void put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
inline void put32(Bytes& b, uint32_t v) {
  put16(b, uint16_t(v >> 16));
  put16(b, uint16_t(v));
}
inline void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }

inline IpAddress ip(const char* text) { return *IpAddress::parse(text); }

inline Bytes tcpSegment(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq = 1000,
                        const std::string& payload = {}) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, seq);
  put32(b, 0);           // ack
  b.push_back(5 << 4);   // data offset: 20 bytes
  b.push_back(flags);
  put16(b, 65535);       // window
  put32(b, 0);           // checksum, urgent pointer
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline Bytes udpDatagram(uint16_t sport, uint16_t dport, const Bytes& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, uint16_t(8 + payload.size()));
  put16(b, 0);
  append(b, payload);
  return b;
}
inline Bytes udpDatagram(uint16_t sport, uint16_t dport, const std::string& payload = {}) {
  return udpDatagram(sport, dport, Bytes(payload.begin(), payload.end()));
}

// IPv4 header (with optional options, a multiple of 4 bytes) + l4.
inline Bytes ipv4(const char* src, const char* dst, uint8_t proto, const Bytes& l4, uint16_t frag_field = 0,
                  const Bytes& options = {}) {
  Bytes b;
  const uint8_t ihl = uint8_t(5 + options.size() / 4);
  b.push_back(uint8_t(0x40 | ihl));
  b.push_back(0);
  put16(b, uint16_t(ihl * 4 + l4.size()));
  put16(b, 0x1234);  // id
  put16(b, frag_field);
  b.push_back(64);
  b.push_back(proto);
  put16(b, 0);
  const IpAddress s = ip(src), d = ip(dst);
  b.insert(b.end(), s.data(), s.data() + 4);
  b.insert(b.end(), d.data(), d.data() + 4);
  append(b, options);
  append(b, l4);
  return b;
}

// IPv6 header + l4 (extension headers, if any, are part of l4 with next_header naming the first).
inline Bytes ipv6(const char* src, const char* dst, uint8_t next_header, const Bytes& l4) {
  Bytes b;
  put32(b, 0x60000000);
  put16(b, uint16_t(l4.size()));
  b.push_back(next_header);
  b.push_back(64);
  const IpAddress s = ip(src), d = ip(dst);
  b.insert(b.end(), s.data(), s.data() + 16);
  b.insert(b.end(), d.data(), d.data() + 16);
  append(b, l4);
  return b;
}

inline Bytes ethernet(uint16_t ethertype, const Bytes& payload,
                      std::initializer_list<uint16_t> vlan_tags = {},
                      uint16_t tag_type = 0x8100) {
  Bytes b = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,   // destination
             0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};  // source
  for (uint16_t tag : vlan_tags) {
    put16(b, tag_type);
    put16(b, tag);
  }
  put16(b, ethertype);
  append(b, payload);
  return b;
}

}  // namespace netlens::test
