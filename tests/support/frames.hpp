#pragma once
// More frame pieces for tests, on top of packet_builder.hpp: the other link layers (SLL, BSD
// loopback, HDLC, PPP, PPPoE, MPLS, stacked VLAN tags, 802.3 LLC), IPv6 extension headers,
// more L4 headers, UDP tunnels (GTP-U, TZSP, CAPWAP) and a few non-IP payloads. Each function
// returns one header followed by what it carries, with every length field filled in.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "packet_builder.hpp"

namespace netlens::test {

inline void putLe32(Bytes& b, uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) b.push_back(uint8_t(v >> shift));
}
inline void putZeros(Bytes& b, size_t n) { b.insert(b.end(), n, 0); }
inline Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

// ---- link layers ------------------------------------------------------------------------------

// Ethernet with any stack of tags, each given as (TPID, TCI), outermost first.
inline Bytes ethernetTagged(std::initializer_list<std::pair<uint16_t, uint16_t>> tags,
                            uint16_t ethertype, const Bytes& payload) {
  Bytes b = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
  for (const auto& [tpid, tci] : tags) {
    put16(b, tpid);
    put16(b, tci);
  }
  put16(b, ethertype);
  append(b, payload);
  return b;
}

// IEEE 802.3 frame: the type field holds the length of the LLC PDU that follows.
inline Bytes ethernet8023(const Bytes& llc_pdu) {
  return ethernet(uint16_t(llc_pdu.size()), llc_pdu);
}
inline Bytes llc(uint8_t dsap, uint8_t ssap, uint8_t control, const Bytes& data) {
  Bytes b = {dsap, ssap, control};
  append(b, data);
  return b;
}
// LLC + SNAP header (AA AA 03, OUI 00-00-00) naming an ethertype.
inline Bytes llcSnap(uint16_t ethertype, const Bytes& payload) {
  Bytes b = {0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00};
  put16(b, ethertype);
  append(b, payload);
  return b;
}

// MPLS label stack entries (label, TC 0, TTL 64), the bottom-of-stack bit on the last one.
inline Bytes mplsStack(std::initializer_list<uint32_t> labels, const Bytes& payload) {
  Bytes b;
  size_t i = 0;
  for (uint32_t label : labels) {
    const bool bottom = ++i == labels.size();
    put32(b, label << 12 | (bottom ? 1u : 0u) << 8 | 64u);
  }
  append(b, payload);
  return b;
}

// PPPoE session header (version 1, type 1, code 0, session 0x1234) + PPP protocol number.
inline Bytes pppoeSession(uint16_t ppp_protocol, const Bytes& payload) {
  Bytes b = {0x11, 0x00};
  put16(b, 0x1234);
  put16(b, uint16_t(2 + payload.size()));
  put16(b, ppp_protocol);
  append(b, payload);
  return b;
}

// Linux cooked capture v1 (16 bytes): packet type, ARPHRD_ETHER, address, protocol last.
inline Bytes linuxSll(uint16_t protocol, const Bytes& payload) {
  Bytes b;
  put16(b, 0);  // sent to us
  put16(b, 1);  // ARPHRD_ETHER
  put16(b, 6);
  append(b, {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x00});
  put16(b, protocol);
  append(b, payload);
  return b;
}

// Linux cooked capture v2 (20 bytes): protocol first, then interface index and address.
inline Bytes linuxSll2(uint16_t protocol, const Bytes& payload) {
  Bytes b;
  put16(b, protocol);
  put16(b, 0);     // reserved
  put32(b, 3);     // interface index
  put16(b, 1);     // ARPHRD_ETHER
  b.push_back(4);  // outgoing
  b.push_back(6);
  append(b, {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x00});
  append(b, payload);
  return b;
}

// BSD loopback (DLT_NULL): 4-byte address family in the capturing host's byte order.
inline Bytes bsdNull(uint32_t family, const Bytes& payload, bool little_endian_host = true) {
  Bytes b;
  if (little_endian_host) {
    putLe32(b, family);
  } else {
    put32(b, family);
  }
  append(b, payload);
  return b;
}
// OpenBSD loopback (DLT_LOOP): the address family in network byte order.
inline Bytes openBsdLoop(uint32_t family, const Bytes& payload) {
  Bytes b;
  put32(b, family);
  append(b, payload);
  return b;
}

// Cisco HDLC: address (0x0F unicast, 0x8F multicast), control 0, ethertype.
inline Bytes ciscoHdlc(uint8_t address, uint16_t ethertype, const Bytes& payload) {
  Bytes b = {address, 0x00};
  put16(b, ethertype);
  append(b, payload);
  return b;
}

// PPP in HDLC-like framing: optional address/control FF 03, then the PPP protocol number.
inline Bytes ppp(uint16_t protocol, const Bytes& payload, bool address_and_control) {
  Bytes b;
  if (address_and_control) append(b, {0xFF, 0x03});
  put16(b, protocol);
  append(b, payload);
  return b;
}

// ---- IPv6 extension headers -------------------------------------------------------------------

// Hop-by-hop, routing or destination options header of (units + 1) * 8 bytes, padded with
// Pad1 options (zero bytes; a zero routing type and segments left for a routing header).
inline Bytes ipv6ExtHeader(uint8_t next_header, uint8_t units, const Bytes& follows) {
  Bytes b = {next_header, units};
  putZeros(b, (units + 1u) * 8u - 2u);
  append(b, follows);
  return b;
}
// Fragment header: offset in 8-byte units, M flag.
inline Bytes ipv6Fragment(uint8_t next_header, uint16_t offset_units, bool more,
                          const Bytes& follows) {
  Bytes b = {next_header, 0};
  put16(b, uint16_t(offset_units << 3 | (more ? 1 : 0)));
  put32(b, 0xCAFE0001);
  append(b, follows);
  return b;
}

// ---- L4 ---------------------------------------------------------------------------------------

// TCP with `option_words` 32-bit words of options (NOPs), so the data offset exceeds 5.
inline Bytes tcpSegmentWithOptions(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
                                   uint8_t option_words, const std::string& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, seq);
  put32(b, 0);
  b.push_back(uint8_t((5 + option_words) << 4));
  b.push_back(flags);
  put16(b, 65535);
  put32(b, 0);
  b.insert(b.end(), option_words * 4u, 0x01);
  append(b, text(payload));
  return b;
}

// ICMP or ICMPv6 message with the echo layout: type, code, checksum, identifier, sequence.
inline Bytes icmpEcho(uint8_t type, const std::string& payload) {
  Bytes b = {type, 0};
  put16(b, 0);
  put16(b, 0x0042);
  put16(b, 7);
  append(b, text(payload));
  return b;
}

// SCTP common header (ports, verification tag, checksum) + chunks.
inline Bytes sctpPacket(uint16_t sport, uint16_t dport, const Bytes& chunks) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, 0x01020304);
  put32(b, 0);
  append(b, chunks);
  return b;
}

// GRE base header (no optional fields) + payload of the given protocol type.
inline Bytes greHeader(uint16_t protocol_type, const Bytes& payload) {
  Bytes b;
  put16(b, 0);
  put16(b, protocol_type);
  append(b, payload);
  return b;
}

// ---- UDP tunnels ------------------------------------------------------------------------------

// GTPv1-U T-PDU. With `with_optional_fields` (or any extension) the 4 bytes of sequence number,
// N-PDU number and next extension type follow the 8-byte header. Each extension is given by its
// content; the length byte and next-type byte around it are added (content size must make the
// whole a multiple of 4).
inline Bytes gtpU(const Bytes& inner, bool with_optional_fields = false,
                  const std::vector<Bytes>& extensions = {}) {
  constexpr uint8_t kPduSessionContainer = 0x85;
  const bool optional = with_optional_fields || !extensions.empty();
  Bytes tail;
  if (optional) {
    put16(tail, 0x0102);  // sequence number
    tail.push_back(0);    // N-PDU number
    tail.push_back(extensions.empty() ? 0 : kPduSessionContainer);
  }
  for (size_t i = 0; i < extensions.size(); ++i) {
    const Bytes& content = extensions[i];
    tail.push_back(uint8_t((content.size() + 2) / 4));
    append(tail, content);
    tail.push_back(i + 1 < extensions.size() ? kPduSessionContainer : 0);
  }
  append(tail, inner);
  uint8_t flags = 0x30;                     // version 1, protocol type GTP
  if (with_optional_fields) flags |= 0x02;  // S: sequence number present
  if (!extensions.empty()) flags |= 0x04;   // E: extension headers present
  Bytes b = {flags, 0xFF};
  put16(b, uint16_t(tail.size()));
  put32(b, 0x00ABCDEF);  // TEID
  append(b, tail);
  return b;
}

inline Bytes tzspTag(uint8_t type, const Bytes& value) {
  Bytes b = {type, uint8_t(value.size())};
  append(b, value);
  return b;
}
// TZSP version 1, "received tag list", encapsulating Ethernet: tags, END, the frame.
inline Bytes tzsp(const Bytes& ethernet_frame, const Bytes& tags = {}, uint8_t type = 0) {
  Bytes b = {1, type};
  put16(b, 1);
  append(b, tags);
  b.push_back(1);  // END
  append(b, ethernet_frame);
  return b;
}

// CAPWAP data message (header of `hlen_words` 32-bit words, wireless binding IEEE 802.11, T set)
// carrying an 802.11 data frame (To DS) with LLC/SNAP naming `ethertype`.
inline Bytes capwapData(uint16_t ethertype, const Bytes& payload, uint8_t hlen_words = 2) {
  Bytes b = {0x00, uint8_t(hlen_words << 3), 0x03, 0x00};
  putZeros(b, hlen_words * 4u - 4u);    // fragment id/offset, optional radio MAC / wireless info
  append(b, {0x08, 0x01, 0x00, 0x00});  // frame control (data, To DS), duration
  append(b, {0x02, 0x00, 0x00, 0x00, 0x00, 0x01});  // BSSID
  append(b, {0x02, 0x00, 0x00, 0x00, 0x00, 0x02});  // source
  append(b, {0x02, 0x00, 0x00, 0x00, 0x00, 0x03});  // destination
  put16(b, 0x0010);                                 // sequence control
  append(b, llcSnap(ethertype, payload));
  return b;
}

// ---- non-IP payloads --------------------------------------------------------------------------

inline Bytes arpRequest() {
  Bytes b;
  put16(b, 1);       // Ethernet
  put16(b, 0x0800);  // IPv4
  b.push_back(6);
  b.push_back(4);
  put16(b, 1);  // request
  append(b, {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 192, 168, 1, 1});
  append(b, {0, 0, 0, 0, 0, 0, 192, 168, 1, 2});
  return b;
}

inline Bytes lldpPdu() {
  Bytes b;
  put16(b, uint16_t(1 << 9 | 7));  // chassis ID, 7 bytes
  append(b, {4, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb});
  put16(b, uint16_t(2 << 9 | 4));  // port ID, 4 bytes
  append(b, {7, 'p', '1', '0'});
  put16(b, uint16_t(3 << 9 | 2));  // TTL
  put16(b, 120);
  put16(b, 0);  // end
  return b;
}

// Configuration BPDU behind its LLC header (DSAP/SSAP 0x42).
inline Bytes stpLlcPdu() {
  Bytes bpdu(35, 0);
  bpdu[4] = 0x80;  // root priority
  return llc(0x42, 0x42, 0x03, bpdu);
}

// Slow protocols (ethertype 0x8809): LACPDU, subtype 1, version 1, rest zero.
inline Bytes lacpPdu() {
  Bytes b = {0x01, 0x01};
  putZeros(b, 108);
  return b;
}

}  // namespace netlens::test
