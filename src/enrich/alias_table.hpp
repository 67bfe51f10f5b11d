#pragma once
// AliasTable: the names administrators give hosts (by address and VLAN). Written by the web
// layer, read by every interface's serialisation: writers publish a new immutable map, readers
// take the current one (a shared pointer copy under a short lock), so nobody waits for anybody.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/ip_address.hpp"

namespace netlens::enrich {

struct AliasKey {
  IpAddress ip;
  uint16_t vlan = 0;
  friend bool operator==(const AliasKey&, const AliasKey&) = default;
};
struct AliasKeyHash {
  size_t operator()(const AliasKey& k) const { return size_t(k.ip.hash() ^ (uint64_t(k.vlan) * 0x9E3779B97F4A7C15ULL)); }
};
using AliasMap = std::unordered_map<AliasKey, std::string, AliasKeyHash>;

class AliasTable {
 public:
  static constexpr size_t kMaxLength = 64;
  static constexpr size_t kMaxAliases = 100000;

  std::shared_ptr<const AliasMap> current() const {
    std::lock_guard lock(mu_);
    return map_;
  }
  const std::string* find(const AliasMap& m, const IpAddress& ip, uint16_t vlan) const {
    auto it = m.find(AliasKey{ip, vlan});
    return it == m.end() ? nullptr : &it->second;
  }
  void set(const IpAddress& ip, uint16_t vlan, const std::string& alias) {
    std::lock_guard lock(mu_);
    auto next = std::make_shared<AliasMap>(*map_);
    (*next)[AliasKey{ip, vlan}] = alias;
    map_ = std::move(next);
  }
  bool remove(const IpAddress& ip, uint16_t vlan) {
    std::lock_guard lock(mu_);
    if (!map_->count(AliasKey{ip, vlan})) return false;
    auto next = std::make_shared<AliasMap>(*map_);
    next->erase(AliasKey{ip, vlan});
    map_ = std::move(next);
    return true;
  }
  void replaceAll(AliasMap m) {
    std::lock_guard lock(mu_);
    map_ = std::make_shared<AliasMap>(std::move(m));
  }
  size_t size() const { return current()->size(); }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const AliasMap> map_ = std::make_shared<AliasMap>();
};

}  // namespace netlens::enrich
