#include "decode/packet_decoder.hpp"

#include <algorithm>

namespace netlens {

const char* decodeErrorName(DecodeError e) {
  switch (e) {
    case DecodeError::None: return "none";
    case DecodeError::TooShort: return "too_short";
    case DecodeError::UnsupportedLinkType: return "unsupported_link_type";
    case DecodeError::BadLinkHeader: return "bad_link_header";
    case DecodeError::BadIpHeader: return "bad_ip_header";
    case DecodeError::TruncatedIp: return "truncated_ip";
    case DecodeError::BadIpv6ExtHeader: return "bad_ipv6_ext_header";
    case DecodeError::IpFragment: return "ip_fragment";
    case DecodeError::BadTunnel: return "bad_tunnel";
    case DecodeError::Count: break;
  }
  return "unknown";
}

const char* nonIpKindName(NonIpKind k) {
  switch (k) {
    case NonIpKind::Arp: return "arp";
    case NonIpKind::Lldp: return "lldp";
    case NonIpKind::Stp: return "stp";
    case NonIpKind::Lacp: return "lacp";
    case NonIpKind::Ipx: return "ipx";
    case NonIpKind::PppoeDiscovery: return "pppoe_discovery";
    case NonIpKind::Other: return "other";
    case NonIpKind::Count: break;
  }
  return "other";
}

bool isSupportedLinkType(int dlt) {
  switch (LinkType(dlt)) {
    case LinkType::Null: case LinkType::Ethernet: case LinkType::Ppp: case LinkType::Raw:
    case LinkType::RawOpenBsd: case LinkType::PppSerial: case LinkType::CiscoHdlc:
    case LinkType::Loop: case LinkType::LinuxSll: case LinkType::Ipv4: case LinkType::Ipv6:
    case LinkType::LinuxSll2:
      return true;
  }
  return false;
}

namespace {

namespace ethertype {
constexpr uint16_t Ipv4 = 0x0800, Arp = 0x0806, Rarp = 0x8035, Vlan = 0x8100, QinQ = 0x88A8,
                   QinQOld = 0x9100, Ipv6 = 0x86DD, MplsUnicast = 0x8847, MplsMulticast = 0x8848,
                   PppoeDiscovery = 0x8863, PppoeSession = 0x8864, Lldp = 0x88CC, Slow = 0x8809,
                   Ipx = 0x8137;
// Not an ethertype: the link layer says "IP, version in the first nibble".
constexpr uint16_t IpByVersion = 0xFFFF;
}  // namespace ethertype

constexpr uint16_t kGtpUPort = 2152, kTzspPort = 37008, kCapwapDataPort = 5247;
constexpr int kMaxEncapsulationDepth = 8;

class Decoder {
 public:
  Decoder(const uint8_t* frame, uint32_t caplen, const DecoderOptions& opt)
      : p_(frame), caplen_(caplen), opt_(opt) {}

  DecodedPacket run(int link_type) {
    linkLayer(link_type, 0);
    return d_;
  }

 private:
  bool has(uint32_t off, uint32_t n) const { return off <= caplen_ && n <= caplen_ - off; }
  uint16_t be16(uint32_t off) const { return uint16_t(p_[off] << 8 | p_[off + 1]); }
  uint32_t be32(uint32_t off) const {
    return uint32_t(p_[off]) << 24 | uint32_t(p_[off + 1]) << 16 | uint32_t(p_[off + 2]) << 8 | p_[off + 3];
  }

  void fail(DecodeError e) {
    d_.status = DecodeStatus::Error;
    d_.error = e;
  }
  void nonIp(NonIpKind k) {
    d_.status = DecodeStatus::NonIp;
    d_.non_ip = k;
  }
  bool deeper() {
    if (++depth_ > kMaxEncapsulationDepth) {
      fail(DecodeError::BadTunnel);
      return false;
    }
    return true;
  }

  // ---- link layer ------------------------------------------------------------------------
  void linkLayer(int link_type, uint32_t off) {
    // The smallest frame that can carry an IP and a UDP header, like the reference reader.
    if (!has(off, 28)) return fail(DecodeError::TooShort);
    switch (LinkType(link_type)) {
      case LinkType::Ethernet: return ethernet(off);
      case LinkType::Null: {
        // Address family in the capturing host's byte order: 2 is AF_INET on every system.
        uint32_t af = uint32_t(p_[off]) | uint32_t(p_[off + 1]) << 8 | uint32_t(p_[off + 2]) << 16 |
                      uint32_t(p_[off + 3]) << 24;
        return etherType(af == 2 || be32(off) == 2 ? ethertype::Ipv4 : ethertype::Ipv6, off + 4);
      }
      case LinkType::Loop:
        return etherType(be32(off) == 2 ? ethertype::Ipv4 : ethertype::Ipv6, off + 4);
      case LinkType::Raw: case LinkType::RawOpenBsd: case LinkType::Ipv4: case LinkType::Ipv6:
        return etherType(ethertype::IpByVersion, off);
      case LinkType::LinuxSll: return etherType(be16(off + 14), off + 16);
      case LinkType::LinuxSll2: return etherType(be16(off), off + 20);
      case LinkType::PppSerial: case LinkType::CiscoHdlc: case LinkType::Ppp:
        return ppp(off);
    }
    return fail(DecodeError::UnsupportedLinkType);
  }

  void ppp(uint32_t off) {
    // Cisco HDLC framing (address 0x0F/0x8F, control, ethertype) or PPP (optional FF 03, then
    // the PPP protocol number).
    if (p_[off] == 0x0F || p_[off] == 0x8F) return etherType(be16(off + 2), off + 4);
    if (p_[off] == 0xFF && p_[off + 1] == 0x03) off += 2;
    return pppProtocol(be16(off), off + 2);
  }

  void pppProtocol(uint16_t proto, uint32_t off) {
    if (proto == 0x0021) return etherType(ethertype::Ipv4, off);
    if (proto == 0x0057) return etherType(ethertype::Ipv6, off);
    return nonIp(NonIpKind::Other);
  }

  void ethernet(uint32_t off) {
    if (!has(off, 14)) return fail(DecodeError::BadLinkHeader);
    if (depth_ == 0) {
      d_.dst_mac = p_ + off;
      d_.src_mac = p_ + off + 6;
    }
    uint16_t type = be16(off + 12);
    off += 14;
    if (type <= 1500) {  // IEEE 802.3 length: an LLC header follows
      if (!has(off, 3)) return fail(DecodeError::BadLinkHeader);
      uint8_t dsap = p_[off], ssap = p_[off + 1];
      if (dsap == 0xAA || ssap == 0xAA) {  // SNAP: the ethertype is in the SNAP header
        if (!has(off, 8)) return fail(DecodeError::BadLinkHeader);
        return etherType(be16(off + 6), off + 8);
      }
      if (dsap == 0x42 || ssap == 0x42) return nonIp(NonIpKind::Stp);
      if (dsap == 0xE0 || ssap == 0xE0) return nonIp(NonIpKind::Ipx);
      return nonIp(NonIpKind::Other);
    }
    if (type < 1536) return nonIp(NonIpKind::Other);
    return etherType(type, off);
  }

  void etherType(uint16_t type, uint32_t off) {
    for (;;) {
      switch (type) {
        case ethertype::Vlan: case ethertype::QinQ: case ethertype::QinQOld:
          if (!has(off, 4)) return fail(DecodeError::BadLinkHeader);
          d_.vlan = be16(off) & 0x0FFF;  // the innermost tag names the VLAN
          type = be16(off + 2);
          off += 4;
          continue;
        case ethertype::MplsUnicast: case ethertype::MplsMulticast: {
          for (;;) {
            if (!has(off, 4)) return fail(DecodeError::BadLinkHeader);
            bool bottom = (p_[off + 2] & 0x01) != 0;
            off += 4;
            if (bottom) break;
          }
          type = ethertype::IpByVersion;
          continue;
        }
        case ethertype::PppoeSession:
          if (!has(off, 8)) return fail(DecodeError::BadLinkHeader);
          return pppProtocol(be16(off + 6), off + 8);
        case ethertype::Ipv4: case ethertype::Ipv6: case ethertype::IpByVersion:
          return ipLayer(off);
        case ethertype::Arp: case ethertype::Rarp: return nonIp(NonIpKind::Arp);
        case ethertype::Lldp: return nonIp(NonIpKind::Lldp);
        case ethertype::Slow: return nonIp(NonIpKind::Lacp);
        case ethertype::Ipx: return nonIp(NonIpKind::Ipx);
        case ethertype::PppoeDiscovery: return nonIp(NonIpKind::PppoeDiscovery);
        default: return nonIp(NonIpKind::Other);
      }
    }
  }

  // ---- IP layer --------------------------------------------------------------------------
  void ipLayer(uint32_t off) {
    if (!deeper()) return;
    if (!has(off, 20)) return fail(DecodeError::BadIpHeader);
    uint8_t version = p_[off] >> 4;
    if (version == 4) return ipv4(off);
    if (version == 6) return ipv6(off);
    return fail(DecodeError::BadIpHeader);
  }

  void ipv4(uint32_t off) {
    const uint32_t ihl = (p_[off] & 0x0F) * 4u;
    if (ihl < 20 || !has(off, ihl)) return fail(DecodeError::BadIpHeader);
    const uint8_t proto = p_[off + 9];
    if (proto == 4 || proto == 41) {  // IPv4 or IPv6 inside IPv4: count the inner packet
      d_.tunnel = TunnelType::IpInIp;
      return ipLayer(off + ihl);
    }
    d_.ip_version = 4;
    d_.l4_proto = proto;
    d_.src_ip = IpAddress::v4(p_ + off + 12);
    d_.dst_ip = IpAddress::v4(p_ + off + 16);
    if ((be16(off + 6) & 0x1FFF) != 0) return fail(DecodeError::IpFragment);

    uint32_t total_len = be16(off + 2);
    if (total_len > caplen_ - off) {
      if (!opt_.allow_truncated) return fail(DecodeError::TruncatedIp);
      total_len = caplen_ - off;
    }
    if (total_len < ihl) return fail(DecodeError::BadIpHeader);
    if (proto == 17 && opt_.decode_tunnels) {
      bool handled = false;
      udpTunnel(off + ihl, handled);
      if (handled) return;
    }
    transport(off, off + ihl, total_len - ihl);
  }

  void ipv6(uint32_t off) {
    if (!has(off, 40)) return fail(DecodeError::BadIpHeader);
    uint32_t payload_len = be16(off + 4);
    if (payload_len > caplen_ - off - 40) {
      if (!opt_.allow_truncated) return fail(DecodeError::TruncatedIp);
      payload_len = caplen_ - off - 40;
    }
    uint8_t next = p_[off + 6];
    uint32_t l4 = off + 40;
    uint32_t l4_len = payload_len;
    // Extension headers, walked within the payload the header announces.
    for (int guard = 0; guard < 16; ++guard) {
      if (next == 59) return fail(DecodeError::BadIpv6ExtHeader);  // no next header
      if (next == 44) {  // fragment header, 8 bytes
        if (l4_len < 8) return fail(DecodeError::BadIpv6ExtHeader);
        uint16_t frag_offset = be16(l4 + 2) >> 3;
        d_.src_ip = IpAddress::v6(p_ + off + 8);
        d_.dst_ip = IpAddress::v6(p_ + off + 24);
        d_.ip_version = 6;
        next = p_[l4];
        if (frag_offset != 0) return fail(DecodeError::IpFragment);
        l4 += 8;
        l4_len -= 8;
        continue;
      }
      if (next == 0 || next == 43 || next == 60 || next == 135) {
        if (l4_len < 2) return fail(DecodeError::BadIpv6ExtHeader);
        uint32_t len = (uint32_t(p_[l4 + 1]) + 1) * 8;
        if (len > l4_len) return fail(DecodeError::BadIpv6ExtHeader);
        next = p_[l4];
        l4 += len;
        l4_len -= len;
        continue;
      }
      break;
    }
    if (next == 4 || next == 41) {
      d_.tunnel = TunnelType::IpInIp;
      return ipLayer(l4);
    }
    d_.ip_version = 6;
    d_.l4_proto = next;
    d_.src_ip = IpAddress::v6(p_ + off + 8);
    d_.dst_ip = IpAddress::v6(p_ + off + 24);
    if (next == 17 && opt_.decode_tunnels) {
      bool handled = false;
      udpTunnel(l4, handled);
      if (handled) return;
    }
    transport(off, l4, l4_len);
  }

  // GTP-U, TZSP and CAPWAP data carry whole packets over UDP: count the inner one. When the
  // payload is not the tunnel it claims to be, the datagram stays an ordinary UDP packet.
  void udpTunnel(uint32_t udp, bool& handled) {
    if (!has(udp, 8)) {
      handled = true;
      return fail(DecodeError::TruncatedIp);
    }
    const uint16_t sport = be16(udp), dport = be16(udp + 2);
    const uint32_t off = udp + 8;
    if (sport == kGtpUPort || dport == kGtpUPort) {
      if (!has(off, 9)) return;
      const uint8_t flags = p_[off], msg_type = p_[off + 1];
      if ((flags >> 5) != 1 || msg_type != 0xFF) return;  // GTPv1 T-PDU only
      uint32_t inner = off + 8;
      if (flags & 0x07) inner += 4;
      if (flags & 0x04) {  // extension headers: length in 4-byte units, last byte = next type
        for (;;) {
          if (inner >= caplen_) return;
          uint32_t ext_len = uint32_t(p_[inner]) * 4;
          if (ext_len == 0) return;
          inner += ext_len;
          if (inner >= caplen_) return;
          if (p_[inner - 1] == 0) break;
        }
      }
      if (inner >= caplen_) return;
      handled = true;
      d_.tunnel = TunnelType::GtpU;
      const uint8_t v = p_[inner] >> 4;
      if (v != 4 && v != 6) return fail(DecodeError::BadTunnel);
      return ipLayer(inner);
    }
    if (sport == kTzspPort || dport == kTzspPort) {
      if (!has(off, 4)) {
        handled = true;
        return fail(DecodeError::BadTunnel);
      }
      // Version 1, type "received packet", encapsulating Ethernet; then tagged fields up to END.
      if (p_[off] != 1 || p_[off + 1] != 0 || be16(off + 2) != 1) return;
      handled = true;
      d_.tunnel = TunnelType::Tzsp;
      uint32_t t = off + 4;
      for (;;) {
        if (t >= caplen_) return fail(DecodeError::BadTunnel);
        const uint8_t tag = p_[t];
        if (tag == 1) {  // END
          ++t;
          break;
        }
        if (tag == 0) {  // PADDING
          ++t;
          continue;
        }
        if (!has(t, 2)) return fail(DecodeError::BadTunnel);
        t += 2 + p_[t + 1];
      }
      if (t >= caplen_) return fail(DecodeError::BadTunnel);
      if (!deeper()) return;
      return linkLayer(int(LinkType::Ethernet), t);
    }
    if (sport == kCapwapDataPort || dport == kCapwapDataPort) {
      if (!has(off, 2) || (p_[off] & 0x0F) != 0) return;
      const uint32_t hlen = uint32_t(p_[off + 1] & 0xF8) >> 1;  // HLEN, 4-byte words
      const uint32_t wifi = off + hlen;
      if (!has(wifi, 33)) return;
      // IEEE 802.11 data header (24 bytes), then LLC/SNAP (8 bytes) naming the ethertype.
      handled = true;
      d_.tunnel = TunnelType::Capwap;
      return etherType(be16(wifi + 24 + 6), wifi + 24 + 8);
    }
  }

  void transport(uint32_t ip_off, uint32_t l4, uint32_t l4_len) {
    d_.status = DecodeStatus::Ip;
    d_.l3 = p_ + ip_off;
    d_.l3_len = caplen_ - ip_off;
    d_.l4_len = l4_len;
    switch (d_.l4_proto) {
      case 6:
        if (l4_len >= 20) {
          d_.src_port = be16(l4);
          d_.dst_port = be16(l4 + 2);
          d_.tcp_seq = be32(l4 + 4);
          const uint32_t hdr = std::min<uint32_t>((p_[l4 + 12] >> 4) * 4u, l4_len);
          d_.tcp_flags = p_[l4 + 13];
          d_.has_tcp_header = true;
          d_.payload_len = l4_len - hdr;
          d_.payload = p_ + l4 + hdr;
        }
        break;
      case 17:
        if (l4_len >= 8) {
          d_.src_port = be16(l4);
          d_.dst_port = be16(l4 + 2);
          d_.payload_len = l4_len - 8;
          d_.payload = p_ + l4 + 8;
        }
        break;
      case 132:  // SCTP: common header with ports, verification tag and checksum
        if (l4_len >= 12) {
          d_.src_port = be16(l4);
          d_.dst_port = be16(l4 + 2);
          d_.payload_len = l4_len - 12;
        }
        break;
      case 1: case 58:
        d_.payload_len = l4_len > 8 ? l4_len - 8 : 0;
        break;
      default:
        d_.payload_len = l4_len;
        break;
    }
  }

  const uint8_t* p_;
  uint32_t caplen_;
  const DecoderOptions& opt_;
  DecodedPacket d_;
  int depth_ = 0;
};

}  // namespace

DecodedPacket decodePacket(int link_type, const uint8_t* frame, uint32_t caplen,
                           const DecoderOptions& options) {
  return Decoder(frame, caplen, options).run(link_type);
}

}  // namespace netlens
