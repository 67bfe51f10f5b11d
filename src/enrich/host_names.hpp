#pragma once
// What netlens knows a host by: the names learned from traffic (one per source, the latest),
// the name active reverse resolution found, and an operating-system guess. Allocated only for
// hosts that have one (a pointer otherwise), and only when a name is learned, never per packet.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "enrich/os_guess.hpp"

namespace netlens::enrich {

// In order of preference for the one name shown: what a host says of itself first (DHCP,
// mDNS, NetBIOS), then the DNS (asked by netlens, then seen in answers), then what clients
// called it (TLS SNI, HTTP Host: a shared server answers to many names).
enum class NameSource : uint8_t { Dhcp = 0, Mdns, Netbios, Resolver, Dns, TlsSni, HttpHost, Count };
inline constexpr size_t kNameSources = size_t(NameSource::Count);
const char* nameSourceName(NameSource s);

struct HostNames {
  static constexpr size_t kMaxNameLength = 253;
  std::array<std::string, kNameSources> by_source;
  OsType os = OsType::Unknown;
  OsSource os_source = OsSource::None;

  // The preferred name; empty when none.
  std::string_view best() const {
    for (const std::string& n : by_source)
      if (!n.empty()) return n;
    return {};
  }
  NameSource bestSource() const {
    for (size_t i = 0; i < kNameSources; ++i)
      if (!by_source[i].empty()) return NameSource(i);
    return NameSource::Count;
  }
  // False when nothing changed (the same name again costs a comparison, no allocation).
  bool set(NameSource s, std::string_view name) {
    if (name.size() > kMaxNameLength) name = name.substr(0, kMaxNameLength);
    std::string& slot = by_source[size_t(s)];
    if (slot == name) return false;
    slot.assign(name);
    return true;
  }
  bool setOs(OsType os_type, OsSource source) {
    if (os_type == OsType::Unknown || source < os_source || (os == os_type && os_source == source)) return false;
    os = os_type;
    os_source = source;
    return true;
  }
  bool empty() const { return best().empty() && os == OsType::Unknown; }
};

}  // namespace netlens::enrich
