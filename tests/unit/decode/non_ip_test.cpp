// Frames that are not IP: each is sorted into its NonIpKind, never into an error.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "decode_test_util.hpp"

namespace netlens::test {
namespace {

::testing::AssertionResult isNonIp(const DecodedPacket& d, NonIpKind kind) {
  if (d.status != DecodeStatus::NonIp)
    return ::testing::AssertionFailure()
           << "status is not NonIp (error " << decodeErrorName(d.error) << ")";
  if (d.non_ip != kind)
    return ::testing::AssertionFailure()
           << "kind is " << nonIpKindName(d.non_ip) << ", expected " << nonIpKindName(kind);
  return ::testing::AssertionSuccess();
}

TEST(NonIp, Arp) {
  const Bytes frame = ethernet(0x0806, arpRequest());
  const DecodedPacket d = decode(LinkType::Ethernet, frame);
  EXPECT_TRUE(isNonIp(d, NonIpKind::Arp));
  EXPECT_EQ(d.src_mac, frame.data() + 6);
  EXPECT_TRUE(
      isNonIp(decode(LinkType::Ethernet, ethernet(0x8035, arpRequest())), NonIpKind::Arp));  // RARP
}

TEST(NonIp, VlanTaggedArpKeepsItsVlan) {
  const DecodedPacket d = decode(LinkType::Ethernet, ethernet(0x0806, arpRequest(), {77}));
  EXPECT_TRUE(isNonIp(d, NonIpKind::Arp));
  EXPECT_EQ(d.vlan, 77);
}

TEST(NonIp, Lldp) {
  EXPECT_TRUE(isNonIp(decode(LinkType::Ethernet, ethernet(0x88CC, lldpPdu())), NonIpKind::Lldp));
}

TEST(NonIp, StpOver8023Llc) {
  const Bytes frame = ethernet8023(stpLlcPdu());
  ASSERT_EQ(frame[12], 0x00);  // a length, not an ethertype
  ASSERT_EQ(frame[13], 38);
  EXPECT_TRUE(isNonIp(decode(LinkType::Ethernet, frame), NonIpKind::Stp));
}

TEST(NonIp, LacpSlowProtocol) {
  EXPECT_TRUE(isNonIp(decode(LinkType::Ethernet, ethernet(0x8809, lacpPdu())), NonIpKind::Lacp));
}

TEST(NonIp, IpxByEthertypeAndByLlc) {
  Bytes ipx(30, 0xFF);
  EXPECT_TRUE(isNonIp(decode(LinkType::Ethernet, ethernet(0x8137, ipx)), NonIpKind::Ipx));
  EXPECT_TRUE(isNonIp(decode(LinkType::Ethernet, ethernet8023(llc(0xE0, 0xE0, 0x03, ipx))),
                      NonIpKind::Ipx));
}

TEST(NonIp, PppoeDiscovery) {
  Bytes padi = {0x11, 0x09, 0x00, 0x00, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00};
  putZeros(padi, 10);
  EXPECT_TRUE(
      isNonIp(decode(LinkType::Ethernet, ethernet(0x8863, padi)), NonIpKind::PppoeDiscovery));
}

TEST(NonIp, UnknownEthertypeAndLlc) {
  const Bytes payload(40, 0x5A);
  EXPECT_TRUE(isNonIp(decode(LinkType::Ethernet, ethernet(0x9000, payload)),
                      NonIpKind::Other));  // loopback
  EXPECT_TRUE(isNonIp(decode(LinkType::Ethernet, ethernet(0x88B5, payload)),
                      NonIpKind::Other));  // experimental
  // Between the largest 802.3 length (1500) and the smallest ethertype (1536).
  EXPECT_TRUE(isNonIp(decode(LinkType::Ethernet, ethernet(1501, payload)), NonIpKind::Other));
  // 802.3 with an LLC that is neither SNAP, STP nor IPX (NetBIOS, F0).
  EXPECT_TRUE(isNonIp(decode(LinkType::Ethernet, ethernet8023(llc(0xF0, 0xF0, 0x03, payload))),
                      NonIpKind::Other));
  // SNAP naming ARP.
  EXPECT_TRUE(isNonIp(decode(LinkType::Ethernet, ethernet8023(llcSnap(0x0806, arpRequest()))),
                      NonIpKind::Arp));
}

TEST(NonIp, OtherLinkLayersToo) {
  EXPECT_TRUE(isNonIp(decode(LinkType::LinuxSll2, linuxSll2(0x88CC, lldpPdu())), NonIpKind::Lldp));
  EXPECT_TRUE(
      isNonIp(decode(LinkType::CiscoHdlc, ciscoHdlc(0x8F, 0x8035, arpRequest())), NonIpKind::Arp));
}

TEST(Names, EveryErrorAndKindHasItsOwnName) {
  std::set<std::string> errors;
  for (int e = 0; e < int(DecodeError::Count); ++e) errors.insert(decodeErrorName(DecodeError(e)));
  EXPECT_EQ(errors.size(), size_t(DecodeError::Count));
  EXPECT_EQ(errors.count("unknown"), 0u);
  EXPECT_STREQ(decodeErrorName(DecodeError::BadTunnel), "bad_tunnel");

  std::set<std::string> kinds;
  for (int k = 0; k < int(NonIpKind::Count); ++k) kinds.insert(nonIpKindName(NonIpKind(k)));
  EXPECT_EQ(kinds.size(), size_t(NonIpKind::Count));
  EXPECT_STREQ(nonIpKindName(NonIpKind::Lacp), "lacp");
}

}  // namespace
}  // namespace netlens::test
