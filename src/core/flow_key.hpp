#pragma once
// FlowKey: the identity of a bidirectional flow. Both directions of a conversation produce the
// same key: endpoints are stored in canonical order (lower address/port first), and
// FlowKey::make tells the caller whether the packet's source is that first endpoint.
#include <cstdint>
#include <cstring>

#include "core/ip_address.hpp"

namespace netlens {

struct Endpoint {
  IpAddress ip;
  uint16_t port = 0;
};

class FlowKey {
 public:
  FlowKey() = default;

  // src_is_a is set to true when (src_ip, src_port) is the key's first endpoint.
  static FlowKey make(uint16_t vlan, uint8_t l4_proto, const IpAddress& src_ip, uint16_t src_port,
                      const IpAddress& dst_ip, uint16_t dst_port, bool& src_is_a) {
    FlowKey k;
    k.vlan_ = vlan;
    k.l4_proto_ = l4_proto;
    k.version_ = src_ip.version();
    const int c = std::memcmp(src_ip.data(), dst_ip.data(), 16);
    src_is_a = c < 0 || (c == 0 && src_port <= dst_port);
    const IpAddress& a = src_is_a ? src_ip : dst_ip;
    const IpAddress& b = src_is_a ? dst_ip : src_ip;
    std::memcpy(k.a_, a.data(), 16);
    std::memcpy(k.b_, b.data(), 16);
    k.port_a_ = src_is_a ? src_port : dst_port;
    k.port_b_ = src_is_a ? dst_port : src_port;
    return k;
  }

  Endpoint a() const { return {address(a_), port_a_}; }
  Endpoint b() const { return {address(b_), port_b_}; }
  uint16_t vlan() const { return vlan_; }
  uint8_t l4Proto() const { return l4_proto_; }
  uint8_t ipVersion() const { return version_; }

  uint64_t hash() const {
    uint64_t w[5];
    std::memcpy(w, a_, 32);
    w[4] = (uint64_t(port_a_) << 48) | (uint64_t(port_b_) << 32) | (uint64_t(vlan_) << 16) |
           (uint64_t(l4_proto_) << 8) | version_;
    uint64_t h = 0x243F6A8885A308D3ULL;
    for (uint64_t x : w) {
      h ^= x;
      h *= 0x9E3779B97F4A7C15ULL;
      h ^= h >> 31;
    }
    return h;
  }

  // Five 8-byte comparisons, without a call to memcmp.
  friend bool operator==(const FlowKey& x, const FlowKey& y) {
    uint64_t a[5], b[5];
    std::memcpy(a, &x, sizeof(FlowKey));
    std::memcpy(b, &y, sizeof(FlowKey));
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4])) == 0;
  }

 private:
  IpAddress address(const uint8_t* raw) const {
    return version_ == 4 ? IpAddress::v4(raw) : IpAddress::v6(raw);
  }

  uint8_t a_[16] = {};
  uint8_t b_[16] = {};
  uint16_t port_a_ = 0;
  uint16_t port_b_ = 0;
  uint16_t vlan_ = 0;
  uint8_t l4_proto_ = 0;
  uint8_t version_ = 0;
};
static_assert(sizeof(FlowKey) == 40, "FlowKey must stay compact and padding-free");

}  // namespace netlens
