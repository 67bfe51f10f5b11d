// libFuzzer target for the sFlow v5 parser: arbitrary bytes as one datagram, copied into a buffer
// of exactly its size so AddressSanitizer reports any read past it. Every sampled header the
// parser hands out is then decoded the way the engine decodes sampled frames (truncated IP
// allowed), so the decoder's truncated path is fuzzed too.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "collect/sflow_parser.hpp"
#include "decode/packet_decoder.hpp"

namespace {

void require(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> datagram(data, data + size);
  std::vector<netlens::SflowPacketSample> packets;
  std::vector<netlens::AgentInterfaceCounters> counters;
  const netlens::SflowParseResult r = netlens::parseSflow(datagram.data(), datagram.size(), packets, counters);
  require(packets.size() == r.packet_samples);
  require(counters.size() == r.interface_counters);
  require(r.malformed == 0 || r.error != nullptr);
  require(r.malformed <= 1);  // a malformation ends the datagram
  require(r.version == 0 || r.version == 5);
  netlens::DecoderOptions options;
  options.allow_truncated = true;
  const uint8_t* end = datagram.data() + datagram.size();
  for (const netlens::SflowPacketSample& s : packets) {
    require(s.header >= datagram.data() && s.header_length > 0 && s.header_length <= size_t(end - s.header));
    require(s.sampling_rate >= 1);
    require(s.packetLength() >= s.header_length);
    const int link = s.linkType();
    require(link == 1 || link == 228 || link == 229);
    const netlens::DecodedPacket d = netlens::decodePacket(link, s.header, s.header_length, options);
    if (d.status == netlens::DecodeStatus::Ip) {
      require(d.l3 >= s.header && d.l3 + d.l3_len <= s.header + s.header_length);
      require(d.ip_version == 4 || d.ip_version == 6);
    }
  }
  for (const netlens::AgentInterfaceCounters& c : counters) require(c.agent == r.agent);
  return 0;
}
