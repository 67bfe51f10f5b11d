#include <gtest/gtest.h>

#include <vector>

#include "enrich/dhcp_message.hpp"
#include "enrich/os_guess.hpp"

namespace netlens::enrich {
namespace {

std::vector<uint8_t> dhcpRequest(const std::vector<uint8_t>& options, uint8_t op = 1) {
  std::vector<uint8_t> m;
  m.reserve(236 + 4 + options.size());
  m.resize(236, 0);
  m[0] = op;
  m[1] = 1;  // Ethernet
  m[2] = 6;
  const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  std::copy(mac, mac + 6, m.begin() + 28);
  for (uint8_t b : {99, 130, 83, 99}) m.push_back(b);
  for (uint8_t b : options) m.push_back(b);
  return m;
}

TEST(Dhcp, RequestWithHostNameFingerprintAndVendorClass) {
  const auto m = dhcpRequest({53, 1, 3, 50, 4, 192, 0, 2, 44, 12, 6, 'l', 'a', 'p', 't', 'o', 'p',
                              55, 4, 1, 3, 6, 15, 60, 8, 'M', 'S', 'F', 'T', ' ', '5', '.', '0', 255});
  DhcpMessage d;
  ASSERT_EQ(parseDhcp(m.data(), m.size(), d), DhcpError::None);
  EXPECT_EQ(d.op, 1);
  EXPECT_EQ(d.message_type, 3);
  EXPECT_TRUE(d.has_mac);
  EXPECT_EQ(d.mac[5], 0x55);
  EXPECT_EQ(d.hostName(), "laptop");
  EXPECT_EQ(d.vendorClass(), "MSFT 5.0");
  EXPECT_EQ(d.params_len, 4);
  EXPECT_EQ(d.clientAddress().toString(), "192.0.2.44");
}

TEST(Dhcp, MalformedOptionsAreRejected) {
  DhcpMessage d;
  const auto cut = dhcpRequest({53, 1, 3, 12, 40, 'x'});
  EXPECT_EQ(parseDhcp(cut.data(), cut.size(), d), DhcpError::BadOption);
  std::vector<uint8_t> not_dhcp(300, 0);
  EXPECT_EQ(parseDhcp(not_dhcp.data(), not_dhcp.size(), d), DhcpError::NotDhcp);
  EXPECT_EQ(parseDhcp(not_dhcp.data(), 100, d), DhcpError::Truncated);
  // An unprintable host name is left out; the message still counts.
  const auto odd = dhcpRequest({12, 3, 'a', 0x07, 'b', 255});
  ASSERT_EQ(parseDhcp(odd.data(), odd.size(), d), DhcpError::None);
  EXPECT_EQ(d.hostName(), "");
}

TEST(OsGuess, UserAgents) {
  EXPECT_EQ(osFromUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"), OsType::Windows);
  EXPECT_EQ(osFromUserAgent("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36"), OsType::Android);
  EXPECT_EQ(osFromUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X)"), OsType::Ios);
  EXPECT_EQ(osFromUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)"), OsType::MacOs);
  EXPECT_EQ(osFromUserAgent("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0)"), OsType::ChromeOs);
  EXPECT_EQ(osFromUserAgent("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"), OsType::Linux);
  EXPECT_EQ(osFromUserAgent("curl/7.88.1"), OsType::Unknown);
}

TEST(OsGuess, DhcpFingerprintsAndVendorClasses) {
  const uint8_t win10[] = {1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252};
  const uint8_t macos[] = {1, 121, 3, 6, 15, 119, 252, 95, 44, 46};
  const uint8_t ios[] = {1, 121, 3, 6, 15, 119, 252};
  const uint8_t android[] = {1, 3, 6, 15, 26, 28, 51, 58, 59, 43};
  const uint8_t dhclient[] = {1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42};
  const uint8_t minimal[] = {1, 3, 6};
  EXPECT_EQ(osFromDhcpParams(win10, sizeof win10), OsType::Windows);
  EXPECT_EQ(osFromDhcpParams(macos, sizeof macos), OsType::MacOs);
  EXPECT_EQ(osFromDhcpParams(ios, sizeof ios), OsType::Ios);
  EXPECT_EQ(osFromDhcpParams(android, sizeof android), OsType::Android);
  EXPECT_EQ(osFromDhcpParams(dhclient, sizeof dhclient), OsType::Linux);
  EXPECT_EQ(osFromDhcpParams(minimal, sizeof minimal), OsType::Unknown);
  EXPECT_EQ(osFromDhcpVendorClass("MSFT 5.0"), OsType::Windows);
  EXPECT_EQ(osFromDhcpVendorClass("android-dhcp-13"), OsType::Android);
  EXPECT_EQ(osFromDhcpVendorClass("dhcpcd-9.4.1:Linux-6.1.0:x86_64:GenuineIntel"), OsType::Linux);
  EXPECT_EQ(osFromDhcpVendorClass("udhcp 1.36.1"), OsType::Unknown);
  EXPECT_EQ(osFromName("macos"), OsType::MacOs);
  EXPECT_EQ(osFromName("Plan9"), OsType::Unknown);
}

}  // namespace
}  // namespace netlens::enrich
