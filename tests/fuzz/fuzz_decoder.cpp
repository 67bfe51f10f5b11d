// libFuzzer target for the packet decoder: arbitrary bytes as a captured frame.
//
// Input layout (decoder_fuzz_input.hpp): the first byte chooses the link type and whether
// tunnels are decoded; the remaining bytes are the frame. libFuzzer hands us a buffer of exactly
// the input's size, so the frame ends where the allocation ends and AddressSanitizer reports any
// read past it.
//
// Besides memory errors and undefined behaviour, the target checks what a caller relies on:
// a decoded packet's pointers stay inside the frame and its lengths are consistent.
#include <cstddef>
#include <cstdint>

#include "decode/packet_decoder.hpp"
#include "decoder_fuzz_input.hpp"

namespace {

using netlens::DecodedPacket;
using netlens::DecodeError;
using netlens::DecodeStatus;
using netlens::LinkType;
using netlens::NonIpKind;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

bool inside(const uint8_t* p, size_t n, const uint8_t* frame, size_t size) {
  return p >= frame && p <= frame + size && n <= size_t(frame + size - p);
}

void checkInvariants(const DecodedPacket& d, int link_type, const uint8_t* frame, size_t size) {
  if (d.src_mac != nullptr || d.dst_mac != nullptr) {
    require(link_type == int(LinkType::Ethernet));
    require(inside(d.src_mac, 6, frame, size) && inside(d.dst_mac, 6, frame, size));
  }
  switch (d.status) {
    case DecodeStatus::Ip:
      require(d.error == DecodeError::None);
      require(netlens::isSupportedLinkType(link_type));
      require(d.ip_version == 4 || d.ip_version == 6);
      require(d.src_ip.version() == d.ip_version && d.dst_ip.version() == d.ip_version);
      // l3 is the IP header, and runs to the end of the frame.
      require(d.l3 != nullptr && inside(d.l3, d.l3_len, frame, size));
      require(d.l3 + d.l3_len == frame + size);
      require(d.l3_len >= (d.ip_version == 4 ? 20u : 40u));
      require((d.l3[0] >> 4) == d.ip_version);
      require(d.l4_len <= d.l3_len && d.payload_len <= d.l4_len);
      if (d.has_tcp_header) require(d.l4_proto == 6 && d.l4_len >= 20);
      if (d.src_port != 0 || d.dst_port != 0)
        require(d.l4_proto == 6 || d.l4_proto == 17 || d.l4_proto == 132);
      break;
    case DecodeStatus::NonIp:
      require(d.error == DecodeError::None);
      require(d.non_ip < NonIpKind::Count);
      break;
    case DecodeStatus::Error:
      require(d.error != DecodeError::None && d.error < DecodeError::Count);
      break;
    default: require(false);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const int link_type = netlens::fuzz::linkTypeOf(selector);
  netlens::DecoderOptions options;
  options.decode_tunnels = netlens::fuzz::decodeTunnelsOf(selector);
  const uint8_t* frame = data + 1;
  const size_t frame_size = size - 1;

  const DecodedPacket d = netlens::decodePacket(link_type, frame, uint32_t(frame_size), options);
  checkInvariants(d, link_type, frame, frame_size);
  return 0;
}
