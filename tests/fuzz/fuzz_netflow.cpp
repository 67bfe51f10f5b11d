// libFuzzer target for the NetFlow v5/v9 and IPFIX parser: arbitrary bytes as export datagrams.
//
// Input layout: the bytes are split at each "\xFF\xFE\xFD" marker into successive datagrams
// handed to one parser, so templates from one datagram meet data in the next. Byte 0 of each
// datagram-chunk is a control byte: bit 0 picks one of two exporters, bits 1-3 advance the
// clock (to reach template expiry); the rest is the datagram, copied into a buffer of exactly
// its size so AddressSanitizer reports any read past it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "collect/netflow_parser.hpp"

namespace {

void require(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  netlens::NetflowParserConfig config;
  config.template_timeout = 60 * netlens::kMicrosPerSecond;
  config.max_templates = 64;
  netlens::NetflowParser parser(config);
  const uint8_t a[4] = {192, 0, 2, 1};
  const uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  const netlens::IpAddress exporters[2] = {netlens::IpAddress::v4(a), netlens::IpAddress::v6(b)};
  netlens::Micros now = 1'700'000'000ull * netlens::kMicrosPerSecond;

  size_t start = 0;
  while (start < size) {
    size_t end = start;
    while (end < size && !(end + 3 <= size && std::memcmp(data + end, "\xFF\xFE\xFD", 3) == 0)) ++end;
    if (end > start) {
      const uint8_t control = data[start];
      now += uint64_t((control >> 1) & 7) * 20 * netlens::kMicrosPerSecond;
      std::vector<uint8_t> datagram(data + start + 1, data + end);
      std::vector<netlens::FlowRecord> out;
      const netlens::ParseResult r = parser.parse(datagram.data(), datagram.size(),
                                                  exporters[control & 1], now, out);
      require(out.size() == r.records);
      require(parser.templateCount() <= config.max_templates);
      require(r.malformed == 0 || r.error != nullptr);
      for (const netlens::FlowRecord& f : out) {
        require(f.ip_version == 0 || f.ip_version == 4 || f.ip_version == 6);
        require(f.sampling_rate >= 1);
        require(f.exporter == exporters[control & 1]);
        require(f.export_version == r.version);
      }
    }
    start = end + 3;
  }
  return 0;
}
