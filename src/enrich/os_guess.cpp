#include "enrich/os_guess.hpp"

#include <strings.h>

#include <algorithm>

namespace netlens::enrich {

const char* osName(OsType os) {
  switch (os) {
    case OsType::Windows: return "Windows";
    case OsType::MacOs: return "macOS";
    case OsType::Ios: return "iOS";
    case OsType::Android: return "Android";
    case OsType::Linux: return "Linux";
    case OsType::ChromeOs: return "ChromeOS";
    case OsType::FreeBsd: return "FreeBSD";
    case OsType::Unknown: case OsType::Count: break;
  }
  return "Unknown";
}

OsType osFromName(std::string_view name) {
  for (uint8_t i = 1; i < uint8_t(OsType::Count); ++i)
    if (name.size() == std::string_view(osName(OsType(i))).size() &&
        strncasecmp(name.data(), osName(OsType(i)), name.size()) == 0)
      return OsType(i);
  return OsType::Unknown;
}

const char* osSourceName(OsSource s) {
  switch (s) {
    case OsSource::UserAgent: return "http_user_agent";
    case OsSource::DhcpFingerprint: return "dhcp_fingerprint";
    case OsSource::DhcpVendor: return "dhcp_vendor_class";
    case OsSource::None: break;
  }
  return "none";
}

namespace {
bool has(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (strncasecmp(hay.data() + i, needle.data(), needle.size()) == 0) return true;
  return false;
}
bool startsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}
}  // namespace

OsType osFromUserAgent(std::string_view ua) {
  // Order matters: Android says "Linux", iOS says "like Mac OS X", ChromeOS says "X11".
  if (has(ua, "Android")) return OsType::Android;
  if (has(ua, "iPhone") || has(ua, "iPad") || has(ua, "iPod") || has(ua, "iOS ")) return OsType::Ios;
  if (has(ua, "CrOS")) return OsType::ChromeOs;
  if (has(ua, "Windows NT") || has(ua, "Windows 10") || has(ua, "Win64") || has(ua, "Microsoft-CryptoAPI") ||
      has(ua, "Microsoft-WNS") || has(ua, "Windows-Update-Agent"))
    return OsType::Windows;
  if (has(ua, "Macintosh") || has(ua, "Mac OS X") || has(ua, "macOS")) return OsType::MacOs;
  if (has(ua, "FreeBSD")) return OsType::FreeBsd;
  if (has(ua, "Linux") || has(ua, "X11") || has(ua, "Ubuntu") || has(ua, "Debian") || has(ua, "Fedora"))
    return OsType::Linux;
  return OsType::Unknown;
}

OsType osFromDhcpVendorClass(std::string_view vc) {
  if (startsWith(vc, "MSFT")) return OsType::Windows;
  if (startsWith(vc, "android-dhcp")) return OsType::Android;
  if (startsWith(vc, "dhcpcd")) {
    if (has(vc, "Linux")) return OsType::Linux;
    if (has(vc, "FreeBSD")) return OsType::FreeBsd;
  }
  return OsType::Unknown;
}

OsType osFromDhcpParams(const uint8_t* p, size_t n) {
  if (n < 4) return OsType::Unknown;
  auto in = [&](uint8_t code) { return std::find(p, p + n, code) != p + n; };
  // Windows (Vista and later): Microsoft's classless static routes (249) and vendor options
  // (43), with NetBIOS over TCP/IP (44, 46, 47).
  if (in(249) && in(43) && in(44) && in(46) && in(47) && in(252)) return OsType::Windows;
  // Apple: 1, 121 (or 3) first, web proxy auto-discovery (252), no NetBIOS; macOS also asks for
  // LDAP (95) and NetBIOS name servers (44/46) in its own order.
  if (p[0] == 1 && in(252) && in(119) && !in(249) && !in(43)) {
    if (in(95)) return OsType::MacOs;
    if (!in(44) && !in(12) && !in(28)) return OsType::Ios;
  }
  // Android's client asks for lease, renewal and rebinding times (51, 58, 59) and MTU (26).
  if (in(26) && in(28) && in(51) && in(58) && in(59) && !in(2) && !in(249)) return OsType::Android;
  // ISC dhclient / NetworkManager on Linux: 1, 28, 2, 3, 15, 6, 119, 12, ...
  if (n >= 6 && p[0] == 1 && p[1] == 28 && p[2] == 2 && p[3] == 3 && in(12) && in(119)) return OsType::Linux;
  return OsType::Unknown;
}

}  // namespace netlens::enrich
