#include <gtest/gtest.h>

#include "core/cidr.hpp"
#include "core/flow_key.hpp"
#include "core/ip_address.hpp"

namespace netlens {
namespace {

TEST(IpAddress, ParsesAndFormatsBothFamilies) {
  auto v4 = IpAddress::parse("192.168.1.20");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->isV4());
  EXPECT_EQ(v4->toString(), "192.168.1.20");
  EXPECT_EQ(v4->v4HostOrder(), 0xC0A80114u);
  auto v6 = IpAddress::parse("[2001:db8::1]");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->isV6());
  EXPECT_EQ(v6->toString(), "2001:db8::1");
  EXPECT_FALSE(IpAddress::parse("300.1.1.1"));
  EXPECT_FALSE(IpAddress::parse(""));
}

TEST(Cidr, ContainsAndRejectsBadInput) {
  auto net = Cidr::parse("10.1.2.3/16");
  ASSERT_TRUE(net);
  EXPECT_EQ(net->toString(), "10.1.0.0/16");
  EXPECT_TRUE(net->contains(*IpAddress::parse("10.1.255.1")));
  EXPECT_FALSE(net->contains(*IpAddress::parse("10.2.0.1")));
  EXPECT_FALSE(net->contains(*IpAddress::parse("::1")));
  auto v6 = Cidr::parse("fd00::/8");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains(*IpAddress::parse("fd12::5")));
  EXPECT_FALSE(v6->contains(*IpAddress::parse("fe80::5")));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/33"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/"));
  EXPECT_FALSE(Cidr::parse("nonsense/8"));
}

TEST(FlowKey, BothDirectionsGiveTheSameKey) {
  const IpAddress a = *IpAddress::parse("10.0.0.1"), b = *IpAddress::parse("10.0.0.2");
  bool fwd = false, rev = false;
  const FlowKey k1 = FlowKey::make(7, 6, a, 40000, b, 80, fwd);
  const FlowKey k2 = FlowKey::make(7, 6, b, 80, a, 40000, rev);
  EXPECT_EQ(k1, k2);
  EXPECT_EQ(k1.hash(), k2.hash());
  EXPECT_NE(fwd, rev);
  bool other = false;
  EXPECT_FALSE(k1 == FlowKey::make(8, 6, a, 40000, b, 80, other));  // VLAN is part of the key
  EXPECT_FALSE(k1 == FlowKey::make(7, 17, a, 40000, b, 80, other));
}

}  // namespace
}  // namespace netlens
