#pragma once
// WebServer: netlens's embedded HTTP(S) server: the REST API (and later the pages). It never
// touches engine state directly: every answer is built from an interface snapshot obtained
// through the interface's SnapshotChannel, so a slow or heavy request never stalls packets.
#include <memory>
#include <string>
#include <vector>

#include "engine/settings_channel.hpp"
#include "engine/snapshot.hpp"

namespace netlens::enrich {
class AliasTable;
class NameStore;
}

namespace netlens::store {
class TimeseriesStore;
}

namespace netlens::web {

struct WebOptions {
  std::string http_address = "0.0.0.0";
  int http_port = 3000;         // 0: no plain HTTP
  std::string https_address = "0.0.0.0";
  int https_port = 0;           // 0: no HTTPS
  std::string cert_file, key_file;
  std::string data_dir;         // users, preferences
  std::string web_root;         // the static front end (HTML, JS, CSS); empty: the built-in default
  bool disable_login = false;
  SettingsChannel* settings = nullptr;  // where changed preferences go (the packet threads)
  enrich::AliasTable* aliases = nullptr;  // host aliases (PUT/DELETE /api/v1/hosts/{ip}/alias)
  enrich::NameStore* name_store = nullptr;  // where aliases are kept across restarts
  const store::TimeseriesStore* timeseries = nullptr;  // time series and activity maps (none: 404)
  int threads = 8;
};

// One monitored interface as the web layer sees it.
struct WebInterface {
  std::string name;
  SnapshotChannel* snapshots;
};

class WebServer {
 public:
  WebServer(WebOptions options, std::vector<WebInterface> interfaces);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds the listening sockets (throws std::runtime_error with the reason when it cannot)
  // and serves on background threads.
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The data directory: the one given (-d), else /var/lib/netlens for root, else the user's own.
std::string effectiveDataDir(const std::string& configured);

// "[ADDR:]PORT" → address and port; throws std::invalid_argument with a message.
void parseListenSpec(const std::string& spec, std::string& address, int& port);

}  // namespace netlens::web
