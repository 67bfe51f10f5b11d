#pragma once
// Builds DNS messages byte by byte for the parser's tests.
#include <cstdint>
#include <string>
#include <vector>

namespace netlens::test {

struct DnsBuilder {
  std::vector<uint8_t> b;

  void u16(uint16_t v) {
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
  }
  void u32(uint32_t v) {
    u16(uint16_t(v >> 16));
    u16(uint16_t(v));
  }
  // Header: id, flags, counts.
  DnsBuilder& header(uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns = 0, uint16_t ar = 0) {
    u16(0x1234);
    u16(flags);
    u16(qd);
    u16(an);
    u16(ns);
    u16(ar);
    return *this;
  }
  // A name as labels; returns its offset.
  size_t name(const std::string& dotted) {
    const size_t at = b.size();
    size_t start = 0;
    while (start < dotted.size()) {
      size_t dot = dotted.find('.', start);
      if (dot == std::string::npos) dot = dotted.size();
      b.push_back(uint8_t(dot - start));
      for (size_t i = start; i < dot; ++i) b.push_back(uint8_t(dotted[i]));
      start = dot + 1;
    }
    b.push_back(0);
    return at;
  }
  void pointer(size_t offset) { u16(uint16_t(0xC000 | offset)); }
  DnsBuilder& question(const std::string& n, uint16_t type) {
    name(n);
    u16(type);
    u16(1);
    return *this;
  }
  // Record header after its owner name was written.
  void rr(uint16_t type, uint32_t ttl, const std::vector<uint8_t>& rdata) {
    u16(type);
    u16(1);
    u32(ttl);
    u16(uint16_t(rdata.size()));
    b.insert(b.end(), rdata.begin(), rdata.end());
  }
};

}  // namespace netlens::test
