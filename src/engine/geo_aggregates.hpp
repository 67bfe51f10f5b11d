#pragma once
// Autonomous systems and countries as entities with their own totals: a host is geolocated
// once, when it is created (never per packet), and remembers its AS and country entities by
// index. Their hosts and flows are counted as hosts come and flows start, their applications on
// the roll-up; their traffic is that of their hosts, worked out when it is read (see
// refreshTraffic), not added on every roll-up.
#include <algorithm>
#include <array>
#include <utility>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/counters.hpp"
#include "core/ip_address.hpp"
#include "core/timestamp.hpp"
#include "enrich/enrichment.hpp"

namespace netlens {

constexpr uint32_t kNoGeoEntity = UINT32_MAX;
constexpr uint16_t kNoCountryEntity = UINT16_MAX;

// A host's geolocation and its entities: 40 bytes. The entities first: the roll-up of the
// host's flows reads them (flows and applications of the entities), next to the host's traffic
// counters (see Host).
struct HostGeo {
  uint32_t as_entity = kNoGeoEntity;
  uint16_t country_entity = kNoCountryEntity;
  bool pending = false;  // created, not looked up yet
  GeoInfo info;
};

struct GeoEntityTotals {
  uint32_t hosts = 0;       // hosts in the tables now
  uint64_t hosts_seen = 0;  // since start
  uint64_t flows = 0;       // flows with at least one end here, since start
  TrafficCounter sent;      // by its hosts (as of the last refreshTraffic)
  TrafficCounter received;  // by its hosts
  Micros first_seen = 0;
  Micros last_seen = 0;
  // What is settled: the traffic of its hosts that have left the tables, and the last time one
  // of its hosts left or joined. The figures above are these plus the hosts in the tables.
  TrafficCounter settled_sent, settled_received;
  Micros settled_last_seen = 0;
  uint64_t bytes() const { return sent.bytes + received.bytes; }
  // A host's traffic into the figures above.
  void addHost(const TrafficCounter& host_sent, const TrafficCounter& host_received, Micros host_last_seen) {
    sent.add(host_sent);
    received.add(host_received);
    if (host_last_seen > last_seen) last_seen = host_last_seen;
  }
};

enum class GeoKind : uint8_t { As = 0, Country = 1 };

// The applications' traffic of every AS and country entity, in one open-addressing table: a
// decided flow's roll-up credits up to four (entity, application) counters, and each is found
// in one probe (one likely cache miss; the four are asked for together so that they overlap)
// instead of through each entity's own list. The entries of one entity are chained for its
// listing, which is rare (an API answer).
class GeoAppTable {
 public:
  struct Credit {
    GeoKind kind;
    uint32_t entity;
  };
  GeoAppTable() { slots_.resize(kInitialSlots); }
  // Adds `t` to the application of each entity (at most four, all different).
  void add(const Credit* credits, size_t n, uint16_t app, const TrafficCounter& t);
  // f(app, traffic) for each application of the entity, in no particular order.
  template <typename F>
  void forEach(GeoKind kind, uint32_t entity, F&& f) const {
    const auto& heads = heads_[size_t(kind)];
    if (entity >= heads.size()) return;
    for (uint32_t i = heads[entity]; i != kEnd; i = slots_[i].next) f(uint16_t(slots_[i].key), slots_[i].traffic);
  }
  std::vector<std::pair<uint16_t, TrafficCounter>> list(GeoKind kind, uint32_t entity) const;
  // Application ids renumbered (nDPI reload): entries of ids that become one are merged.
  template <typename Remap>
  void remapApps(Remap to) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size(), Slot{});
    used_ = 0;
    for (auto& h : heads_) h.assign(h.size(), kEnd);
    for (const Slot& s : old)
      if (s.key != kEmpty) counter(s.key >> 16, to(uint16_t(s.key))).add(s.traffic);
  }
  size_t size() const { return used_; }

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;
  static constexpr uint32_t kEnd = UINT32_MAX;
  static constexpr size_t kInitialSlots = 1024;
  struct Slot {
    uint64_t key = kEmpty;  // kind << 48 | entity << 16 | app
    TrafficCounter traffic;
    uint32_t next = kEnd;   // the entity's next entry
  };
  static uint64_t keyOf(GeoKind kind, uint32_t entity, uint16_t app) {
    return uint64_t(kind) << 48 | uint64_t(entity) << 16 | app;
  }
  size_t slotOf(uint64_t key) const {
    return size_t((key * 0x9E3779B97F4A7C15ULL) >> 32) & (slots_.size() - 1);
  }
  // The counter of (kind << 32 | entity, app), created when new.
  TrafficCounter& counter(uint64_t entity_key, uint16_t app);
  void grow();
  std::vector<Slot> slots_;  // a power of two, at most half full
  size_t used_ = 0;
  std::array<std::vector<uint32_t>, 2> heads_;  // by kind, entity: its first entry
};

struct AsStats {
  uint32_t asn = 0;
  GeoText name;
  GeoEntityTotals totals;
};

struct CountryStats {
  char code[2] = {0, 0};
  GeoText name;  // from databases in MaxMind's layout only
  GeoEntityTotals totals;
};

struct GeoLookupStats {
  uint64_t lookups = 0;
  uint64_t located = 0;     // a country or coordinates
  uint64_t with_asn = 0;
  uint64_t prefix_hits = 0; // answered for the whole /24 (/48) by an earlier lookup
  uint64_t record_hits = 0; // database records read before (cities, ASes shared by hosts)
};

class GeoAggregates {
 public:
  explicit GeoAggregates(std::shared_ptr<const Enrichment> enrich);

  // ---- packet thread ----
  // A new host is looked up with the others created meanwhile, before the next roll-up: the
  // walks of a batch through the databases overlap their cache misses.
  void hostCreated(uint32_t host, HostGeo& g) {
    if (!enabled_) return;
    g.pending = true;
    pending_.push_back(host);
  }
  bool hasPending() const { return !pending_.empty(); }
  // at(host) gives {HostGeo*, const IpAddress*} of a host still in the table, or nulls;
  // where(host) the address of its entry, without reading it (to prefetch).
  template <typename At, typename Where>
  void resolvePending(At at, Where where, Micros now) {
    if (pending_.empty()) return;
    for (size_t first = 0; first < pending_.size(); first += kBatch) {
      const size_t last = std::min(pending_.size(), first + kBatch);
      // The hosts were made since the last roll-up and may have left the cache: asked for
      // together, their misses overlap.
      for (size_t k = first; k < last; ++k) {
        const char* h = static_cast<const char*>(where(pending_[k]));
        __builtin_prefetch(h);
        __builtin_prefetch(h + 64);
        __builtin_prefetch(h + 128);
      }
      size_t n = 0;
      for (size_t k = first; k < last; ++k) {
        auto [g, ip] = at(pending_[k]);
        if (!g || !g->pending) continue;  // gone, or listed twice
        g->pending = false;
        batch_geo_[n] = g;
        batch_ip_[n++] = *ip;
      }
      lookupBatch(n, now);
    }
    pending_.clear();
  }
  // A host leaves the tables: what it did stays with its entities.
  void hostRemoved(const HostGeo& g, const TrafficCounter& sent, const TrafficCounter& received, Micros last_seen);
  // A host that had left comes back with what it did then (the host keeper): that is in its
  // entities' settled traffic already, and now in the host again.
  void hostRestored(const HostGeo& g, const TrafficCounter& sent, const TrafficCounter& received);
  // A flow's first roll-up with traffic (inline: a call each was measurable).
  void flowCreated(const HostGeo* client, const HostGeo* server) {
    const uint32_t ca = client ? client->as_entity : kNoGeoEntity, sa = server ? server->as_entity : kNoGeoEntity;
    if (ca != kNoGeoEntity) ++asns_[ca].totals.flows;
    if (sa != kNoGeoEntity && sa != ca) ++asns_[sa].totals.flows;
    const uint16_t cc = client ? client->country_entity : kNoCountryEntity;
    const uint16_t sc = server ? server->country_entity : kNoCountryEntity;
    if (cc != kNoCountryEntity) ++countries_[cc].totals.flows;
    if (sc != kNoCountryEntity && sc != cc) ++countries_[sc].totals.flows;
  }
  // A decided flow's traffic for its application: once per entity even if both ends are in it.
  void appTraffic(const HostGeo* client, const HostGeo* server, uint16_t app, const TrafficCounter& t);
  template <typename Remap>
  void remapApps(Remap to) {
    apps_.remapApps(to);
  }

  // ---- queries (packet thread) ----
  // Brings the entities' traffic up to date: settled, plus every host in the tables.
  // each_host(f) calls f(geo, sent, received, last_seen) for every host. Done once per
  // `generation` (the engine's count of changes): a query reads the tables once.
  template <typename EachHost>
  void refreshTraffic(uint64_t generation, EachHost each_host) const {
    if (!enabled_ || generation == refreshed_) return;
    refreshed_ = generation;
    auto settle = [](GeoEntityTotals& t) {
      t.sent = t.settled_sent;
      t.received = t.settled_received;
      t.last_seen = t.settled_last_seen;
    };
    for (AsStats& a : asns_) settle(a.totals);
    for (CountryStats& c : countries_) settle(c.totals);
    each_host([&](const HostGeo& g, const TrafficCounter& sent, const TrafficCounter& received, Micros last_seen) {
      if (g.as_entity != kNoGeoEntity) asns_[g.as_entity].totals.addHost(sent, received, last_seen);
      if (g.country_entity != kNoCountryEntity) countries_[g.country_entity].totals.addHost(sent, received, last_seen);
    });
  }
  const std::vector<AsStats>& asns() const { return asns_; }
  const std::vector<CountryStats>& countries() const { return countries_; }
  // The cache's hits are its own counters (one cache per interface).
  GeoLookupStats lookupStats() const {
    GeoLookupStats s = stats_;
    s.prefix_hits = cache_.prefix_hits;
    s.record_hits = cache_.record_hits;
    return s;
  }
  // An entity's applications (traffic of its decided flows), in no particular order.
  // An entity that is not one of this object's (a copy) has none.
  std::vector<std::pair<uint16_t, TrafficCounter>> apps(const AsStats& a) const {
    return apps_.list(GeoKind::As, indexIn(asns_, a));
  }
  std::vector<std::pair<uint16_t, TrafficCounter>> apps(const CountryStats& c) const {
    return apps_.list(GeoKind::Country, indexIn(countries_, c));
  }
  bool enabled() const { return enabled_; }

 private:
  template <typename T>
  static uint32_t indexIn(const std::vector<T>& v, const T& e) {
    const std::less<const T*> before;
    if (v.empty() || before(&e, v.data()) || !before(&e, v.data() + v.size())) return UINT32_MAX;
    return uint32_t(&e - v.data());
  }
  static constexpr size_t kBatch = 64;
  void lookupBatch(size_t n, Micros now);
  void assign(HostGeo& g, const GeoText& country_name, Micros now);

  std::shared_ptr<const Enrichment> enrich_;
  bool enabled_ = false;
  std::vector<uint32_t> pending_;
  std::array<HostGeo*, kBatch> batch_geo_{};
  std::array<IpAddress, kBatch> batch_ip_{};
  std::array<GeoInfo, kBatch> batch_info_{};
  std::array<GeoText, kBatch> batch_names_{};
  GeoLookupCache cache_;
  GeoLookupStats stats_;
  mutable std::vector<AsStats> asns_;  // (mutable: refreshTraffic)
  mutable uint64_t refreshed_ = UINT64_MAX;
  std::vector<uint32_t> as_direct_;  // AS numbers below 2^19 (most): entity + 1
  std::unordered_map<uint32_t, uint32_t> as_index_;  // the others
  mutable std::vector<CountryStats> countries_;
  std::array<uint16_t, 26 * 26> country_index_;  // by the code's two letters
  GeoAppTable apps_;
};

}  // namespace netlens
