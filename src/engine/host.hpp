#pragma once
// Host: an IP address (per VLAN) seen in traffic. Local hosts keep full statistics; remote
// hosts keep the minimum.
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/counters.hpp"
#include "core/ip_address.hpp"
#include "core/timestamp.hpp"
#include "core/value_ptr.hpp"
#include "engine/entry_table.hpp"
#include "enrich/host_names.hpp"
#include "engine/geo_aggregates.hpp"

namespace netlens {

struct HostKey {
  IpAddress ip;
  uint16_t vlan = 0;

  uint64_t hash() const { return ip.hash() ^ (uint64_t(vlan) * 0x9E3779B97F4A7C15ULL); }
  friend bool operator==(const HostKey&, const HostKey&) = default;
};

struct IpAddressHash {
  size_t operator()(const IpAddress& ip) const { return size_t(ip.hash()); }
};

struct AppTraffic {
  TrafficCounter sent;
  TrafficCounter received;
  uint32_t flows = 0;
};

struct PeerTraffic {
  uint64_t bytes = 0;
  uint32_t flows = 0;
};

// What only local hosts keep.
struct LocalHostStats {
  std::array<uint8_t, 6> mac{};
  bool has_mac = false;
  std::vector<std::pair<uint16_t, AppTraffic>> apps;  // by nDPI protocol, few per host
  std::unordered_map<IpAddress, PeerTraffic, IpAddressHash> peers;
  uint64_t peers_dropped = 0;  // peers not kept because the per-host bound was reached
  uint32_t active_mark = 0;    // the tick in which the host was last listed as active

  AppTraffic& app(uint16_t id) {
    for (auto& [k, v] : apps)
      if (k == id) return v;
    return apps.emplace_back(id, AppTraffic{}).second;
  }
};

enum HostList : uint8_t { kHostsLocal = 0, kHostsRemote = 1, kHostLists = 2 };

struct Host {
  HostKey key;
  TableLinks links;
  bool local = false;
  int16_t network = -1;
  uint32_t active_flows = 0;
  uint32_t flows_as_client = 0;
  uint32_t flows_as_server = 0;
  Micros first_seen = 0;
  Micros last_seen = 0;
  // What a flow's roll-up reads and writes comes together (links, last_seen, sent, received,
  // local_stats, geo's entities): two cache lines rather than three.
  TrafficCounter sent;
  TrafficCounter received;
  ValuePtr<LocalHostStats> local_stats;
  HostGeo geo;  // country, city, coordinates, AS: looked up once, when the host is created
  ValuePtr<enrich::HostNames> names;  // names and OS guess, once one is learned
};

}  // namespace netlens
