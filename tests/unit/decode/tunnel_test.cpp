// Tunnels whose inner packet is the one decoded: GTP-U, TZSP, CAPWAP data and IP-in-IP; and
// the UDP datagrams on those ports that are not the tunnel and stay plain UDP.
#include <gtest/gtest.h>

#include "decode_test_util.hpp"

namespace netlens::test {
namespace {

const Bytes kInnerTcp =
    ipv4("10.10.0.1", "10.10.0.2", 6, tcpSegment(33000, 443, tcp_flag::Ack, 5, "inner"));
const FlowFields kInnerTcpFlow = {4, 6, "10.10.0.1", 33000, "10.10.0.2", 443};
const Bytes kInnerUdp6 =
    ipv6("2001:db8:1::1", "2001:db8:1::2", 17, udpDatagram(6000, 7000, "inner6"));
const FlowFields kInnerUdp6Flow = {6, 17, "2001:db8:1::1", 6000, "2001:db8:1::2", 7000};

Bytes overUdp4(uint16_t sport, uint16_t dport, const Bytes& payload) {
  return ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(sport, dport, payload)));
}
Bytes overUdp6(uint16_t sport, uint16_t dport, const Bytes& payload) {
  return ethernet(0x86DD,
                  ipv6("2001:db8:ff::1", "2001:db8:ff::2", 17, udpDatagram(sport, dport, payload)));
}
DecodeError errorOf(const DecodedPacket& d) {
  return d.status == DecodeStatus::Error ? d.error : DecodeError::None;
}

// ---- GTP-U ------------------------------------------------------------------------------------

TEST(GtpU, MinimalHeader) {
  const Bytes frame = overUdp4(2152, 2152, gtpU(kInnerTcp));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerTcpFlow));
  EXPECT_EQ(d.tunnel, TunnelType::GtpU);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerTcp));
  EXPECT_EQ(d.l4_len, 25u);
  EXPECT_EQ(d.payload_len, 5u);
  EXPECT_EQ(d.tcp_seq, 5u);
  EXPECT_EQ(d.src_mac, frame.data() + 6);
}

TEST(GtpU, OptionalFieldsOverIpv6) {
  const Bytes frame = overUdp6(40000, 2152, gtpU(kInnerUdp6, true));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerUdp6Flow));
  EXPECT_EQ(d.tunnel, TunnelType::GtpU);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerUdp6));
}

TEST(GtpU, ExtensionHeaders) {
  // A PDU session container (4 bytes) and a longer one (8 bytes) before the inner packet.
  const Bytes frame =
      overUdp4(2152, 50000, gtpU(kInnerTcp, false, {{0x00, 0x09}, {0x10, 0x05, 1, 2, 3, 4}}));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerTcpFlow));
  EXPECT_EQ(d.tunnel, TunnelType::GtpU);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerTcp));

  const Bytes with_seq = overUdp4(2152, 2152, gtpU(kInnerUdp6, true, {{0x01, 0x02}}));
  const DecodedPacket d6 = decode(LinkType::Ethernet, with_seq);
  EXPECT_TRUE(hasFlow(d6, kInnerUdp6Flow));
  EXPECT_TRUE(l3IsTail(d6, with_seq, kInnerUdp6));
}

TEST(GtpU, InnerPacketNotIpIsBadTunnel) {
  const Bytes not_ip(40, 0x00);
  const DecodedPacket d = decode(LinkType::Ethernet, overUdp4(2152, 2152, gtpU(not_ip)));
  EXPECT_EQ(d.status, DecodeStatus::Error);
  EXPECT_EQ(d.error, DecodeError::BadTunnel);
  EXPECT_EQ(d.tunnel, TunnelType::GtpU);
}

TEST(GtpU, InnerPacketErrorsAreReported) {
  const Bytes cut =
      firstBytes(kInnerTcp, kInnerTcp.size() - 2);  // inner total length beyond the capture
  EXPECT_EQ(errorOf(decode(LinkType::Ethernet, overUdp4(2152, 2152, gtpU(cut)))),
            DecodeError::TruncatedIp);
}

TEST(GtpU, NotATpduStaysUdp) {
  // GTPv1 echo request, GTPv2 (version 2), a bare header with nothing after it.
  Bytes echo = gtpU(kInnerTcp);
  echo[1] = 0x01;
  Bytes v2 = gtpU(kInnerTcp);
  v2[0] = 0x48;
  for (const Bytes& payload : {echo, v2, gtpU({})}) {
    const Bytes frame = overUdp4(2152, 2152, payload);
    const DecodedPacket d = decode(LinkType::Ethernet, frame);
    EXPECT_TRUE(hasFlow(d, {4, 17, "192.0.2.1", 2152, "192.0.2.2", 2152}));
    EXPECT_EQ(d.tunnel, TunnelType::None);
    EXPECT_EQ(d.payload_len, payload.size());
    EXPECT_EQ(d.l3, frame.data() + 14);
  }
}

TEST(GtpU, MalformedExtensionStaysUdp) {
  // An extension header of length 0, and one running past the end of the frame.
  Bytes zero_len = gtpU(kInnerTcp, false, {{0x00, 0x09}});
  zero_len[12] = 0;
  Bytes too_long = gtpU(kInnerTcp, false, {{0x00, 0x09}});
  too_long[12] = 200;
  for (const Bytes& payload : {zero_len, too_long}) {
    const DecodedPacket d = decode(LinkType::Ethernet, overUdp4(2152, 2152, payload));
    EXPECT_TRUE(hasFlow(d, {4, 17, "192.0.2.1", 2152, "192.0.2.2", 2152}));
    EXPECT_EQ(d.tunnel, TunnelType::None);
  }
}

TEST(GtpU, NotOpenedWhenTunnelDecodingIsOff) {
  const Bytes frame = overUdp4(2152, 2152, gtpU(kInnerTcp));
  const DecodedPacket d =
      decode(LinkType::Ethernet, frame, DecoderOptions{.decode_tunnels = false});
  EXPECT_TRUE(hasFlow(d, {4, 17, "192.0.2.1", 2152, "192.0.2.2", 2152}));
  EXPECT_EQ(d.tunnel, TunnelType::None);
}

// ---- TZSP -------------------------------------------------------------------------------------

TEST(Tzsp, EthernetInsideWithTags) {
  const Bytes inner_frame = ethernet(0x0800, kInnerTcp, {33});
  Bytes tags = {0x00};                      // padding
  append(tags, tzspTag(10, {0xC4}));        // signal
  append(tags, tzspTag(18, {0x06}));        // channel
  append(tags, tzspTag(40, {1, 2, 3, 4}));  // packet count
  const Bytes frame = overUdp4(40000, 37008, tzsp(inner_frame, tags));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerTcpFlow));
  EXPECT_EQ(d.tunnel, TunnelType::Tzsp);
  EXPECT_EQ(d.vlan, 33);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerTcp));
  EXPECT_EQ(d.src_mac, frame.data() + 6);  // the MACs of the frame captured, not the inner one
  EXPECT_EQ(d.dst_mac, frame.data());
}

TEST(Tzsp, OnlyEndTagIpv6Inside) {
  const Bytes frame = overUdp6(37008, 37008, tzsp(ethernet(0x86DD, kInnerUdp6)));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerUdp6Flow));
  EXPECT_EQ(d.tunnel, TunnelType::Tzsp);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerUdp6));
}

TEST(Tzsp, ArpInsideIsNotIp) {
  const DecodedPacket d =
      decode(LinkType::Ethernet, overUdp4(40000, 37008, tzsp(ethernet(0x0806, arpRequest()))));
  EXPECT_EQ(d.status, DecodeStatus::NonIp);
  EXPECT_EQ(d.non_ip, NonIpKind::Arp);
  EXPECT_EQ(d.tunnel, TunnelType::Tzsp);
}

TEST(Tzsp, OtherMessageTypesStayUdp) {
  // Type 4 ("keepalive") carries no packet; encapsulation 18 is 802.11, not Ethernet.
  Bytes other_encap = tzsp(ethernet(0x0800, kInnerTcp));
  other_encap[3] = 18;
  for (const Bytes& payload : {tzsp(ethernet(0x0800, kInnerTcp), {}, 4), other_encap}) {
    const DecodedPacket d = decode(LinkType::Ethernet, overUdp4(40000, 37008, payload));
    EXPECT_TRUE(hasFlow(d, {4, 17, "192.0.2.1", 40000, "192.0.2.2", 37008}));
    EXPECT_EQ(d.tunnel, TunnelType::None);
  }
}

TEST(Tzsp, TagsRunningPastTheFrameAreBadTunnel) {
  Bytes runaway = {1, 0, 0, 1, 10, 200, 0xC4};  // a tag announcing 200 bytes, 1 present
  EXPECT_EQ(errorOf(decode(LinkType::Ethernet, overUdp4(40000, 37008, runaway))),
            DecodeError::BadTunnel);
  Bytes no_end = {1, 0, 0, 1, 0, 0, 0};  // padding to the end, no END tag
  EXPECT_EQ(errorOf(decode(LinkType::Ethernet, overUdp4(40000, 37008, no_end))),
            DecodeError::BadTunnel);
  EXPECT_EQ(errorOf(decode(LinkType::Ethernet, overUdp4(40000, 37008, tzsp({})))),
            DecodeError::BadTunnel);
}

TEST(Tzsp, NotOpenedWhenTunnelDecodingIsOff) {
  const DecodedPacket d =
      decode(LinkType::Ethernet, overUdp4(40000, 37008, tzsp(ethernet(0x0800, kInnerTcp))),
             DecoderOptions{.decode_tunnels = false});
  EXPECT_TRUE(hasFlow(d, {4, 17, "192.0.2.1", 40000, "192.0.2.2", 37008}));
  EXPECT_EQ(d.tunnel, TunnelType::None);
}

// ---- CAPWAP -----------------------------------------------------------------------------------

TEST(Capwap, DataWith80211AndLlcSnap) {
  const Bytes frame = overUdp4(12345, 5247, capwapData(0x0800, kInnerTcp));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerTcpFlow));
  EXPECT_EQ(d.tunnel, TunnelType::Capwap);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerTcp));
}

TEST(Capwap, LongerHeaderIpv6InsideFromTheAccessController) {
  const Bytes frame = overUdp4(5247, 12345, capwapData(0x86DD, kInnerUdp6, 4));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerUdp6Flow));
  EXPECT_EQ(d.tunnel, TunnelType::Capwap);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerUdp6));
}

TEST(Capwap, NonIpInside) {
  const DecodedPacket d =
      decode(LinkType::Ethernet, overUdp4(12345, 5247, capwapData(0x0806, arpRequest())));
  EXPECT_EQ(d.status, DecodeStatus::NonIp);
  EXPECT_EQ(d.non_ip, NonIpKind::Arp);
  EXPECT_EQ(d.tunnel, TunnelType::Capwap);
}

TEST(Capwap, NotCapwapDataStaysUdp) {
  Bytes not_preamble = capwapData(0x0800, kInnerTcp);
  not_preamble[0] = 0x01;      // type 1: not a CAPWAP header
  Bytes short_payload(20, 0);  // preamble 0, but no room for 802.11 + LLC/SNAP
  short_payload[1] = 2 << 3;
  const Bytes nothing_after_snap = capwapData(0x0800, {});  // the headers, but no inner byte
  for (const Bytes& payload : {not_preamble, short_payload, nothing_after_snap}) {
    const DecodedPacket d = decode(LinkType::Ethernet, overUdp4(12345, 5247, payload));
    EXPECT_TRUE(hasFlow(d, {4, 17, "192.0.2.1", 12345, "192.0.2.2", 5247}));
    EXPECT_EQ(d.tunnel, TunnelType::None);
    EXPECT_EQ(d.payload_len, payload.size());
  }
}

// ---- IP in IP ---------------------------------------------------------------------------------

TEST(IpInIp, Ipv4InIpv4) {
  const Bytes frame = ethernet(0x0800, ipv4("198.51.100.1", "198.51.100.2", 4, kInnerTcp));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerTcpFlow));
  EXPECT_EQ(d.tunnel, TunnelType::IpInIp);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerTcp));
  EXPECT_EQ(d.payload_len, 5u);
}

TEST(IpInIp, Ipv6InIpv4) {
  const Bytes frame = ethernet(0x0800, ipv4("198.51.100.1", "198.51.100.2", 41, kInnerUdp6));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerUdp6Flow));
  EXPECT_EQ(d.tunnel, TunnelType::IpInIp);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerUdp6));
}

TEST(IpInIp, Ipv4InIpv6) {
  const Bytes frame = ethernet(0x86DD, ipv6("2001:db8:ff::1", "2001:db8:ff::2", 4, kInnerTcp));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerTcpFlow));
  EXPECT_EQ(d.tunnel, TunnelType::IpInIp);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerTcp));
}

TEST(IpInIp, Ipv6InIpv6BehindDestinationOptions) {
  const Bytes packet =
      ipv6("2001:db8:ff::1", "2001:db8:ff::2", 60, ipv6ExtHeader(41, 0, kInnerUdp6));
  const DecodedPacket d = decode(LinkType::Raw, packet);
  EXPECT_TRUE(hasFlow(d, kInnerUdp6Flow));
  EXPECT_EQ(d.tunnel, TunnelType::IpInIp);
  EXPECT_TRUE(l3IsTail(d, packet, kInnerUdp6));
}

TEST(IpInIp, InnerPacketErrorsAreReported) {
  Bytes bad_version = kInnerTcp;
  bad_version[0] = 0x75;
  EXPECT_EQ(errorOf(decode(LinkType::Raw, ipv4("198.51.100.1", "198.51.100.2", 4, bad_version))),
            DecodeError::BadIpHeader);
  const Bytes inner_fragment =
      ipv4("10.10.0.1", "10.10.0.2", 6, text("later bytes of a segment"), 0x0020);
  EXPECT_EQ(errorOf(decode(LinkType::Raw, ipv4("198.51.100.1", "198.51.100.2", 4, inner_fragment))),
            DecodeError::IpFragment);
}

// ---- nesting ----------------------------------------------------------------------------------

Bytes nestedIpv4(int headers, const Bytes& innermost) {
  Bytes packet = innermost;
  for (int i = 1; i < headers; ++i) packet = ipv4("198.51.100.1", "198.51.100.2", 4, packet);
  return packet;
}

TEST(Nesting, EightIpHeadersAreDecoded) {
  const Bytes packet = nestedIpv4(8, kInnerTcp);
  const DecodedPacket d = decode(LinkType::Raw, packet);
  EXPECT_TRUE(hasFlow(d, kInnerTcpFlow));
  EXPECT_EQ(d.tunnel, TunnelType::IpInIp);
  EXPECT_TRUE(l3IsTail(d, packet, kInnerTcp));
}

TEST(Nesting, NineIpHeadersAreBadTunnel) {
  const DecodedPacket d = decode(LinkType::Raw, nestedIpv4(9, kInnerTcp));
  EXPECT_EQ(d.status, DecodeStatus::Error);
  EXPECT_EQ(d.error, DecodeError::BadTunnel);
}

Bytes nestedTzsp(int levels) {
  Bytes frame = ethernet(0x0800, kInnerTcp);
  for (int i = 0; i < levels; ++i) frame = overUdp4(40000, 37008, tzsp(frame));
  return frame;
}

TEST(Nesting, TunnelsInsideTunnelsUpToTheLimit) {
  // Each TZSP level is an IP header and an Ethernet frame deeper.
  const Bytes three = nestedTzsp(3);
  const DecodedPacket d = decode(LinkType::Ethernet, three);
  EXPECT_TRUE(hasFlow(d, kInnerTcpFlow));
  EXPECT_EQ(d.tunnel, TunnelType::Tzsp);
  EXPECT_TRUE(l3IsTail(d, three, kInnerTcp));
  EXPECT_EQ(errorOf(decode(LinkType::Ethernet, nestedTzsp(4))), DecodeError::BadTunnel);
}

TEST(Nesting, DifferentTunnelsNestedReportTheInnermost) {
  // GTP-U inside IPv6-in-IPv4: the flow is the GTP-U payload's.
  const Bytes gtp =
      ipv6("2001:db8:ff::1", "2001:db8:ff::2", 17, udpDatagram(2152, 2152, gtpU(kInnerTcp)));
  const Bytes frame = ethernet(0x0800, ipv4("198.51.100.1", "198.51.100.2", 41, gtp));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kInnerTcpFlow));
  EXPECT_EQ(d.tunnel, TunnelType::GtpU);
  EXPECT_TRUE(l3IsTail(d, frame, kInnerTcp));
}

}  // namespace
}  // namespace netlens::test
