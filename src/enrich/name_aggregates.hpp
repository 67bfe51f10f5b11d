#pragma once
// Traffic aggregations by name: the DNS names clients asked for, and the server names (TLS SNI,
// HTTP Host) they connected to. Each is an entity with seen-since, last-seen, hits (flows),
// traffic and the hosts involved (a bounded sample). Bounded like the engine's tables: when
// full, the least recently seen entry that no active flow uses is evicted, else the new name is
// not kept; both are counted.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/counters.hpp"
#include "core/ip_address.hpp"
#include "core/timestamp.hpp"
#include "engine/entry_table.hpp"

namespace netlens::enrich {

enum class NameKind : uint8_t { DnsQuery = 0, ServerName = 1 };

struct NameAggKey {
  NameKind kind = NameKind::DnsQuery;
  std::string name;
  uint64_t hash() const { return hashOf(kind, name); }
  static uint64_t hashOf(NameKind kind, std::string_view name) {
    uint64_t h = 0xcbf29ce484222325ULL ^ uint64_t(kind);
    for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ULL;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 32);
  }
};
struct NameAggRef {
  NameKind kind;
  std::string_view name;
};
inline bool operator==(const NameAggKey& a, const NameAggKey& b) { return a.kind == b.kind && a.name == b.name; }
inline bool operator==(const NameAggKey& a, const NameAggRef& b) { return a.kind == b.kind && a.name == b.name; }

struct NameAggregate {
  static constexpr size_t kMaxHosts = 16;
  NameAggKey key;
  TableLinks links;
  Micros first_seen = 0;
  Micros last_seen = 0;
  uint64_t hits = 0;  // flows
  TrafficCounter traffic;
  uint32_t active_flows = 0;
  std::vector<IpAddress> clients;  // who asked (at most kMaxHosts)
  std::vector<IpAddress> servers;  // who answered to the name (server names)
  uint64_t hosts_not_kept = 0;
  // A bit per host of each list (by its hash): a host whose bit is clear is surely not in the
  // list, which is then not read (a cache miss: the list is elsewhere in memory).
  uint64_t client_bits = 0, server_bits = 0;

  void noteClient(const IpAddress& ip) { noteHost(clients, client_bits, ip); }
  void noteServer(const IpAddress& ip) { noteHost(servers, server_bits, ip); }

 private:
  void noteHost(std::vector<IpAddress>& list, uint64_t& bits, const IpAddress& ip) {
    const uint64_t bit = uint64_t(1) << (ip.hash() & 63);
    if ((bits & bit) && std::find(list.begin(), list.end(), ip) != list.end()) return;
    if (list.size() < kMaxHosts) {
      list.push_back(ip);
      bits |= bit;
    } else {
      ++hosts_not_kept;
    }
  }
};

struct NameAggCounters {
  uint64_t created = 0, evicted = 0, dropped = 0;
};

class NameAggregates {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  explicit NameAggregates(uint32_t max_entries) : table_(max_entries) {}

  // The entry for the name, created when new; kNone when the table is full of names in use.
  uint32_t findOrCreate(NameKind kind, std::string_view name, Micros now) {
    const uint64_t h = NameAggKey::hashOf(kind, name);
    uint32_t idx = table_.findBy(NameAggRef{kind, name}, h);
    if (idx == Table::kNone) {
      if (table_.full() && !evictOne()) {
        ++counters_.dropped;
        return kNone;
      }
      idx = table_.insert(NameAggKey{kind, std::string(name)}, h, 0);
      table_[idx].first_seen = now;
      ++counters_.created;
    } else if (table_[idx].last_seen / kMicrosPerSecond != now / kMicrosPerSecond) {
      table_.touch(idx, 0);  // the eviction order is kept to the second (a touch is two misses)
    }
    table_[idx].last_seen = now;
    return idx;
  }
  NameAggregate& operator[](uint32_t idx) { return table_[idx]; }
  const NameAggregate& operator[](uint32_t idx) const { return table_[idx]; }
  uint32_t size() const { return table_.size(); }
  const NameAggCounters& counters() const { return counters_; }

  template <typename F>
  void forEach(F&& f) const {
    const_cast<Table&>(table_).forEach([&](uint32_t, const NameAggregate& e) { f(e); });
  }

 private:
  using Table = EntryTable<NameAggregate, NameAggKey, 1>;
  bool evictOne() {
    int budget = 64;
    for (uint32_t idx = table_.oldest(0); idx != Table::kNone && budget-- > 0; idx = table_.newer(idx)) {
      if (table_[idx].active_flows) continue;
      table_.erase(idx, table_[idx].key.hash());
      ++counters_.evicted;
      return true;
    }
    return false;
  }
  Table table_;
  NameAggCounters counters_;
};

}  // namespace netlens::enrich
