#include "export/flow_export.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "collect/zmq_keys.hpp"
#include "export/netflow_exporter.hpp"
#include "export/zmq_exporter.hpp"

namespace netlens {

std::vector<std::unique_ptr<ExportWorker>> openExporters(const FlowIoOptions& o, bool quiet) {
  std::vector<NetflowExportOptions> netflow;
  for (const std::string& spec : o.netflow_export) {
    try {
      netflow.push_back(parseNetflowExportSpec(spec));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(std::string("--netflow-export: ") + e.what());
    }
  }
  // Two exporters of one kind to the same destinations would send every flow there twice, and
  // nothing (not their status lines, not their /metrics series) could tell them apart.
  for (size_t i = 0; i < o.zmq_export.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (o.zmq_export[i] == o.zmq_export[j]) throw std::runtime_error("--zmq-export " + o.zmq_export[i] + " is given twice");
  for (size_t i = 0; i < netflow.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (netflow[i].collectors == netflow[j].collectors)
        throw std::runtime_error("--netflow-export " + o.netflow_export[i] + ": the same collectors as --netflow-export " +
                                 o.netflow_export[j] + " (every flow would reach them twice)");

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
  for (size_t i = 0; i < netflow.size(); ++i) {
    NetflowExportOptions& no = netflow[i];
    no.round_robin = o.netflow_round_robin;
    no.max_queued_flows = o.export_queue;
    out.push_back(std::make_unique<NetflowExporter>(no));
    if (!quiet)
      std::fprintf(stderr, "netlens: exporting flows as %s to %s\n", no.version == 9 ? "NetFlow v9" : "IPFIX",
                   o.netflow_export[i].c_str());
  }
  return out;
}

void printExportStatus(const std::string& iface, const std::vector<std::unique_ptr<ExportFeed>>& feeds) {
  for (const auto& f : feeds) {
    const ExportStats s = f->exportStats();
    std::string line = "export " + s.kind;
    for (size_t i = 0; i < s.destinations.size(); ++i) line.append(i ? "," : " ").append(s.destinations[i]);
    line += ':';
    forEachExportCounter(s, [&](const ExportCounter& c) {
      line.append(" ").append(c.name).append("=").append(std::to_string(c.value));
    });
    std::fprintf(stderr, "netlens: %s: %s\n", iface.c_str(), line.c_str());
  }
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
