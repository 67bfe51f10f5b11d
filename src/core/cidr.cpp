#include "core/cidr.hpp"

#include <charconv>

namespace netlens {

std::optional<Cidr> Cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto ip = IpAddress::parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const unsigned max_prefix = ip->isV4() ? 32 : 128;
  unsigned prefix = max_prefix;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || prefix > max_prefix)
      return std::nullopt;
  }
  uint8_t raw[16] = {};
  std::memcpy(raw, ip->data(), ip->size());
  for (unsigned bit = prefix; bit < max_prefix; ++bit) raw[bit / 8] &= uint8_t(~(0x80u >> (bit % 8)));
  return Cidr{ip->isV4() ? IpAddress::v4(raw) : IpAddress::v6(raw), uint8_t(prefix)};
}

bool Cidr::contains(const IpAddress& ip) const {
  if (ip.version() != network.version()) return false;
  const uint8_t* a = ip.data();
  const uint8_t* n = network.data();
  unsigned full = prefix / 8;
  if (std::memcmp(a, n, full) != 0) return false;
  if (unsigned rest = prefix % 8) {
    uint8_t mask = uint8_t(0xFF00u >> rest);
    return (a[full] & mask) == n[full];
  }
  return true;
}

std::string Cidr::toString() const { return network.toString() + "/" + std::to_string(prefix); }

}  // namespace netlens
