#pragma once
// Pure packet decoding: bytes in, DecodedPacket out. Every read is bounds-checked against the
// captured length; nothing here allocates, logs or keeps state.
//
// How much is decoded follows nDPI's reference reader, so that the flows we build are the ones
// its results describe: the inner packet of GTP-U, TZSP, CAPWAP and IP-in-IP tunnels is the one
// counted; non-first IP fragments carry no ports and are counted apart, not as flow packets.
#include <cstdint>

#include "decode/decoded_packet.hpp"

namespace netlens {

struct DecoderOptions {
  bool decode_tunnels = true;
  // Sampled headers (sFlow) hold only the first bytes of a packet: an IP packet longer than the
  // bytes captured is decoded as far as they go instead of failing as truncated_ip.
  bool allow_truncated = false;
};

bool isSupportedLinkType(int dlt);

DecodedPacket decodePacket(int link_type, const uint8_t* frame, uint32_t caplen,
                           const DecoderOptions& options = {});

}  // namespace netlens
