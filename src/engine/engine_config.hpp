#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cidr.hpp"
#include "decode/packet_decoder.hpp"
#include "engine/ndpi_classifier.hpp"
#include "enrich/name_config.hpp"
#include "enrich/enrichment.hpp"

namespace netlens {

// Lifecycle settings. Unset timeouts take their defaults on live sources; on capture files
// nothing expires on idle time unless a timeout is set explicitly (a file is one analysis).
struct LifecycleConfig {
  std::optional<uint32_t> flow_idle_s;         // default 60
  std::optional<uint32_t> tcp_closed_s;        // default 10: closed/reset TCP flows go sooner
  std::optional<uint32_t> local_host_idle_s;   // default 300
  std::optional<uint32_t> remote_host_idle_s;  // default 60
  uint32_t max_flows = 131072;
  uint32_t max_hosts = 131072;

  bool anyTimeoutSet() const {
    return flow_idle_s || tcp_closed_s || local_host_idle_s || remote_host_idle_s;
  }
};

struct EngineConfig {
  std::string name;  // the interface as the user named it (-i)
  LifecycleConfig lifecycle;
  bool expire_idle = true;  // live: always; files: only when a timeout was given
  std::vector<Cidr> local_networks;
  NdpiConfig ndpi;
  DecoderOptions decoder;
  uint32_t max_peers_per_host = 1024;
  bool local_host_apps = true;  // per-application breakdown for local hosts
  enrich::NameMode name_mode = enrich::NameMode::Decode;  // -n
  uint32_t max_cached_names = 65536;  // addresses named by traffic that are not hosts (yet)
  std::shared_ptr<const Enrichment> enrich;  // geolocation, ASN, MAC vendors (shared, read-only)
};

}  // namespace netlens

namespace netlens {

// Settings an administrator can change while netlens runs (preferences); unset = unchanged.
struct RuntimeSettings {
  std::optional<uint32_t> flow_idle_s;
  std::optional<uint32_t> tcp_closed_s;
  std::optional<uint32_t> local_host_idle_s;
  std::optional<uint32_t> remote_host_idle_s;
  std::optional<bool> local_host_apps;
  std::optional<enrich::NameMode> name_mode;  // the "dns_resolution_mode" preference
};

}  // namespace netlens
