#include "core/l4_protocol.hpp"

#include <charconv>
#include <strings.h>

namespace netlens {

namespace {
struct Named {
  uint8_t proto;
  const char* name;
};
constexpr Named kNames[] = {{1, "ICMP"},  {2, "IGMP"}, {6, "TCP"},   {17, "UDP"},  {41, "IPv6"}, {47, "GRE"},
                            {50, "ESP"},  {51, "AH"},  {58, "ICMPv6"}, {89, "OSPF"}, {103, "PIM"}, {112, "VRRP"},
                            {132, "SCTP"}};
}  // namespace

std::string l4ProtocolName(uint8_t proto) {
  for (const Named& n : kNames)
    if (n.proto == proto) return n.name;
  return std::to_string(proto);
}

std::optional<uint8_t> parseL4Protocol(std::string_view text) {
  for (const Named& n : kNames)
    if (text.size() == std::char_traits<char>::length(n.name) && strncasecmp(text.data(), n.name, text.size()) == 0)
      return n.proto;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || v > 255) return std::nullopt;
  return uint8_t(v);
}

}  // namespace netlens
