#pragma once
// Shared by the decoder tests: decode a built frame, print decoder enums by name in failure
// messages, and check where the decoder says the IP packet is.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <ostream>

#include "decode/packet_decoder.hpp"
#include "frames.hpp"
#include "packet_builder.hpp"

namespace netlens {

// gtest finds these by argument-dependent lookup when it prints a mismatch.
inline void PrintTo(DecodeStatus s, std::ostream* os) {
  switch (s) {
    case DecodeStatus::Ip: *os << "Ip"; return;
    case DecodeStatus::NonIp: *os << "NonIp"; return;
    case DecodeStatus::Error: *os << "Error"; return;
  }
  *os << "DecodeStatus(" << int(s) << ")";
}
inline void PrintTo(DecodeError e, std::ostream* os) { *os << decodeErrorName(e); }
inline void PrintTo(NonIpKind k, std::ostream* os) { *os << nonIpKindName(k); }
inline void PrintTo(TunnelType t, std::ostream* os) {
  switch (t) {
    case TunnelType::None: *os << "None"; return;
    case TunnelType::GtpU: *os << "GtpU"; return;
    case TunnelType::Tzsp: *os << "Tzsp"; return;
    case TunnelType::Capwap: *os << "Capwap"; return;
    case TunnelType::IpInIp: *os << "IpInIp"; return;
  }
  *os << "TunnelType(" << int(t) << ")";
}
inline void PrintTo(const IpAddress& a, std::ostream* os) { *os << a.toString(); }

namespace test {

inline DecodedPacket decode(int link_type, const Bytes& frame, const DecoderOptions& options = {}) {
  return decodePacket(link_type, frame.data(), uint32_t(frame.size()), options);
}
inline DecodedPacket decode(LinkType link_type, const Bytes& frame,
                            const DecoderOptions& options = {}) {
  return decode(int(link_type), frame, options);
}

// The first `n` bytes of `b`: a frame as a short snap length captures it.
inline Bytes firstBytes(const Bytes& b, size_t n) {
  return Bytes(b.begin(), b.begin() + std::ptrdiff_t(std::min(n, b.size())));
}

// The decoder's IP packet is `ip_packet`, found at the end of `frame`, and l3/l3_len cover it
// exactly up to the end of the frame.
inline ::testing::AssertionResult l3IsTail(const DecodedPacket& d, const Bytes& frame,
                                           const Bytes& ip_packet) {
  if (ip_packet.size() > frame.size())
    return ::testing::AssertionFailure() << "the IP packet is larger than the frame";
  const uint8_t* expected = frame.data() + frame.size() - ip_packet.size();
  if (std::memcmp(expected, ip_packet.data(), ip_packet.size()) != 0)
    return ::testing::AssertionFailure() << "the frame does not end with the IP packet";
  if (d.l3 != expected)
    return ::testing::AssertionFailure() << "l3 is at offset " << (d.l3 ? d.l3 - frame.data() : -1)
                                         << ", expected " << (expected - frame.data());
  if (d.l3_len != ip_packet.size())
    return ::testing::AssertionFailure()
           << "l3_len is " << d.l3_len << ", expected " << ip_packet.size();
  return ::testing::AssertionSuccess();
}

// The flow fields of a decoded IP packet in one comparison.
struct FlowFields {
  uint8_t ip_version;
  uint8_t l4_proto;
  const char* src;
  uint16_t src_port;
  const char* dst;
  uint16_t dst_port;
};
inline ::testing::AssertionResult hasFlow(const DecodedPacket& d, const FlowFields& f) {
  if (d.status != DecodeStatus::Ip)
    return ::testing::AssertionFailure()
           << "status is not Ip (error " << decodeErrorName(d.error) << ")";
  const IpAddress src = ip(f.src), dst = ip(f.dst);
  if (d.ip_version != f.ip_version || d.l4_proto != f.l4_proto || d.src_ip != src ||
      d.dst_ip != dst || d.src_port != f.src_port || d.dst_port != f.dst_port)
    return ::testing::AssertionFailure()
           << "decoded IPv" << int(d.ip_version) << " proto " << int(d.l4_proto) << " "
           << d.src_ip.toString() << ":" << d.src_port << " -> " << d.dst_ip.toString() << ":"
           << d.dst_port << ", expected IPv" << int(f.ip_version) << " proto " << int(f.l4_proto)
           << " " << f.src << ":" << f.src_port << " -> " << f.dst << ":" << f.dst_port;
  return ::testing::AssertionSuccess();
}

}  // namespace test
}  // namespace netlens
