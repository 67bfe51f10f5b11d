#pragma once
// Operating-system guesses from what hosts say about themselves. Only signals that name the
// system outright are used: the HTTP User-Agent (browsers and most HTTP libraries name their
// platform), the DHCP vendor class (option 60: "MSFT 5.0", "android-dhcp-13", "dhcpcd-...:Linux")
// and the DHCP parameter request list (option 55), whose order is fixed by each system's DHCP
// client. TCP/IP hints (TTL, window size) are not used: routers, NAT and tuning blur them.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace netlens::enrich {

enum class OsType : uint8_t { Unknown = 0, Windows, MacOs, Ios, Android, Linux, ChromeOs, FreeBsd, Count };
const char* osName(OsType os);
// The OsType for its name (as osName prints it); Unknown for anything else.
OsType osFromName(std::string_view name);

// Where a guess came from; a guess from a stronger source is not replaced by a weaker one.
enum class OsSource : uint8_t { None = 0, UserAgent = 1, DhcpFingerprint = 2, DhcpVendor = 3 };
const char* osSourceName(OsSource s);

OsType osFromUserAgent(std::string_view user_agent);
OsType osFromDhcpVendorClass(std::string_view vendor_class);
OsType osFromDhcpParams(const uint8_t* params, size_t n);

}  // namespace netlens::enrich
