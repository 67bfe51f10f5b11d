#pragma once
// DecodedPacket: what the decoder learned from one frame, in a small stack struct. Pointers
// borrow the caller's frame buffer.
#include <cstdint>

#include "core/ip_address.hpp"

namespace netlens {

// Link-layer types we decode (values of pcap's DLT_ constants as libpcap reports them).
enum class LinkType : int {
  Null = 0,          // BSD loopback, host-order address family
  Ethernet = 1,
  Ppp = 9,
  Raw = 12,          // DLT_RAW on Linux (LINKTYPE_RAW = 101 in files)
  RawOpenBsd = 14,
  PppSerial = 50,
  CiscoHdlc = 104,
  Loop = 108,        // OpenBSD loopback, network-order address family
  LinuxSll = 113,
  Ipv4 = 228,
  Ipv6 = 229,
  LinuxSll2 = 276,
};

// Why a frame produced no flow packet. Each reason has its own counter in the interface.
enum class DecodeError : uint8_t {
  None = 0,
  TooShort,            // shorter than any IP packet can be
  UnsupportedLinkType,
  BadLinkHeader,       // link, VLAN, MPLS or PPPoE header cut short
  BadIpHeader,         // wrong version, header length, or header cut short
  TruncatedIp,         // IP total length beyond the captured bytes
  BadIpv6ExtHeader,
  IpFragment,          // a non-first fragment: carries no L4 header to find its flow
  BadTunnel,           // a tunnel that announced an inner packet it does not hold
  Count
};
const char* decodeErrorName(DecodeError e);

// Frames that are not IP: counted at interface level by kind, never as flows.
enum class NonIpKind : uint8_t { Arp, Lldp, Stp, Lacp, Ipx, PppoeDiscovery, Other, Count };
const char* nonIpKindName(NonIpKind k);

enum class TunnelType : uint8_t { None = 0, GtpU, Tzsp, Capwap, IpInIp };

enum class DecodeStatus : uint8_t { Ip, NonIp, Error };

struct DecodedPacket {
  DecodeStatus status = DecodeStatus::Error;
  DecodeError error = DecodeError::None;
  NonIpKind non_ip = NonIpKind::Other;
  TunnelType tunnel = TunnelType::None;

  uint16_t vlan = 0;
  uint8_t ip_version = 0;
  uint8_t l4_proto = 0;
  IpAddress src_ip;
  IpAddress dst_ip;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;

  // The IP header handed to nDPI and the bytes captured from it to the end of the frame.
  const uint8_t* l3 = nullptr;
  uint32_t l3_len = 0;
  uint32_t l4_len = 0;       // L4 header + payload as the IP header announces it
  uint32_t payload_len = 0;  // L4 payload
  const uint8_t* payload = nullptr;  // TCP and UDP: the payload_len bytes of L4 payload

  // TCP only (has_tcp_header false when the segment is too short to hold one).
  bool has_tcp_header = false;
  uint8_t tcp_flags = 0;
  uint32_t tcp_seq = 0;

  const uint8_t* src_mac = nullptr;  // Ethernet frames only
  const uint8_t* dst_mac = nullptr;
};

namespace tcp_flag {
inline constexpr uint8_t Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10, Urg = 0x20,
                         Ece = 0x40, Cwr = 0x80;
}

}  // namespace netlens
