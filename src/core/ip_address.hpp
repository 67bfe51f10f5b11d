#pragma once
// IpAddress: an IPv4 or IPv6 address in one fixed 16-byte form, cheap to copy, hash and compare.
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace netlens {

class IpAddress {
 public:
  IpAddress() = default;

  static IpAddress v4(const uint8_t* network_order_bytes) {
    IpAddress a;
    std::memcpy(a.bytes_.data(), network_order_bytes, 4);
    a.version_ = 4;
    return a;
  }
  static IpAddress v4(uint32_t host_order) {
    uint8_t b[4] = {uint8_t(host_order >> 24), uint8_t(host_order >> 16), uint8_t(host_order >> 8),
                    uint8_t(host_order)};
    return v4(b);
  }
  static IpAddress v6(const uint8_t* network_order_bytes) {
    IpAddress a;
    std::memcpy(a.bytes_.data(), network_order_bytes, 16);
    a.version_ = 6;
    return a;
  }
  // Parses dotted IPv4 or any textual IPv6 form; nullopt when the text is not an address.
  static std::optional<IpAddress> parse(std::string_view text);

  uint8_t version() const { return version_; }
  bool isV4() const { return version_ == 4; }
  bool isV6() const { return version_ == 6; }
  bool empty() const { return version_ == 0; }
  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return version_ == 4 ? 4 : 16; }
  uint32_t v4HostOrder() const {
    return (uint32_t(bytes_[0]) << 24) | (uint32_t(bytes_[1]) << 16) | (uint32_t(bytes_[2]) << 8) |
           bytes_[3];
  }

  std::string toString() const;
  // Writes the text form into buf (at least 46 bytes) and returns its length.
  size_t format(char* buf) const;

  // Two 8-byte comparisons (std::array's == became a call to memcmp: 2% of the engine's time).
  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    uint64_t x[2], y[2];
    std::memcpy(x, a.bytes_.data(), 16);
    std::memcpy(y, b.bytes_.data(), 16);
    return a.version_ == b.version_ && ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
  }
  friend auto operator<=>(const IpAddress& a, const IpAddress& b) {
    if (auto c = a.version_ <=> b.version_; c != 0) return c;
    return a.bytes_ <=> b.bytes_;
  }

  uint64_t hash() const {
    uint64_t lo, hi;
    std::memcpy(&lo, bytes_.data(), 8);
    std::memcpy(&hi, bytes_.data() + 8, 8);
    uint64_t h = lo * 0x9E3779B97F4A7C15ULL ^ (hi + 0x632BE59BD9B4E019ULL + version_);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 32);
  }

 private:
  std::array<uint8_t, 16> bytes_{};
  uint8_t version_ = 0;
};

}  // namespace netlens
