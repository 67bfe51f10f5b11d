// IPv4 and IPv6 headers (options, fragments, extension headers, malformed headers) and the
// transport headers the decoder reads ports and lengths from.
#include <gtest/gtest.h>

#include "decode_test_util.hpp"

namespace netlens::test {
namespace {

DecodeError errorOf(const DecodedPacket& d) {
  return d.status == DecodeStatus::Error ? d.error : DecodeError::None;
}

// ---- IPv4 -------------------------------------------------------------------------------------

TEST(Ipv4, OptionsAreSkipped) {
  const Bytes router_alert = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00};  // + NOP NOP NOP EOL
  const Bytes tcp = tcpSegment(1234, 443, tcp_flag::Ack, 7, "data");
  const Bytes packet = ipv4("192.168.0.1", "192.168.0.2", 6, tcp, 0, router_alert);
  ASSERT_EQ(packet[0], 0x47);  // IHL 7
  const Bytes frame = ethernet(0x0800, packet);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, {4, 6, "192.168.0.1", 1234, "192.168.0.2", 443}));
  EXPECT_EQ(d.l4_len, tcp.size());
  EXPECT_EQ(d.payload_len, 4u);
  EXPECT_EQ(d.tcp_seq, 7u);
  EXPECT_TRUE(l3IsTail(d, frame, packet));
}

TEST(Ipv4, DontFragmentIsNotAFragment) {
  const Bytes packet = ipv4("10.1.1.1", "10.1.1.2", 17, udpDatagram(5000, 6000, "x"), 0x4000);
  const DecodedPacket d = decode(LinkType::Raw, packet);
  EXPECT_TRUE(hasFlow(d, {4, 17, "10.1.1.1", 5000, "10.1.1.2", 6000}));
}

TEST(Ipv4, FirstFragmentIsDecodedWithPorts) {
  // More-fragments set, offset 0: the UDP header is in this fragment.
  const Bytes udp = udpDatagram(5000, 6000, std::string(64, 'a'));
  const Bytes packet = ipv4("10.1.1.1", "10.1.1.2", 17, udp, 0x2000);
  const Bytes frame = ethernet(0x0800, packet);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, {4, 17, "10.1.1.1", 5000, "10.1.1.2", 6000}));
  EXPECT_EQ(d.payload_len, 64u);
  EXPECT_TRUE(l3IsTail(d, frame, packet));
}

TEST(Ipv4, NonFirstFragmentIsIpFragment) {
  const Bytes rest = text(std::string(40, 'b'));
  for (uint16_t frag_field : {uint16_t(0x0009), uint16_t(0x2000 | 0x00B9), uint16_t(0x1FFF)}) {
    SCOPED_TRACE(frag_field);
    const DecodedPacket d = decode(
        LinkType::Ethernet, ethernet(0x0800, ipv4("10.1.1.1", "10.1.1.2", 17, rest, frag_field)));
    EXPECT_EQ(d.status, DecodeStatus::Error);
    EXPECT_EQ(d.error, DecodeError::IpFragment);
    EXPECT_EQ(d.src_port, 0);
  }
}

TEST(Ipv4, TotalLengthBeyondCaptureIsTruncated) {
  const Bytes full = ethernet(
      0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, tcpSegment(1, 2, tcp_flag::Syn, 0, "payload")));
  const Bytes frame = firstBytes(full, full.size() - 3);  // snap length cut the end off
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_EQ(d.status, DecodeStatus::Error);
  EXPECT_EQ(d.error, DecodeError::TruncatedIp);
  // One byte missing is enough.
  const Bytes packet = ipv4("10.0.0.1", "10.0.0.2", 1, icmpEcho(8, "abcdefgh"));
  const Bytes one_short = firstBytes(packet, packet.size() - 1);
  EXPECT_EQ(errorOf(decode(LinkType::Raw, one_short)), DecodeError::TruncatedIp);
}

TEST(Ipv4, TotalLengthShorterThanHeaderIsBadIpHeader) {
  Bytes packet = ipv4("10.0.0.1", "10.0.0.2", 17, udpDatagram(1, 2, "abcdefgh"));
  packet[2] = 0;
  packet[3] = 16;
  EXPECT_EQ(errorOf(decode(LinkType::Raw, packet)), DecodeError::BadIpHeader);
}

TEST(Ipv4, BadHeaderLength) {
  Bytes packet = ipv4("10.0.0.1", "10.0.0.2", 17, udpDatagram(1, 2, "abcdefgh"));
  packet[0] = 0x44;  // 16 bytes: less than the fixed header
  EXPECT_EQ(errorOf(decode(LinkType::Raw, packet)), DecodeError::BadIpHeader);
  packet[0] = 0x4F;  // 60 bytes: more than the 36 captured
  EXPECT_EQ(errorOf(decode(LinkType::Raw, packet)), DecodeError::BadIpHeader);
  EXPECT_EQ(errorOf(decode(LinkType::Ethernet, ethernet(0x0800, packet))),
            DecodeError::BadIpHeader);
}

TEST(Ip, BadVersion) {
  Bytes packet = ipv4("10.0.0.1", "10.0.0.2", 17, udpDatagram(1, 2, "abcdefgh"));
  for (uint8_t first : {uint8_t(0x55), uint8_t(0x05), uint8_t(0xF5)}) {
    SCOPED_TRACE(int(first));
    packet[0] = first;
    EXPECT_EQ(errorOf(decode(LinkType::Raw, packet)), DecodeError::BadIpHeader);
    EXPECT_EQ(errorOf(decode(LinkType::Ethernet, ethernet(0x0800, packet))),
              DecodeError::BadIpHeader);
  }
}

TEST(Ip, HeaderCutShortBehindTheLinkLayer) {
  // Ethernet, then 14 of the 20 IPv4 header bytes.
  const Bytes frame =
      firstBytes(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udpDatagram(1, 2))), 28);
  EXPECT_EQ(errorOf(decode(LinkType::Ethernet, frame)), DecodeError::BadIpHeader);
  const Bytes v6 = ipv6("2001:db8::1", "2001:db8::2", 17, udpDatagram(1, 2));
  const Bytes v6_cut = firstBytes(v6, 36);  // 36 of the 40 IPv6 header bytes
  EXPECT_EQ(errorOf(decode(LinkType::Raw, v6_cut)), DecodeError::BadIpHeader);
}

// ---- IPv6 -------------------------------------------------------------------------------------

TEST(Ipv6, HopByHopOptions) {
  const Bytes tcp = tcpSegment(50000, 443, tcp_flag::Syn, 99);
  const Bytes packet = ipv6("fe80::1", "ff02::16", 0, ipv6ExtHeader(6, 0, tcp));
  const Bytes frame = ethernet(0x86DD, packet);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, {6, 6, "fe80::1", 50000, "ff02::16", 443}));
  EXPECT_EQ(d.l4_len, tcp.size());
  EXPECT_TRUE(l3IsTail(d, frame, packet));
}

TEST(Ipv6, RoutingHeader) {
  const Bytes udp = udpDatagram(1000, 2000, "hello");
  const Bytes packet = ipv6("2001:db8::a", "2001:db8::b", 43, ipv6ExtHeader(17, 2, udp));
  const DecodedPacket d = decode(LinkType::Raw, packet);
  EXPECT_TRUE(hasFlow(d, {6, 17, "2001:db8::a", 1000, "2001:db8::b", 2000}));
  EXPECT_EQ(d.l4_len, udp.size());
  EXPECT_EQ(d.payload_len, 5u);
  EXPECT_TRUE(l3IsTail(d, packet, packet));
}

TEST(Ipv6, DestinationOptions) {
  const Bytes icmp = icmpEcho(128, "ping");
  const Bytes packet = ipv6("2001:db8::a", "2001:db8::b", 60, ipv6ExtHeader(58, 1, icmp));
  const DecodedPacket d = decode(LinkType::Ipv6, packet);
  EXPECT_TRUE(hasFlow(d, {6, 58, "2001:db8::a", 0, "2001:db8::b", 0}));
  EXPECT_EQ(d.l4_len, icmp.size());
  EXPECT_EQ(d.payload_len, 4u);
}

TEST(Ipv6, ChainWithFirstFragment) {
  // Hop-by-hop, routing, fragment (offset 0, more fragments), destination options, UDP.
  const Bytes udp = udpDatagram(4000, 4001, "chained");
  const Bytes chain = ipv6ExtHeader(
      43, 0, ipv6ExtHeader(44, 1, ipv6Fragment(60, 0, true, ipv6ExtHeader(17, 0, udp))));
  const Bytes packet = ipv6("2001:db8::1", "2001:db8::2", 0, chain);
  const Bytes frame = ethernet(0x86DD, packet, {12});
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, {6, 17, "2001:db8::1", 4000, "2001:db8::2", 4001}));
  EXPECT_EQ(d.l4_len, udp.size());
  EXPECT_EQ(d.payload_len, 7u);
  EXPECT_EQ(d.vlan, 12);
  EXPECT_TRUE(l3IsTail(d, frame, packet));
}

TEST(Ipv6, NonFirstFragmentIsIpFragment) {
  const Bytes rest = text(std::string(48, 'c'));
  for (bool more : {true, false}) {
    SCOPED_TRACE(more);
    const Bytes packet = ipv6("2001:db8::1", "2001:db8::2", 44, ipv6Fragment(17, 185, more, rest));
    const DecodedPacket d = decode(LinkType::Ethernet, ethernet(0x86DD, packet));
    EXPECT_EQ(d.status, DecodeStatus::Error);
    EXPECT_EQ(d.error, DecodeError::IpFragment);
  }
  // The same behind a hop-by-hop header.
  const Bytes behind_hbh =
      ipv6("2001:db8::1", "2001:db8::2", 0, ipv6ExtHeader(44, 0, ipv6Fragment(6, 1, false, rest)));
  EXPECT_EQ(errorOf(decode(LinkType::Raw, behind_hbh)), DecodeError::IpFragment);
}

TEST(Ipv6, PayloadLengthBeyondCaptureIsTruncated) {
  const Bytes full =
      ethernet(0x86DD, ipv6("2001:db8::1", "2001:db8::2", 17, udpDatagram(1, 2, "truncated")));
  const Bytes frame = firstBytes(full, full.size() - 1);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_EQ(d.status, DecodeStatus::Error);
  EXPECT_EQ(d.error, DecodeError::TruncatedIp);
}

TEST(Ipv6, ExtensionHeaderLongerThanThePayload) {
  const Bytes udp = udpDatagram(1, 2, "xx");
  // A hop-by-hop header announcing 88 bytes in an 18-byte payload.
  Bytes hbh = {17, 10};
  putZeros(hbh, 6);
  append(hbh, udp);
  EXPECT_EQ(errorOf(decode(LinkType::Raw, ipv6("2001:db8::1", "2001:db8::2", 0, hbh))),
            DecodeError::BadIpv6ExtHeader);
  // A destination options header of which only one byte is in the payload.
  EXPECT_EQ(errorOf(decode(LinkType::Raw, ipv6("2001:db8::1", "2001:db8::2", 60, {17}))),
            DecodeError::BadIpv6ExtHeader);
  // A routing header that reaches exactly to the end of the payload is well formed.
  const DecodedPacket exact =
      decode(LinkType::Raw, ipv6("2001:db8::1", "2001:db8::2", 43, ipv6ExtHeader(6, 0, {})));
  EXPECT_EQ(exact.status, DecodeStatus::Ip);
  EXPECT_EQ(exact.l4_proto, 6);
  EXPECT_EQ(exact.l4_len, 0u);
  EXPECT_FALSE(exact.has_tcp_header);
}

TEST(Ipv6, FragmentHeaderCutShort) {
  EXPECT_EQ(errorOf(decode(LinkType::Raw, ipv6("2001:db8::1", "2001:db8::2", 44, {17, 0, 0, 0}))),
            DecodeError::BadIpv6ExtHeader);
}

TEST(Ipv6, NoNextHeader) {
  EXPECT_EQ(errorOf(decode(LinkType::Raw,
                           ipv6("2001:db8::1", "2001:db8::2", 0, ipv6ExtHeader(59, 0, {})))),
            DecodeError::BadIpv6ExtHeader);
  EXPECT_EQ(errorOf(decode(LinkType::Raw, ipv6("2001:db8::1", "2001:db8::2", 59, {}))),
            DecodeError::BadIpv6ExtHeader);
}

// ---- transport --------------------------------------------------------------------------------

TEST(Tcp, PortsFlagsSequenceAndPayload) {
  const uint8_t flags = tcp_flag::Psh | tcp_flag::Ack;
  const Bytes tcp = tcpSegment(43210, 8080, flags, 0xDEADBEEF, "hello world");
  const Bytes frame = ethernet(0x0800, ipv4("172.16.0.5", "172.16.0.9", 6, tcp));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, {4, 6, "172.16.0.5", 43210, "172.16.0.9", 8080}));
  EXPECT_TRUE(d.has_tcp_header);
  EXPECT_EQ(d.tcp_flags, flags);
  EXPECT_EQ(d.tcp_seq, 0xDEADBEEFu);
  EXPECT_EQ(d.l4_len, 31u);
  EXPECT_EQ(d.payload_len, 11u);
}

TEST(Tcp, OptionsAreNotPayload) {
  const Bytes tcp =
      tcpSegmentWithOptions(443, 51000, tcp_flag::Syn | tcp_flag::Ack, 1, 3, "0123456789");
  const Bytes packet = ipv6("2001:db8::1", "2001:db8::2", 6, tcp);
  const DecodedPacket d = decode(LinkType::Raw, packet);
  EXPECT_TRUE(hasFlow(d, {6, 6, "2001:db8::1", 443, "2001:db8::2", 51000}));
  EXPECT_EQ(d.tcp_flags, tcp_flag::Syn | tcp_flag::Ack);
  EXPECT_EQ(d.l4_len, 42u);
  EXPECT_EQ(d.payload_len, 10u);
}

TEST(Tcp, SegmentShorterThanAHeader) {
  const Bytes partial = firstBytes(tcpSegment(1111, 2222, tcp_flag::Syn), 12);
  const DecodedPacket d = decode(LinkType::Raw, ipv4("10.0.0.1", "10.0.0.2", 6, partial));
  EXPECT_EQ(d.status, DecodeStatus::Ip);
  EXPECT_EQ(d.l4_proto, 6);
  EXPECT_FALSE(d.has_tcp_header);
  EXPECT_EQ(d.src_port, 0);
  EXPECT_EQ(d.dst_port, 0);
  EXPECT_EQ(d.l4_len, 12u);
}

TEST(Udp, PortsAndPayload) {
  const Bytes frame =
      ethernet(0x0800, ipv4("10.0.0.1", "8.8.8.8", 17, udpDatagram(33333, 53, "dns-query")));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, {4, 17, "10.0.0.1", 33333, "8.8.8.8", 53}));
  EXPECT_FALSE(d.has_tcp_header);
  EXPECT_EQ(d.l4_len, 17u);
  EXPECT_EQ(d.payload_len, 9u);
}

TEST(Icmp, NoPorts) {
  const Bytes packet = ipv4("10.0.0.1", "10.0.0.2", 1, icmpEcho(8, "abcdefghijklmnop"));
  const DecodedPacket d = decode(LinkType::Raw, packet);
  EXPECT_TRUE(hasFlow(d, {4, 1, "10.0.0.1", 0, "10.0.0.2", 0}));
  EXPECT_EQ(d.l4_len, 24u);
  EXPECT_EQ(d.payload_len, 16u);
  EXPECT_TRUE(l3IsTail(d, packet, packet));
}

TEST(Icmpv6, NoPorts) {
  const Bytes packet = ipv6("2001:db8::1", "2001:db8::2", 58, icmpEcho(128, "abc"));
  const DecodedPacket d = decode(LinkType::Ethernet, ethernet(0x86DD, packet));
  EXPECT_TRUE(hasFlow(d, {6, 58, "2001:db8::1", 0, "2001:db8::2", 0}));
  EXPECT_EQ(d.l4_len, 11u);
  EXPECT_EQ(d.payload_len, 3u);
}

TEST(Sctp, Ports) {
  Bytes init_chunk = {1, 0, 0, 20};
  putZeros(init_chunk, 16);
  const Bytes frame =
      ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 132, sctpPacket(36412, 2905, init_chunk)));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, {4, 132, "10.0.0.1", 36412, "10.0.0.2", 2905}));
  EXPECT_EQ(d.l4_len, 32u);
  EXPECT_EQ(d.payload_len, 20u);
}

TEST(OtherL4, GreHasNoPorts) {
  // GRE is not a tunnel the decoder opens: it is an L4 protocol without ports.
  const Bytes gre = greHeader(0x0800, ipv4("192.168.5.1", "192.168.5.2", 17, udpDatagram(7, 9)));
  const Bytes packet = ipv4("10.0.0.1", "10.0.0.2", 47, gre);
  const DecodedPacket d = decode(LinkType::Raw, packet);
  EXPECT_TRUE(hasFlow(d, {4, 47, "10.0.0.1", 0, "10.0.0.2", 0}));
  EXPECT_EQ(d.tunnel, TunnelType::None);
  EXPECT_EQ(d.l4_len, gre.size());
  EXPECT_EQ(d.payload_len, gre.size());
  EXPECT_TRUE(l3IsTail(d, packet, packet));
}

}  // namespace
}  // namespace netlens::test
