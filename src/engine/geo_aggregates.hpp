#pragma once
// Autonomous systems and countries as entities with their own totals, maintained by the engine
// on its roll-up like local networks: a host is geolocated once, when it is created (never per
// packet), and remembers its AS and country entities by index; its traffic then reaches them
// at the same time as it reaches the host.
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/counters.hpp"
#include "core/ip_address.hpp"
#include "core/timestamp.hpp"
#include "enrich/enrichment.hpp"

namespace netlens {

constexpr uint32_t kNoGeoEntity = UINT32_MAX;

// A host's geolocation and its entities: 40 bytes.
struct HostGeo {
  GeoInfo info;
  uint32_t as_entity = kNoGeoEntity;
  uint32_t country_entity = kNoGeoEntity;
};

struct GeoEntityTotals {
  uint32_t hosts = 0;       // hosts in the tables now
  uint64_t hosts_seen = 0;  // since start
  uint64_t flows = 0;       // flows with at least one end here, since start
  TrafficCounter sent;      // by its hosts
  TrafficCounter received;  // by its hosts
  Micros first_seen = 0;
  Micros last_seen = 0;
  std::vector<std::pair<uint16_t, TrafficCounter>> apps;  // flows' traffic by application

  TrafficCounter& app(uint16_t id) {
    for (auto& [k, v] : apps)
      if (k == id) return v;
    return apps.emplace_back(id, TrafficCounter{}).second;
  }
  uint64_t bytes() const { return sent.bytes + received.bytes; }
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
  uint64_t cache_hits = 0;  // records decoded before
  uint64_t prefix_hits = 0; // answered for the whole /24 (/48) by an earlier lookup
  uint64_t nanoseconds = 0; // spent looking up
};

class GeoAggregates {
 public:
  explicit GeoAggregates(std::shared_ptr<const Enrichment> enrich);

  // ---- packet thread ----
  void hostCreated(HostGeo& g, const IpAddress& ip, Micros now);
  void hostRemoved(const HostGeo& g);
  void flowCreated(const HostGeo* client, const HostGeo* server);
  void traffic(const HostGeo& g, const TrafficCounter& sent, const TrafficCounter& received, Micros last_seen);
  // A decided flow's traffic for its application: once per entity even if both ends are in it.
  void appTraffic(const HostGeo* client, const HostGeo* server, uint16_t app, const TrafficCounter& t);
  template <typename Remap>
  void remapApps(Remap to) {
    auto remap = [&](GeoEntityTotals& t) {
      std::vector<std::pair<uint16_t, TrafficCounter>> old;
      old.swap(t.apps);
      for (auto& [id, c] : old) t.app(to(id)).add(c);
    };
    for (AsStats& a : asns_) remap(a.totals);
    for (CountryStats& c : countries_) remap(c.totals);
  }

  // ---- queries (packet thread) ----
  const std::vector<AsStats>& asns() const { return asns_; }
  const std::vector<CountryStats>& countries() const { return countries_; }
  const GeoLookupStats& lookupStats() const { return stats_; }
  bool enabled() const { return enabled_; }

 private:
  std::shared_ptr<const Enrichment> enrich_;
  bool enabled_ = false;
  GeoRecordCache cache_;
  GeoLookupStats stats_;
  std::vector<AsStats> asns_;
  std::unordered_map<uint32_t, uint32_t> as_index_;
  std::vector<CountryStats> countries_;
  std::unordered_map<uint16_t, uint32_t> country_index_;
};

}  // namespace netlens
