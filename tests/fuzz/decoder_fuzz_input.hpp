#pragma once
// How fuzz_decoder reads its input, shared with the generator of its seeds: the first byte is
// a selector, the rest is the frame. The selector's low 7 bits index kLinkTypes (modulo its
// size); its high bit set means "do not decode tunnels". make-seeds.py writes the same
// selectors for the link types of capture files: keep its table in step with this one.
#include <cstddef>
#include <cstdint>

#include "decode/decoded_packet.hpp"

namespace netlens::fuzz {

// Every link type the decoder supports, then one it does not.
inline constexpr int kLinkTypes[] = {
    int(LinkType::Ethernet),
    int(LinkType::Null),
    int(LinkType::Ppp),
    int(LinkType::Raw),
    int(LinkType::RawOpenBsd),
    int(LinkType::PppSerial),
    int(LinkType::CiscoHdlc),
    int(LinkType::Loop),
    int(LinkType::LinuxSll),
    int(LinkType::Ipv4),
    int(LinkType::Ipv6),
    int(LinkType::LinuxSll2),
    147,  // DLT_USER0: unsupported
};
inline constexpr size_t kLinkTypeCount = sizeof(kLinkTypes) / sizeof(kLinkTypes[0]);
inline constexpr uint8_t kNoTunnels = 0x80;

inline int linkTypeOf(uint8_t selector) { return kLinkTypes[(selector & 0x7F) % kLinkTypeCount]; }
inline bool decodeTunnelsOf(uint8_t selector) { return (selector & kNoTunnels) == 0; }

inline uint8_t selectorFor(LinkType link_type) {
  for (size_t i = 0; i < kLinkTypeCount; ++i)
    if (kLinkTypes[i] == int(link_type)) return uint8_t(i);
  return 0;
}

}  // namespace netlens::fuzz
