#include "export/flow_export.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "collect/zmq_keys.hpp"
#include "export/netflow_exporter.hpp"
#include "export/zmq_exporter.hpp"

namespace netlens {

std::vector<std::unique_ptr<ExportWorker>> openExporters(const FlowIoOptions& o, bool quiet) {
  std::vector<std::unique_ptr<ExportWorker>> out;
  for (const std::string& ep : o.zmq_export) {
    ZmqExportOptions zo;
    zo.endpoint = ep;
    zo.connect = o.zmq_probe_mode;
    zo.compress = o.zmq_export_compress;
    zo.max_queued_flows = o.export_queue;
    if (!o.zmq_export_key.empty()) zo.server_public_key = loadCurveKey(o.zmq_export_key, "--zmq-export-encryption-key");
    out.push_back(std::make_unique<ZmqExporter>(zo));
    if (!quiet)
      std::fprintf(stderr, "netlens: exporting flows as ZMQ JSON on %s (%s%s)\n", ep.c_str(), zo.connect ? "connected" : "bound",
                   zo.server_public_key.empty() ? "" : ", CURVE");
  }
  for (const std::string& spec : o.netflow_export) {
    NetflowExportOptions no;
    try {
      no = parseNetflowExportSpec(spec);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(std::string("--netflow-export: ") + e.what());
    }
    no.round_robin = o.netflow_round_robin;
    no.max_queued_flows = o.export_queue;
    out.push_back(std::make_unique<NetflowExporter>(no));
    if (!quiet) std::fprintf(stderr, "netlens: exporting flows as %s to %s\n", no.version == 9 ? "NetFlow v9" : "IPFIX", spec.c_str());
  }
  return out;
}

void exportCounters(const std::vector<std::unique_ptr<ExportFeed>>& feeds, std::vector<IoCounter>& out,
                    bool exporters_running) {
  for (const char* group : {"zmq_export", "netflow_export"}) {
    const bool zmq = std::strcmp(group, "zmq_export") == 0;
    uint64_t flows = 0, dropped = 0, sent = 0, none = 0, errors = 0, messages = 0, queued = 0;
    bool any = false;
    for (const auto& f : feeds) {
      if (std::strcmp(f->kind(), group) != 0) continue;
      any = true;
      const ExportStats& s = f->stats();
      flows += s.flows.load(), dropped += s.dropped_queue_full.load(), sent += s.sent.load();
      none += s.no_subscriber.load(), errors += s.send_errors.load(), messages += s.messages.load();
      if (exporters_running) queued += f->worker().queued();
    }
    if (!any) continue;
    out.push_back({group, "flows", flows});
    out.push_back({group, "sent", sent});
    out.push_back({group, zmq ? "messages" : "datagrams", messages});
    out.push_back({group, "dropped_queue_full", dropped});
    if (zmq) out.push_back({group, "no_subscriber", none});
    out.push_back({group, "send_errors", errors});
    out.push_back({group, "queued", queued});
  }
}

void printExportStatus(const std::string& iface, const std::vector<IoCounter>& io) {
  std::string line;
  const char* group = nullptr;
  for (const IoCounter& c : io) {
    if (std::strstr(c.group, "_export") == nullptr) continue;
    if (!group || std::strcmp(group, c.group) != 0) {
      if (!line.empty()) std::fprintf(stderr, "netlens: %s: %s\n", iface.c_str(), line.c_str());
      group = c.group;
      line = std::string(group) + ":";
    }
    line += " " + std::string(c.name) + "=" + std::to_string(c.value);
  }
  if (!line.empty()) std::fprintf(stderr, "netlens: %s: %s\n", iface.c_str(), line.c_str());
}

void waitForSubscribers(const std::vector<std::unique_ptr<ExportWorker>>& exporters, uint32_t seconds, bool quiet) {
  if (seconds == 0) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (const auto& e : exporters) {
    const auto* z = dynamic_cast<const ZmqExporter*>(e.get());
    if (!z) continue;
    while (z->subscribers() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (z->subscribers() == 0 && !quiet)
      std::fprintf(stderr, "netlens: %s: no collector subscribed within %u s; going on\n", e->name().c_str(), seconds);
  }
}

}  // namespace netlens
