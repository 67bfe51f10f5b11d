#include "web/web_server.hpp"

#include <httplib.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "core/json_writer.hpp"
#include "netlens_version.hpp"
#include "web/api_timeseries.hpp"
#include "web/api_v1.hpp"
#include "enrich/name_store.hpp"
#include "web/names_api.hpp"
#include "web/metrics.hpp"
#include "web/api_geo.hpp"
#include "web/ntopng_compat.hpp"
#include "web/openapi.hpp"
#include "web/web_auth.hpp"
#include "web/web_routes.hpp"

namespace netlens::web {

void parseListenSpec(const std::string& spec, std::string& address, int& port) {
  const auto colon = spec.rfind(':');
  std::string port_text = colon == std::string::npos ? spec : spec.substr(colon + 1);
  if (colon != std::string::npos) {
    address = spec.substr(0, colon);
    if (address.size() >= 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
    if (address.empty()) address = "0.0.0.0";
  }
  int p = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || p < 0 || p > 65535)
    throw std::invalid_argument("'" + spec + "' is not [ADDRESS:]PORT");
  port = p;
}

namespace {

uint64_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * uint64_t(sysconf(_SC_PAGESIZE));
}

}  // namespace

struct WebServer::Impl {
  WebOptions options;
  std::vector<WebInterface> interfaces;
  std::unique_ptr<httplib::Server> http;
  std::unique_ptr<httplib::Server> https;
  std::vector<std::thread> threads;
  std::unique_ptr<WebAuth> auth;
  Micros started = wallClockMicros();

  // Interface-level answers: a summary (no flow or host is copied).
  std::shared_ptr<const InterfaceSnapshot> snapshot(const httplib::Request& req, httplib::Response& res, int& id) {
    const std::string& text = req.matches[1];
    std::from_chars(text.data(), text.data() + text.size(), id);
    if (id < 0 || size_t(id) >= interfaces.size() || !WebAuth::current().user.canSeeInterface(interfaces[size_t(id)].name)) {
      send(res, apiError(404, "no interface " + text + " (see /api/v1/interfaces)"));
      return nullptr;
    }
    auto snap = interfaces[size_t(id)].snapshots->summary();
    if (!snap) send(res, apiError(503, "interface " + text + " has not answered yet; try again"));
    return snap;
  }

  // Queries over the large tables run on the interface's packet thread, over its live tables:
  // they read only what they return, and nothing is copied.
  using Query = std::function<ApiResult(const QueryView&, const Visibility&)>;
  void query(const httplib::Request& req, httplib::Response& res, bool flows, bool hosts, Query api) {
    answerOnPacketThread(interfaces, req, res, [flows, hosts, api = std::move(api)](const NetworkInterface& iface,
                                                                                  const Visibility& vis) {
      return api(liveView(iface, flows, hosts), vis);
    });
  }

  void routes(httplib::Server& s, bool https) {
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) { return auth->gate(req, res); });
    auth->routes(s, https);
    s.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}});
    s.set_keep_alive_max_count(1000);
    s.new_task_queue = [n = options.threads] { return new httplib::ThreadPool(size_t(n)); };

    s.Get("/api/v1/status", [this](const httplib::Request&, httplib::Response& res) {
      ApiResult r;
      JsonWriter w(r.body);
      w.beginObject().field("version", kVersion);
      w.key("uptime").fixed6(wallClockMicros() - started);
      w.field("resident_memory_bytes", residentBytes());
      w.key("interfaces").beginArray();
      for (size_t i = 0; i < interfaces.size(); ++i) {
        auto snap = interfaces[i].snapshots->summary();
        w.beginObject().field("id", uint32_t(i)).field("name", interfaces[i].name);
        if (snap) {
          const InterfaceStats& st = snap->summary.stats;
          w.key("drops").beginObject().field("kernel", st.kernel_drops).field("interface", st.interface_drops)
              .field("engine", st.engine_drops).endObject();
          w.key("packet_thread_cpu").fixed6(st.packet_thread_cpu);
        }
        w.endObject();
      }
      w.endArray();
      if (options.name_store) {
        // Where names, aliases and purged hosts are kept (Redis may be away: then it says so).
        const store::KvStatus st = options.name_store->status();
        w.key("store").beginObject().field("backend", st.backend).field("where", st.where)
            .field("available", st.available).field("failed_operations", st.failed_ops).field("reconnects", st.reconnects);
        if (!st.last_error.empty()) w.field("last_error", st.last_error);
        w.endObject();
      }
      w.endObject();
      send(res, r);
    });
    s.Get("/api/v1/interfaces", [this](const httplib::Request&, httplib::Response& res) {
      std::vector<NamedSnapshot> all;
      for (size_t i = 0; i < interfaces.size(); ++i)
        if (WebAuth::current().user.canSeeInterface(interfaces[i].name))
          all.push_back({int(i), interfaces[i].snapshots->summary()});
      send(res, apiInterfaces(all));
    });
    s.Get(R"(/api/v1/interfaces/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      int id = -1;
      if (auto snap = snapshot(req, res, id)) send(res, apiInterface({id, snap}));
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/hosts)", [this](const httplib::Request& req, httplib::Response& res) {
      query(req, res, false, true, [p = req.params](const QueryView& v, const Visibility& vis) { return apiHosts(v, p, vis); });
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/hosts/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      query(req, res, true, true, [ip = std::string(req.matches[2]), p = req.params](const QueryView& v, const Visibility& vis) {
        return apiHost(v, ip, p, vis);
      });
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/flows)", [this](const httplib::Request& req, httplib::Response& res) {
      query(req, res, true, false, [p = req.params](const QueryView& v, const Visibility& vis) { return apiFlows(v, p, vis); });
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/flows/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      query(req, res, true, false, [fid = std::string(req.matches[2])](const QueryView& v, const Visibility& vis) {
        return apiFlow(v, fid, vis);
      });
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/applications)", [this](const httplib::Request& req, httplib::Response& res) {
      int id = -1;
      if (auto snap = snapshot(req, res, id)) send(res, apiApplications(viewOf(*snap)));
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/l4protocols)", [this](const httplib::Request& req, httplib::Response& res) {
      int id = -1;
      if (auto snap = snapshot(req, res, id)) send(res, apiL4Protocols(viewOf(*snap)));
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/networks)", [this](const httplib::Request& req, httplib::Response& res) {
      int id = -1;
      if (auto snap = snapshot(req, res, id)) send(res, apiNetworks(viewOf(*snap)));
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/exporters)", [this](const httplib::Request& req, httplib::Response& res) {
      int id = -1;
      if (auto snap = snapshot(req, res, id)) send(res, apiExporters({id, snap}));
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/top_talkers)", [this](const httplib::Request& req, httplib::Response& res) {
      query(req, res, false, true, [p = req.params](const QueryView& v, const Visibility& vis) { return apiTopTalkers(v, p, vis); });
    });
    // Prometheus scrapes this (authenticated like the API: Basic or a Bearer API token).
    s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      std::vector<std::pair<std::string, std::shared_ptr<const InterfaceSnapshot>>> all;
      for (const WebInterface& i : interfaces)
        if (WebAuth::current().user.canSeeInterface(i.name)) all.emplace_back(i.name, i.snapshots->summary());
      const ProcessFacts facts{double(wallClockMicros() - started) / double(kMicrosPerSecond), residentBytes()};
      res.set_content(prometheusMetrics(all, facts), "text/plain; version=0.0.4; charset=utf-8");
    });
    // Autonomous systems, countries and the geo map (src/web/api_geo.cpp).
    s.Get(R"(/api/v1/interfaces/(\d+)/asns)", [this](const httplib::Request& req, httplib::Response& res) {
      query(req, res, false, true, [p = req.params](const QueryView& v, const Visibility& vis) { return apiAsns(v, p, vis); });
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/asns/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      query(req, res, false, true, [a = std::string(req.matches[2])](const QueryView& v, const Visibility& vis) {
        return apiAsn(v, a, vis);
      });
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/countries)", [this](const httplib::Request& req, httplib::Response& res) {
      query(req, res, false, true, [p = req.params](const QueryView& v, const Visibility& vis) { return apiCountries(v, p, vis); });
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/countries/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      query(req, res, false, true, [c = std::string(req.matches[2])](const QueryView& v, const Visibility& vis) {
        return apiCountry(v, c, vis);
      });
    });
    s.Get(R"(/api/v1/interfaces/(\d+)/geomap)", [this](const httplib::Request& req, httplib::Response& res) {
      query(req, res, true, true, [p = req.params](const QueryView& v, const Visibility& vis) { return apiGeoMap(v, p, vis); });
    });
    registerNtopngCompat(s, interfaces, started);
    registerNameRoutes(s, options, interfaces);
    registerTimeseriesRoutes(s, interfaces, options.timeseries);
    s.Get("/api/v1/openapi.json", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(openApiDocument(), "application/json");
    });
    // The front end: static files, every one served by netlens itself (no CDN).
    const std::string root = options.web_root.empty() ? NETLENS_DEFAULT_WEB_ROOT : options.web_root;
    if (!s.set_mount_point("/", root))
      std::fprintf(stderr, "netlens: web root %s not found: the pages are not served (the API is)\n", root.c_str());
    s.set_file_extension_and_mimetype_mapping("js", "text/javascript");
    s.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
    s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      send(res, apiError(res.status, res.status == 404 ? "no such resource: " + req.path : "request failed"));
    });
    s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      send(res, apiError(500, "internal error"));
    });
  }

  void listen(httplib::Server& s, const std::string& address, int port, const char* what) {
    if (!s.bind_to_port(address.c_str(), port))
      throw std::runtime_error(std::string(what) + ": cannot listen on " + address + ":" + std::to_string(port) +
                               " (address in use or not permitted)");
    threads.emplace_back([&s] { s.listen_after_bind(); });
  }
};

WebServer::WebServer(WebOptions options, std::vector<WebInterface> interfaces) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->interfaces = std::move(interfaces);
}

WebServer::~WebServer() { stop(); }

void WebServer::start() {
  Impl& m = *impl_;
  m.auth = std::make_unique<WebAuth>(m.options);
  if (m.options.settings) {
    const RuntimeSettings stored = m.auth->storedSettings();
    if (stored.flow_idle_s || stored.tcp_closed_s || stored.local_host_idle_s || stored.remote_host_idle_s ||
        stored.local_host_apps || stored.name_mode)
      m.options.settings->publish(stored);
  }
  if (m.options.http_port > 0) {
    m.http = std::make_unique<httplib::Server>();
    m.routes(*m.http, false);
    m.listen(*m.http, m.options.http_address, m.options.http_port, "-w");
  }
  if (m.options.https_port > 0) {
    if (m.options.cert_file.empty() || m.options.key_file.empty())
      throw std::runtime_error("-W: HTTPS needs --https-cert FILE and --https-key FILE");
    auto tls = std::make_unique<httplib::SSLServer>(m.options.cert_file.c_str(), m.options.key_file.c_str());
    if (!tls->is_valid()) throw std::runtime_error("-W: cannot use the certificate or key (" + m.options.cert_file + ")");
    m.https = std::move(tls);
    m.routes(*m.https, true);
    m.listen(*m.https, m.options.https_address, m.options.https_port, "-W");
  }
}

void WebServer::stop() {
  if (!impl_) return;
  if (impl_->http) impl_->http->stop();
  if (impl_->https) impl_->https->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}


}  // namespace netlens::web
