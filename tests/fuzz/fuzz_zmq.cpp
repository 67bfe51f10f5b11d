// libFuzzer target for the ZMQ flow message decoder (header frame, zlib, JSON flows).
//
// Input layout: when the bytes contain the marker "\xFF\xFE\xFD", what precedes it is the header
// frame and what follows the payload frame of one message (decode()); otherwise the whole input
// is a JSON payload (decodeJson()). Each frame is copied into a buffer of exactly its size so
// AddressSanitizer reports any read past it. Checks: every call ends in exactly one outcome
// counter, the count returned is what was appended, and the records are consistent.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "collect/zmq_message.hpp"

namespace {

void require(bool condition) {
  if (!condition) __builtin_trap();
}

uint64_t outcomes(const netlens::ZmqCollectStats& s) {
  return s.messages + s.bad_header + s.unsupported + s.bad_compression + s.too_large + s.bad_json + s.other_topics;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  netlens::ZmqLimits limits;
  limits.max_message = 4096;
  limits.max_uncompressed = 1 << 16;
  limits.max_flows_per_message = 64;
  limits.max_names = 8;
  static netlens::ZmqMessageDecoder* decoder = nullptr;  // kept across inputs: message ids, names
  if (!decoder) decoder = new netlens::ZmqMessageDecoder(limits);
  const uint64_t before = outcomes(decoder->stats());
  std::vector<netlens::FlowRecord> out;
  size_t n = 0;
  const uint8_t* marker = nullptr;
  for (size_t i = 0; i + 3 <= size && !marker; ++i)
    if (std::memcmp(data + i, "\xFF\xFE\xFD", 3) == 0) marker = data + i;
  if (marker) {
    std::vector<uint8_t> header(data, marker), payload(marker + 3, data + size);
    n = decoder->decode(header.data(), header.size(), payload.data(), payload.size(), out, size & 3);
  } else {
    const std::string json(reinterpret_cast<const char*>(data), size);
    n = decoder->decodeJson(json, out);
  }
  require(outcomes(decoder->stats()) == before + 1);
  require(n == out.size());
  require(out.size() <= limits.max_flows_per_message);
  for (const netlens::FlowRecord& r : out) {
    require(r.ip_version == 0 || r.ip_version == 4 || r.ip_version == 6);
    if (r.ip_version) require(r.src_ip.version() == r.ip_version && r.dst_ip.version() == r.ip_version);
    else require(!r.has(netlens::FlowField::SrcAddress));
    require(r.l7_name.size() < 1 << 16);
  }
  return 0;
}
