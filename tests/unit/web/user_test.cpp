#include <gtest/gtest.h>

#include "web/auth/user.hpp"

namespace netlens::web {
namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

TEST(Role, NamesRoundTrip) {
  EXPECT_EQ(roleName(Role::Admin), "administrator");
  EXPECT_EQ(roleName(Role::Viewer), "viewer");
  EXPECT_EQ(parseRole("administrator"), Role::Admin);
  EXPECT_EQ(parseRole("admin"), Role::Admin);
  EXPECT_EQ(parseRole("viewer"), Role::Viewer);
  EXPECT_FALSE(parseRole("root"));
  EXPECT_FALSE(parseRole(""));
  EXPECT_FALSE(parseRole("Viewer"));
}

TEST(User, NoRestrictionSeesEverything) {
  User user{.name = "alice"};
  EXPECT_TRUE(user.canSeeInterface("eth0"));
  EXPECT_TRUE(user.canSeeAddress(ip("8.8.8.8")));
  EXPECT_TRUE(user.canSeeAddress(ip("2001:db8::1")));
}

TEST(User, AllowedInterfacesAndNetworksFilter) {
  User user{.name = "bob"};
  user.allowed_interfaces = {"eth1", "capture.pcap"};
  user.allowed_networks = {*Cidr::parse("192.168.1.0/24"), *Cidr::parse("fd00::/8")};
  EXPECT_TRUE(user.canSeeInterface("eth1"));
  EXPECT_TRUE(user.canSeeInterface("capture.pcap"));
  EXPECT_FALSE(user.canSeeInterface("eth0"));
  EXPECT_FALSE(user.canSeeInterface(""));
  EXPECT_TRUE(user.canSeeAddress(ip("192.168.1.77")));
  EXPECT_FALSE(user.canSeeAddress(ip("192.168.2.1")));
  EXPECT_TRUE(user.canSeeAddress(ip("fd12::1")));
  EXPECT_FALSE(user.canSeeAddress(ip("2001:db8::1")));
  EXPECT_FALSE(user.canSeeAddress(IpAddress()));
  // A flow is visible when either side is.
  EXPECT_TRUE(user.canSeeFlow(ip("192.168.1.5"), ip("8.8.8.8")));
  EXPECT_TRUE(user.canSeeFlow(ip("8.8.8.8"), ip("192.168.1.5")));
  EXPECT_FALSE(user.canSeeFlow(ip("10.0.0.1"), ip("8.8.8.8")));
}

TEST(User, InterfaceRestrictionAloneLeavesAddressesOpen) {
  User user{.name = "carol"};
  user.allowed_interfaces = {"eth1"};
  EXPECT_TRUE(user.canSeeAddress(ip("10.0.0.1")));
  EXPECT_FALSE(user.canSeeInterface("eth0"));
}

}  // namespace
}  // namespace netlens::web
