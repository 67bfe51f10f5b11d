// Link layers and the headers between them and IP: Ethernet, 802.3 LLC/SNAP, VLAN tags, MPLS,
// PPPoE, Linux cooked capture, raw IP, BSD/OpenBSD loopback, Cisco HDLC and PPP.
#include <gtest/gtest.h>

#include <cstring>

#include "decode_test_util.hpp"

namespace netlens::test {
namespace {

const Bytes kTcpV4 =
    ipv4("10.0.0.1", "10.0.0.2", 6, tcpSegment(40000, 80, tcp_flag::Syn, 1000, "GET"));
const FlowFields kTcpV4Flow = {4, 6, "10.0.0.1", 40000, "10.0.0.2", 80};
const Bytes kUdpV6 = ipv6("2001:db8::1", "2001:db8::2", 17, udpDatagram(5353, 53, "query"));
const FlowFields kUdpV6Flow = {6, 17, "2001:db8::1", 5353, "2001:db8::2", 53};

TEST(Ethernet, Ipv4TcpWithMacs) {
  const Bytes frame = ethernet(0x0800, kTcpV4);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_EQ(d.error, DecodeError::None);
  EXPECT_EQ(d.tunnel, TunnelType::None);
  EXPECT_EQ(d.vlan, 0);
  EXPECT_TRUE(l3IsTail(d, frame, kTcpV4));
  ASSERT_NE(d.dst_mac, nullptr);
  ASSERT_NE(d.src_mac, nullptr);
  const uint8_t dst[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  const uint8_t src[6] = {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
  EXPECT_EQ(std::memcmp(d.dst_mac, dst, 6), 0);
  EXPECT_EQ(std::memcmp(d.src_mac, src, 6), 0);
  EXPECT_EQ(d.dst_mac, frame.data());
  EXPECT_EQ(d.src_mac, frame.data() + 6);
}

TEST(Ethernet, Ipv6Udp) {
  const Bytes frame = ethernet(0x86DD, kUdpV6);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kUdpV6Flow));
  EXPECT_TRUE(l3IsTail(d, frame, kUdpV6));
  EXPECT_EQ(d.src_mac, frame.data() + 6);
}

TEST(Ethernet, PaddingIsCapturedButNotPayload) {
  // A bare SYN is padded to the 60-byte Ethernet minimum: l3_len reaches the end of the frame,
  // the L4 lengths come from the IP header.
  const Bytes syn = ipv4("10.0.0.1", "10.0.0.2", 6, tcpSegment(40000, 80, tcp_flag::Syn));
  Bytes frame = ethernet(0x0800, syn);
  ASSERT_LT(frame.size(), 60u);
  frame.resize(60, 0);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_EQ(d.l3, frame.data() + 14);
  EXPECT_EQ(d.l3_len, 46u);
  EXPECT_EQ(d.l4_len, 20u);
  EXPECT_EQ(d.payload_len, 0u);
}

TEST(Ethernet, Ieee8023SnapCarriesIpv4) {
  const Bytes frame = ethernet8023(llcSnap(0x0800, kTcpV4));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d, frame, kTcpV4));
  EXPECT_EQ(d.dst_mac, frame.data());
}

TEST(Vlan, SingleTagGivesItsIdWithoutPriorityBits) {
  // TCI 0xA00A: priority 5, VLAN 10.
  const Bytes frame = ethernet(0x0800, kTcpV4, {0xA00A});
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_EQ(d.vlan, 10);
  EXPECT_TRUE(l3IsTail(d, frame, kTcpV4));
  EXPECT_EQ(d.src_mac, frame.data() + 6);
}

TEST(Vlan, QinQUsesTheInnermostTag) {
  const Bytes frame = ethernetTagged({{0x88A8, 100}, {0x8100, 200}}, 0x86DD, kUdpV6);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kUdpV6Flow));
  EXPECT_EQ(d.vlan, 200);
  EXPECT_TRUE(l3IsTail(d, frame, kUdpV6));
}

TEST(Vlan, OldQinQTypeAndTripleTags) {
  const Bytes frame = ethernetTagged({{0x9100, 7}, {0x8100, 8}, {0x8100, 0x0FFF}}, 0x0800, kTcpV4);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_EQ(d.vlan, 0x0FFF);
  EXPECT_TRUE(l3IsTail(d, frame, kTcpV4));
}

TEST(Vlan, TagCutShortIsBadLinkHeader) {
  // Three complete tags, each announcing another one, then two bytes of a fourth: 28 bytes.
  Bytes frame = ethernet(0x8100, {}, {1, 2, 3});
  append(frame, {0x00, 0x04});
  ASSERT_EQ(frame.size(), 28u);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_EQ(d.status, DecodeStatus::Error);
  EXPECT_EQ(d.error, DecodeError::BadLinkHeader);
}

TEST(Mpls, OneLabel) {
  const Bytes frame = ethernet(0x8847, mplsStack({16}, kTcpV4));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d, frame, kTcpV4));
  EXPECT_EQ(d.vlan, 0);
}

TEST(Mpls, LabelStackOverVlanCarriesIpv6) {
  const Bytes frame = ethernet(0x8847, mplsStack({1000, 2000, 3000}, kUdpV6), {42});
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kUdpV6Flow));
  EXPECT_TRUE(l3IsTail(d, frame, kUdpV6));
  EXPECT_EQ(d.vlan, 42);
}

TEST(Mpls, MulticastEthertype) {
  const Bytes frame = ethernet(0x8848, mplsStack({5, 6}, kTcpV4));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d, frame, kTcpV4));
}

TEST(Mpls, StackWithoutBottomIsBadLinkHeader) {
  // Labels without the bottom-of-stack bit up to the end of the frame.
  Bytes labels;
  for (int i = 0; i < 4; ++i) put32(labels, uint32_t(100 + i) << 12 | 64);
  const Bytes frame = ethernet(0x8847, labels);
  ASSERT_GE(frame.size(), 28u);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_EQ(d.status, DecodeStatus::Error);
  EXPECT_EQ(d.error, DecodeError::BadLinkHeader);
}

TEST(Pppoe, SessionCarriesIpv4) {
  const Bytes frame = ethernet(0x8864, pppoeSession(0x0021, kTcpV4));
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d, frame, kTcpV4));
  EXPECT_EQ(d.src_mac, frame.data() + 6);
}

TEST(Pppoe, SessionCarriesIpv6) {
  const Bytes frame = ethernet(0x8864, pppoeSession(0x0057, kUdpV6), {300});
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(hasFlow(d, kUdpV6Flow));
  EXPECT_TRUE(l3IsTail(d, frame, kUdpV6));
  EXPECT_EQ(d.vlan, 300);
}

TEST(Pppoe, SessionWithLcpIsNotIp) {
  Bytes lcp = {0x01, 0x01, 0x00, 0x0E};  // configure-request
  putZeros(lcp, 10);
  const DecodedPacket d = decode(LinkType::Ethernet, ethernet(0x8864, pppoeSession(0xC021, lcp)));
  EXPECT_EQ(d.status, DecodeStatus::NonIp);
  EXPECT_EQ(d.non_ip, NonIpKind::Other);
}

TEST(Pppoe, HeaderCutShortIsBadLinkHeader) {
  // Three VLAN tags, then only 6 of the 8 bytes of PPPoE + PPP header.
  const Bytes frame = ethernet(0x8864, {0x11, 0x00, 0x12, 0x34, 0x00, 0x20}, {1, 2, 3});
  ASSERT_GE(frame.size(), 28u);
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_EQ(d.status, DecodeStatus::Error);
  EXPECT_EQ(d.error, DecodeError::BadLinkHeader);
}

TEST(LinuxSll, Ipv4) {
  const Bytes frame = linuxSll(0x0800, kTcpV4);
  const DecodedPacket d = decode(LinkType::LinuxSll, frame);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d, frame, kTcpV4));
  EXPECT_EQ(d.src_mac, nullptr);  // MACs are reported for Ethernet only
  EXPECT_EQ(d.dst_mac, nullptr);
}

TEST(LinuxSll, VlanTaggedIpv6) {
  Bytes tagged;
  put16(tagged, 55);
  put16(tagged, 0x86DD);
  append(tagged, kUdpV6);
  const Bytes frame = linuxSll(0x8100, tagged);
  const DecodedPacket d = decode(LinkType::LinuxSll, frame);
  EXPECT_TRUE(hasFlow(d, kUdpV6Flow));
  EXPECT_EQ(d.vlan, 55);
  EXPECT_TRUE(l3IsTail(d, frame, kUdpV6));
}

TEST(LinuxSll, ArpIsNotIp) {
  const DecodedPacket d = decode(LinkType::LinuxSll, linuxSll(0x0806, arpRequest()));
  EXPECT_EQ(d.status, DecodeStatus::NonIp);
  EXPECT_EQ(d.non_ip, NonIpKind::Arp);
}

TEST(LinuxSll2, Ipv6AndIpv4) {
  const Bytes v6 = linuxSll2(0x86DD, kUdpV6);
  const DecodedPacket d6 = decode(LinkType::LinuxSll2, v6);
  EXPECT_TRUE(hasFlow(d6, kUdpV6Flow));
  EXPECT_TRUE(l3IsTail(d6, v6, kUdpV6));
  EXPECT_EQ(d6.src_mac, nullptr);

  const Bytes v4 = linuxSll2(0x0800, kTcpV4);
  const DecodedPacket d4 = decode(LinkType::LinuxSll2, v4);
  EXPECT_TRUE(hasFlow(d4, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d4, v4, kTcpV4));
}

TEST(RawIp, EveryRawLinkTypeTakesTheVersionFromTheHeader) {
  for (LinkType lt : {LinkType::Raw, LinkType::RawOpenBsd, LinkType::Ipv4, LinkType::Ipv6}) {
    SCOPED_TRACE(int(lt));
    const DecodedPacket d4 = decode(lt, kTcpV4);
    EXPECT_TRUE(hasFlow(d4, kTcpV4Flow));
    EXPECT_TRUE(l3IsTail(d4, kTcpV4, kTcpV4));
    const DecodedPacket d6 = decode(lt, kUdpV6);
    EXPECT_TRUE(hasFlow(d6, kUdpV6Flow));
    EXPECT_TRUE(l3IsTail(d6, kUdpV6, kUdpV6));
    EXPECT_EQ(d6.src_mac, nullptr);
  }
}

TEST(RawIp, LinkTypeValues) {
  // pcap reports DLT values: raw IP is 12 on Linux, 228/229 for the IPv4/IPv6-only types.
  EXPECT_TRUE(hasFlow(decode(12, kTcpV4), kTcpV4Flow));
  EXPECT_TRUE(hasFlow(decode(228, kTcpV4), kTcpV4Flow));
  EXPECT_TRUE(hasFlow(decode(229, kUdpV6), kUdpV6Flow));
}

// The address family only hints at the IP version: the decoder reads the version from the IP
// header itself, so these tests check the 4-byte header is skipped for every family value.
TEST(BsdNull, HostOrderFamilyTwoIsIpv4) {
  const Bytes le = bsdNull(2, kTcpV4, true);
  const DecodedPacket d = decode(0, le);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d, le, kTcpV4));
  // Captured on a big-endian host.
  const Bytes be = bsdNull(2, kTcpV4, false);
  const DecodedPacket dbe = decode(LinkType::Null, be);
  EXPECT_TRUE(hasFlow(dbe, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(dbe, be, kTcpV4));
}

TEST(BsdNull, Ipv6FamiliesOfEverySystem) {
  for (uint32_t family : {24u, 28u, 30u}) {  // NetBSD/OpenBSD, FreeBSD, macOS
    SCOPED_TRACE(family);
    const Bytes frame = bsdNull(family, kUdpV6);
    const DecodedPacket d = decode(LinkType::Null, frame);
    EXPECT_TRUE(hasFlow(d, kUdpV6Flow));
    EXPECT_TRUE(l3IsTail(d, frame, kUdpV6));
  }
}

TEST(OpenBsdLoop, NetworkOrderFamily) {
  const Bytes v4 = openBsdLoop(2, kTcpV4);
  const DecodedPacket d4 = decode(108, v4);
  EXPECT_TRUE(hasFlow(d4, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d4, v4, kTcpV4));
  const Bytes v6 = openBsdLoop(24, kUdpV6);
  const DecodedPacket d6 = decode(LinkType::Loop, v6);
  EXPECT_TRUE(hasFlow(d6, kUdpV6Flow));
  EXPECT_TRUE(l3IsTail(d6, v6, kUdpV6));
}

TEST(CiscoHdlc, UnicastIpv4AndMulticastIpv6) {
  const Bytes v4 = ciscoHdlc(0x0F, 0x0800, kTcpV4);
  const DecodedPacket d4 = decode(104, v4);
  EXPECT_TRUE(hasFlow(d4, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d4, v4, kTcpV4));
  const Bytes v6 = ciscoHdlc(0x8F, 0x86DD, kUdpV6);
  const DecodedPacket d6 = decode(LinkType::CiscoHdlc, v6);
  EXPECT_TRUE(hasFlow(d6, kUdpV6Flow));
  EXPECT_TRUE(l3IsTail(d6, v6, kUdpV6));
}

TEST(Ppp, WithAddressAndControl) {
  const Bytes v4 = ppp(0x0021, kTcpV4, true);
  const DecodedPacket d4 = decode(9, v4);
  EXPECT_TRUE(hasFlow(d4, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d4, v4, kTcpV4));
  const Bytes v6 = ppp(0x0057, kUdpV6, true);
  const DecodedPacket d6 = decode(LinkType::Ppp, v6);
  EXPECT_TRUE(hasFlow(d6, kUdpV6Flow));
  EXPECT_TRUE(l3IsTail(d6, v6, kUdpV6));
}

TEST(Ppp, WithoutAddressAndControl) {
  const Bytes v4 = ppp(0x0021, kTcpV4, false);
  const DecodedPacket d4 = decode(LinkType::Ppp, v4);
  EXPECT_TRUE(hasFlow(d4, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d4, v4, kTcpV4));
  const Bytes v6 = ppp(0x0057, kUdpV6, false);
  const DecodedPacket d6 = decode(LinkType::Ppp, v6);
  EXPECT_TRUE(hasFlow(d6, kUdpV6Flow));
  EXPECT_TRUE(l3IsTail(d6, v6, kUdpV6));
}

TEST(Ppp, SerialLinkTypeAndNonIpProtocol) {
  const Bytes v4 = ppp(0x0021, kTcpV4, true);
  const DecodedPacket d = decode(LinkType::PppSerial, v4);
  EXPECT_TRUE(hasFlow(d, kTcpV4Flow));
  EXPECT_TRUE(l3IsTail(d, v4, kTcpV4));
  Bytes lcp = {0x01, 0x01, 0x00, 0x1C};
  putZeros(lcp, 24);
  const DecodedPacket l = decode(LinkType::Ppp, ppp(0xC021, lcp, true));
  EXPECT_EQ(l.status, DecodeStatus::NonIp);
  EXPECT_EQ(l.non_ip, NonIpKind::Other);
}

TEST(Frame, ShorterThan28BytesIsTooShort) {
  // 28 bytes (IPv4 + UDP, empty) is the smallest frame decoded; one byte less is too short,
  // whatever the link type.
  const Bytes smallest = ipv4("10.0.0.1", "10.0.0.2", 17, udpDatagram(1000, 2000));
  ASSERT_EQ(smallest.size(), 28u);
  const DecodedPacket ok = decode(LinkType::Raw, smallest);
  EXPECT_TRUE(hasFlow(ok, {4, 17, "10.0.0.1", 1000, "10.0.0.2", 2000}));
  EXPECT_EQ(ok.payload_len, 0u);

  const Bytes cut(smallest.begin(), smallest.end() - 1);
  for (int lt : {0, 1, 9, 12, 14, 50, 104, 108, 113, 228, 229, 276}) {
    SCOPED_TRACE(lt);
    const DecodedPacket d = decode(lt, cut);
    EXPECT_EQ(d.status, DecodeStatus::Error);
    EXPECT_EQ(d.error, DecodeError::TooShort);
  }
  const DecodedPacket empty = decodePacket(1, nullptr, 0);
  EXPECT_EQ(empty.error, DecodeError::TooShort);
}

TEST(Frame, UnsupportedLinkType) {
  const Bytes frame = ethernet(0x0800, kTcpV4);
  for (int lt : {-1, 2, 105, 127, 147, 277, 1000}) {
    SCOPED_TRACE(lt);
    EXPECT_FALSE(isSupportedLinkType(lt));
    const DecodedPacket d = decode(lt, frame);
    EXPECT_EQ(d.status, DecodeStatus::Error);
    EXPECT_EQ(d.error, DecodeError::UnsupportedLinkType);
  }
  for (int lt : {0, 1, 9, 12, 14, 50, 104, 108, 113, 228, 229, 276}) {
    SCOPED_TRACE(lt);
    EXPECT_TRUE(isSupportedLinkType(lt));
  }
}

}  // namespace
}  // namespace netlens::test
