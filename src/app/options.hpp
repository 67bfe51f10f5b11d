#pragma once
// Command-line options: parsed once in main, turned into the engine's configuration here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/pcap_source.hpp"
#include "engine/engine_config.hpp"
#include "store/timeseries_config.hpp"
#include "export/export_options.hpp"
#include "web/web_server.hpp"

namespace netlens {

struct WebSettings {
  bool enabled = true;
  bool explicitly_requested = false;  // -w or -W given: failing to listen is an error
  web::WebOptions options;
  std::string describe() const;
};

struct Options {
  std::vector<std::string> interfaces;  // -i, one entry per independent interface
  CaptureOptions capture;
  bool shutdown_when_done = false;
  std::string ndpi_protocols;
  std::string ndpi_categories;
  std::vector<Cidr> local_networks;  // -m
  std::string user;                  // -U
  LifecycleConfig lifecycle;
  uint32_t max_tcp_dpi_packets = 80;
  uint32_t max_udp_dpi_packets = 24;
  bool decode_tunnels = true;
  uint32_t max_peers_per_host = 1024;
  std::string dump_json;
  bool quiet = false;
  uint32_t status_interval_s = 10;
  WebSettings web;
  // Time series and host activity maps under <data dir>/timeseries (dir filled in by the runner).
  store::TimeseriesConfig timeseries;
  FlowIoOptions flow_io;  // ZMQ collection and flow export
  std::optional<enrich::NameMode> name_mode;  // -n (unset: the preference, else decode)
  std::string dns_server;                     // --dns-server ADDR[:PORT] for -n local/all
  std::string redis;                          // -r HOST[:PORT][@DB] or a unix socket path
  std::string geoip_dir = NETLENS_DEFAULT_GEOIP_DIR;  // --geoip-dir
};

struct ParseOutcome {
  std::optional<Options> options;  // empty when the program should exit
  int exit_code = 0;
  std::string output;  // help text or the error to print
};

ParseOutcome parseOptions(int argc, const char* const* argv);

EngineConfig engineConfigFor(const Options& o, const std::string& iface_name, bool is_file,
                             const std::vector<Cidr>& own_networks);

}  // namespace netlens
