#pragma once
// AddressNameCache: names that traffic gave to addresses that may not be hosts yet (a DNS
// answer names the server a client is about to contact). Bounded like the engine's tables:
// the least recently named address goes first when it is full, and that is counted.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"
#include "engine/entry_table.hpp"
#include "enrich/host_names.hpp"

namespace netlens::enrich {

struct AddressNameEntry {
  IpAddress key;
  TableLinks links;
  NameSource source = NameSource::Dns;
  uint16_t vlan = 0;  // where it was last heard (hosts are per VLAN, this cache is not)
  std::string name;
};

class AddressNameCache {
 public:
  explicit AddressNameCache(uint32_t max_entries) : table_(max_entries) {}

  // Remembers the name; true when something changed, the VLAN it was heard on included (an
  // allocation happens only then).
  bool put(const IpAddress& ip, uint16_t vlan, NameSource source, std::string_view name) {
    const uint64_t h = ip.hash();
    seen_[(h >> 6) & (kSeenWords - 1)] |= uint64_t(1) << (h & 63);
    uint32_t idx = table_.find(ip, h);
    if (idx == Table::kNone) {
      if (table_.full()) {
        const uint32_t victim = table_.oldest(0);
        if (victim == Table::kNone) return false;
        table_.erase(victim, table_[victim].key.hash());
        ++evicted_;
      }
      idx = table_.insert(ip, h, 0);
      ++created_;
    } else {
      AddressNameEntry& e = table_[idx];
      if (e.source == source && e.vlan == vlan && e.name == name) return false;
      table_.touch(idx, 0);
    }
    AddressNameEntry& e = table_[idx];
    e.source = source;
    e.vlan = vlan;
    e.name.assign(name.substr(0, HostNames::kMaxNameLength));
    return true;
  }
  // Every new host asks: most addresses were never named, and a bit that says so (in 128 KB,
  // so in cache) spares a miss in the table. Bits are never cleared: an evicted address only
  // costs the lookup it would have cost anyway.
  const AddressNameEntry* get(const IpAddress& ip) const {
    const uint64_t h = ip.hash();
    if (!(seen_[(h >> 6) & (kSeenWords - 1)] >> (h & 63) & 1)) return nullptr;
    const uint32_t idx = table_.find(ip, h);
    return idx == Table::kNone ? nullptr : &table_[idx];
  }
  uint32_t size() const { return table_.size(); }
  uint64_t created() const { return created_; }
  uint64_t evicted() const { return evicted_; }

 private:
  using Table = EntryTable<AddressNameEntry, IpAddress, 1>;
  static constexpr size_t kSeenWords = size_t(1) << 14;  // 2^20 bits
  Table table_;
  std::vector<uint64_t> seen_ = std::vector<uint64_t>(kSeenWords, 0);
  uint64_t created_ = 0, evicted_ = 0;
};

}  // namespace netlens::enrich
