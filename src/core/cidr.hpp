#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.hpp"

namespace netlens {

// A network in CIDR notation (192.168.1.0/24, fd00::/8).
struct Cidr {
  IpAddress network;  // host bits cleared
  uint8_t prefix = 0;

  static std::optional<Cidr> parse(std::string_view text);
  bool contains(const IpAddress& ip) const;
  std::string toString() const;
};

}  // namespace netlens
