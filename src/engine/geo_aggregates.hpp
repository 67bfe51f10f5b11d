#pragma once
// Autonomous systems and countries as entities with their own totals, maintained by the engine
// on its roll-up like local networks: a host is geolocated once, when it is created (never per
// packet), and remembers its AS and country entities by index; its traffic then reaches them
// at the same time as it reaches the host.
#include <algorithm>
#include <array>
#include <utility>
#include <chrono>
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
constexpr uint16_t kNoCountryEntity = UINT16_MAX;

// A host's geolocation and its entities: 40 bytes.
struct HostGeo {
  GeoInfo info;
  uint32_t as_entity = kNoGeoEntity;
  uint16_t country_entity = kNoCountryEntity;
  bool pending = false;  // created, not looked up yet
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
  std::vector<uint16_t> app_slot;  // application id -> position in apps + 1, once apps is long

  // Found on every roll-up of a flow: a short list is scanned, a long one (a big country or
  // AS sees hundreds of applications) indexed.
  TrafficCounter& app(uint16_t id) {
    if (app_slot.empty()) {
      for (auto& [k, v] : apps)
        if (k == id) return v;
    } else if (id < app_slot.size() && app_slot[id]) {
      return apps[app_slot[id] - 1].second;
    }
    apps.emplace_back(id, TrafficCounter{});
    if (apps.size() > kAppScan) {
      if (app_slot.size() <= id) app_slot.resize(std::max<size_t>(size_t(id) + 1, 512), 0);
      if (apps.size() == kAppScan + 1)
        for (size_t i = 0; i < apps.size(); ++i) {
          if (app_slot.size() <= apps[i].first) app_slot.resize(size_t(apps[i].first) + 1, 0);
          app_slot[apps[i].first] = uint16_t(i + 1);
        }
      else
        app_slot[id] = uint16_t(apps.size());
    }
    return apps.back().second;
  }
  static constexpr size_t kAppScan = 8;
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
  // A new host is looked up with the others created meanwhile, before the next roll-up: the
  // walks of a batch through the databases overlap their cache misses.
  void hostCreated(uint32_t host, HostGeo& g) {
    if (!enabled_) return;
    g.pending = true;
    pending_.push_back(host);
  }
  bool hasPending() const { return !pending_.empty(); }
  // at(host) gives {HostGeo*, const IpAddress*} of a host still in the table, or nulls.
  template <typename At>
  void resolvePending(At at, Micros now) {
    if (pending_.empty()) return;
    const auto started = std::chrono::steady_clock::now();
    for (size_t first = 0; first < pending_.size(); first += kBatch) {
      size_t n = 0;
      for (size_t k = first; k < pending_.size() && k < first + kBatch; ++k) {
        auto [g, ip] = at(pending_[k]);
        if (!g || !g->pending) continue;  // gone, or listed twice
        g->pending = false;
        batch_geo_[n] = g;
        batch_ip_[n++] = *ip;
      }
      lookupBatch(n, now);
    }
    pending_.clear();
    stats_.nanoseconds +=
        uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count());
  }
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
      t.app_slot.clear();
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
  GeoRecordCache cache_;
  GeoLookupStats stats_;
  std::vector<AsStats> asns_;
  std::vector<uint32_t> as_direct_;  // AS numbers below 2^19 (most): entity + 1
  std::unordered_map<uint32_t, uint32_t> as_index_;  // the others
  std::vector<CountryStats> countries_;
  std::array<uint16_t, 26 * 26> country_index_;  // by the code's two letters
};

}  // namespace netlens
